/*
 * How rk mounts each kind of file system: the argument structure NetBSD's
 * mount(2) expects for it, in NetBSD's amd64 layout. Disk file systems
 * (ffs, ext2fs, ...) start theirs with the device path; tmpfs takes
 * limits (none here: it grows within the rump kernel's memory limit).
 */
#include "r2c.h"
#include "rump_api.h"

struct disk_args {		/* ufs_args, ext2fs_args: fspec first */
	const char *fspec;
	char pad[120];
};

struct tmpfs_args {
	int version;
	uint64_t nodes_max;	/* ino_t; <= 3: the default */
	int64_t size_max;	/* off_t; < a page: the memory limit */
	uint32_t root_uid, root_gid, root_mode;
};
#define TMPFS_ARGS_VERSION 1

int rk_mount(const char *type, const char *dev, const char *path, int flags)
{
	if (!strcmp(type, "tmpfs")) {
		struct tmpfs_args a = { .version = TMPFS_ARGS_VERSION, .root_mode = 01777 };
		return rump_sys_mount(type, path, flags, &a, sizeof(a));
	}
	struct disk_args a = { dev, { 0 } };
	return rump_sys_mount(type, path, flags, &a, sizeof(a));
}
