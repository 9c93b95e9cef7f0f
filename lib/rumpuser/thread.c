/* rumpuser: threads on the system scheduler, and the current lwp of each
 * thread (curlwp by hypercall: a very hot path, so read from the base of
 * the stack the thread runs on, rumpuser_int.h). */
#include "rumpuser_int.h"

#define RK_THREAD_PRIO 16
#define RK_STACKS_KEPT 8	/* a kernel thread never takes the last stacks: client calls need them */

void rk_off_pool(void)
{
	r2c_printf("rumpuser: a thread off the stack pool\n");
	r2c_exit();
}

struct start { void *(*f)(void *); void *arg; };

static void trampoline(void *p)
{
	struct start s = *(struct start *)p;
	r2c_free(p);
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	s.f(s.arg);
}

int rumpuser_thread_create(void *(*f)(void *), void *arg, const char *name, int mustjoin, int priority,
			   int cpuidx, void **cookie)
{
	(void)name, (void)mustjoin, (void)priority, (void)cpuidx;
	if (r2c_stacks_free() <= RK_STACKS_KEPT)
		return EAGAIN;	/* it would die at its first instruction, unseen */
	struct start *s = r2c_malloc(sizeof(*s));
	if (!s)
		return ENOMEM;
	*s = (struct start){ f, arg };
	long tid = r2c_thd_create(trampoline, s, RK_THREAD_PRIO);
	if (tid < 0) {
		r2c_free(s);
		return tid == -ENOMEM ? ENOMEM : EAGAIN;
	}
	if (cookie)
		*cookie = (void *)tid;
	return 0;
}

void rumpuser_thread_exit(void)
{
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	r2c_exit();
}

int rumpuser_thread_join(void *cookie)
{
	int n = rk_unschedule(NULL);
	long r = r2c_thd_join((word_t)cookie);
	rk_schedule(n, NULL);
	return r < 0 ? ESRCH : 0;
}

void rumpuser_curlwpop(int op, struct lwp *l)
{
	struct rk_thread_ctx *c = rk_ctx();
	switch (op) {
	case RUMPUSER_LWP_SET:
		c->lwp = l;
		break;
	case RUMPUSER_LWP_CLEAR:
		c->lwp = NULL;
		break;
	default:		/* CREATE, DESTROY: nothing kept per lwp */
		break;
	}
}

/* Unchecked: every thread in the component runs on a pool stack (crt.S
 * takes one on every way in); where contexts are set, rk_ctx checks it. */
struct lwp *rumpuser_curlwp(void)
{
	return rk_curlwp();
}
