/*
 * How rk mounts each kind of file system: the argument structure NetBSD's
 * mount(2) expects for it (include/r2c/netbsd.h). Disk file systems (ffs,
 * ext2fs) take the device path; tmpfs gets a size limit, a quarter of
 * rk's memory, so filling it says ENOSPC instead of starving the rump
 * kernel's page daemon (a client's tmpfs gets the same: mountguard.c).
 * At the shutdown rk unmounts what the rump kernel's own mount list
 * holds, whoever mounted it and on whatever path.
 */
#include "r2c.h"
#include "r2c/netbsd.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

int64_t tmpfs_size_limit(void)
{
	return (int64_t)(r2c_env->untyped_frames * 4096 / 4);
}

/* rk's own mounts, from its arg=: their mount points are shorter than 32
 * characters, well within what NetBSD's ext2fs can take (mountguard.c). */
int mount_fs(const char *type, const char *dev, const char *path, int flags)
{
	if (!strcmp(type, "tmpfs")) {
		struct nb_tmpfs_args a = { .ta_version = NB_TMPFS_ARGS_VERSION, .ta_root_mode = 01777,
					   .ta_size_max = tmpfs_size_limit() };
		return rump_sys_mount(type, path, flags, &a, sizeof(a));
	}
	struct nb_ufs_args a = { dev };
	return rump_sys_mount(type, path, flags, &a, sizeof(a));
}

int unmount_fs(const char *path, int flags)
{
	return rump_sys_unmount(path, flags);
}

#define MOUNTS_MAX 64

int unmount_all_fs(void)
{
	static struct nb_statvfs st[MOUNTS_MAX];	/* the shutdown's alone */
	int n = rump_sys_getvfsstat(st, sizeof(st), NB_ST_NOWAIT), left = 0;
	if (n < 0) {
		r2c_printf("rk: cannot list the mounts (%d)\n", rk_ctx()->error);
		return 1;
	}
	for (int i = n - 1; i >= 0; i--) {	/* newest first: what sits on another goes before it */
		const char *path = st[i].f_mntonname;
		if (!strcmp(path, "/"))
			continue;
		bool forced = false;
		int r = unmount_fs(path, 0);
		if (r < 0) {		/* a client holds files open there */
			forced = true;
			r = unmount_fs(path, NB_MNT_FORCE);
		}
		r2c_printf("rk: %s %s\n", r == 0 ? (forced ? "unmounted (forced)" : "unmounted") : "cannot unmount", path);
		left += r != 0;
	}
	return left;
}
