/*
 * Untyped memory: the only source of frames after boot. Retyping a frame
 * into a kernel object, deriving a sub-range for another component, and
 * returning an unreferenced frame are the operations here.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

#define SCHED_DEPTH_MAX 8

static long retype_comp(struct cap *ut, word_t first, struct cap *dst, struct regs *r)
{
	if (first > ut->d1 || ut->d1 - first < COMP_FRAMES)
		return -EINVAL;
	paddr_t pa = (ut->d0 + first) << PAGE_SHIFT;
	for (int i = 0; i < COMP_FRAMES; i++)
		if (frame_of(pa + i * PAGE_SIZE)->type != F_UNTYPED)
			return -EBUSY;
	struct comp *c = pa2va(pa);
	memset(c, 0, COMP_TABLE_BYTES);
	word_t name[2] = { r->r10, r->r8 };
	comp_init(c, pa + COMP_TABLE_BYTES, (const char *)name);
	frame_of(pa)->type = F_COMPONENT;
	for (int i = 1; i < COMP_FRAMES; i++)
		frame_of(pa + i * PAGE_SIZE)->type = F_COMP_TAIL;
	*dst = (struct cap){ .type = CAP_COMP, .rights = RIGHT_ALL, .obj = c };
	obj_get(c);
	return 0;
}

static long retype_thd(struct thread *cur, struct cap *ut, word_t idx, struct cap *dst, struct regs *r)
{
	long err;
	struct cap *cc = cap_lookup(cur->comp, r->r10, CAP_COMP, RIGHT_ADMIN, &err);
	if (!cc)
		return err;
	if (r->r8 >= USER_TOP)
		return -EINVAL;
	int depth = 0;
	for (struct thread *s = cur; s; s = s->sched)
		depth++;
	if (depth > SCHED_DEPTH_MAX)
		return -EDEADLK;
	if (idx >= ut->d1)
		return -EINVAL;
	paddr_t pa = (ut->d0 + idx) << PAGE_SHIFT;
	struct frame *f = frame_of(pa);
	if (f->type != F_UNTYPED)
		return -EBUSY;
	struct thread *t = pa2va(pa);
	thread_init(t, cc->obj, cur, r->r8, r->r9);
	f->type = F_THD;
	*dst = (struct cap){ .type = CAP_THD, .rights = RIGHT_ALL, .obj = t };
	obj_get(t);
	return t->tid;
}

static long free_frame(struct cap *ut, word_t idx)
{
	if (idx >= ut->d1)
		return -EINVAL;
	paddr_t pa = (ut->d0 + idx) << PAGE_SHIFT;
	struct frame *f = frame_of(pa);
	if (f->refs)
		return -EBUSY;
	switch (f->type) {
	case F_UNTYPED:
		return 0;
	case F_USER:
		break;
	case F_THD:
		if (pa2va(pa) == cpu0.current)
			return -EBUSY;
		thread_destroy(pa2va(pa));
		break;
	case F_COMPONENT:
		comp_destroy(pa2va(pa));
		for (int i = 1; i < COMP_FRAMES; i++)
			frame_of(pa + i * PAGE_SIZE)->type = F_UNTYPED;
		break;
	default:		/* page tables go with their component */
		return -EBUSY;
	}
	f->type = F_UNTYPED;
	return 0;
}

long untyped_op(struct thread *t, struct cap *ut, word_t op, struct regs *r)
{
	long err;
	struct cap *dst;
	if (op == UT_INFO) {	/* physical addresses are for whoever may build with the range */
		r->rdi = ut->rights & RIGHT_ADMIN ? ut->d0 << PAGE_SHIFT : 0;
		return (long)ut->d1;
	}
	if (op == UT_FRAME) {
		if (r->rdi >= ut->d1)
			return -EINVAL;
		struct frame *f = frame_of((ut->d0 + r->rdi) << PAGE_SHIFT);
		r->rdi = f->refs;
		return f->type;
	}
	if (!(ut->rights & RIGHT_ADMIN))
		return -EPERM;
	switch (op) {
	case UT_RETYPE:
		if (!(dst = cap_slot_free(t->comp, r->rdx, &err)))
			return err;
		if (r->rsi == CAP_COMP)
			return retype_comp(ut, r->rdi, dst, r);
		if (r->rsi == CAP_THD)
			return retype_thd(t, ut, r->rdi, dst, r);
		return -EINVAL;
	case UT_DERIVE:
		if (r->rsi == 0 || r->rdi > ut->d1 || r->rsi > ut->d1 - r->rdi)
			return -EINVAL;
		if (!(dst = cap_slot_free(t->comp, r->rdx, &err)))
			return err;
		*dst = (struct cap){ .type = CAP_UNTYPED, .rights = ut->rights,
				     .d0 = ut->d0 + r->rdi, .d1 = r->rsi };
		return 0;
	case UT_FREE:
		return free_frame(ut, r->rdi);
	}
	return -EINVAL;
}
