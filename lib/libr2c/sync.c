/*
 * Mutexes, condition variables and read/write locks for the threads of a
 * component, including threads that entered it by invocation. The state
 * lives in the component's memory; a waiter parks itself through the
 * scheduler (r2c_block) and is woken by r2c_wakeup, whose "permit" makes
 * a wake-up that comes before the park count, so none is lost.
 *
 * Each object's waiter list is protected by a guard word holding the
 * guard's owner; a thread that finds it taken lends that owner the CPU
 * (r2c_yield_to), so a preempted low-priority holder still finishes.
 * Waiter records live on the waiters' stacks.
 */
#include "r2c.h"

struct r2c_waiter {
	word_t tid;
	struct r2c_waiter *next;
	_Atomic int granted;
	int writer;
	struct r2c_mutex *relock;	/* cond waiter: the mutex it takes back */
};

static void guard_enter(_Atomic word_t *g)
{
	word_t me = r2c_self();
	for (;;) {
		word_t holder = 0;
		if (atomic_compare_exchange_strong(g, &holder, me))
			return;
		r2c_yield_to(holder);
	}
}

static void guard_exit(_Atomic word_t *g)
{
	atomic_store(g, 0);
}

static void waitq_add(struct r2c_waitq *q, struct r2c_waiter *w)
{
	w->next = NULL;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

static struct r2c_waiter *waitq_pop(struct r2c_waitq *q)
{
	struct r2c_waiter *w = q->head;
	if (w && !(q->head = w->next))
		q->tail = NULL;
	return w;
}

static bool waitq_remove(struct r2c_waitq *q, struct r2c_waiter *w)
{
	struct r2c_waiter *prev = NULL;
	for (struct r2c_waiter *p = q->head; p; prev = p, p = p->next) {
		if (p != w)
			continue;
		if (prev)
			prev->next = p->next;
		else
			q->head = p->next;
		if (q->tail == p)
			q->tail = prev;
		return true;
	}
	return false;
}

/* Mark w granted and wake its thread (call with the guard released:
 * w may vanish as soon as it is granted, so its tid is read first). */
static void grant(struct r2c_waiter *w)
{
	word_t tid = w->tid;
	atomic_store(&w->granted, 1);
	r2c_wakeup(tid);
}

/* Park until w is granted or the deadline passes: 0 or -ETIMEDOUT. */
static long park(_Atomic word_t *guard, struct r2c_waitq *q, struct r2c_waiter *w, uint64_t deadline)
{
	while (!atomic_load(&w->granted)) {
		if (r2c_block(deadline) != -ETIMEDOUT)
			continue;
		guard_enter(guard);
		bool gone = waitq_remove(q, w);
		guard_exit(guard);
		if (gone)
			return -ETIMEDOUT;
		deadline = 0;	/* taken off the queue already: its grant is coming */
	}
	return 0;
}

/* --- mutex: the owner's thread id, handed over in FIFO order ---------- */

/* R2C_MUTEX_QUEUED is set in the owner word while the waiter queue may
 * hold someone: only then does an unlock take the guard. A waiter sets it
 * (under the guard, by compare-and-swap on the owner it saw) before it
 * queues, so an unlock that finds it clear, and swaps its own id for 0,
 * can have no one to hand the mutex to. Thread ids never reach bit 63. */

void r2c_mutex_init(struct r2c_mutex *m)
{
	memset(m, 0, sizeof(*m));
}

/* With m's guard held: mark m queued if it has an owner; false if it is
 * free (owner 0), for the caller to take or leave. */
static bool mark_queued(struct r2c_mutex *m)
{
	word_t o = atomic_load(&m->owner);
	while (o && !atomic_compare_exchange_weak(&m->owner, &o, o | R2C_MUTEX_QUEUED))
		;
	return o != 0;
}

/* r2c_mutex_lock found it taken. */
long r2c_mutex_lock_slow(struct r2c_mutex *m, word_t me)
{
	word_t free = atomic_load(&m->owner);
	if ((free & ~R2C_MUTEX_QUEUED) == me)
		return -EDEADLK;
	struct r2c_waiter w = { .tid = me };
	guard_enter(&m->guard);
	while (!mark_queued(m)) {	/* released meanwhile: take it */
		free = 0;
		if (atomic_compare_exchange_strong(&m->owner, &free, me)) {
			guard_exit(&m->guard);
			return 0;
		}
	}
	waitq_add(&m->waiters, &w);
	guard_exit(&m->guard);
	return park(&m->guard, &m->waiters, &w, 0);	/* the unlocker made me the owner */
}

/* r2c_mutex_unlock found the owner word other than mine alone: queued
 * waiters, or not mine. */
long r2c_mutex_unlock_slow(struct r2c_mutex *m, word_t me)
{
	if ((atomic_load(&m->owner) & ~R2C_MUTEX_QUEUED) != me)
		return -EPERM;
	guard_enter(&m->guard);
	struct r2c_waiter *w = waitq_pop(&m->waiters);
	atomic_store(&m->owner, !w ? 0 : w->tid | (m->waiters.head ? R2C_MUTEX_QUEUED : 0));
	guard_exit(&m->guard);
	if (w)
		grant(w);
	return 0;
}

word_t r2c_mutex_owner(struct r2c_mutex *m)
{
	return atomic_load(&m->owner) & ~R2C_MUTEX_QUEUED;
}

/* --- condition variable ---------------------------------------------- */

void r2c_cond_init(struct r2c_cond *c)
{
	memset(c, 0, sizeof(*c));
}

/* Queue w on c, release m, park. w->relock says whether a signal may
 * hand w the mutex directly (see morph). */
static long cond_park(struct r2c_cond *c, struct r2c_mutex *m, struct r2c_waiter *w, uint64_t deadline)
{
	guard_enter(&c->guard);
	waitq_add(&c->waiters, w);
	guard_exit(&c->guard);
	r2c_mutex_unlock(m);
	return park(&c->guard, &c->waiters, w, deadline);
}

long r2c_cond_timedwait_unlocked(struct r2c_cond *c, struct r2c_mutex *m, uint64_t deadline)
{
	struct r2c_waiter w = { .tid = r2c_self() };
	return cond_park(c, m, &w, deadline);
}

/* A signal while the mutex is held moves the waiter straight onto the
 * mutex's queue (wait morphing): it is woken once, by the unlock that
 * hands it the mutex, instead of waking only to block on the mutex. */
long r2c_cond_timedwait(struct r2c_cond *c, struct r2c_mutex *m, uint64_t deadline)
{
	struct r2c_waiter w = { .tid = r2c_self(), .relock = m };
	long r = cond_park(c, m, &w, deadline);
	if (r2c_mutex_owner(m) != w.tid)	/* not handed over by a morphing signal */
		r2c_mutex_lock(m);
	return r;
}

/* Queue w for the mutex it waits to take back if someone holds it; false
 * if it is free (then w is simply woken). */
static bool morph(struct r2c_waiter *w)
{
	struct r2c_mutex *m = w->relock;
	if (!m || !atomic_load(&m->owner))
		return false;
	guard_enter(&m->guard);
	bool held = mark_queued(m);
	if (held)
		waitq_add(&m->waiters, w);
	guard_exit(&m->guard);
	return held;
}

long r2c_cond_wait(struct r2c_cond *c, struct r2c_mutex *m)
{
	return r2c_cond_timedwait(c, m, 0);
}

/* A signal or broadcast that finds no waiter does nothing, and looks
 * without the guard: a waiter queues itself before it releases the mutex
 * (cond_park), so a signaller holding the mutex sees it; one that does
 * not hold it races with a waiter on its way in either way. (rk signals
 * NetBSD's soft-interrupt thread at every system call while a soft
 * interrupt is pending; mostly it is not waiting.) */
static bool no_waiters(struct r2c_cond *c)
{
	return !__atomic_load_n(&c->waiters.head, __ATOMIC_ACQUIRE);
}

void r2c_cond_signal(struct r2c_cond *c)
{
	if (no_waiters(c))
		return;
	guard_enter(&c->guard);
	struct r2c_waiter *w = waitq_pop(&c->waiters);
	guard_exit(&c->guard);
	if (w && !morph(w))
		grant(w);
}

void r2c_cond_broadcast(struct r2c_cond *c)
{
	if (no_waiters(c))
		return;
	for (;;) {
		guard_enter(&c->guard);
		struct r2c_waiter *w = waitq_pop(&c->waiters);
		guard_exit(&c->guard);
		if (!w)
			return;
		if (!morph(w))
			grant(w);
	}
}

bool r2c_cond_has_waiters(struct r2c_cond *c)
{
	return !no_waiters(c);
}

/* --- read/write lock: writers waiting stop new readers ----------------- */

void r2c_rw_init(struct r2c_rwlock *l)
{
	memset(l, 0, sizeof(*l));
}

static long rw_wait(struct r2c_rwlock *l, int writer)
{
	struct r2c_waiter w = { .tid = r2c_self(), .writer = writer };
	waitq_add(&l->waiters, &w);
	if (writer)
		l->writers_waiting++;
	guard_exit(&l->guard);
	return park(&l->guard, &l->waiters, &w, 0);
}

long r2c_rw_rdlock(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	if (!l->writer && !l->writers_waiting) {
		l->readers++;
		guard_exit(&l->guard);
		return 0;
	}
	return rw_wait(l, 0);
}

long r2c_rw_wrlock(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	if (!l->writer && !l->readers) {
		l->writer = r2c_self();
		guard_exit(&l->guard);
		return 0;
	}
	return rw_wait(l, 1);
}

long r2c_rw_tryrdlock(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	bool ok = !l->writer && !l->writers_waiting;
	if (ok)
		l->readers++;
	guard_exit(&l->guard);
	return ok ? 0 : -EBUSY;
}

long r2c_rw_trywrlock(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	bool ok = !l->writer && !l->readers;
	if (ok)
		l->writer = r2c_self();
	guard_exit(&l->guard);
	return ok ? 0 : -EBUSY;
}

/* With the guard held and the lock free or read-held: hand it to the
 * waiters at the head (one writer, or every reader up to a writer),
 * then release the guard and wake them. */
static void rw_handover(struct r2c_rwlock *l, bool readers_only)
{
	struct r2c_waiter *granted[32];
	int n = 0;
	while (n < 32 && l->waiters.head) {
		struct r2c_waiter *w = l->waiters.head;
		if (w->writer) {
			if (readers_only || n || l->readers)
				break;
			l->writer = w->tid;
			l->writers_waiting--;
			granted[n++] = waitq_pop(&l->waiters);
			break;
		}
		l->readers++;
		granted[n++] = waitq_pop(&l->waiters);
	}
	guard_exit(&l->guard);
	for (int i = 0; i < n; i++)
		grant(granted[i]);
}

long r2c_rw_unlock(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	if (l->writer == r2c_self())
		l->writer = 0;
	else if (l->readers)
		l->readers--;
	else {
		guard_exit(&l->guard);
		return -EPERM;
	}
	if (l->writer || l->readers)
		guard_exit(&l->guard);
	else
		rw_handover(l, false);
	return 0;
}

long r2c_rw_tryupgrade(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	bool ok = l->readers == 1 && !l->writer;
	if (ok) {
		l->readers = 0;
		l->writer = r2c_self();
	}
	guard_exit(&l->guard);
	return ok ? 0 : -EBUSY;
}

void r2c_rw_downgrade(struct r2c_rwlock *l)
{
	guard_enter(&l->guard);
	l->writer = 0;
	l->readers = 1;
	rw_handover(l, true);		/* waiting readers join; no writer slips in */
}

bool r2c_rw_held_write(struct r2c_rwlock *l) { return l->writer == r2c_self(); }
bool r2c_rw_held_read(struct r2c_rwlock *l) { return l->readers > 0; }
