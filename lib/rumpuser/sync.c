/* rumpuser: mutexes, read/write locks and condition variables on the
 * runtime's (lib/libr2c/sync.c), with the contract's rules: the virtual
 * CPU is released around anything that may block, except in the _nowrap
 * calls; a KMUTEX records its owner lwp, cleared while a cv wait holds it
 * released; after a cv wait a SPIN|KMUTEX mutex is relocked after taking
 * the CPU back, a SPIN one before. */
#include "rumpuser_int.h"

struct rumpuser_mtx {
	struct r2c_mutex m;
	int flags;
	struct lwp *owner;
};

struct rumpuser_rw {
	struct r2c_rwlock l;
	struct lwp *writer;
};

struct rumpuser_cv {
	struct r2c_cond c;
	_Atomic int waiters;	/* changed outside the interlock: atomic */
};

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *m = r2c_malloc(sizeof(*m));
	if (!m) {
		r2c_printf("rumpuser: out of memory for a mutex\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
	r2c_mutex_init(&m->m);
	m->flags = flags;
	m->owner = NULL;
	*mtxp = m;
}

static void owned(struct rumpuser_mtx *m)
{
	if (m->flags & RUMPUSER_MTX_KMUTEX)
		m->owner = rk_curlwp();
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *m)
{
	r2c_mutex_lock(&m->m);
	owned(m);
}

void rumpuser_mutex_enter(struct rumpuser_mtx *m)
{
	if (m->flags & RUMPUSER_MTX_SPIN) {
		rumpuser_mutex_enter_nowrap(m);
		return;
	}
	if (r2c_mutex_trylock(&m->m)) {
		int n = rk_unschedule(NULL);
		r2c_mutex_lock(&m->m);
		rk_schedule(n, NULL);
	}
	owned(m);
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{
	if (r2c_mutex_trylock(&m->m))
		return EBUSY;
	owned(m);
	return 0;
}

void rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
	m->owner = NULL;
	r2c_mutex_unlock(&m->m);
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{
	r2c_free(m);
}

void rumpuser_mutex_owner(struct rumpuser_mtx *m, struct lwp **lp)
{
	*lp = m->owner;
}

void rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = r2c_malloc(sizeof(*rw));
	if (!rw) {
		r2c_printf("rumpuser: out of memory for a lock\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
	r2c_rw_init(&rw->l);
	rw->writer = NULL;
	*rwp = rw;
}

void rumpuser_rw_enter(int lk, struct rumpuser_rw *rw)
{
	if (rumpuser_rw_tryenter(lk, rw) == 0)
		return;
	int n = rk_unschedule(NULL);
	if (lk == RUMPUSER_RW_WRITER)
		r2c_rw_wrlock(&rw->l);
	else
		r2c_rw_rdlock(&rw->l);
	rk_schedule(n, NULL);
	if (lk == RUMPUSER_RW_WRITER)
		rw->writer = rk_curlwp();
}

int rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw)
{
	if (lk == RUMPUSER_RW_WRITER) {
		if (r2c_rw_trywrlock(&rw->l))
			return EBUSY;
		rw->writer = rk_curlwp();
		return 0;
	}
	return r2c_rw_tryrdlock(&rw->l) ? EBUSY : 0;
}

int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	if (r2c_rw_tryupgrade(&rw->l))
		return EBUSY;
	rw->writer = rk_curlwp();
	return 0;
}

void rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	rw->writer = NULL;
	r2c_rw_downgrade(&rw->l);
}

void rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	if (rw->writer && r2c_rw_held_write(&rw->l))
		rw->writer = NULL;
	r2c_rw_unlock(&rw->l);
}

void rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	r2c_free(rw);
}

void rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *rv)
{
	if (lk == RUMPUSER_RW_WRITER)
		*rv = rw->writer && rw->writer == rk_curlwp() && r2c_rw_held_write(&rw->l);
	else
		*rv = r2c_rw_held_read(&rw->l);
}

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = r2c_malloc(sizeof(*cv));
	if (!cv) {
		r2c_printf("rumpuser: out of memory for a condition variable\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
	r2c_cond_init(&cv->c);
	atomic_init(&cv->waiters, 0);
	*cvp = cv;
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	r2c_free(cv);
}

/* Wait with the CPU released; relock in the contract's order. */
static int cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m, uint64_t deadline)
{
	struct lwp *owner = m->owner;
	atomic_fetch_add(&cv->waiters, 1);
	m->owner = NULL;
	int n = rk_unschedule(m);
	long r = r2c_cond_timedwait_unlocked(&cv->c, &m->m, deadline);
	if ((m->flags & (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) == (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) {
		rk_schedule(n, m);
		r2c_mutex_lock(&m->m);
	} else {
		r2c_mutex_lock(&m->m);
		rk_schedule(n, m);
	}
	atomic_fetch_sub(&cv->waiters, 1);	/* a waiter until it holds the mutex again */
	m->owner = owner;
	return r == -ETIMEDOUT ? ETIMEDOUT : 0;
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	cv_wait(cv, m, 0);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	struct lwp *owner = m->owner;
	atomic_fetch_add(&cv->waiters, 1);
	m->owner = NULL;
	r2c_cond_timedwait_unlocked(&cv->c, &m->m, 0);
	r2c_mutex_lock(&m->m);
	atomic_fetch_sub(&cv->waiters, 1);
	m->owner = owner;
}

int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m, int64_t sec, int64_t nsec)
{
	if (sec < 0 || nsec < 0)
		return ETIMEDOUT;
	uint64_t cycles = rk_ns_to_cycles((uint64_t)sec * 1000000000u + (uint64_t)nsec);
	return cv_wait(cv, m, r2c_tsc() + (cycles ? cycles : 1));
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	r2c_cond_signal(&cv->c);
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	r2c_cond_broadcast(&cv->c);
}

void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waiters)
{
	*waiters = atomic_load(&cv->waiters);
}
