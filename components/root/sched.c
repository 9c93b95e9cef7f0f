/*
 * The system scheduler. The root's own thread is the scheduler thread: it
 * alone owns the scheduling state, so nothing here needs a lock. Other
 * threads reach it through the `sched` entry point: the invoking thread
 * (executing here by thread migration) writes its request into its own
 * record and yields; the scheduler thread sees the EV_YIELDED event,
 * carries the request out and dispatches whoever should run. Kernel
 * events (blocks in SELF_RCV, wake-ups by sends, exits, faults) and timer
 * ticks arrive the same way.
 *
 * Policy: fixed priorities (0 most urgent), round robin with a time slice
 * among threads of the same priority, timeouts from one TSC deadline.
 *
 * A thread's record is found from its tid through a hash of the live
 * ones; when the thread ends, its joiner is woken and its record, its
 * THD capability and its frame are given back at once.
 *
 * Each component has a priority ceiling (its prio= in the composition)
 * and may have a CPU budget per period (cpu=): the time its threads run
 * is charged to it, and once the budget is spent they run only when no
 * thread of a component within its budget can, until the next period
 * (docs/runtime.md).
 */
#include "root.h"
#include "sched.h"
#include "r2c/cinfo.h"

#define MAX_THDS SCHED_MAX_THDS
#define SLICE_US 2000

/* S_JOINING is not S_PARKED: a stray wake-up (a waker late with its
 * SCHED_WAKEUP) must not end a join before the thread has. */
enum sstate { S_FREE, S_RUNNABLE, S_PARKED, S_SLEEPING, S_KBLOCKED, S_JOINING, S_DEAD };

struct sthd {
	struct r2c_kthread kt;		/* kernel id, THD capability in my table, frame */
	int comp;			/* component index, -1 for the root */
	int in;				/* the component it last asked me from */
	int prio;
	enum sstate state;
	bool permit;			/* a wake-up came before the block */
	bool queued;
	uint64_t wake_at;		/* parked or sleeping with a deadline */
	long result;			/* of its last request */
	_Atomic word_t req;		/* the request it yielded with (written last) */
	word_t a1, a2, a3;		/* and its arguments */
	word_t joiner;			/* tid parked in SCHED_JOIN on it */
	bool ready;			/* said SCHED_READY (or stopped running) */
	word_t last_req, last_arg, nreq;	/* for sched_dump */
	struct sthd *next;		/* run queue */
	struct sthd *hnext;		/* tid hash chain (kept as it was when freed) */
	struct sthd *fnext;		/* free list */
	long (*call)(void *);		/* REQ_CALL: run in the scheduler thread */
	void *call_arg;
	word_t wd_seq;			/* watchdog: the call into the watched component */
	uint64_t wd_since;		/* first seen in it (0: not in it) */
};

/* Requests only the root's own code makes (never through the entry). */
#define REQ_CALL 0x100

static struct sthd thds[MAX_THDS];
static int nthds;			/* records ever used: every loop stops here */
static int nlive;			/* records in use */
static struct sthd *free_thds;		/* records given back */
#define TID_HASH 1024
static struct sthd *tid_hash[TID_HASH];
static word_t tid_max;			/* the highest tid ever adopted */
static struct sthd *runq[SCHED_PRIOS], *runq_tail[SCHED_PRIOS];
static struct sthd *current;		/* last dispatched */
static struct sthd *lent;		/* runs next whatever its priority (SCHED_YIELD_TO) */
static uint64_t slice_cycles;
static word_t timer_armed_at;

/* A component's limits, and what it has run in the current period. */
struct scomp {
	const char *name;
	word_t comp_slot;		/* my COMP capability to it */
	int ceiling;			/* the most urgent priority its threads may have */
	uint64_t budget, period;	/* TSC cycles; budget 0: no limit */
	uint64_t start, used;		/* the current period's start, cycles run since */
	int nthreads;			/* records its threads hold */
};

