/*
 * rbench: benchmarks of the user-level runtime, started by
 * compose/bench-runtime.comp: RAM disk throughput through the invocation
 * interface (64 KiB sequential, 4 KiB random) beside memcpy bandwidth
 * measured in the same run as the ceiling, and the cost of an uncontended
 * mutex and of a condition-variable wake-up. It only prints.
 */
#include "r2c.h"
#include "r2c/ramdisk.h"

#define RUNS 2000

static uint64_t samples[RUNS];
static word_t rd, wr;
static char *buf;
static word_t nblocks;

static uint64_t median(int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++)
			for (int j = i; j >= gap && samples[j - gap] > samples[j]; j -= gap) {
				uint64_t t = samples[j];
				samples[j] = samples[j - gap];
				samples[j - gap] = t;
			}
	return samples[n / 2];
}

static void rate(const char *what, uint64_t bytes, uint64_t cycles, uint64_t ops)
{
	uint64_t hz = r2c_env->tsc_hz, mbs = bytes * hz / (cycles ? cycles : 1) / 1000000;
	if (ops)
		r2c_printf("bench: %-34s %6lu MB/s  %8lu ops/s  [ACCEL]\n", what, mbs, ops * hz / cycles);
	else
		r2c_printf("bench: %-34s %6lu MB/s  [ACCEL]\n", what, mbs);
}

static void bench_memcpy(void)
{
	char *a = r2c_malloc(65536), *b = r2c_malloc(65536);
	memset(a, 1, 65536);
	uint64_t t0 = r2c_tsc();
	for (int i = 0; i < 512; i++)
		memcpy(b, a, 65536);
	rate("memcpy 64 KiB (ceiling)", 512ull * 65536, r2c_tsc() - t0, 0);
	r2c_free(a);
	r2c_free(b);
}

static void bench_sequential(void)
{
	word_t per = 65536 / RAMDISK_BLOCK;
	uint64_t t0 = r2c_tsc();
	for (word_t b = 0; b + per <= nblocks; b += per)
		r2c_call(wr, b, per, 0, 0);
	rate("ramdisk 64 KiB sequential write", nblocks * RAMDISK_BLOCK, r2c_tsc() - t0, 0);
	t0 = r2c_tsc();
	for (word_t b = 0; b + per <= nblocks; b += per)
		r2c_call(rd, b, per, 0, 0);
	rate("ramdisk 64 KiB sequential read", nblocks * RAMDISK_BLOCK, r2c_tsc() - t0, 0);
}

static void bench_random(void)
{
	uint64_t x = 88172645463325252ull, ops = 20000, per = 4096 / RAMDISK_BLOCK;
	for (int write = 0; write < 2; write++) {
		uint64_t t0 = r2c_tsc();
		for (uint64_t i = 0; i < ops; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r2c_call(write ? wr : rd, (x % (nblocks / per)) * per, per, 0, 0);
		}
		rate(write ? "ramdisk 4 KiB random write" : "ramdisk 4 KiB random read", ops * 4096,
		     r2c_tsc() - t0, ops);
	}
}

static struct r2c_mutex m;
static struct r2c_cond cv;
static volatile uint64_t signalled_at;
static volatile int round_no, waiter_round;

static void waiter(void *arg)
{
	(void)arg;
	r2c_mutex_lock(&m);
	for (int i = 0; i < RUNS; i++) {
		waiter_round = i + 1;
		while (round_no <= i)
			r2c_cond_wait(&cv, &m);
		samples[i] = r2c_tsc() - signalled_at;
	}
	r2c_mutex_unlock(&m);
}

static void bench_sync(void)
{
	r2c_mutex_init(&m);
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = r2c_tsc();
		r2c_mutex_lock(&m);
		r2c_mutex_unlock(&m);
		samples[i] = r2c_tsc() - t0;
	}
	r2c_printf("bench: %-34s median %6lu cycles  [ACCEL]\n", "mutex lock+unlock, uncontended", median(RUNS));

	r2c_cond_init(&cv);
	long t = r2c_thd_create(waiter, 0, 10);	/* more urgent: runs as soon as it is woken */
	for (int i = 0; i < RUNS; i++) {
		while (waiter_round <= i || !r2c_cond_has_waiters(&cv))
			r2c_sched_yield();
		r2c_mutex_lock(&m);
		round_no = i + 1;
		signalled_at = r2c_tsc();
		r2c_cond_signal(&cv);
		r2c_mutex_unlock(&m);
	}
	r2c_thd_join((word_t)t);
	r2c_printf("bench: %-34s median %6lu cycles  [ACCEL]\n", "condition signal -> waiter runs", median(RUNS));
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_set_prio(0, 16);	/* my prio= is 10, the ceiling bench_sync's waiter needs */
	rd = r2c_import("ramdisk_read");
	wr = r2c_import("ramdisk_write");
	const struct cinfo_shm *sh = r2c_shm("ramdisk");
	if (!rd || !wr || !sh) {
		r2c_printf("rbench: no RAM disk\n");
		return;
	}
	buf = (char *)sh->vaddr;
	nblocks = (word_t)r2c_call(r2c_import("ramdisk_geometry"), 0, 0, 0, 0);
	bench_memcpy();
	bench_sequential();
	bench_random();
	bench_sync();
	r2c_printf("rbench: done\n");
}
