/*
 * What rk lets a client's mount(2) ask. NetBSD checks who may mount; but
 * two things a mount can ask of this rump kernel take all of rk down, so
 * rk checks them first, on its own copies of the arguments, and pins
 * those copies for the call (rk_sp_pin): NetBSD then reads what rk
 * checked, whatever another client thread writes meanwhile.
 *
 * - ext2fs: NetBSD's ext2fs_mount (this revision) copies the mount point
 *   into a 64-byte superblock field with copystr and, when it does not
 *   fit, clears the rest with a length copystr never set: the rump kernel
 *   writes far past the field and faults. NetBSD keeps the mount point as
 *   the caller wrote it (a relative one stays relative), so one of 63
 *   characters or more is refused with ENAMETOOLONG.
 * - tmpfs: without a size limit, filling it starves the rump kernel's
 *   page daemon, which deadlocks. A client's tmpfs gets at most what
 *   rk's own get (tmpfs_size_limit), as if it had asked for that.
 * - MNT_UPDATE changes a mount of whatever type the path names, which rk
 *   cannot see from the arguments (the type is not read): refused with
 *   EOPNOTSUPP. MNT_GETARGS only reads a mount's arguments back.
 */
#include "r2c.h"
#include "r2c/netbsd.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

#define EXT2_MOUNT_POINT_MAX	62	/* characters: copystr's 63 bytes hold them and the NUL */
#define FSTYPE_MAX		32	/* NetBSD's f_fstypename, with the NUL */
#define MOUNT_DATA_MAX		8192	/* VFS_MAX_MOUNT_DATA: NetBSD refuses more */

/* The client's string at *arg into buf (size bytes with the NUL), pinned
 * in its place: 0, or NetBSD's errno. */
static int pin_string(uint64_t *arg, char *buf, size_t size)
{
	size_t done = 0;
	long r = r2c_copyinstr((const void *)*arg, buf, size, &done);
	if (r)
		return r == -ENAMETOOLONG ? ENAMETOOLONG : EFAULT;
	void *pin = rk_sp_pin(buf, done);
	if (!pin)
		return EIO;
	*arg = (uint64_t)pin;
	return 0;
}

/* args: type, path, flags, data, data_len */
int client_mount(uint64_t *args, long *retval)
{
	char type[FSTYPE_MAX], path[EXT2_MOUNT_POINT_MAX + 1];
	struct nb_tmpfs_args ta;
	int flags = (int)args[2], err = 0;
	if (flags & NB_MNT_GETARGS)
		return rumpuser_hyp->hyp_syscall(NB_SYS_mount, args, retval);
	if (flags & NB_MNT_UPDATE)
		return EOPNOTSUPP;
	/* a type rk cannot read is one NetBSD does not know either (it would
	 * try the number of a historic type, of file systems rk has not) */
	if (pin_string(&args[0], type, sizeof(type)))
		err = ENODEV;
	else if (!strcmp(type, "ext2fs"))
		err = pin_string(&args[1], path, sizeof(path));
	else if (!strcmp(type, "tmpfs") && args[3] && (args[4] == 0 || (args[4] >= sizeof(ta) && args[4] <= MOUNT_DATA_MAX))) {
		/* (data_len 0: NetBSD would read sizeof(ta); NULL data or another
		 * size: NetBSD says EINVAL itself) */
		void *pin = NULL;
		if (r2c_copyin((const void *)args[3], &ta, sizeof(ta)))
			err = EFAULT;
		else {
			int64_t max = tmpfs_size_limit();
			if (ta.ta_size_max < 4096 || ta.ta_size_max > max)	/* < a page: no limit */
				ta.ta_size_max = max;
			if (!(pin = rk_sp_pin(&ta, sizeof(ta))))
				err = EIO;
		}
		args[3] = (uint64_t)pin;
		args[4] = sizeof(ta);
	}
	if (!err)
		err = rumpuser_hyp->hyp_syscall(NB_SYS_mount, args, retval);
	rk_sp_unpin();
	return err;
}
