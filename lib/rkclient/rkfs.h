/* POSIX-like file calls for application components, served by the rk
 * component (the NetBSD rump kernel). Each returns >= 0 or a negative
 * NetBSD errno. Data is copied through the buffer the application shares
 * with rk, a chunk at a time, so any size works. */
#ifndef RKFS_CLIENT_H
#define RKFS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "r2c/rkfs.h"

int rk_fs_init(const char *server);	/* 0, or -ENOENT if not granted */
long rk_open(const char *path, int flags, int mode);
long rk_close(int fd);
long rk_read(int fd, void *buf, size_t n);
long rk_write(int fd, const void *buf, size_t n);
long rk_pread(int fd, void *buf, size_t n, int64_t pos);
long rk_pwrite(int fd, const void *buf, size_t n, int64_t pos);
long rk_lseek(int fd, int64_t pos, int whence);
long rk_fstat(int fd, struct rkfs_stat *st);
long rk_stat(const char *path, struct rkfs_stat *st);
long rk_mkdir(const char *path, int mode);
long rk_rmdir(const char *path);
long rk_unlink(const char *path);
long rk_rename(const char *from, const char *to);
/* Calls fn for each entry of the directory open as fd; the count, or -errno. */
long rk_readdir(int fd, void (*fn)(void *ctx, const char *name, int type), void *ctx);
long rk_fsync(int fd);
long rk_sync(void);
long rk_mount(const char *type, const char *dev, const char *path, int flags);
long rk_unmount(const char *path, int flags);
long rk_getpid(void);
/* The raw interface, for tests of rk's argument checks. */
long rk_raw(const char *entry, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
