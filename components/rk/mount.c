/*
 * How rk mounts each kind of file system: the argument structure NetBSD's
 * mount(2) expects for it, in NetBSD's amd64 layout. Disk file systems
 * (ffs, ext2fs, ...) start theirs with the device path; tmpfs takes
 * limits (none here: it grows within the rump kernel's memory limit).
 * rk remembers what is mounted, so the shutdown can unmount it all.
 */
#include "r2c.h"
#include "rump_api.h"

#define MOUNTS 16
static char mounted[MOUNTS][64];	/* absolute paths; "" free */
static struct r2c_mutex table_lock;

/* Absolute paths only, without trailing slashes, so "/mnt/" and "/mnt"
 * are one mount; relative or long ones the shutdown will not know. */
static void remember(const char *path, bool add)
{
	char p[sizeof(mounted[0])];
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (path[0] != '/' || n >= sizeof(p))
		return;
	memcpy(p, path, n);
	p[n] = '\0';
	r2c_mutex_lock(&table_lock);
	int free_slot = -1, found = -1;
	for (int i = 0; i < MOUNTS; i++) {
		if (!mounted[i][0] && free_slot < 0)
			free_slot = i;
		if (mounted[i][0] && !strcmp(mounted[i], p))
			found = i;
	}
	if (add && found < 0 && free_slot >= 0)
		memcpy(mounted[free_slot], p, n + 1);
	else if (!add && found >= 0)
		mounted[found][0] = '\0';
	r2c_mutex_unlock(&table_lock);
}

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

int mount_fs(const char *type, const char *dev, const char *path, int flags)
{
	int r;
	if (!strcmp(type, "tmpfs")) {
		struct tmpfs_args a = { .version = TMPFS_ARGS_VERSION, .root_mode = 01777 };
		r = rump_sys_mount(type, path, flags, &a, sizeof(a));
	} else {
		struct disk_args a = { dev, { 0 } };
		r = rump_sys_mount(type, path, flags, &a, sizeof(a));
	}
	if (r == 0)
		remember(path, true);
	return r;
}

int unmount_fs(const char *path, int flags)
{
	int r = rump_sys_unmount(path, flags);
	if (r == 0)
		remember(path, false);
	return r;
}

int unmount_all_fs(void)
{
	int left = 0;
	for (int i = MOUNTS - 1; i >= 0; i--) {
		char path[64];
		r2c_mutex_lock(&table_lock);
		memcpy(path, mounted[i], sizeof(path));
		r2c_mutex_unlock(&table_lock);
		if (!path[0])
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
