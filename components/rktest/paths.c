/*
 * rktest ":paths" (compose/test-netbsd-paths.comp): a client mounts the
 * FFS disk on a relative path of more than 64 characters, writes a file
 * and leaves it mounted; rk's shutdown must find that mount in the rump
 * kernel's own list and unmount it, and the host then checks the image
 * (tools/run-tests: tools/ffs-check). An ext2 mount on such a path is
 * refused (NetBSD's ext2fs would write past its superblock field), and
 * rk goes on serving.
 */
#include "r2c.h"
#include "rkclient/rkfs.h"
#include "crowd.h"

#define LONG_NAME "a-mount-point-whose-name-is-longer-than-sixty-four-characters-by-far"
#define LONG_DIR "tmp/" LONG_NAME

void paths_mount_and_leave(void)
{
	long e = rk_mkdir(LONG_DIR, 0755);
	r2c_check("paths.mkdir_long_relative", e == 0, "mkdir %s: %ld", LONG_DIR, e);
	e = rk_mount("ffs", "/dev/rd0", LONG_DIR, 0);
	r2c_check("paths.mount_long_relative", e == 0, "mount on %s: %ld", LONG_DIR, e);
	long fd = rk_open(LONG_DIR "/left-mounted", RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0644);
	long n = fd < 0 ? fd : rk_write((int)fd, "rk's shutdown unmounts me\n", 26);
	if (fd >= 0)
		rk_close((int)fd);
	CHECK_EQ("paths.write", n, 26);

	rk_mkdir(LONG_DIR "-ext2", 0755);
	CHECK_EQ("paths.ext2_long_refused", rk_mount("ext2fs", "/dev/rd1", LONG_DIR "-ext2", 0), -ENAMETOOLONG);
	r2c_check("paths.still_serving", rk_getpid() > 0, "rk does not answer");
	r2c_printf("rktest: leaving /%s mounted for rk's shutdown\n", LONG_DIR);
}
