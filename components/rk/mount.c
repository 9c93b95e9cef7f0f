/*
 * How rk mounts each kind of file system: the argument structure NetBSD's
 * mount(2) expects for it, in NetBSD's amd64 layout. Disk file systems
 * (ffs, ext2fs, ...) start theirs with the device path; tmpfs gets a size
 * limit, a quarter of rk's memory unless asked for less, so filling it
 * says ENOSPC instead of starving the rump kernel's page daemon. At the
 * shutdown rk unmounts what the rump kernel's own mount list holds,
 * whoever mounted it and on whatever path.
 */
#include "r2c.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

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

/* NetBSD's ext2fs_mount (this revision) copies the mount point into a
 * 64-byte field of the superblock and, when it does not fit, clears the
 * rest with a length it never set: the rump kernel writes far past the
 * field and faults. Refuse such a mount point (as the calling process
 * sees it: relative paths count from its working directory; ".." and
 * symbolic links are not resolved here). */
#define EXT2_MOUNT_POINT_MAX 63
static bool ext2_path_fits(const char *path)
{
	char cwd[1024];
	size_t n = strlen(path);
	if (path[0] != '/') {
		if (rump_sys_getcwd(cwd, sizeof(cwd)) < 0)
			return false;
		n += strlen(cwd) + (strcmp(cwd, "/") != 0);
	}
	return n <= EXT2_MOUNT_POINT_MAX;
}

int mount_fs(const char *type, const char *dev, const char *path, int flags)
{
	int r;
	if (!strcmp(type, "ext2fs") && !ext2_path_fits(path)) {
		rk_ctx()->error = 63;	/* NetBSD ENAMETOOLONG */
		return -1;
	}
	if (!strcmp(type, "tmpfs")) {
		struct tmpfs_args a = { .version = TMPFS_ARGS_VERSION, .root_mode = 01777,
					.size_max = (int64_t)(r2c_env->untyped_frames * 4096 / 4) };
		r = rump_sys_mount(type, path, flags, &a, sizeof(a));
	} else {
		struct disk_args a = { dev, { 0 } };
		r = rump_sys_mount(type, path, flags, &a, sizeof(a));
	}
	return r;
}

int unmount_fs(const char *path, int flags)
{
	return rump_sys_unmount(path, flags);
}

/* NetBSD's struct statvfs (amd64); only the mount point is read. */
struct rk_statvfs {
	unsigned long flag, bsize, frsize, iosize;
	uint64_t blocks, bfree, bavail, bresvd, files, ffree, favail, fresvd;
	uint64_t syncreads, syncwrites, asyncreads, asyncwrites;
	int32_t fsidx[2];
	unsigned long fsid, namemax;
	uint32_t owner, spare[4];
	char fstypename[32], mntonname[1024], mntfromname[1024];
};
_Static_assert(sizeof(struct rk_statvfs) == 2256, "NetBSD amd64 struct statvfs");

#define MOUNTS_MAX 64

int unmount_all_fs(void)
{
	static struct rk_statvfs st[MOUNTS_MAX];	/* the shutdown's alone */
	int n = rump_sys_getvfsstat(st, sizeof(st), RK_MNT_NOWAIT), left = 0;
	if (n < 0) {
		r2c_printf("rk: cannot list the mounts (%d)\n", rk_ctx()->error);
		return 1;
	}
	for (int i = n - 1; i >= 0; i--) {	/* newest first: what sits on another goes before it */
		const char *path = st[i].mntonname;
		if (!strcmp(path, "/"))
			continue;
		bool forced = false;
		int r = unmount_fs(path, 0);
		if (r < 0) {		/* a client holds files open there */
			forced = true;
			r = unmount_fs(path, RK_MNT_FORCE);
		}
		r2c_printf("rk: %s %s\n", r == 0 ? (forced ? "unmounted (forced)" : "unmounted") : "cannot unmount", path);
		left += r != 0;
	}
	return left;
}
