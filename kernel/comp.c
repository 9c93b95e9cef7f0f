/*
 * Operations on a component through a COMP capability: its page table
 * (map frames from untyped memory, alias another component's page,
 * unmap), its capability table (copy in, delete), and its entry points
 * (create invocation capabilities, set the fault handler).
 */
#include "include/obj.h"

/* The page `idx` of a range capability (untyped or devmem) mapped with
 * `flags`, if its rights allow: its physical address, or 0 with *err. */
static paddr_t range_page(struct comp *me, word_t slot, int type, word_t idx, word_t flags, word_t allowed,
			  long *err)
{
	struct cap *rc = cap_lookup(me, slot, type, RIGHT_READ, err);
	if (!rc)
		return 0;
	*err = -EINVAL;
	if ((flags & ~allowed) || idx >= rc->d1)
		return 0;
	*err = -EPERM;
	if (((flags & MAP_WRITE) && !(rc->rights & RIGHT_WRITE)) ||
	    ((flags & MAP_EXEC) && !(rc->rights & RIGHT_EXEC)))
		return 0;
	*err = 0;
	return (rc->d0 + idx) << PAGE_SHIFT;
}

/* Map frame idx of my untyped capability `slot` at va in c; a frame used
 * for the first time is zeroed here, once (a frame given back is zeroed
 * again when it is next used). */
static long map_frame(struct comp *me, struct comp *c, word_t va, word_t slot, word_t idx, word_t flags)
{
	long err;
	paddr_t pa = range_page(me, slot, CAP_UNTYPED, idx, flags, MAP_WRITE | MAP_EXEC, &err);
	if (err)
		return err;
	struct frame *f = frame_of(pa);
	bool fresh = f->type == F_UNTYPED;
	if ((!fresh && f->type != F_USER) || f->orphan)
		return -EBUSY;
	if (fresh) {
		memset(pa2va(pa), 0, PAGE_SIZE);
		f->type = F_USER;
	}
	err = pgtbl_map(c, va, pa, flags);
	if (err && fresh)
		f->type = F_UNTYPED;
	return err;
}

/* COMP_MAP_RUN: a run of frames at a run of pages, one call for a heap
 * that grows by many pages at once; stops at the first page it cannot
 * map (a missing page table: the caller adds it and goes on). */
static long map_run(struct comp *me, struct comp *c, struct regs *r)
{
	word_t va = r->rdi, n = r->r8;
	if (n == 0 || n > COMP_MAP_RUN_MAX)
		return -EINVAL;
	for (word_t i = 0; i < n; i++) {
		long err = map_frame(me, c, va + i * PAGE_SIZE, r->rsi, r->rdx + i, r->r10);
		if (err)
			return i ? (long)i : err;
	}
	return (long)n;
}

/* Device memory has no frame to count or zero: map it as it is, uncached
 * unless its BAR said prefetchable. */
static long map_devmem(struct comp *me, struct comp *c, struct regs *r)
{
	long err;
	paddr_t pa = range_page(me, r->rsi, CAP_DEVMEM, r->rdx, r->r10, MAP_WRITE, &err);
	if (err)
		return err;
	bool uncached = me->slots[r->rsi].uncached;
	return pgtbl_map(c, r->rdi, pa, r->r10 | (uncached ? KMAP_UNCACHED : 0));
}

static long alias(struct comp *me, struct comp *c, struct regs *r)
{
	long err;
	paddr_t pa;
	word_t have;
	struct cap *dc = cap_lookup(me, r->rsi, CAP_COMP, RIGHT_ADMIN, &err);
	if (!dc)
		return err;
	if ((err = pgtbl_lookup(c, r->rdi, &pa, &have)))
		return err;
	if (frame_of(pa) && frame_of(pa)->orphan)
		return -EBUSY;	/* nobody's to map (frame_unmapped) */
	if (r->r10 & ~(word_t)(MAP_WRITE | MAP_EXEC))
		return -EINVAL;
	if (r->r10 & ~have)
		return -EPERM;
	return pgtbl_map(dc->obj, r->rdx, pa, r->r10 | (have & KMAP_UNCACHED));
}

