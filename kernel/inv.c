/*
 * Synchronous invocation by thread migration: the calling thread itself
 * continues in the server's address space at the entry point of the SINV
 * capability, and SELF_RETURN brings it back. Arguments stay in the
 * registers they arrived in; the kernel saves only what it must restore
 * for the client (ip, sp, flags and the callee-saved registers).
 */
#include "include/obj.h"
#include "arch/x86_64/asm.h"

struct thread *inv_call(struct thread *t, struct cap *c, struct regs *r)
{
	if (unlikely(t->depth == INV_DEPTH_MAX)) {
		r->rax = -EDEADLK;
		return t;
	}
	struct comp *s = c->obj;
	struct inv_frame *f = &t->inv[t->depth++];
	*f = (struct inv_frame){ t->comp, r->rip, r->rsp, r->rflags,
				 r->rbx, r->rbp, r->r12, r->r13, r->r14, r->r15, 0 };
	s->frame->refs++;	/* obj_get(s), without looking the frame up */
	t->comp = s;
	r->r8 = c->d1;
	r->r9 = t->tid;
	r->rip = c->d0;
	r->rsp = r->rax = 0;
	r->rbx = r->rbp = r->r12 = r->r13 = r->r14 = r->r15 = 0;
	r->vec = VEC_SYSCALL;
	return t;
}

/* Pop the top invocation: the thread is back in the component that made
 * it, with that component's registers. */
struct inv_frame *inv_pop(struct thread *t, struct regs *r)
{
	struct inv_frame *f = &t->inv[--t->depth];
	BUG_ON(t->comp->frame->refs == 0);
	t->comp->frame->refs--;		/* obj_put(t->comp) */
	t->comp = f->comp;
	r->rip = f->ip;
	r->rsp = f->sp;
	r->rflags = f->flags;
	r->rbx = f->rbx;
	r->rbp = f->rbp;
	r->r12 = f->r12;
	r->r13 = f->r13;
	r->r14 = f->r14;
	r->r15 = f->r15;
	r->r8 = r->r9 = r->r10 = 0;
	r->vec = VEC_SYSCALL;
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
		return fault_return(t, r);
	return t;
}
