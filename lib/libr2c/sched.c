/*
 * Threads of a component, through the system scheduler (the root's
 * `sched` entry point; see components/root/sched.c).
 */
#include "r2c.h"

/* Leave the request with the scheduler (an invocation that returns at
 * once, so no thread waits on the root's stacks), then yield here: the
 * scheduler carries the request out and dispatches me with its answer,
 * which the yield returns. A root out of stacks for the moment is asked
 * again after a plain yield. */
static long sched(word_t op, word_t a1, word_t a2, word_t a3)
{
	if (!r2c_env)
		return -ENOSYS;
	for (;;) {
		struct r2c_ret r = r2c_invoke(r2c_env->sched_slot, op, a1, a2, a3);
		if (r.status == INV_NO_STACK) {
			r2c_yield();
			continue;
		}
		if (r.status)
			return r.status;
		if ((long)r.r0)
			return (long)r.r0;	/* refused at once */
		return r2c_yield();
	}
}

long r2c_thd_create(void (*fn)(void *), void *arg, int prio)
{
	struct r2c_thread *t = r2c_malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct r2c_thread){ fn, arg, true };
	long tid = sched(SCHED_THD_CREATE, (word_t)r2c_thread_entry, (word_t)t, (word_t)prio);
	if (tid < 0)
		r2c_free(t);
	return tid;
}

long r2c_thd_join(word_t tid) { return sched(SCHED_JOIN, tid, 0, 0); }
long r2c_sched_yield(void) { return sched(SCHED_YIELD, 0, 0, 0); }
long r2c_block(uint64_t deadline) { return sched(SCHED_BLOCK, deadline, 0, 0); }
long r2c_wakeup(word_t tid) { return sched(SCHED_WAKEUP, tid, 0, 0); }
long r2c_yield_to(word_t tid) { return sched(SCHED_YIELD_TO, tid, 0, 0); }
long r2c_sleep_until(uint64_t deadline) { return sched(SCHED_SLEEP, deadline, 0, 0); }
long r2c_ready(void) { return sched(SCHED_READY, 0, 0, 0); }
long r2c_set_prio(word_t tid, int prio) { return sched(SCHED_PRIO, tid, (word_t)prio, 0); }
long r2c_sched_capacity(int kind) { return sched(SCHED_CAPACITY, (word_t)kind, 0, 0); }
long r2c_thd_alive(word_t tid) { return sched(SCHED_ALIVE, tid, 0, 0); }

uint64_t r2c_usecs(uint64_t us)
{
	return us * (r2c_env ? r2c_env->tsc_hz : 1000000000ull) / 1000000;
}
