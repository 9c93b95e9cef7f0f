/* See mount.h. The argument structure lives on the caller's stack: the
 * rump kernel copies it in during the call (rk pins its own copy of what
 * it checks first: components/rk/mountguard.c). */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/mount.h"

int rk_mount_disk(const char *type, const char *dev, const char *dir, int flags)
{
	struct nb_ufs_args args = { dev };
	return mount(type, dir, flags, &args, sizeof(args));
}

int rk_mount_tmpfs(const char *dir, int64_t size_max, int mode, int flags)
{
	struct nb_tmpfs_args args = { .ta_version = NB_TMPFS_ARGS_VERSION, .ta_size_max = size_max,
				      .ta_root_mode = (uint32_t)mode };
	return mount("tmpfs", dir, flags, &args, sizeof(args));
}
