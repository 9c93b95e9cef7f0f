/*
 * The host reference for the kernel benchmarks: a one-byte round trip
 * between two processes over a pair of pipes, both pinned to one core, in
 * nanoseconds and TSC cycles (median of many).
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define RUNS 20000

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(void)
{
	int to[2], from[2];
	char c = 0;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) || pipe(to) || pipe(from)) {
		perror("pipe-pingpong");
		return 1;
	}
	pid_t child = fork();
	if (child == 0) {
		for (int i = 0; i < RUNS + 100; i++)
			if (read(to[0], &c, 1) != 1 || write(from[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	static uint64_t cyc[RUNS], nsec[RUNS];
	for (int i = 0; i < RUNS + 100; i++) {
		uint64_t t0 = ns(), c0 = __rdtsc();
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			return 1;
		uint64_t c1 = __rdtsc(), t1 = ns();
		if (i >= 100) {		/* skip the warm-up */
			cyc[i - 100] = c1 - c0;
			nsec[i - 100] = t1 - t0;
		}
	}
	waitpid(child, NULL, 0);
	qsort(cyc, RUNS, sizeof(cyc[0]), cmp);
	qsort(nsec, RUNS, sizeof(nsec[0]), cmp);
	printf("bench: %-34s median %6lu cycles  min %6lu  (%lu ns)  [host Linux, %d runs]\n",
	       "host pipe round trip (one core)", (unsigned long)cyc[RUNS / 2], (unsigned long)cyc[0],
	       (unsigned long)nsec[RUNS / 2], RUNS);
	return 0;
}
