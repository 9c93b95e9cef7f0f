/*
 * Micro-reboot, the kernel's part: mechanisms the booter combines to
 * reboot a failed component in place. The component object stays (the
 * SINVs others hold to it stay valid); COMP_REBOOT advances its liveness
 * epoch, takes it down (invocations get INV_REBOOTED), revokes the
 * capabilities it acquired since boot and drops its run-time memory;
 * THD_UNWIND takes each thread executing in it back to the nearest live
 * caller (INV_REBOOTED) or ends it; COMP_UP lets it serve again once the
 * booter has put its image back. A thread that is elsewhere with the
 * component on its invocation stack unwinds when it returns into it:
 * every invocation frame records its caller's epoch, and a return
 * (inv.c, and the fast path in entry.S) into a component whose epoch
 * moved on keeps unwinding.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

/* COMP_REBOOT: a0 = first capability slot to revoke (the ones below are
 * its boot-time grants, kept), [a1, a2) = the virtual range whose
 * mappings go (its heap): frames nothing maps any more become untyped
 * again, page tables wholly inside the range too. Below a2, its writable
 * pages a server holds in a window go too, and every mapping of them
 * (orphans): r0 says how many went below a1, for the booter to put new
 * pages in place of its kept ones. */
static long reboot(struct thread *t, struct comp *c, struct regs *r)
{
	word_t keep = r->rdi, lo = r->rsi, hi = r->rdx;
	if (c == t->comp)
		return -EPERM;	/* never the component doing it */
	if (keep == 0 || keep > c->nslots || lo > hi || hi > USER_TOP || ((lo | hi) & (PAGE_SIZE - 1)))
		return -EINVAL;
	c->epoch++;
	if (c->retired != COMP_RETIRED)
		c->retired = COMP_DOWN;
	for (word_t i = keep; i < c->nslots; i++)
		if (c->slots[i].type != CAP_NONE)
			cap_clear(&c->slots[i]);
	/* Its own windows (borrow.c), on others' frames: its threads inside
	 * are unwound next, and their page tables come from its budget, which
	 * starts afresh. */
	pgtbl_clear_range(c, COMP_BORROW_BASE, COMP_BORROW_END);
	/* Then its frames a server holds in a window (SELF_BORROW), kept
	 * pages (data, stacks) too: the server may still write to them, and
	 * that must not reach the next life. */
	r->rdi = pgtbl_orphan_lent(c, lo, hi);
	pgtbl_clear_range(c, lo, hi);
	return c->epoch;
}

long comp_reboot(struct thread *t, struct comp *c, word_t op, struct regs *r)
{
	if (op == COMP_REBOOT)
		return reboot(t, c, r);
	if (c->retired != COMP_DOWN)	/* COMP_UP */
		return -EINVAL;
	c->retired = 0;
	return 0;
}

/* THD_UNWIND, a0 = a COMP slot (ADMIN) of a component that is down: if
 * thread x executes in it, pop x's frames until one returns into a live
 * component, which gets INV_REBOOTED (-> 1), or end x if none is left
 * (-> 2, its scheduler gets EV_FAULTED). 0: x is not in it now. */
long thread_unwind(struct thread *t, struct thread *x, struct regs *r)
{
	long err;
	struct cap *cc = cap_lookup(t->comp, r->rdi, CAP_COMP, RIGHT_ADMIN, &err);
	if (!cc)
		return err;
	struct comp *c = cc->obj;
	if (c->retired != COMP_DOWN)
		return -EINVAL;	/* yanking threads out of a live component would break it */
	if (x->state == THD_DEAD)
		return -ESRCH;
	if (x == t)
		return -EBUSY;
	if (x->comp != c)
		return 0;
	while (x->depth > 0) {
		struct inv_frame *f = &x->inv[--x->depth];
		if (f->borrowed)
			borrow_end(x->comp, f);
		BUG_ON(x->comp->frame->refs == 0);
		x->comp->frame->refs--;
		x->comp = f->comp;
		if (f->is_fault)
			x->in_fault = 0;
		if (f->is_fault || inv_stale(f))
			continue;
		inv_pop_regs(&x->regs, f);	/* x is parked: its FS base and FPU are in x */
		x->fsbase = f->fsbase;
		memcpy(x->fpu, fpu_clean, sizeof(x->fpu));
		x->regs.rax = (word_t)INV_REBOOTED;
		x->regs.rdi = x->regs.rsi = x->regs.rdx = 0;
		x->yielding = 0;
		if (x->state == THD_BLOCKED)
			x->state = THD_READY;
		return 1;
	}
	thread_kill(x);
	return 2;
}