static struct scomp comps[SCHED_MAX_COMPS];

/* Component comp's record, or NULL for the root (-1) or a number out of range. */
static struct scomp *comp_of(int comp)
{
	return comp >= 0 && comp < SCHED_MAX_COMPS ? &comps[comp] : NULL;
}

void sched_add_comp(int comp, const struct sched_comp *d)
{
	struct scomp *c = comp_of(comp);
	if (!c)
		return;
	bool limited = d->budget && d->period && d->budget < d->period;
	*c = (struct scomp){ .name = d->name, .comp_slot = d->comp_slot, .ceiling = d->ceiling,
				      .budget = limited ? d->budget : 0, .period = limited ? d->period : 0 };
}

static const char *comp_name(int comp)
{
	struct scomp *c = comp_of(comp);
	return c && c->name ? c->name : "root";
}

/* A new thread of component comp at ip with arg, scheduled from now on. */
static long create_in(int comp, word_t ip, word_t arg, int prio)
{
	struct scomp *c = comp_of(comp);
	if (!c || !c->comp_slot || prio < 0 || prio >= SCHED_PRIOS || ip >= 0x800000000000ull)
		return -EINVAL;
	if (c->nthreads >= SCHED_COMP_THDS || nlive >= MAX_THDS - SCHED_ROOT_RESERVE)
		return -EAGAIN;	/* no component takes what the others (and the shutdown) need */
	struct r2c_kthread kt;
	long tid = r2c_kthread_new(&mem, c->comp_slot, ip, arg, &kt);
	if (tid < 0)
		return tid;
	long e = sched_adopt(&kt, comp, prio, true);
	if (e)
		r2c_kthread_free(&mem, &kt);
	return e ? e : tid;
}

static struct scomp *home(const struct sthd *t)
{
	return comp_of(t->comp);
}

/* Move c to the period holding `now`; periods follow one another without
 * gaps, and a new one starts with nothing used. */
static void period_at(struct scomp *c, uint64_t now)
{
	if (now - c->start >= c->period) {
		c->start = now - (now - c->start) % c->period;
		c->used = 0;
	}
}

/* Cycles t's component may still run in this period (0: it has spent its
 * budget); UINT64_MAX when it has no budget. */
static uint64_t budget_left(const struct sthd *t, uint64_t now)
{
	struct scomp *c = home(t);
	if (!c || !c->budget)
		return UINT64_MAX;
	period_at(c, now);
	return c->used < c->budget ? c->budget - c->used : 0;
}

/* t ran from `from` to `now`: its component pays for the part of that in
 * the current period. */
static void charge(const struct sthd *t, uint64_t from, uint64_t now)
{
	struct scomp *c = home(t);
	if (!c || !c->budget)
		return;
	period_at(c, now);
	c->used += now - (from > c->start ? from : c->start);
}

/* A priority for a thread of component comp: -EINVAL when there is no
 * such priority, -EPERM when it is more urgent than the component's
 * ceiling. */
static long prio_allowed(int comp, word_t prio)
{
	if (prio >= SCHED_PRIOS)
		return -EINVAL;
	struct scomp *c = comp_of(comp);
	if (c && (int)prio < c->ceiling)
		return -EPERM;
	return 0;
}

/* Authority over threads: a request comes from the component whose
 * `sched` capability was invoked (t->in; thread ids are names, not
 * capabilities). It may act on its own threads, and on threads that have
 * entered it: executing in it or with it on their invocation stack (a
 * server waking a client thread that waits inside it). The kernel says
 * which. */
static bool may_act_on(const struct sthd *t, const struct sthd *o)
{
	struct scomp *c = comp_of(t->in);
	if (t->in < 0 || o->comp == t->in)
		return true;
	return c && r2c_op(o->kt.slot, THD_IN_COMP, c->comp_slot, 0, 0, 0, 0, 0) == 1;
}

