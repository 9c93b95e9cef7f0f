/*
 * fsbench: what an application component gets from the NetBSD rump kernel
 * next door, through NetBSD's system calls (rk's generic entry
 * rk_syscall, lib/rkclient/syscall.h). arg=TYPE:DEVICE:DIR says what to
 * mount. Figures, printed as "bench:" lines for tools/run-bench: the null
 * system call round trip (app -> rk -> getpid -> back), a small call
 * with three arguments (in registers, and in a block rk copies in),
 * sequential write
 * of 64 MiB in 64 KiB calls ending with fsync, sequential read of it
 * back, and creating 2,000 files of 100 bytes (create, write, close).
 * Measured with the TSC; the same operations as bench/rump_posix.c runs
 * on Linux. With a fourth field ":instructions" (a boot under QEMU's
 * -icount, where the TSC ticks once per instruction) the same figures in
 * instructions (per call, per file), and one 64 KiB write and read call
 * timed alone. With ":bytes" only those timed calls, for tools/run-bench's
 * profiled boot: each write is made by one_write and each read by
 * one_read, and call_done runs after each, so the profiler's windows
 * (one_write to call_done, one_read to call_done) hold exactly the calls.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/mount.h"
#include "fmt/fmt.h"
#include "r2c/fsbench.h"

static char fields[4][R2C_ARG_FIELD];	/* TYPE:DEVICE:DIR[:instructions] */
static char *const type = fields[0], *const dev = fields[1], *const dir = fields[2], *const mode = fields[3];
static char chunk[CHUNK];

static uint64_t ns_since(uint64_t t0)
{
	uint64_t c = r2c_tsc() - t0;
	return c / r2c_env->tsc_hz * 1000000000u + c % r2c_env->tsc_hz * 1000000000u / r2c_env->tsc_hz;
}

/* "123.4" for bytes per ns, in MB/s (10^6 bytes). */
static bool instructions(void)	/* under -icount: a TSC tick is an instruction, at "1 GHz" */
{
	return !strcmp(mode, "instructions") || !strcmp(mode, "bytes");
}

/* The profiler's markers (see above): not inlined, never merged. */
__attribute__((noinline)) static long one_write(int fd)
{
	__asm__ volatile("" ::: "memory");
	return write(fd, chunk, CHUNK);
}

__attribute__((noinline)) static long one_read(int fd)
{
	__asm__ volatile("" ::: "memory");
	return read(fd, chunk, CHUNK);
}

