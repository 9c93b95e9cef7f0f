/*
 * Kernel benchmarks, each the median of many runs in TSC cycles:
 * invocation round trip (root -> pong -> root), thread switch (dispatch
 * and yield), and asynchronous send -> receive between two threads.
 * Benchmarks only print; they never judge.
 */
#include "ktest.h"

#define RUNS 10000

static uint64_t samples[RUNS];

static void sort(uint64_t *v, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)	/* shell sort: no libc here */
		for (int i = gap; i < n; i++)
			for (int j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
				uint64_t t = v[j];
				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

/* Under QEMU's -icount (accel=icount) the TSC advances one tick per
 * instruction: the figures are instructions executed, not time. */
static bool counting_instructions(const char *accel) { return !strcmp(accel, "icount"); }

static void report(const char *what, const char *accel, int n, uint64_t overhead)
{
	sort(samples, n);
	uint64_t med = samples[n / 2] - overhead, min = samples[0] - overhead;
	if (counting_instructions(accel))
		r2c_printf("bench: %-34s median %6lu instructions  min %6lu  [%s, %d runs]\n", what, med, min,
			   accel, n);
	else
		r2c_printf("bench: %-34s median %6lu cycles  min %6lu  (%lu ns)  [%s, %d runs]\n",
			   what, med, min, (word_t)(med * 1000000000ull / bi->tsc_hz), accel, n);
}

static volatile uint64_t send_t0;
static word_t b_asnd;

static void bench_receiver(void *arg)
{
	(void)arg;
	for (int i = 0; i < RUNS; i++) {
		r2c_rcv(0);
		samples[i] = r2c_tsc() - send_t0;
	}
}

static void bench_sender(void *arg)
{
	(void)arg;
	for (int i = 0; i < RUNS; i++) {
		send_t0 = r2c_tsc();
		r2c_asnd(b_asnd, ASND_SWITCH);
	}
}

static void bench_yielder(void *arg)
{
	(void)arg;
	for (;;)
		r2c_yield();
}

void run_bench(const char *accel)
{
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = r2c_tsc();
		samples[i] = r2c_tsc() - t0;
	}
	sort(samples, RUNS);
	uint64_t tsc_cost = samples[RUNS / 2];

	struct r2c_comp pong;
	word_t echo;
	if (load("pong.elf", "pong", &pong) || r2c_comp_export(&mem, &pong, "pong_echo", 0, &echo))
		return;
	if (counting_instructions(accel))
		r2c_printf("bench: one TSC tick per instruction (QEMU -icount); rdtsc and its loop cost %lu (subtracted)\n",
			   tsc_cost);
	else
		r2c_printf("bench: TSC %lu MHz, rdtsc costs %lu cycles (subtracted)\n", bi->tsc_hz / 1000000, tsc_cost);
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = r2c_tsc();
		r2c_call(echo, 1, 2, 3, 4);
		samples[i] = r2c_tsc() - t0;
	}
	report("invocation round trip", accel, RUNS, tsc_cost);

	word_t y;
	thread_new(bench_yielder, 0, &y);
	dispatch(y);
	for (int i = 0; i < RUNS; i++) {
		word_t tok = drain_events();
		uint64_t t0 = r2c_tsc();
		r2c_dispatch(y, tok);
		samples[i] = (r2c_tsc() - t0) / 2;
	}
	report("thread switch (dispatch+yield)/2", accel, RUNS, tsc_cost / 2);

	word_t r, s;
	thread_new(bench_receiver, 0, &r);
	r2c_op(r, THD_ASND_CREATE, (b_asnd = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	dispatch(r);
	thread_new(bench_sender, 0, &s);
	while (r2c_op(r, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(s);
	report("async send -> receive", accel, RUNS, tsc_cost);
}
