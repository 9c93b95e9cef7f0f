/* What the parts of the hypercall layer share: the rump kernel's upcalls,
 * per-thread context, and the CPU release around blocking (rule 1 of
 * the rumpuser contract). */
#ifndef RUMPUSER_INT_H
#define RUMPUSER_INT_H

#include "r2c.h"
#include "r2c/rumpuser.h"

extern const struct rumpuser_hyperup *rumpuser_hyp;
extern volatile bool rumpuser_stopped;
extern volatile bool rumpuser_inject_bio;	/* fault injection: the next bio faults (rk's inject.c) */	/* the rump kernel panicked or exited */

/* Per thread, found through the stack it runs on: a rump kernel thread
 * keeps its stack for life, and a client thread's lwp is set for the
 * duration of one invocation. */
struct rk_thread_ctx {
	struct lwp *lwp;
	int error;
};
extern struct rk_thread_ctx rk_ctxs[R2C_STACKS_MAX];
_Noreturn void rk_off_pool(void);

/* Inline, with the stack index computed in place: curlwp is asked for
 * several times in every system call the rump kernel runs. */
static inline struct rk_thread_ctx *rk_ctx(void)
{
	word_t i = r2c_stack_index();
	if (__builtin_expect(i >= R2C_STACKS_MAX, 0))	/* every way into a component takes a pool stack */
		rk_off_pool();
	return &rk_ctxs[i];
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