static long add_table(struct comp *me, struct comp *c, struct regs *r)
{
	long err;
	struct cap *ut = cap_lookup(me, r->rsi, CAP_UNTYPED, RIGHT_WRITE, &err);	/* a page table is a mapping */
	if (!ut)
		return err;
	if (r->rdx >= ut->d1)
		return -EINVAL;
	paddr_t pa = (ut->d0 + r->rdx) << PAGE_SHIFT;
	if (frame_of(pa)->type != F_UNTYPED)
		return -EBUSY;
	return pgtbl_add(c, r->rdi, pa);
}

static long cap_copy(struct comp *me, struct comp *c, struct regs *r)
{
	long err;
	struct cap *src = cap_lookup(me, r->rdi, CAP_NONE, RIGHT_GRANT, &err);
	if (!src)
		return err;
	struct cap *dst = cap_slot_free(c, r->rsi, &err);
	if (!dst)
		return err;
	cap_install(dst, src, (unsigned)r->rdx);
	return 0;
}

/* The SINV goes into my table, or into that of the component a3 names. */
static long sinv_create(struct comp *me, struct comp *c, struct regs *r)
{
	long err;
	struct comp *to = me;
	if (r->rdi >= USER_TOP)
		return -EINVAL;
	if (r->r10) {
		struct cap *tc = cap_lookup(me, r->r10, CAP_COMP, RIGHT_ADMIN, &err);
		if (!tc)
			return err;
		to = tc->obj;
	}
	struct cap *dst = cap_slot_free(to, r->rdx, &err);
	if (!dst)
		return err;
	*dst = (struct cap){ .type = CAP_SINV, .rights = RIGHT_ALL, .obj = c, .d0 = r->rdi, .d1 = r->rsi };
	obj_get(c);
	return 0;
}

long comp_op(struct thread *t, struct cap *cc, word_t op, struct regs *r)
{
	struct comp *c = cc->obj, *me = t->comp;
	long err;
	if (!(cc->rights & RIGHT_ADMIN))
		return -EPERM;
	switch (op) {
	case COMP_MAP:
		return map_frame(me, c, r->rdi, r->rsi, r->rdx, r->r10);
	case COMP_MAP_RUN:
		return map_run(me, c, r);
	case COMP_MAP_DEVMEM:
		return map_devmem(me, c, r);
	case COMP_ALIAS:
		return alias(me, c, r);
	case COMP_UNMAP:
		return pgtbl_unmap(c, r->rdi);
	case COMP_PGTBL_ADD:
		return add_table(me, c, r);
	case COMP_CAP_COPY:
		return cap_copy(me, c, r);
	case COMP_CAP_DELETE:
		if (r->rdi == CAP_SELF)
			return -ERANGE;
		if (!cap_lookup(c, r->rdi, CAP_NONE, 0, &err))
			return err;
		cap_clear(&c->slots[r->rdi]);
		return 0;
	case COMP_SINV_CREATE:
		return sinv_create(me, c, r);
	case COMP_SET_FAULT: {
		if (c == me)	/* whoever handles my faults is not mine to choose */
			return -EPERM;
		struct cap *s = cap_lookup(me, r->rdi, CAP_SINV, 0, &err);
		if (!s)
			return err;
		struct cap old = c->fault;
		cap_install(&c->fault, s, RIGHT_ALL);
		cap_clear(&old);
		return 0;
	}
	case COMP_CAP_TYPE:
		if (r->rdi >= c->nslots)
			return -ERANGE;
		return c->slots[r->rdi].type;
	case COMP_RETIRE:
		c->retired = COMP_RETIRED;
		return 0;
	case COMP_REBOOT:	/* micro-reboot */
	case COMP_UP:
		return comp_reboot(t, c, op, r);
	}
	return -EINVAL;
}

void comp_destroy(struct comp *c)
{
	for (word_t i = 1; i < c->nslots; i++)
		if (c->slots[i].type != CAP_NONE)
			cap_clear(&c->slots[i]);
	cap_clear(&c->fault);
	pgtbl_destroy(c);
}
