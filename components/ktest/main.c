/*
 * The kernel's own test and benchmark image: booted as the root in
 * place of the booter (tools/run-tests, tools/run-bench, make ktest), it
 * holds all memory and every boot module and drives the kernel directly:
 * the kernel tests (command line "ktest", tests.c), the kernel benchmarks
 * ("bench", bench.c) and the minimal two-component demo ("kdemo"). The
 * helpers they share are in harness.c.
 */
#include "ktest.h"

/* The default demo: two components, one invoking the other. */
static void demo(void)
{
	struct r2c_comp a, b;
	word_t echo, nest_b;
	if (load("pong.elf", "pongA", &a) || load("pong.elf", "pongB", &b))
		return;
	r2c_grant(a.slot, ROOT_SLOT_MACHINE, 1, RIGHT_READ);
	r2c_comp_export(&mem, &b, "pong_echo", 7, &echo);
	r2c_grant(a.slot, echo, 2, RIGHT_ALL);
	r2c_comp_export(&mem, &a, "pong_nest", 0, &nest_b);
	uint64_t t0 = r2c_tsc();
	long r = r2c_call(nest_b, 41, 0, 0, 0);
	uint64_t t1 = r2c_tsc();
	r2c_printf("ktest: root -> pongA -> pongB -> pongA -> root: 41 became %ld in %lu cycles\n",
		   r, t1 - t0);
	word_t t;
	if (thread_start_in(&a, 1, &t) > 0)
		dispatch(t);
}

void r2c_main(word_t arg)
{
	bi = (const struct bootinfo *)arg;
	r2c_console_slot = ROOT_SLOT_MACHINE;
	r2c_root_mem_init(&mem, bi);
	const char *cmd = bi->cmdline;
	int status = 0;
	if (!strncmp(cmd, "bench", 5))
		run_bench(strncmp(cmd, "bench accel=", 12) ? "unknown" : cmd + 12);
	else if (!strncmp(cmd, "kdemo", 5))
		demo();
	else
		status = run_tests() ? 1 : 0;
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_HALT, (word_t)status, 0, 0, 0, 0, 0);
}
