/*
 * Reads and writes of 8 KiB or more, which rk serves through a window on
 * the client's own buffer (SELF_BORROW, components/rk/sysproxy.c): the
 * bytes must be the file's both ways, at unaligned addresses, up to
 * SELF_COPY_MAX and past it (no window then), and a buffer that cannot
 * be lent (running into an unmapped page, read-only for a read) must get
 * NetBSD's own answer, EFAULT, as it does through the kernel's copy.
 */
#include "sctest.h"

static char src[SELF_COPY_MAX + 8192], dst[SELF_COPY_MAX + 8192];
static const char rodata[16384] = { 1, 2, 3, [8191] = 4, [16383] = 5 };

static void check(const char *what, bool ok, long r)
{
	r2c_check_in("lend", what, ok, "returned %ld (errno %d)", r, errno);
}

/* read(2) of n bytes at offset off into dst + at, compared with src + from. */
static void read_back(const char *what, int fd, word_t at, word_t n, word_t from)
{
	memset(dst, 0, sizeof(dst));
	long r = lseek(fd, 0, NB_SEEK_SET) == 0 ? read(fd, dst + at, n) : -2;
	check(what, r == (long)n && !memcmp(dst + at, src + from, n), r);
}

void lend(void)
{
	char path[96];
	sc_path(path, sizeof(path), "lend");
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	for (word_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 13 + 7);
	long r = write(fd, src + 3, SELF_COPY_MAX);
	check("write_max_unaligned", fd >= 0 && r == SELF_COPY_MAX, r);
	read_back("read_unaligned", fd, 5, 20000, 3);
	read_back("read_max_unaligned", fd, 9, SELF_COPY_MAX, 3);
	r = pwrite(fd, src + 11, 12288, 40000);
	memset(dst, 0, sizeof(dst));
	long r2 = pread(fd, dst + 1, 12288, 40000);
	check("pwrite_pread", r == 12288 && r2 == 12288 && !memcmp(dst + 1, src + 11, 12288), r2);
	memcpy(src + 3 + 40000, src + 11, 12288);	/* what the file holds now */
	r = lseek(fd, 0, NB_SEEK_SET) == 0 ? read(fd, dst, SELF_COPY_MAX + 4096) : -2;
	check("read_past_max", r == SELF_COPY_MAX && !memcmp(dst, src + 3, SELF_COPY_MAX), r);

	/* buffers that cannot be lent: NetBSD's own EFAULT, rk serves on */
	lseek(fd, 0, NB_SEEK_SET);
	errno = 0;
	r = read(fd, guarded_page(0) + 4096 - 100, 16384);
	check("read_runs_off", r == -1 && errno == EFAULT, r);
	lseek(fd, 0, NB_SEEK_SET);
	errno = 0;
	r = read(fd, (char *)rodata, 16384);
	check("read_into_read_only", r == -1 && errno == EFAULT && rodata[8191] == 4, r);
	r = pwrite(fd, rodata, 16384, 0);
	memset(dst, 0, sizeof(dst));
	r2 = pread(fd, dst, 16384, 0);
	check("write_from_read_only", r == 16384 && r2 == 16384 && !memcmp(dst, rodata, 16384), r2);
	check("served", sc_served(), 0);
	close(fd);
	unlink(path);
}