static struct sthd *by_tid(word_t tid)
{
	for (struct sthd *t = tid_hash[tid % TID_HASH]; t; t = t->hnext)
		if (t->kt.tid == tid)
			return t;
	return NULL;
}

/* The record of a live thread that is invoking my entry points, looked
 * up on that thread while the scheduler thread may change the hash under
 * it. Its own record stays in its chain while it lives, so only a walk
 * led astray by a record freed and reused under it can miss it: walk
 * again. */
static struct sthd *invoker(word_t tid)
{
	for (int i = 0; i < 8; i++) {
		struct sthd *t = by_tid(tid);
		if (t)
			return t;
	}
	return NULL;
}

static struct sthd *record_new(void)
{
	struct sthd *t = free_thds;
	if (t)
		free_thds = t->fnext;
	else if (nthds < MAX_THDS)
		t = &thds[nthds++];
	return t;
}

static void record_free(struct sthd *t)
{
	struct sthd **pp = &tid_hash[t->kt.tid % TID_HASH];
	while (*pp != t)
		pp = &(*pp)->hnext;
	*pp = t->hnext;
	if (home(t))
		home(t)->nthreads--;
	t->state = S_FREE;
	t->fnext = free_thds;	/* hnext stays: a walk standing here goes on down its chain */
	free_thds = t;
	nlive--;
}

static void enqueue(struct sthd *t, bool front)
{
	if (t->queued)
		return;
	t->queued = true;
	t->next = NULL;
	int p = t->prio;
	if (!runq[p]) {
		runq[p] = runq_tail[p] = t;
	} else if (front) {
		t->next = runq[p];
		runq[p] = t;
	} else {
		runq_tail[p]->next = t;
		runq_tail[p] = t;
	}
}

static void dequeue(struct sthd *t)
{
	if (!t->queued)
		return;
	int p = t->prio;
	struct sthd **pp = &runq[p], *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp)
		*pp = t->next;
	if (runq_tail[p] == t)
		runq_tail[p] = prev;
	t->queued = false;
}

static void make_runnable(struct sthd *t, long result)
{
	t->state = S_RUNNABLE;
	t->wake_at = 0;
	t->result = result;
	enqueue(t, false);
}

static void stop(struct sthd *t, enum sstate s)
{
	dequeue(t);
	t->state = s;
}

long sched_adopt(const struct r2c_kthread *kt, int comp, int prio, bool run)
{
	struct sthd *t = record_new();
	if (!t)
		return -ENOMEM;
	*t = (struct sthd){ .kt = *kt, .comp = comp, .in = comp, .prio = prio, .state = S_PARKED };
	t->hnext = tid_hash[kt->tid % TID_HASH];
	tid_hash[kt->tid % TID_HASH] = t;
	if (kt->tid > tid_max)
		tid_max = kt->tid;
	nlive++;
	if (home(t))
		home(t)->nthreads++;
	if (run)
		make_runnable(t, 0);
	return 0;
}

struct sched_capacity sched_capacity(void)
{
	return (struct sched_capacity){ .records = MAX_THDS - nlive, .slots = r2c_slots_free(&mem),
					.frames = r2c_frames_free(&mem) };
}

void sched_release(word_t tid)
{
	struct sthd *t = by_tid(tid);
	if (t && t->state == S_PARKED)
		make_runnable(t, 0);
}

bool sched_thread_ended(word_t tid)
{
	struct sthd *t = by_tid(tid);
	return !t || t->state == S_DEAD;
}

bool sched_thread_ready(word_t tid)
{
	struct sthd *t = by_tid(tid);
	return !t || t->ready || t->state != S_RUNNABLE;
}

static void (*on_thread_end)(int comp, word_t tid);

void sched_on_thread_end(void (*fn)(int comp, word_t tid))
{
	on_thread_end = fn;
}

/* t has ended: its joiner goes on, and what it held comes back. A thread
 * others still hold a capability to (a notification) cannot give its
 * frame back: its record stays, dead, and keeps it accounted for. */
