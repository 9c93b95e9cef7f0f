/*
 * The public rump kernel calls the rk component makes itself (booting,
 * its disks, its own mounts and the shutdown's unmounts), declared here
 * with NetBSD's ABI types (mode_t 32 bits) so rk needs no host headers.
 * The system calls return -1 and report the error through
 * rumpuser_seterrno. Clients' calls do not come through here: they are
 * NetBSD's own, by number (sysproxy.c).
 */
#ifndef RK_RUMP_API_H
#define RK_RUMP_API_H

#include <stddef.h>
#include <stdint.h>

int rump_init(void);
int rump_init_server(const char *url);	/* librumpkern_sysproxy: rumpuser_sp_init(url, ...) */
enum rk_etfs_type { RK_ETFS_REG, RK_ETFS_BLK, RK_ETFS_CHR, RK_ETFS_DIR, RK_ETFS_DIR_SUBDIRS };
int rump_pub_etfs_register(const char *key, const char *hostpath, enum rk_etfs_type type);

/* The system calls, under the names the archives define (the rump
 * headers map rump_sys_X to these, with NetBSD's versioned names). */
#define rump_sys_mkdir		rump___sysimpl_mkdir
#define rump_sys_mount		rump___sysimpl_mount50
#define rump_sys_unmount	rump___sysimpl_unmount
#define rump_sys_getvfsstat	rump___sysimpl_getvfsstat
#define rump_sys_chmod		rump___sysimpl_chmod

int rump_sys_mkdir(const char *path, uint32_t mode);
int rump_sys_mount(const char *type, const char *path, int flags, void *data, size_t len);
int rump_sys_unmount(const char *path, int flags);
struct nb_statvfs;
int rump_sys_getvfsstat(struct nb_statvfs *buf, size_t bytes, int flags);	/* -> mounts listed */
int rump_sys_chmod(const char *path, uint32_t mode);

/* NetBSD's count of processes (nprocs), read for rk_counts */
extern unsigned int rumpns_nprocs;

/* Mount a file system of `type` (components/rk/mount.c): -1 and errno
 * like the system call. `dev` is the device of a disk file system. */
int mount_fs(const char *type, const char *dev, const char *path, int flags);
int unmount_fs(const char *path, int flags);
int64_t tmpfs_size_limit(void);		/* bytes: what a tmpfs in rk may hold */
/* A client's mount(2) (components/rk/mountguard.c): args is rk's copy of
 * its argument block, the client's lwp bound and the virtual CPU held;
 * NetBSD's errno. */
int client_mount(uint64_t *args, long *retval);
/* Unmount everything in the rump kernel's own mount list (whoever mounted
 * it, on whatever path), newest first; returns how many could not be. */
int unmount_all_fs(void);

#endif
