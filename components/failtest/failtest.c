/*
 * failtest: a server that fails and a client stuck in it, for the
 * booter's honest ends (compose/test-failure.comp, test-stuck.comp). As
 * a server (arg "server") it parks every caller of failtest_park for
 * ever and faults in failtest_crash. As a client (arg "crash" or
 * "stuck") it leaves a thread parked inside the server, makes the server
 * fault (crash) or not (stuck), then waits for the parked thread: nothing
 * can run any more, and the booter must say so and halt with a failure.
 */
#include "r2c.h"

static word_t failtest_park(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	for (;;)
		r2c_block(0);	/* no one will wake it */
	return 0;
}
R2C_ENTRY(failtest_park);

static word_t failtest_crash(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return *(volatile word_t *)a0;	/* a0 = 0: a page fault */
}
R2C_ENTRY(failtest_crash);

static void parker(void *arg)
{
	(void)arg;
	r2c_call(r2c_import("failtest_park"), 0, 0, 0, 0);
}

void r2c_main(word_t arg)
{
	(void)arg;
	if (!strcmp(r2c_env->arg, "server")) {
		r2c_ready();
		return;
	}
	long t = r2c_thd_create(parker, NULL, 16);
	r2c_sched_yield();		/* it parks in the server */
	if (!strcmp(r2c_env->arg, "crash")) {
		r2c_printf("EXPECT-FAULT failsrv\n");
		struct r2c_ret r = r2c_invoke(r2c_import("failtest_crash"), 0, 0, 0, 0);
		r2c_printf("failtest: the server faulted: status %ld\n", r.status);
	}
	r2c_printf("failtest: waiting for thread %ld, parked in the server\n", t);
	r2c_thd_join((word_t)t);
	r2c_printf("failtest: never here\n");
}
