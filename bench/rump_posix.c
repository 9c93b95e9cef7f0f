/*
 * The reference side of `make bench RUMPKERNEL_POSIX=dir`: the same NetBSD
 * rump kernel as rk, linked into a Linux process on its own POSIX
 * hypercalls, doing what components/fsbench does: the null system call
 * (rump_sys_getpid) and FFS sequential write, read and small-file creation
 * on a copy of the same image kept in RAM (a /dev/shm file registered as
 * a block device). Prints the same "bench:" lines. The null call is timed
 * twice: from a thread with no lwp, as RUMPUSER.md's reference figure
 * was (the rump kernel makes and frees a temporary lwp each call), and
 * from a process of its own (rump_pub_lwproc_rfork), as rk gives each
 * client; the file-system figures are taken in that process.
 *   rump-posix-bench [--instructions] [--tag TEXT] IMAGE
 *   rump-posix-bench --null-calls N [bound]   only N null calls, quietly:
 *       for counting instructions under valgrind (tools/run-bench)
 * Also built static for the Linux guest of make bench (tools/linux-guest),
 * where --instructions measures with the TSC, which ticks once per
 * instruction under QEMU's -icount shift=0 (as components/fsbench does),
 * and --tag names the machine in the printed lines.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <x86intrin.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "r2c/fsbench.h"

static char chunk[CHUNK];
static bool instructions;		/* --instructions: TSC ticks, one per instruction under -icount */
static const char *tag = "host Linux";	/* --tag */

/* Nanoseconds, or with --instructions TSC ticks. */
static uint64_t now_ns(void)
{
	if (instructions)
		return __rdtsc();
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void print_rate(const char *what, uint64_t bytes, uint64_t ns)
{
	if (instructions) {
		printf("bench: %s: %lu instructions per call  [%s]\n", what, (unsigned long)(ns / (bytes / CHUNK)), tag);
		return;
	}
	uint64_t tenths = ns ? bytes * 10000 / ns : 0;
	printf("bench: %s: %lu.%lu MB/s  [%s]\n", what, (unsigned long)(tenths / 10), (unsigned long)(tenths % 10), tag);
}

static void die(const char *what, int e)
{
	fprintf(stderr, "rump-posix-bench: %s failed: error %d\n", what, e);
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void null_calls(const char *how)
{
	uint64_t per_call[GETPID_BATCHES];
	for (int b = 0; b < GETPID_BATCHES; b++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < GETPID_BATCH; i++)
			rump_sys_getpid();
		per_call[b] = (now_ns() - t0) / GETPID_BATCH;
	}
	qsort(per_call, GETPID_BATCHES, sizeof(per_call[0]), cmp);
	printf("bench: null system call rump_sys_getpid in-process, %s: %lu %s (median of %d batches of %d)  "
	       "[%s]\n", how, (unsigned long)per_call[GETPID_BATCHES / 2], instructions ? "instructions" : "ns",
	       GETPID_BATCHES, GETPID_BATCH, tag);
}

int main(int argc, char **argv)
{
	int e;
	if (argc >= 3 && !strcmp(argv[1], "--null-calls")) {
		long n = atol(argv[2]);
		if ((e = rump_init()) || (argc > 3 && (e = rump_pub_lwproc_rfork(RUMP_RFCFDG))))
			die("rump_init or lwproc_rfork", e);
		for (long i = 0; i < n; i++)
			rump_sys_getpid();
		return 0;
	}
	for (; argc > 2 && !strncmp(argv[1], "--", 2); argc--, argv++)
		if (!strcmp(argv[1], "--instructions"))
			instructions = true;
		else if (!strcmp(argv[1], "--tag") && argc > 3)
			tag = argv[2], argc--, argv++;
		else
			break;
	if (argc != 2) {
		fprintf(stderr, "usage: rump-posix-bench [--instructions] [--tag TEXT] IMAGE | --null-calls N [bound]\n");
		return 2;
	}
	if ((e = rump_init()))
		die("rump_init", e);
	null_calls("thread without an lwp");
	if ((e = rump_pub_lwproc_rfork(RUMP_RFCFDG)))
		die("lwproc_rfork", e);
	null_calls("in a process of its own");
	if ((e = rump_pub_etfs_register("/dev/rd0", argv[1], RUMP_ETFS_BLK)))
		die("etfs_register", e);
	rump_sys_mkdir("/mnt", 0755);
	struct { const char *fspec; char pad[120]; } args = { "/dev/rd0", { 0 } };
	if (rump_sys_mount("ffs", "/mnt", 0, &args, sizeof(args)) < 0)
		die("mount", errno);

	for (unsigned i = 0; i < CHUNK; i++)
		chunk[i] = (char)(i * 7 + 1);
	int fd = rump_sys_open("/mnt/big", RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	if (fd < 0)
		die("open for writing", errno);
	uint64_t t0 = now_ns();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (rump_sys_write(fd, chunk, CHUNK) != CHUNK)
			die("write", errno);
	if (rump_sys_fsync(fd) < 0)
		die("fsync", errno);
	print_rate("FFS sequential write, 64 MiB in 64 KiB calls, then fsync", BIG_BYTES, now_ns() - t0);
	rump_sys_close(fd);
	if ((fd = rump_sys_open("/mnt/big", RUMP_O_RDONLY)) < 0)
		die("open for reading", errno);
	t0 = now_ns();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (rump_sys_read(fd, chunk, CHUNK) != CHUNK)
			die("read", errno);
	print_rate("FFS sequential read, 64 MiB in 64 KiB calls", BIG_BYTES, now_ns() - t0);
	rump_sys_close(fd);
	rump_sys_unlink("/mnt/big");

	if (rump_sys_mkdir("/mnt/small", 0755) < 0)
		die("mkdir", errno);
	char path[64];
	t0 = now_ns();
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "/mnt/small/f%d", i);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0644);
		if (fd < 0)
			die("create", errno);
		if (rump_sys_write(fd, chunk, SMALL_BYTES) != SMALL_BYTES)
			die("small write", errno);
		rump_sys_close(fd);
	}
	uint64_t ns = now_ns() - t0;
	if (instructions)
		printf("bench: FFS create + write 100 B + close, %d files: %lu instructions per file  [%s]\n",
		       SMALL_FILES, (unsigned long)(ns / SMALL_FILES), tag);
	else
		printf("bench: FFS create + write 100 B + close, %d files: %lu files/s  [%s]\n", SMALL_FILES,
		       (unsigned long)(ns ? (uint64_t)SMALL_FILES * 1000000000u / ns : 0), tag);
	if (rump_sys_unmount("/mnt", 0) < 0)
		die("unmount", errno);
	return 0;
}
