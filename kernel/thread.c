/*
 * Threads and the mechanisms of user-level scheduling. The kernel keeps
 * no run queue: a scheduler thread dispatches the threads it created;
 * whatever it must decide about (a block, a wake-up, a yield, an exit, a
 * send to it, a timer tick) reaches it as an event and preempts the
 * threads it schedules. A dispatch carries the token the scheduler last
 * read, so a decision made on stale events is refused (-EAGAIN).
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

static uint32_t next_tid = 1;

void thread_init(struct thread *t, struct comp *c, struct thread *sched, word_t ip, word_t arg)
{
	memset(t, 0, sizeof(*t));
	t->tid = next_tid++;
	t->regs = (struct regs){ .rip = ip, .rdi = arg, .rsi = t->tid, .cs = USER_CS,
				 .ss = USER_DS, .rflags = 0x202, .vec = VEC_SYSCALL };
	memcpy(t->fpu, fpu_clean, sizeof(t->fpu));
	t->comp = c;
	obj_get(c);
	t->sched = sched;
	if (sched)
		obj_get(sched);
	t->state = THD_READY;
}

/* c is where t runs now or somewhere on its invocation stack. */
bool thread_in_comp(const struct thread *t, const struct comp *c)
{
	if (t->state == THD_DEAD)
		return false;
	if (t->comp == c)
		return true;
	for (uint32_t i = 0; i < t->depth; i++)
		if (t->inv[i].comp == c)
			return true;
	return false;
}

/* The sequence number of the outermost call that entered c (0: t's home
 * is c, or it is not in c): the same number a while later is one call
 * held that long, not many short ones. */
static uint32_t call_into(const struct thread *t, const struct comp *c)
{
	for (uint32_t i = 0; i < t->depth; i++)
		if (inv_server(t, i) == c)
			return t->inv[i].seq;
	return 0;
}

/* A thread ends, its invocations with it: so do the windows they
 * borrowed (borrow.c). */
static void windows_end(struct thread *t)
{
	for (uint32_t i = 0; i < t->depth; i++)
		if (t->inv[i].borrowed)
			borrow_end(inv_server(t, i), &t->inv[i]);
}

void thread_destroy(struct thread *t)
{
	windows_end(t);
	obj_put(t->comp);
	for (uint32_t i = 0; i < t->depth; i++)
		obj_put(t->inv[i].comp);
	if (t->sched)
		obj_put(t->sched);
	t->state = THD_DEAD;
}

static void ev_push(struct thread *s, struct thread *about, int type);

/* x got an event or a send: count it in its token, wake it if blocked. */
static void activate(struct thread *x)
{
	x->ev_seq++;
	x->activated = 1;
	if (x->state != THD_BLOCKED)
		return;
	x->state = THD_READY;
	x->regs.rax = x->pending;	/* SELF_RCV returns the sends received */
	x->pending = 0;
	if (cpu0.idle && !cpu0.idle_wake)
		cpu0.idle_wake = x;
	if (x->sched)
		ev_push(x->sched, x, EV_WOKEN);
}

static void ev_push(struct thread *s, struct thread *about, int type)
{
	if (s->ev_count == EV_RING)
		s->ev_lost++;
	else
		s->ev[(s->ev_head + s->ev_count++) % EV_RING] = (struct event){ about->tid, (uint32_t)type };
	activate(s);
}

/* The outermost scheduler above t that was activated and can run: it
 * preempts t. t itself when there is none. */
static struct thread *preempt_check(struct thread *t)
{
	struct thread *run = t;
	for (struct thread *s = t->sched; s; s = s->sched)
		if (s->activated && s->state == THD_READY)
			run = s;
	return run;
}

static struct thread *idle(void)
{
	cpu0.idle = true;
	cpu0.idle_wake = NULL;
	while (!cpu0.idle_wake) {
		if (!timer_armed() && !irq_armed())
			panic("every thread is blocked, no timer is armed and no interrupt line is open: "
			      "nothing can run again");
		cpu_idle_wait();
	}
	cpu0.idle = false;
	return preempt_check(cpu0.idle_wake);
}

/* t cannot run on: its nearest runnable scheduler runs, or the CPU idles. */
static struct thread *next_after(struct thread *t)
{
	for (struct thread *s = t->sched; s; s = s->sched)
		if (s->state == THD_READY)
			return preempt_check(s);
	return idle();
}

struct thread *thread_stopped(struct thread *t, int ev)
{
	t->state = THD_DEAD;
	windows_end(t);
	if (t->sched)
		ev_push(t->sched, t, ev);
	return next_after(t);
}

/* x (not running) ends now: micro-reboot's THD_UNWIND (reboot.c). */
void thread_kill(struct thread *x)
{
	x->state = THD_DEAD;
	windows_end(x);
	x->yielding = 0;
	if (x->sched)
		ev_push(x->sched, x, EV_FAULTED);
}

struct thread *asnd_deliver(struct thread *cur, struct thread *x, bool direct)
{
	bool was_blocked = x->state == THD_BLOCKED;
	x->pending++;
	activate(x);
	if (!cur)
		return NULL;
	if (direct && was_blocked && x->sched == cur->sched && x != cur)
		return x;
	return preempt_check(cur);
}

