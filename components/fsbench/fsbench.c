/*
 * fsbench: what an application component gets from the NetBSD rump kernel
 * next door. arg=TYPE:DEVICE:DIR says what to mount. Figures, printed as
 * "bench:" lines for tools/run-bench: the null system call round trip
 * (app -> rk -> rump_sys_getpid -> back, and getpid through rk's generic
 * system-call entry, rk_syscall), sequential write of 64 MiB in
 * 64 KiB calls ending with fsync, sequential read of it back, and
 * creating 2,000 files of 100 bytes (create, write, close). Measured with
 * the TSC; the same operations as bench/rump_posix.c runs on Linux. With
 * a fourth field ":instructions" (a boot under QEMU's -icount, where the
 * TSC ticks once per instruction) the same figures in TSC ticks:
 * instructions per call, per file.
 */
#include "r2c.h"
#include "rkclient/rkfs.h"
#include "rkclient/syscall.h"
#include "fmt/fmt.h"
#include "r2c/fsbench.h"

static char fields[4][R2C_ARG_FIELD];	/* TYPE:DEVICE:DIR[:instructions] */
static char *const type = fields[0], *const dev = fields[1], *const dir = fields[2], *const mode = fields[3];
static char chunk[CHUNK];
static bool instructions;	/* ":instructions": figures in TSC ticks, an instruction each under -icount */

/* Nanoseconds since t0 (a TSC reading), or TSC ticks with ":instructions". */
static uint64_t ns_since(uint64_t t0)
{
	uint64_t c = r2c_tsc() - t0;
	if (instructions)
		return c;
	return c / r2c_env->tsc_hz * 1000000000u + c % r2c_env->tsc_hz * 1000000000u / r2c_env->tsc_hz;
}

/* "123.4" for bytes per ns, in MB/s (10^6 bytes); or instructions per call. */
static void print_rate(const char *what, uint64_t bytes, uint64_t ns)
{
	if (instructions)
		return (void)r2c_printf("bench: %s: %lu instructions per call  [ACCEL]\n", what, ns / (bytes / CHUNK));
	uint64_t tenths = ns ? bytes * 10000 / ns : 0;	/* bytes/ns * 1000 = MB/s; * 10 */
	r2c_printf("bench: %s: %lu.%lu MB/s  [ACCEL]\n", what, tenths / 10, tenths % 10);
}

static int fail(const char *what, long e)
{
	r2c_printf("fsbench: %s failed: error %ld\n", what, e);
	return -1;
}

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static long old_getpid(void) { return rk_getpid(); }
static long generic_getpid(void) { return getpid(); }

static void bench_getpid(long (*call)(void), const char *what)
{
	uint64_t per_call[GETPID_BATCHES];
	for (int b = 0; b < GETPID_BATCHES; b++) {
		uint64_t t0 = r2c_tsc();
		for (int i = 0; i < GETPID_BATCH; i++)
			call();
		per_call[b] = ns_since(t0) / GETPID_BATCH;
	}
	sort(per_call, GETPID_BATCHES);
	r2c_printf("bench: null system call app -> rk (%s) round trip: %lu %s "
		   "(median of %d batches of %d)  [ACCEL]\n", what, per_call[GETPID_BATCHES / 2],
		   instructions ? "instructions" : "ns", GETPID_BATCHES, GETPID_BATCH);
}

static int bench_big(void)
{
	char path[48];
	fmt_snprintf(path, sizeof(path), "%s/big", dir);
	for (unsigned i = 0; i < CHUNK; i++)
		chunk[i] = (char)(i * 7 + 1);
	long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0644);
	if (fd < 0)
		return fail("open for writing", fd);
	uint64_t t0 = r2c_tsc();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK) {
		long n = rk_write((int)fd, chunk, CHUNK);
		if (n != CHUNK)
			return fail("write", n);
	}
	long e = rk_fsync((int)fd);
	if (e)
		return fail("fsync", e);
	print_rate("FFS sequential write, 64 MiB in 64 KiB calls, then fsync", BIG_BYTES, ns_since(t0));
	rk_close((int)fd);

	fd = rk_open(path, RKFS_O_RDONLY, 0);
	if (fd < 0)
		return fail("open for reading", fd);
	t0 = r2c_tsc();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK) {
		long n = rk_read((int)fd, chunk, CHUNK);
		if (n != CHUNK)
			return fail("read", n);
	}
	print_rate("FFS sequential read, 64 MiB in 64 KiB calls", BIG_BYTES, ns_since(t0));
	rk_close((int)fd);
	if (chunk[CHUNK - 1] != (char)((CHUNK - 1) * 7 + 1))
		return fail("read back (wrong data)", -EIO);
	return (int)rk_unlink(path);
}

static int bench_small(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/small", dir);
	long e = rk_mkdir(path, 0755);
	if (e)
		return fail("mkdir", e);
	uint64_t t0 = r2c_tsc();
	for (int i = 0; i < SMALL_FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/small/f%d", dir, i);
		long fd = rk_open(path, RKFS_O_WRONLY | RKFS_O_CREAT | RKFS_O_EXCL, 0644);
		if (fd < 0)
			return fail("create", fd);
		long n = rk_write((int)fd, chunk, SMALL_BYTES);
		rk_close((int)fd);
		if (n != SMALL_BYTES)
			return fail("small write", n);
	}
	uint64_t ns = ns_since(t0);
	if (instructions)
		r2c_printf("bench: FFS create + write 100 B + close, %d files: %lu instructions per file  [ACCEL]\n",
			   SMALL_FILES, ns / SMALL_FILES);
	else
		r2c_printf("bench: FFS create + write 100 B + close, %d files: %lu files/s  [ACCEL]\n", SMALL_FILES,
			   ns ? (uint64_t)SMALL_FILES * 1000000000u / ns : 0);
	return 0;
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_ready();		/* nothing waits for me: the booter need not */
	if (r2c_arg_fields(r2c_env->arg, fields, 4) || !type[0] || !dir[0] || (mode[0] && strcmp(mode, "instructions")))
		return (void)fail("reading arg= (expected TYPE:DEVICE:DIR[:instructions])", -EINVAL);
	instructions = mode[0] != 0;
	if (rk_fs_init("rk"))
		return (void)fail("finding rk's interface", -ENOENT);
	bool generic = !rk_sys_init("rk");
	rk_mkdir(dir, 0755);
	long e = rk_mount(type, dev, dir, 0);
	if (e)
		return (void)fail("mount", e);
	bench_getpid(old_getpid, "rump_sys_getpid");
	if (generic)
		bench_getpid(generic_getpid, "getpid through rk_syscall, the generic path");
	if (bench_big() == 0)
		bench_small();
	if ((e = rk_unmount(dir, 0)))
		fail("unmount", e);
	r2c_printf("fsbench: done\n");
}