__attribute__((noinline)) static void call_done(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void seq_read_begin(void) { __asm__ volatile("nop" ::: "memory"); }
__attribute__((noinline)) static void seq_read_end(void) { __asm__ volatile("nop; nop" ::: "memory"); }

static void print_rate(const char *what, uint64_t bytes, uint64_t ns)
{
	if (instructions())
		return (void)r2c_printf("bench: %s: %lu instructions per call  [ACCEL]\n", what, ns / (bytes / CHUNK));
	uint64_t tenths = ns ? bytes * 10000 / ns : 0;	/* bytes/ns * 1000 = MB/s; * 10 */
	r2c_printf("bench: %s: %lu.%lu MB/s  [ACCEL]\n", what, tenths / 10, tenths % 10);
}

static int fail(const char *what)
{
	r2c_printf("fsbench: %s failed: errno %d\n", what, errno);
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

static long null_call(void)
{
	return getpid();
}

/* A small call with arguments, which NetBSD refuses at once (EBADF):
 * what passing them costs, in registers (as the library does for up to
 * three) and in a block rk copies in from the client. */
static long read_regs(void)
{
	char b[1];
	return read(-1, b, 0);
}

static long read_block(void)
{
	char b[1];
	uint64_t args[3] = { (uint64_t)-1, (uint64_t)b, 0 };
	long rv[2];
	return rk_syscall_block(NB_SYS_read, args, sizeof(args), rv);
}

/* what: the figure's name */
static void bench_call(long (*call)(void), const char *what)
{
	uint64_t per_call[GETPID_BATCHES];
	for (int b = 0; b < GETPID_BATCHES; b++) {
		uint64_t t0 = r2c_tsc();
		for (int i = 0; i < GETPID_BATCH; i++)
			call();
		per_call[b] = ns_since(t0) / GETPID_BATCH;
	}
	sort(per_call, GETPID_BATCHES);
	r2c_printf("bench: %s round trip: %lu %s (median of %d batches of %d)  [ACCEL]\n", what,
		   per_call[GETPID_BATCHES / 2], instructions() ? "instructions" : "ns", GETPID_BATCHES, GETPID_BATCH);
}

/* One 64 KiB call at a time, each timed: writes to a new file, then
 * reads of it back (from the page cache); the medians. */
#define TIMED_CALLS 32
static int bench_calls(void)
{
	char path[48];
	uint64_t t[2][TIMED_CALLS];
	fmt_snprintf(path, sizeof(path), "%s/calls", dir);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	if (fd < 0)
		return fail("open for the timed calls");
	for (int rw = 0; rw < 2; rw++) {
		for (int i = 0; i < TIMED_CALLS; i++) {
			uint64_t t0 = r2c_tsc();
			long n = rw ? one_read(fd) : one_write(fd);
			call_done();
			t[rw][i] = ns_since(t0);
			if (n != CHUNK)
				return fail(rw ? "a timed read" : "a timed write");
		}
		sort(t[rw], TIMED_CALLS);
		if (!rw && lseek(fd, 0, NB_SEEK_SET) != 0)
			return fail("lseek");
	}
	close(fd);
	r2c_printf("bench: FFS 64 KiB write call app -> rk, new file: %lu %s (median of %d)  [ACCEL]\n",
		   t[0][TIMED_CALLS / 2], instructions() ? "instructions" : "ns", TIMED_CALLS);
	r2c_printf("bench: FFS 64 KiB read call app -> rk, page cache: %lu %s (median of %d)  [ACCEL]\n",
		   t[1][TIMED_CALLS / 2], instructions() ? "instructions" : "ns", TIMED_CALLS);
	return unlink(path);
}

static int bench_big(void)
{
	char path[48];
	fmt_snprintf(path, sizeof(path), "%s/big", dir);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	if (fd < 0)
		return fail("open for writing");
	uint64_t t0 = r2c_tsc();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (write(fd, chunk, CHUNK) != CHUNK)
			return fail("write");
	if (fsync(fd))
		return fail("fsync");
	print_rate("FFS sequential write, 64 MiB in 64 KiB calls, then fsync", BIG_BYTES, ns_since(t0));
	close(fd);

	fd = open(path, NB_O_RDONLY, 0);
	if (fd < 0)
		return fail("open for reading");
	memset(chunk, 0, CHUNK);	/* what is checked after must come from the file */
	t0 = r2c_tsc();
	seq_read_begin();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (read(fd, chunk, CHUNK) != CHUNK)
			return fail("read");
	seq_read_end();
	print_rate("FFS sequential read, 64 MiB in 64 KiB calls", BIG_BYTES, ns_since(t0));
	close(fd);
	if (chunk[CHUNK - 1] != (char)((CHUNK - 1) * 7 + 1)) {
		errno = EIO;
		return fail("read back (wrong data)");
	}
	return unlink(path);
}

static int bench_small(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/small", dir);
	if (mkdir(path, 0755))
		return fail("mkdir");
	uint64_t t0 = r2c_tsc();
	for (int i = 0; i < SMALL_FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/small/f%d", dir, i);
		int fd = open(path, NB_O_WRONLY | NB_O_CREAT | NB_O_EXCL, 0644);
		if (fd < 0)
			return fail("create");
		long n = write(fd, chunk, SMALL_BYTES);
		close(fd);
		if (n != SMALL_BYTES)
			return fail("small write");
	}
	uint64_t ns = ns_since(t0);
	if (instructions())
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
	if (r2c_arg_fields(r2c_env->arg, fields, 4) || !type[0] || !dir[0] || (mode[0] && !instructions())) {
		r2c_printf("fsbench: arg=%s: expected TYPE:DEVICE:DIR[:instructions|:bytes]\n", r2c_env->arg);
		return;
	}
	if (rk_sys_init("rk")) {
		r2c_printf("fsbench: the composition gave me no rk\n");
		return;
	}
	for (unsigned i = 0; i < CHUNK; i++)
		chunk[i] = (char)(i * 7 + 1);
	mkdir(dir, 0755);
	if (rk_mount_disk(type, dev, dir, 0))
		return (void)fail("mount");
	bench_call(null_call, "null system call app -> rk (getpid through rk_syscall)");
	bench_call(read_regs, "small call app -> rk (read(-1, buf, 0), 3 arguments in registers)");
	bench_call(read_block, "small call app -> rk (read(-1, buf, 0), 3 arguments in a block rk copies)");
	if (instructions())
		bench_calls();
	if (strcmp(mode, "bytes") && bench_big() == 0)
		bench_small();
	if (unmount(dir, 0))
		fail("unmount");
	r2c_printf("fsbench: done\n");
}