struct thread *asnd_op(struct thread *t, struct cap *c, word_t op, struct regs *r)
{
	struct thread *x = c->obj;
	if (op != ASND_SEND || (r->rdi & ~(word_t)ASND_SWITCH)) {
		r->rax = -EINVAL;
		return t;
	}
	if (x->state == THD_DEAD) {
		r->rax = -ESRCH;
		return t;
	}
	r->rax = 0;
	return asnd_deliver(t, x, r->rdi & ASND_SWITCH);
}

struct thread *thread_op(struct thread *t, struct cap *c, word_t op, struct regs *r)
{
	struct thread *x = c->obj;
	long err;
	struct cap *dst;
	r->rax = 0;
	if (!(c->rights & RIGHT_ADMIN)) {
		r->rax = -EPERM;
		return t;
	}
	switch (op) {
	case THD_DISPATCH:
		if (x->sched != t)
			r->rax = -EPERM;
		else if (x->state == THD_DEAD)
			r->rax = -ESRCH;
		else if (x->state == THD_BLOCKED)
			r->rax = -EBUSY;
		else if (r->rdi != t->ev_seq)
			r->rax = -EAGAIN;
		else {
			if (x->yielding)	/* the scheduler's answer to its yield */
				x->regs.rax = r->rsi;
			x->yielding = 0;
			return x;
		}
		return t;
	case THD_ASND_CREATE:
		if (!(dst = cap_slot_free(t->comp, r->rdi, &err))) {
			r->rax = err;
			return t;
		}
		*dst = (struct cap){ .type = CAP_ASND, .rights = RIGHT_ALL, .obj = x };
		obj_get(x);
		return t;
	case THD_STATE:
		r->rax = x->state;
		r->rdi = x == t ? r->rip : x->regs.rip;	/* where it is, for diagnostics */
		r->rsi = x->depth;
		r->rdx = x->yielding;
		return t;
	case THD_IN_COMP: {
		struct cap *cc = cap_lookup(t->comp, r->rdi, CAP_COMP, 0, &err);
		r->rax = cc ? thread_in_comp(x, cc->obj) : (word_t)err;
		r->rdi = cc ? call_into(x, cc->obj) : 0;
		return t;
	}
	case THD_UNWIND:	/* micro-reboot */
		r->rax = (word_t)thread_unwind(t, x, r);
		return t;
	}
	r->rax = -EINVAL;
	return t;
}

struct thread *self_op(struct thread *t, word_t op, struct regs *r)
{
	r->rax = 0;
	switch (op) {
	case SELF_RETURN:
		return inv_return(t, r);
	case SELF_YIELD: {
		if (t->sched)
			ev_push(t->sched, t, EV_YIELDED);
		struct thread *next = preempt_check(t);
		t->yielding = next != t;	/* only a dispatch resumes it now */
		return next;
	}
	case SELF_EXIT:
		return thread_stopped(t, EV_EXITED);
	case SELF_RCV:
		if (r->rdi & ~(word_t)RCV_NONBLOCK) {
			r->rax = -EINVAL;
			return t;
		}
		if (t->pending || t->ev_count || t->ev_lost || (r->rdi & RCV_NONBLOCK)) {
			r->rax = t->pending;
			t->pending = 0;
			return t;
		}
		t->state = THD_BLOCKED;
		if (t->sched)
			ev_push(t->sched, t, EV_BLOCKED);
		return next_after(t);
	case SELF_EVENT:
		r->rdx = t->ev_seq;
		if (t->ev_lost) {
			r->rax = 1;
			r->rdi = t->ev_lost;
			r->rsi = EV_LOST;
			t->ev_lost = 0;
		} else if (t->ev_count) {
			struct event e = t->ev[t->ev_head];
			r->rax = t->ev_count--;
			t->ev_head = (t->ev_head + 1) % EV_RING;
			r->rdi = e.tid;
			r->rsi = e.type;
		}
		return t;
	case SELF_SET_FSBASE:
		if (r->rdi >= USER_TOP) {
			r->rax = -EINVAL;
			return t;
		}
		fsbase_set(t, r->rdi);
		return t;
	case SELF_TID:
		r->rax = t->tid;
		return t;
	case SELF_NO_STACK:
		return inv_no_stack(t, r);
	case SELF_ASND_CREATE: {	/* in my own table only: a client's thread passing through is not mine */
		long err;
		struct cap *dst = t->depth ? NULL : cap_slot_free(t->comp, r->rdi, &err);
		if (!dst) {
			r->rax = t->depth ? -EPERM : err;
			return t;
		}
		*dst = (struct cap){ .type = CAP_ASND, .rights = RIGHT_ALL, .obj = t };
		obj_get(t);
		return t;
	}
	case SELF_COPY_IN:
	case SELF_COPY_OUT:
	case SELF_COPY_IN_STR:
	case SELF_COPY_OUT_STR:
		r->rax = self_copy(t, op, r);
		return t;
	case SELF_BORROW:
		r->rax = self_borrow(t, r);
		return t;
	}
	r->rax = -EINVAL;
	return t;
}
