/*
 * The public rump kernel calls the rk component makes, declared here with
 * NetBSD's ABI types (pid_t 32 bits, mode_t 32 bits, off_t 64 bits) so
 * rk needs no host headers. They return -1 and report the error through
 * rumpuser_seterrno.
 */
#ifndef RK_RUMP_API_H
#define RK_RUMP_API_H

#include <stddef.h>
#include <stdint.h>

struct lwp;

int rump_init(void);
int rump_init_server(const char *url);	/* librumpkern_sysproxy: rumpuser_sp_init(url, ...) */
enum rk_etfs_type { RK_ETFS_REG, RK_ETFS_BLK, RK_ETFS_CHR, RK_ETFS_DIR, RK_ETFS_DIR_SUBDIRS };
int rump_pub_etfs_register(const char *key, const char *hostpath, enum rk_etfs_type type);
int rump_pub_lwproc_rfork(int flags);
void rump_pub_lwproc_switch(struct lwp *l);
void rump_pub_lwproc_releaselwp(void);
struct lwp *rump_pub_lwproc_curlwp(void);
#define RK_RFFDG	0x01	/* copy the descriptor table */
#define RK_RFCFDG	0x02	/* start with a clean one */

/* The system calls, under the names the archives define (the rump
 * headers map rump_sys_X to these, with NetBSD's versioned names). */
#define rump_sys_mkdir		rump___sysimpl_mkdir
#define rump_sys_rmdir		rump___sysimpl_rmdir
#define rump_sys_mount		rump___sysimpl_mount50
#define rump_sys_unmount	rump___sysimpl_unmount
#define rump_sys_open		rump___sysimpl_open
#define rump_sys_close		rump___sysimpl_close
#define rump_sys_read		rump___sysimpl_read
#define rump_sys_write		rump___sysimpl_write
#define rump_sys_pread		rump___sysimpl_pread
#define rump_sys_pwrite		rump___sysimpl_pwrite
#define rump_sys_lseek		rump___sysimpl_lseek
#define rump_sys_fsync		rump___sysimpl_fsync
#define rump_sys_unlink		rump___sysimpl_unlink
#define rump_sys_rename		rump___sysimpl_rename
#define rump_sys_sync		rump___sysimpl_sync
#define rump_sys_getpid		rump___sysimpl_getpid
#define rump_sys_fstat		rump___sysimpl_fstat50
#define rump_sys_stat		rump___sysimpl_stat50
#define rump_sys_getdents	rump___sysimpl_getdents30
#define rump_sys_ftruncate	rump___sysimpl_ftruncate
#define rump_sys_getvfsstat	rump___sysimpl_getvfsstat
#define rump_sys_getcwd		rump___sysimpl___getcwd
#define rump_sys_setgroups	rump___sysimpl_setgroups
#define rump_sys_setgid		rump___sysimpl_setgid
#define rump_sys_setuid		rump___sysimpl_setuid
#define rump_sys_chmod		rump___sysimpl_chmod

int rump_sys_mkdir(const char *path, uint32_t mode);
int rump_sys_rmdir(const char *path);
int rump_sys_mount(const char *type, const char *path, int flags, void *data, size_t len);
int rump_sys_unmount(const char *path, int flags);
int rump_sys_open(const char *path, int flags, ...);
int rump_sys_close(int fd);
long rump_sys_read(int fd, void *buf, size_t n);
long rump_sys_write(int fd, const void *buf, size_t n);
long rump_sys_pread(int fd, void *buf, size_t n, int64_t off);
long rump_sys_pwrite(int fd, const void *buf, size_t n, int64_t off);
int64_t rump_sys_lseek(int fd, int64_t off, int whence);
int rump_sys_fsync(int fd);
int rump_sys_unlink(const char *path);
int rump_sys_rename(const char *from, const char *to);
void rump_sys_sync(void);
int rump_sys_getpid(void);
int rump_sys_fstat(int fd, void *st);		/* struct stat, rkfs_stat layout */
int rump_sys_stat(const char *path, void *st);
int rump_sys_getdents(int fd, void *buf, size_t len);
int rump_sys_ftruncate(int fd, int64_t len);
struct rk_statvfs;
int rump_sys_getvfsstat(struct rk_statvfs *buf, size_t bytes, int flags);	/* -> mounts listed */
int rump_sys_getcwd(char *buf, size_t len);
int rump_sys_setgroups(int n, const uint32_t *gids);
int rump_sys_setgid(uint32_t gid);
int rump_sys_setuid(uint32_t uid);
int rump_sys_chmod(const char *path, uint32_t mode);

/* NetBSD's count of processes (nprocs), read for rk_counts */
extern unsigned int rumpns_nprocs;

/* Mount a file system of `type` (components/rk/mount.c): -1 and errno
 * like the system call. `dev` is the device of a disk file system. */
int mount_fs(const char *type, const char *dev, const char *path, int flags);
int unmount_fs(const char *path, int flags);
/* Unmount everything in the rump kernel's own mount list (whoever mounted
 * it, on whatever path), newest first; returns how many could not be. */
int unmount_all_fs(void);

/* NetBSD values */
#define RK_O_RDONLY	0x0000
#define RK_O_WRONLY	0x0001
#define RK_O_RDWR	0x0002
#define RK_O_APPEND	0x0008
#define RK_O_CREAT	0x0200
#define RK_O_TRUNC	0x0400
#define RK_O_EXCL	0x0800
#define RK_MNT_RDONLY	0x00000001
#define RK_MNT_FORCE	0x00080000
#define RK_MNT_NOWAIT	2		/* getvfsstat: the kernel's figures as they are */

#endif
