/*
 * Fault injection, for tests and benchmarks only: the composition's
 * inject= on rk's line (cinfo inject) turns it on, and nothing here runs
 * without it. Why: micro-reboot must be shown to work for the ways rk
 * really fails, at moments nobody chose: a wild pointer in rk's own
 * system-call path, a NetBSD panic, a fault inside a hypercall (a disk
 * transfer), and a call that never returns (for the watchdog).
 *
 *   inject=call         a client may ask for one (the rk_inject entry:
 *                       a0 = kind, a1 = after that many more system
 *                       calls of anyone, 0 the next)
 *   inject=random:N     besides, every system call faults with
 *                       probability 1/N, the kind chosen at random
 *                       among wild, panic and hypercall
 * Both may be given: "call,random:5000".
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "../../lib/rumpuser/rumpuser_int.h"

void rumpns_panic(const char *fmt, ...) __attribute__((noreturn));

static bool by_call;
static uint64_t one_in;		/* random: 1/one_in of the calls; 0 never */
static _Atomic long armed_kind, armed_after;
static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

void rk_inject_init(void)
{
	const char *s = r2c_env->inject;
	rng = r2c_tsc() | 1;
	while (*s) {
		if (!strncmp(s, "call", 4)) {
			by_call = true;
		} else if (!strncmp(s, "random:", 7)) {
			for (s += 7; *s >= '0' && *s <= '9'; s++)
				one_in = one_in * 10 + (uint64_t)(*s - '0');
		}
		while (*s && *s != ',')
			s++;
		if (*s)
			s++;
	}
	if (by_call || one_in) {
		atomic_fetch_or(&rk_gate, RK_GATE_INJECTING);	/* every system call takes rk_inject_syscall's way */
		r2c_printf("rk: fault injection on (%s)\n", r2c_env->inject);
	}
}

/* The fault itself, with the virtual CPU held (in the system-call path). */
static void fire(long kind)
{
	switch (kind) {
	case RK_INJECT_WILD:
		*(volatile long *)0x7ead0000 = 1;	/* nothing is mapped there */
		break;
	case RK_INJECT_PANIC:
		rumpns_panic("rk: injected panic");
	case RK_INJECT_HYPERCALL:
		rumpuser_inject_bio = true;		/* the next disk transfer faults inside */
		break;
	case RK_INJECT_SPIN:
		for (;;)
			__asm__ volatile("pause");
	}
}

/* Each system call, with the virtual CPU held. */
void rk_inject_syscall(void)
{
	long k = atomic_load_explicit(&armed_kind, memory_order_relaxed);
	if (k && atomic_fetch_sub(&armed_after, 1) <= 0 && atomic_exchange(&armed_kind, 0) == k)
		fire(k);
	if (one_in && next_random() % one_in == 0)
		fire(RK_INJECT_WILD + (long)(next_random() % 3));
}

static word_t rk_inject(word_t kind, word_t after, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	if (!by_call)
		return (word_t)-EPERM;
	if (kind < RK_INJECT_WILD || kind > RK_INJECT_SPIN)
		return (word_t)-EINVAL;
	atomic_store(&armed_after, (long)after);
	atomic_store(&armed_kind, (long)kind);
	return 0;
}
R2C_ENTRY(rk_inject);
