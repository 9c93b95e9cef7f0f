/*
 * rktest ":paths" (compose/test-netbsd-paths.comp): a client mounts the
 * FFS disk on a relative path of more than 64 characters, writes a file
 * and leaves it mounted; rk's shutdown must find that mount in the rump
 * kernel's own list and unmount it, and the host then checks the image
 * (tools/run-tests: tools/ffs-check). An ext2 mount on such a path is
 * refused (NetBSD's ext2fs would write past its superblock field; rk's
 * components/rk/mountguard.c), and rk goes on serving: one of 62
 * characters mounts, one of 63 is refused.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/mount.h"
#include "crowd.h"

#define LONG_NAME "a-mount-point-whose-name-is-longer-than-sixty-four-characters-by-far"
#define LONG_DIR "tmp/" LONG_NAME

void paths_mount_and_leave(void)
{
	int e = mkdir(LONG_DIR, 0755);
	r2c_check("paths.mkdir_long_relative", e == 0, "mkdir %s: errno %d", LONG_DIR, errno);
	e = rk_mount_disk("ffs", "/dev/rd0", LONG_DIR, 0);
	r2c_check("paths.mount_long_relative", e == 0, "mount on %s: errno %d", LONG_DIR, errno);
	int fd = open(LONG_DIR "/left-mounted", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	long n = fd < 0 ? -1 : write(fd, "rk's shutdown unmounts me\n", 26);
	if (fd >= 0)
		close(fd);
	CHECK_EQ("paths.write", n, 26);

	mkdir(LONG_DIR "-ext2", 0755);
	e = rk_mount_disk("ext2fs", "/dev/rd1", LONG_DIR "-ext2", 0);
	r2c_check("paths.ext2_long_refused", e == -1 && errno == ENAMETOOLONG, "mount: %d, errno %d", e, errno);
	/* the edge: the superblock field holds 62 characters and the NUL */
	char at[64];
	memset(at, 'e', sizeof(at));
	memcpy(at, "/tmp/", 5);
	at[62] = 0;
	mkdir(at, 0755);
	e = rk_mount_disk("ext2fs", "/dev/rd1", at, 0);
	int u = e ? -1 : unmount(at, 0);
	r2c_check("paths.ext2_62_mounts", e == 0 && u == 0, "mount: %d, unmount: %d, errno %d", e, u, errno);
	at[62] = 'e';
	at[63] = 0;
	mkdir(at, 0755);
	e = rk_mount_disk("ext2fs", "/dev/rd1", at, 0);
	r2c_check("paths.ext2_63_refused", e == -1 && errno == ENAMETOOLONG, "mount: %d, errno %d", e, errno);
	r2c_check("paths.still_serving", getpid() > 0, "rk does not answer");
	r2c_printf("rktest: leaving /%s mounted for rk's shutdown\n", LONG_DIR);
}