static void ended(struct sthd *t)
{
	int comp = t->comp;
	word_t tid = t->kt.tid;
	stop(t, S_DEAD);
	t->ready = true;
	struct sthd *j = t->joiner ? by_tid(t->joiner) : NULL;
	if (j && j->state == S_JOINING)
		make_runnable(j, 0);
	if (t == current)
		current = NULL;
	if (t == lent)
		lent = NULL;
	if (!r2c_kthread_free(&mem, &t->kt))
		record_free(t);
	if (on_thread_end && comp >= 0)
		on_thread_end(comp, tid);
}

static void (*on_ready)(int comp, word_t tid);

void sched_on_ready(void (*fn)(int comp, word_t tid))
{
	on_ready = fn;
}

/* Micro-reboot: every thread executing in the component (down, its
 * COMP capability comp_slot) unwinds to its nearest live caller, which
 * runs again whatever it waited for there, or ends (its EV_FAULTED
 * comes as any end does). Returns how many unwound or ended. */
int sched_unwind(word_t comp_slot)
{
	int n = 0;
	for (int i = 0; i < nthds; i++) {
		struct sthd *t = &thds[i];
		if (t->state == S_FREE || t->state == S_DEAD)
			continue;
		long r = r2c_op(t->kt.slot, THD_UNWIND, comp_slot, 0, 0, 0, 0, 0);
		if (r <= 0)
			continue;
		n++;
		t->req = 0;	/* what it asked from there is void */
		t->permit = false;
		if (r == 1 && t->state != S_RUNNABLE)
			make_runnable(t, 0);
	}
	return n;
}

/* Watchdog (docs/reboot.md): a thread of another component that has been
 * in the component (COMP capability comp_slot, index comp) on one call,
 * the same sequence number of the outermost call into it, since more than
 * `limit` cycles ago: its tid, or 0. Seen at each look (sched_every), so
 * a call is caught between limit and limit plus the period. */
word_t sched_watch(int comp, word_t comp_slot, uint64_t limit, uint64_t now)
{
	word_t held = 0;
	for (int i = 0; i < nthds; i++) {
		struct sthd *t = &thds[i];
		if (t->state == S_FREE || t->state == S_DEAD || t->comp == comp)
			continue;
		struct r2c_ret k = r2c_sys(t->kt.slot, THD_IN_COMP, comp_slot, 0, 0, 0, 0, 0);
		if (k.status != 1 || !k.r0) {
			t->wd_since = 0;
			continue;
		}
		if (!t->wd_since || t->wd_seq != k.r0) {
			t->wd_seq = k.r0;
			t->wd_since = now;
		} else if (now - t->wd_since > limit && !held) {
			held = t->kt.tid;
		}
	}
	return held;
}

static bool (*every_fn)(uint64_t now);	/* true: it waits for time to pass */
static uint64_t every_period, every_next;
static bool every_waits;

void sched_every(uint64_t period, bool (*fn)(uint64_t now))
{
	every_fn = fn;
	every_period = period;
	every_next = r2c_tsc() + period;
}

