/*
 * Synchronous invocation by thread migration: the calling thread itself
 * continues in the server's address space at the entry point of the SINV
 * capability, and SELF_RETURN brings it back. Arguments stay in the
 * registers they arrived in; the kernel saves only what it must restore
 * for the client (ip, sp, FS base and the callee-saved registers).
 *
 * Nothing else crosses: the server starts with rflags RFLAGS_CLEAN, FS
 * base 0, FPU/SSE in their initial state and every other register zero
 * (rcx and r11 get its ip and rflags from sysret); the client comes back
 * the same way with only the status and r0..r2 from the server.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

struct thread *inv_call(struct thread *t, struct cap *c, struct regs *r)
{
	struct comp *s = c->obj;
	if (unlikely(t->depth == INV_DEPTH_MAX || s->retired)) {
		/* micro-reboot: a server between COMP_REBOOT and COMP_UP is not entered */
		r->rax = s->retired == COMP_RETIRED ? INV_GONE : s->retired ? INV_REBOOTED : INV_TOO_DEEP;
		r->rdi = r->rsi = r->rdx = 0;
		return t;
	}
	struct inv_frame *f = &t->inv[t->depth++];
	*f = (struct inv_frame){ .comp = t->comp, .ip = r->rip, .sp = r->rsp, .fsbase = t->fsbase,
				 .rbx = r->rbx, .rbp = r->rbp, .r12 = r->r12, .r13 = r->r13, .r14 = r->r14,
				 .r15 = r->r15, .epoch = t->comp->epoch,	/* micro-reboot: the caller's epoch */
				 .seq = ++t->calls };
	s->frame->refs++;	/* obj_get(s), without looking the frame up */
	t->comp = s;
	if (unlikely(t->fsbase))
		fsbase_set(t, 0);
	fpu_reset();
	r->r8 = c->d1;
	r->r9 = t->tid;
	r->rip = c->d0;
	r->rflags = RFLAGS_CLEAN;
	r->rsp = r->rax = 0;
	r->rbx = r->rbp = r->r12 = r->r13 = r->r14 = r->r15 = 0;
	r->vec = VEC_SYSCALL;
	return t;
}

/* The registers a return gives back (also to a parked thread, reboot.c). */
void inv_pop_regs(struct regs *r, const struct inv_frame *f)
{
	r->rip = f->ip;
	r->rsp = f->sp;
	r->rflags = RFLAGS_CLEAN;
	r->rbx = f->rbx;
	r->rbp = f->rbp;
	r->r12 = f->r12;
	r->r13 = f->r13;
	r->r14 = f->r14;
	r->r15 = f->r15;
	r->r8 = r->r9 = r->r10 = 0;
	r->rcx = r->r11 = 0;	/* sysret gives them ip and flags; the fast path's fallback left kernel values */
	r->vec = VEC_SYSCALL;
}

/* Pop the top invocation: the thread is back in the component that made
 * it, with that component's registers and FS base, clean rflags and a
 * clean FPU. */
struct inv_frame *inv_pop(struct thread *t, struct regs *r)
{
	struct inv_frame *f = &t->inv[--t->depth];
	if (f->borrowed)
		borrow_end(t->comp, f);
	BUG_ON(t->comp->frame->refs == 0);
	t->comp->frame->refs--;		/* obj_put(t->comp) */
	t->comp = f->comp;
	inv_pop_regs(r, f);
	if (unlikely(f->fsbase || t->fsbase))	/* cpu.h fsbase_set */
		fsbase_set(t, f->fsbase);
	fpu_reset();
	return f;
}

struct thread *inv_return(struct thread *t, struct regs *r)
{
	if (unlikely(t->depth == 0)) {
		r->rax = -EINVAL;
		return t;
	}
	struct inv_frame *f = inv_pop(t, r);
	if (unlikely(f->is_fault))
		return fault_return(t, r, f);
	if (unlikely(inv_stale(f)))	/* micro-reboot: the caller was rebooted meanwhile */
		return inv_unwind(t, r, INV_REBOOTED);
	return t;		/* rax = 0 (SELF_RETURN's number): INV_DONE */
}

/* The server's entry stub found no free stack (SELF_NO_STACK): the
 * invocation did not happen. A fault handler that cannot run leaves its
 * fault unhandled. */
struct thread *inv_no_stack(struct thread *t, struct regs *r)
{
	if (t->depth == 0) {
		r->rax = -EINVAL;
		return t;
	}
	struct inv_frame *f = inv_pop(t, r);
	if (f->is_fault) {
		t->in_fault = 0;
		return inv_unwind(t, r, inv_stale(f) ? INV_REBOOTED : INV_FAULTED);
	}
	if (inv_stale(f))		/* micro-reboot */
		return inv_unwind(t, r, INV_REBOOTED);
	r->rax = INV_NO_STACK;
	r->rdi = r->rsi = r->rdx = 0;
	return t;
}
