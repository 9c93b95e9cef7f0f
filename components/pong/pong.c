/*
 * pong: a small server used by the kernel tests and benchmarks. Each
 * handler is an entry point (R2C_ENTRY) the loader exports by name.
 */
#include "r2c.h"
#include "pong.h"

/* r0 = sum of the arguments, r1 = 2 * a0, r2 = the invocation token. */
static word_t pong_echo(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	inv->r1 = a0 * 2;
	inv->r2 = inv->token;
	return a0 + a1 + a2 + a3;
}
R2C_ENTRY(pong_echo);

/* Invoke the next component with a0 + 1; its answer plus 1000, or its
 * error minus 1000 (so the caller sees that this component went on). */
static word_t pong_nest(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	long r = r2c_call(PONG_SLOT_NEXT, a0 + 1, 0, 0, 0);
	return r < 0 ? (word_t)(r - 1000) : (word_t)r + 1000;
}
R2C_ENTRY(pong_nest);

/* Invoke myself a0 more times: 0 at the bottom, or the first error. */
static word_t pong_recurse(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return a0 == 0 ? 0 : (word_t)r2c_call(PONG_SLOT_SELF, a0 - 1, 0, 0, 0);
}
R2C_ENTRY(pong_recurse);

/* Read the word at address a0 (which may well not be mapped here). */
static word_t pong_peek(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return *(volatile word_t *)a0;
}
R2C_ENTRY(pong_peek);

/* Write a1 at address a0. */
static word_t pong_poke(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	*(volatile word_t *)a0 = a1;
	return 0;
}
R2C_ENTRY(pong_poke);

/* Divide a0 by a1 (a1 = 0: divide error). */
static word_t pong_div(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	word_t q;
	__asm__ volatile("xor %%edx, %%edx; divq %2" : "=a"(q) : "a"(a0), "r"(a1) : "rdx");
	return q;
}
R2C_ENTRY(pong_div);

/* r2c_set_prio(a0, a1), asked from here (for the priority ceiling test). */
static word_t pong_set_prio(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	return (word_t)r2c_set_prio(a0, (int)a1);
}
R2C_ENTRY(pong_set_prio);

/* Park the calling thread here until pong_wake wakes it (for the
 * scheduler's authority tests): returns 0 once woken. */
static word_t pong_park(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	return (word_t)r2c_block(0);
}
R2C_ENTRY(pong_park);

/* r2c_wakeup(a0), asked from here: allowed only for a thread of mine or
 * one that has entered me. */
static word_t pong_wake(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return (word_t)r2c_wakeup(a0);
}
R2C_ENTRY(pong_wake);

static word_t pong_ud(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	__asm__ volatile("ud2");
	return 0;
}
R2C_ENTRY(pong_ud);

void r2c_main(word_t arg)
{
	if (r2c_env)		/* started by the booter: nothing to do but serve */
		return;
	r2c_console_slot = PONG_SLOT_CONSOLE;
	if (arg == PONG_ROLE_HELLO)
		r2c_printf("pong: thread %ld started in its own component\n", r2c_tid());
	else if (arg == PONG_ROLE_SPIN)
		for (;;)
			__asm__ volatile("pause");
}
