/*
 * The Linux guest's side of `make bench` (tools/linux-guest boots it in the
 * same QEMU as rump2cos): the fsbench workload of include/r2c/fsbench.h
 * on a directory of Linux's own file systems (tmpfs, ext2 on a RAM block
 * device), the getpid() system call and a one-byte pipe round trip
 * between two processes, so the two systems are compared on the same work
 * in the same emulator. Built static, for an initramfs.
 *
 * Two units, like components/fsbench: by default time, from
 * CLOCK_MONOTONIC (under TCG, QEMU's virtual clock follows the host's);
 * with --instructions, the TSC, which under QEMU's -icount shift=0 ticks
 * once per instruction the guest executes: everything the CPU runs in the
 * timed loop counts, the Linux kernel and its interrupts included. Time
 * the CPU spends idle would count too (QEMU advances the clock while it
 * sleeps), so every figure says how long the CPU idled within it.
 *   linux-bench [--instructions] getpid | pipe | fs DIR NAME
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "r2c/fsbench.h"

static bool instructions;	/* --instructions: TSC ticks, one per instruction under -icount */
static const char *tag;		/* "[Linux guest, TCG]" or "[Linux guest, icount]" */
static char chunk[CHUNK];

static uint64_t now(void)
{
	if (instructions)
		return __rdtsc();
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Idle time so far in ms (/proc/stat's idle and iowait, in USER_HZ ticks). */
static uint64_t idle_ms(void)
{
	unsigned long long user, nice, sys, idle, iowait;
	FILE *f = fopen("/proc/stat", "r");
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait) != 5) {
		fprintf(stderr, "linux-bench: cannot read /proc/stat\n");
		exit(1);
	}
	fclose(f);
	return (idle + iowait) * 1000 / (uint64_t)sysconf(_SC_CLK_TCK);
}

/* ", CPU idle 12 ms within" when the figure includes idle time. */
static const char *idle_note(uint64_t since_ms)
{
	static char note[64];
	uint64_t ms = idle_ms() - since_ms;
	note[0] = 0;
	if (ms)
		snprintf(note, sizeof(note), ", CPU idle %llu ms within", (unsigned long long)ms);
	return note;
}

static void die(const char *what)
{
	fprintf(stderr, "linux-bench: %s failed: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The median over GETPID_BATCHES batches of GETPID_BATCH calls of op,
 * per call, printed as fsbench prints its null call. */
static void per_call(const char *what, void (*op)(void))
{
	uint64_t per[GETPID_BATCHES], idle0 = idle_ms();
	for (int b = 0; b < GETPID_BATCHES; b++) {
		uint64_t t0 = now();
		for (int i = 0; i < GETPID_BATCH; i++)
			op();
		per[b] = (now() - t0) / GETPID_BATCH;
	}
	qsort(per, GETPID_BATCHES, sizeof(per[0]), cmp);
	printf("bench: %s: %llu %s (median of %d batches of %d%s)  %s\n", what,
	       (unsigned long long)per[GETPID_BATCHES / 2], instructions ? "instructions" : "ns",
	       GETPID_BATCHES, GETPID_BATCH, idle_note(idle0), tag);
}

static void getpid_call(void)
{
	syscall(SYS_getpid);	/* glibc no longer caches getpid; this is a system call either way */
}

static int to_child[2], from_child[2];
static void pipe_round_trip(void)
{
	char c = 0;
	if (write(to_child[1], &c, 1) != 1 || read(from_child[0], &c, 1) != 1)
		die("pipe round trip");
}

static void bench_pipe(void)
{
	if (pipe(to_child) || pipe(from_child))
		die("pipe");
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {	/* echoes every byte until the parent closes its end */
		char c;
		close(to_child[1]);
		close(from_child[0]);
		while (read(to_child[0], &c, 1) == 1)
			if (write(from_child[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	per_call("pipe round trip between two processes", pipe_round_trip);
	close(to_child[1]);
	waitpid(child, NULL, 0);
}

/* The rate, or with --instructions the count per call, as fsbench prints. */
static void print_big(const char *fs, const char *what, uint64_t t, uint64_t idle0)
{
	if (instructions)
		printf("bench: %s sequential %s: %llu instructions per call%s  %s\n", fs, what,
		       (unsigned long long)(t / (BIG_BYTES / CHUNK)), idle_note(idle0), tag);
	else {
		uint64_t tenths = t ? BIG_BYTES * 10000 / t : 0;	/* bytes/ns * 1000 = MB/s; * 10 */
		printf("bench: %s sequential %s: %llu.%llu MB/s%s  %s\n", fs, what, (unsigned long long)(tenths / 10),
		       (unsigned long long)(tenths % 10), idle_note(idle0), tag);
	}
}

static void bench_fs(const char *dir, const char *fs)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/big", dir);
	for (unsigned i = 0; i < CHUNK; i++)
		chunk[i] = (char)(i * 7 + 1);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open for writing");
	uint64_t idle0 = idle_ms(), t0 = now();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (write(fd, chunk, CHUNK) != CHUNK)
			die("write");
	if (fsync(fd))
		die("fsync");
	print_big(fs, "write, 64 MiB in 64 KiB calls, then fsync", now() - t0, idle0);
	close(fd);

	if ((fd = open(path, O_RDONLY)) < 0)
		die("open for reading");
	idle0 = idle_ms(), t0 = now();
	for (uint64_t done = 0; done < BIG_BYTES; done += CHUNK)
		if (read(fd, chunk, CHUNK) != CHUNK)
			die("read");
	print_big(fs, "read, 64 MiB in 64 KiB calls", now() - t0, idle0);
	close(fd);
	if (chunk[CHUNK - 1] != (char)((CHUNK - 1) * 7 + 1)) {
		fprintf(stderr, "linux-bench: read back wrong data\n");
		exit(1);
	}
	if (unlink(path))
		die("unlink");

	snprintf(path, sizeof(path), "%s/small", dir);
	if (mkdir(path, 0755))
		die("mkdir");
	idle0 = idle_ms(), t0 = now();
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/small/f%d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			die("create");
		if (write(fd, chunk, SMALL_BYTES) != SMALL_BYTES)
			die("small write");
		close(fd);
	}
	uint64_t t = now() - t0;
	if (instructions)
		printf("bench: %s create + write 100 B + close, %d files: %llu instructions per file%s  %s\n", fs,
		       SMALL_FILES, (unsigned long long)(t / SMALL_FILES), idle_note(idle0), tag);
	else
		printf("bench: %s create + write 100 B + close, %d files: %llu files/s%s  %s\n", fs, SMALL_FILES,
		       (unsigned long long)(t ? (uint64_t)SMALL_FILES * 1000000000u / t : 0), idle_note(idle0), tag);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--instructions"))
		instructions = true, argc--, argv++;
	tag = instructions ? "[Linux guest, icount]" : "[Linux guest, TCG]";
	if (argc == 2 && !strcmp(argv[1], "getpid"))
		per_call("null system call getpid()", getpid_call);
	else if (argc == 2 && !strcmp(argv[1], "pipe"))
		bench_pipe();
	else if (argc == 4 && !strcmp(argv[1], "fs"))
		bench_fs(argv[2], argv[3]);
	else {
		fprintf(stderr, "usage: linux-bench [--instructions] getpid | pipe | fs DIR NAME\n");
		return 2;
	}
	return 0;
}
