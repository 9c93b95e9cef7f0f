/* mount(2) through rk with each file system's own arguments: NetBSD's
 * __mount50 takes (type, path, flags, data, data_len), data the file
 * system's argument structure (include/r2c/netbsd.h). Like the other
 * wrappers: 0, or -1 with errno set. */
#ifndef RKCLIENT_MOUNT_H
#define RKCLIENT_MOUNT_H

#include <stdint.h>

/* A disk file system ("ffs", "ext2fs") on the block device dev
 * ("/dev/rd0"): struct ufs_args. */
int rk_mount_disk(const char *type, const char *dev, const char *dir, int flags);
/* A tmpfs of at most size_max bytes (0: as much as rk lets a tmpfs have),
 * its root directory with mode: struct tmpfs_args. */
int rk_mount_tmpfs(const char *dir, int64_t size_max, int mode, int flags);

#endif