/* Carry out what t asked for when it yielded. */
static void request(struct sthd *t)
{
	word_t op = t->req;
	struct sthd *o;
	t->last_req = op;
	t->last_arg = t->a1;
	t->nreq++;
	t->req = 0;
	if (op)			/* a plain yield leaves the last answer be */
		t->result = 0;
	switch (op) {
	case 0:			/* a plain SELF_YIELD */
	case SCHED_YIELD:
		dequeue(t);
		enqueue(t, false);
		break;
	case SCHED_BLOCK:
		if (t->permit) {
			t->permit = false;
			break;
		}
		stop(t, S_PARKED);
		t->wake_at = t->a1;
		break;
	case SCHED_SLEEP:
		if (t->a1 > r2c_tsc()) {
			stop(t, S_SLEEPING);
			t->wake_at = t->a1;
		}
		break;
	case SCHED_WAKEUP:
		o = by_tid(t->a1);
		if (!o || o->state == S_DEAD)
			t->result = -ESRCH;
		else if (!may_act_on(t, o))
			t->result = -EPERM;
		else if (o->state == S_PARKED)
			make_runnable(o, 0);
		else
			o->permit = true;
		dequeue(t);		/* the waker goes on unless o is more urgent */
		enqueue(t, true);
		break;
	case SCHED_YIELD_TO:
		o = by_tid(t->a1);
		if (o && !may_act_on(t, o))
			t->result = -EPERM;
		else if (o && o != t && o->state == S_RUNNABLE) {
			lent = o;	/* it holds what t waits for: run it once, t's turn after */
			t->result = 1;
		}
		break;
	case SCHED_THD_CREATE:		/* in the component that asks: where ip is */
		t->result = prio_allowed(t->in, t->a3);
		if (!t->result)
			t->result = create_in(t->in, t->a1, t->a2, (int)t->a3);
		break;
	case SCHED_JOIN:
		o = by_tid(t->a1);
		if (!o)		/* gone already, or never there */
			t->result = t->a1 && t->a1 <= tid_max ? 0 : -ESRCH;
		else if (o == t)
			t->result = -EDEADLK;
		else if (o->comp != t->in)	/* only my own threads */
			t->result = -EPERM;
		else if (o->state != S_DEAD) {
			o->joiner = t->kt.tid;
			stop(t, S_JOINING);
		}
		break;
	case SCHED_READY:
		t->ready = true;
		if (on_ready && t->comp >= 0)
			on_ready(t->comp, t->kt.tid);
		break;
	case SCHED_CAPACITY: {
		struct sched_capacity c = sched_capacity();
		word_t v[] = { c.records, c.slots, c.frames, r2c_stacks_free() };
		t->result = t->a1 < sizeof(v) / sizeof(v[0]) ? (long)v[t->a1] : -EINVAL;
		break;
	}
	case SCHED_ALIVE:
		o = by_tid(t->a1);
		t->result = o && o->state != S_DEAD;
		break;
	case REQ_CALL:
		t->result = t->call(t->call_arg);
		break;
	case SCHED_PRIO:
		o = t->a1 ? by_tid(t->a1) : t;
		if (!o) {
			t->result = -EINVAL;
			break;
		}
		if (o != t && o->comp != t->in) {	/* only my own threads, or myself */
			t->result = -EPERM;
			break;
		}
		if ((t->result = prio_allowed(o->comp, t->a2)))	/* o's home's ceiling, wherever t runs */
			break;
		dequeue(o);
		o->prio = (int)t->a2;
		if (o->state == S_RUNNABLE)
			enqueue(o, false);
		break;
	default:
		t->result = -EINVAL;
	}
}

/* Kernel events since the last look; returns the dispatch token. */
static word_t events(void)
{
	for (;;) {
		struct r2c_event e = r2c_event();
		if (e.left == 0)
			return e.token;
		if (e.type == EV_LOST) {	/* ask the kernel about everyone */
			for (int i = 0; i < nthds; i++) {
				struct sthd *t = &thds[i];
				if (t->state == S_FREE || t->state == S_DEAD)
					continue;
				struct r2c_ret k = r2c_sys(t->kt.slot, THD_STATE, 0, 0, 0, 0, 0, 0);
				long st = k.status;
				if (st == THD_DEAD)
					ended(t);
				else if (st == THD_BLOCKED)
					stop(t, S_KBLOCKED);
				else if (t->state == S_KBLOCKED)
					make_runnable(t, 0);
				if (t->state == S_RUNNABLE && k.r2 && atomic_load(&t->req))
					request(t);	/* it yielded with a request; the EV_YIELDED was lost */
			}
			continue;
		}
		struct sthd *t = by_tid(e.tid);
		if (!t)
			continue;
		switch (e.type) {
		case EV_YIELDED:
			request(t);
			break;
		case EV_BLOCKED:
			stop(t, S_KBLOCKED);
			t->ready = true;
			break;
		case EV_WOKEN:
			if (t->state == S_KBLOCKED)
				make_runnable(t, t->result);
			break;
		case EV_EXITED:
		case EV_FAULTED:
			ended(t);
			break;
		}
	}
}

