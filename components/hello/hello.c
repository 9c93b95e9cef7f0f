/*
 * hello: the demo application. Given the NetBSD rump kernel (rk), it does
 * what the first rump2cos demo did on its RAM disk: mount FFS, create a
 * directory and files, write, read back, unmount, remount and verify.
 * Without rk it writes, flushes and reads back a block of the RAM disk
 * server directly.
 */
#include "r2c.h"
#include "r2c/ramdisk.h"
#include "rkclient/syscall.h"
#include "rkclient/dir.h"
#include "rkclient/mount.h"
#include "fmt/fmt.h"

#define FILES 5

static void fail(const char *what)
{
	r2c_printf("hello: FAILED: %s: errno %d\n", what, errno);
}

static void list(void *ctx, const struct nb_dirent *d)
{
	if (d->d_name[0] != '.')
		(*(int *)ctx)++;
}

static int count_files(const char *dir)
{
	int fd = open(dir, NB_O_RDONLY | NB_O_DIRECTORY, 0), n = 0;
	if (fd < 0)
		return -errno;
	rk_readdir(fd, list, &n);
	close(fd);
	return n;
}

static void file_demo(void)
{
	char path[64], data[64], back[64];
	mkdir("/mnt", 0755);
	if (rk_mount_disk("ffs", "/dev/rd0", "/mnt", 0) < 0)
		return fail("mount ffs /dev/rd0 /mnt");
	r2c_printf("hello: mounted FFS /dev/rd0 on /mnt (I am process %d of the rump kernel)\n", getpid());
	if (mkdir("/mnt/hello", 0755) < 0 && errno != EEXIST)
		return fail("mkdir /mnt/hello");
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "/mnt/hello/file%d", i);
		int n = fmt_snprintf(data, sizeof(data), "this is file %d, written by hello", i);
		int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
		if (fd < 0)
			return fail(path);
		if (write(fd, data, (size_t)n) != n)
			return fail("write");
		memset(back, 0, sizeof(back));
		if (pread(fd, back, sizeof(back) - 1, 0) != n || memcmp(back, data, (size_t)n))
			return fail("read back");
		fsync(fd);
		close(fd);
	}
	r2c_printf("hello: wrote and read back %d files; the directory lists %d\n", FILES, count_files("/mnt/hello"));
	if (unmount("/mnt", 0) < 0)
		return fail("unmount");
	r2c_printf("hello: unmounted /mnt\n");
	if (rk_mount_disk("ffs", "/dev/rd0", "/mnt", 0) < 0)
		return fail("remount");
	int ok = 0;
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "/mnt/hello/file%d", i);
		int n = fmt_snprintf(data, sizeof(data), "this is file %d, written by hello", i);
		int fd = open(path, NB_O_RDONLY, 0);
		memset(back, 0, sizeof(back));
		if (fd >= 0 && read(fd, back, sizeof(back) - 1) == n && !memcmp(back, data, (size_t)n))
			ok++;
		if (fd >= 0)
			close(fd);
	}
	r2c_printf("hello: remounted; %d of %d files verified\n", ok, FILES);
	if (unmount("/mnt", 0) < 0)
		return fail("final unmount");
	r2c_printf("hello: %s\n", ok == FILES ? "done" : "FAILED: files lost across the remount");
}

static void block_demo(void)
{
	word_t geo = r2c_import("ramdisk_geometry"), rd = r2c_import("ramdisk_read"),
	       wr = r2c_import("ramdisk_write"), fl = r2c_import("ramdisk_flush");
	const struct cinfo_shm *buf = r2c_shm("ramdisk");
	if (!geo || !rd || !wr || !fl || !buf) {
		r2c_printf("hello: neither a rump kernel nor a RAM disk was granted\n");
		return;
	}
	long blocks = r2c_call(geo, 0, 0, 0, 0);
	char *b = (char *)buf->vaddr;
	const char msg[] = "rump2cos was here";
	memcpy(b, msg, sizeof(msg));
	long w = r2c_call(wr, 7, 1, 0, 0), f = r2c_call(fl, 0, 0, 0, 0);
	memset(b, 0, RAMDISK_BLOCK);
	long r = r2c_call(rd, 7, 1, 0, 0);
	r2c_printf("hello: disk of %ld blocks; wrote %ld, flushed %ld, read back %ld bytes: \"%s\"\n",
		   blocks, w, f, r, b);
	r2c_printf("hello: %s\n", !strcmp(b, msg) ? "done" : "FAILED: the block did not come back");
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_printf("hello from %s, component %lu, thread %lu\n", r2c_env->name, r2c_env->id, r2c_self());
	if (rk_sys_init("rk") == 0)
		file_demo();
	else
		block_demo();
}
