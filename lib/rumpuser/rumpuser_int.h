/* What the parts of the hypercall layer share: the rump kernel's upcalls,
 * per-thread context, and the CPU release around blocking (rule 1 of
 * the rumpuser contract). */
#ifndef RUMPUSER_INT_H
#define RUMPUSER_INT_H

#include "r2c.h"
#include "r2c/rumpuser.h"

extern const struct rumpuser_hyperup *rumpuser_hyp;
extern volatile bool rumpuser_inject_bio;	/* fault injection: the next bio faults (rk's inject.c) */

/* Why a client's system call cannot take rk's plain way: 0, or these
 * bits, so that the common case costs one compare
 * (components/rk/sysproxy.c). */
#define RK_GATE_BOOTING		1	/* rk does not serve yet (sysproxy.c clears it) */
#define RK_GATE_STOPPED		2	/* the rump kernel panicked or exited (rumpuser_exit) */
#define RK_GATE_INJECTING	4	/* fault injection is on (rk's inject.c) */
extern _Atomic uint8_t rk_gate;

/* The rump kernel panicked or exited: it serves no more calls. */
static inline bool rumpuser_stopped(void)
{
	return atomic_load_explicit(&rk_gate, memory_order_acquire) & RK_GATE_STOPPED;
}

/* Per thread, found through the stack it runs on: a rump kernel thread
 * keeps its stack for life, and a client thread's lwp is set for the
 * duration of one invocation. It lives at the base of that stack (the
 * pool is aligned to its stack size, R2C_STACK_POOL_ALIGNED): the stack
 * pointer and a mask find it, with no load but the mask's. */
struct rk_thread_ctx {
	struct lwp *lwp;
	int error;
	/* A client's buffer borrowed for this call (rk's sysproxy.c):
	 * [lent, lent + lent_len) of the client whose token is lent_to
	 * (the process's priv) is at window. */
	word_t lent, lent_len, lent_to;
	char *window;
	bool lent_writable;	/* lent for a read: NetBSD copies out into it */
};
_Noreturn void rk_off_pool(void);

/* The calling thread's context, for a thread known to run on a pool
 * stack: curlwp, asked for several times in every system call the rump
 * kernel runs, and rk's entries (an invocation always takes a pool stack:
 * crt.S). */
static inline struct rk_thread_ctx *rk_ctx_here(void)
{
	word_t sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct rk_thread_ctx *)(sp & r2c_stack_mask);
}

/* The same, checked: where a thread first sets its context (a rump
 * kernel thread's start, an lwp switch), a thread off the pool would be
 * a bug of the runtime, and stops here rather than write elsewhere. */
static inline struct rk_thread_ctx *rk_ctx(void)
{
	if (__builtin_expect(r2c_stack_index() >= r2c_stack_count, 0))	/* every way into a component takes a pool stack */
		rk_off_pool();
	return rk_ctx_here();
}

/* curlwp (rumpuser_curlwp), inline for the hypercall layer's own use: a
 * KMUTEX records its owner at every enter. */
static inline struct lwp *rk_curlwp(void)
{
	return rk_ctx_here()->lwp;
}

/* Give up the virtual CPU before blocking, take it back after. */
static inline int rk_unschedule(void *interlock)
{
	int nlocks;
	rumpuser_hyp->hyp_backend_unschedule(0, &nlocks, interlock);
	return nlocks;
}

static inline void rk_schedule(int nlocks, void *interlock)
{
	rumpuser_hyp->hyp_backend_schedule(nlocks, interlock);
}


/* Arguments rk checked before a client's system call, pinned for that
 * call (lib/rumpuser/sysproxy.c): rk copies an argument from the client,
 * checks or adjusts its copy, and gives NetBSD the address rk_sp_pin
 * answers instead of the client's. While the calling thread's call runs,
 * the rump kernel's copies from that address come from rk's copy, so a
 * client thread rewriting its own memory meanwhile changes nothing that
 * was checked. NULL: the thread has RK_SP_PINS pinned already.
 * rk_sp_unpin ends them when the call is over. */
#define RK_SP_PINS 3
void *rk_sp_pin(const void *copy, size_t len);
void rk_sp_unpin(void);

/* a * b / c for the clock conversions (b, c below 2^34), without 128-bit
 * division: a = q c + r, so a b / c = q b + r b / c. */
static inline uint64_t rk_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

uint64_t rk_ns_to_cycles(uint64_t ns);

#endif