static uint64_t expire_timeouts(void)
{
	uint64_t now = r2c_tsc(), next = 0;
	for (int i = 0; i < nthds; i++) {
		struct sthd *t = &thds[i];
		if ((t->state != S_PARKED && t->state != S_SLEEPING) || !t->wake_at)
			continue;
		if (t->wake_at <= now)
			make_runnable(t, t->state == S_PARKED ? -ETIMEDOUT : 0);
		else if (!next || t->wake_at < next)
			next = t->wake_at;
	}
	return next;
}

/* The thread to run: the first of the most urgent priority whose
 * component is within its budget; when there is none, the first of the
 * others (the CPU never idles while a thread can run). *refill: the
 * earliest moment a thread passed over gets its component's budget back
 * (0: none), so that it can take the CPU then. */
static struct sthd *pick(uint64_t now, uint64_t *refill)
{
	*refill = 0;
	if (lent) {		/* lent the CPU, if its component may still run */
		struct sthd *t = lent;
		lent = NULL;
		if (t->state == S_RUNNABLE && budget_left(t, now))
			return t;
	}
	struct sthd *spare = NULL;
	for (int p = 0; p < SCHED_PRIOS; p++)
		for (struct sthd *t = runq[p]; t; t = t->next) {
			if (budget_left(t, now))
				return t;
			if (!spare)
				spare = t;
			uint64_t end = home(t)->start + home(t)->period;
			if (!*refill || end < *refill)
				*refill = end;
		}
	return spare;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

static void arm(uint64_t deadline)
{
	if (deadline == timer_armed_at)
		return;
	timer_armed_at = deadline;
	r2c_op(ROOT_SLOT_TIMER, TIMER_SET, deadline, 0, 0, 0, 0, 0);
}

/* Print every thread the scheduler knows: for "why is nothing happening". */
void sched_dump(void)
{
	static const char *const st[] = { "free", "runnable", "parked", "sleeping", "kblocked", "joining", "dead" };
	uint64_t now = r2c_tsc();
	for (int i = 0; i < nthds; i++) {
		struct sthd *t = &thds[i];
		if (t->state == S_FREE || t->state == S_DEAD)
			continue;
		struct r2c_ret k = r2c_sys(t->kt.slot, THD_STATE, 0, 0, 0, 0, 0, 0);
		r2c_printf("booter:   thread %lu of component %d: %s, priority %d%s%s, wakes in %ld us, depth %lu, "
			   "ip 0x%lx, %lu requests, last %lu(%lu)\n",
			   t->kt.tid, t->comp, st[t->state], t->prio, t->permit ? ", permit" : "",
			   budget_left(t, now) ? "" : ", over its CPU budget",
			   t->wake_at ? (long)((t->wake_at - now) / (slice_cycles / SLICE_US)) : -1, k.r1, k.r0,
			   t->nreq, t->last_req, t->last_arg);
	}
}

/* Threads that wait and that nothing can wake any more (all of them, or
 * only those waiting inside an invocation): whose, in which component,
 * how deep in invocations. */
int sched_dump_stuck(bool inside_only)
{
	static const char *const how[] = { [S_PARKED] = "parked", [S_SLEEPING] = "sleeping",
					   [S_KBLOCKED] = "blocked", [S_JOINING] = "joining" };
	int n = 0;
	for (int i = 0; i < nthds; i++) {
		struct sthd *t = &thds[i];
		if (t->state == S_FREE || t->state == S_DEAD || t->state == S_RUNNABLE)
			continue;
		struct r2c_ret k = r2c_sys(t->kt.slot, THD_STATE, 0, 0, 0, 0, 0, 0);
		bool in_sched = t->state != S_KBLOCKED;
		if (inside_only && k.r1 == 0)
			continue;
		r2c_printf("booter:   thread %lu of %s: %s in %s, %lu invocations deep, at ip 0x%lx\n", t->kt.tid,
			   comp_name(t->comp), how[t->state], comp_name(in_sched ? t->in : t->comp),
			   k.r1, k.r0);
		n++;
	}
	return n;
}

/* Run the system until done() says so, or until no thread can ever run
 * again (nothing runnable, no timeout pending) and the deadline, if any,
 * has passed. */
void sched_run(bool (*done)(void), uint64_t deadline)
{
	for (;;) {
		word_t tok = events();
		if (r2c_rcv(RCV_NONBLOCK) > 0 && current && current->state == S_RUNNABLE) {
			dequeue(current);	/* its slice is over */
			enqueue(current, false);
		}
		uint64_t next = expire_timeouts();
		if (done && done())
			break;
		uint64_t now = r2c_tsc(), refill;
		if (every_fn && now >= every_next) {
			every_next = now + every_period;
			every_waits = every_fn(now);
		}
		struct sthd *t = pick(now, &refill);
		if (t && t->next)	/* another of the same priority waits: slice */
			next = earliest(next, now + slice_cycles);
		uint64_t left = t ? budget_left(t, now) : UINT64_MAX;
		if (left && left != UINT64_MAX)	/* preempt it when its budget is spent */
			next = earliest(next, now + left);
		next = earliest(next, refill);
		if (every_fn && (t || next || every_waits))	/* not alone keeping a system with nothing to do up,
								 * unless it waits for a time to come */
			next = earliest(next, every_next);
		if (!t && deadline) {
			if (now >= deadline)
				break;
			next = earliest(next, deadline);
		}
		arm(next);
		if (!t) {
			if (!next)
				break;
			r2c_rcv(0);	/* until a timeout */
			continue;
		}
		current = t;
		uint64_t from = r2c_tsc();
		r2c_dispatch_answer(t->kt.slot, tok, (word_t)t->result);	/* back when something happened */
		charge(t, from, r2c_tsc());
	}
	arm(0);
}

/* The entry point every component may invoke: a0 = operation. It only
 * records the request and returns; the caller then yields in its own
 * component (lib/libr2c/sched.c), so a waiting thread holds none of my
 * stacks. The yield's EV_YIELDED makes me carry the request out, and the
 * dispatch that resumes the thread hands it the answer. */
static word_t sched(word_t op, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	struct sthd *me = invoker(inv->tid);
	if (!me) {			/* a thread the scheduler does not own */
		static int reported;
		if (reported++ < 3)
			r2c_printf("booter: sched request %lu from thread %lu, which I do not schedule\n", op, inv->tid);
		return (word_t)-ESRCH;
	}
	if (op == 0 || op >= REQ_CALL)
		return (word_t)-EINVAL;
	me->in = (int)inv->token;
	me->a1 = a1;
	me->a2 = a2;
	me->a3 = a3;
	atomic_store_explicit(&me->req, op, memory_order_release);	/* last: complete */
	return 0;	/* queued: the caller yields, and its yield returns my answer */
}
R2C_ENTRY(sched);

long sched_call(word_t tid, long (*fn)(void *), void *arg)
{
	struct sthd *me = invoker(tid);
	if (!me)
		return -ESRCH;
	me->call = fn;
	me->call_arg = arg;
	atomic_store_explicit(&me->req, REQ_CALL, memory_order_release);	/* last: complete */
	r2c_yield();
	return me->result;
}

void sched_init(void)
{
	slice_cycles = bi->tsc_hz / 1000000 * SLICE_US;
	r2c_op(ROOT_SLOT_TIMER, TIMER_BIND, ROOT_SLOT_THD, 0, 0, 0, 0, 0);
}

void *sched_entry(void)
{
	return r2c_export_sched;
}
