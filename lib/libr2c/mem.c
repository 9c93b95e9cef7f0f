/* Frames from an untyped range, mapped into a component's page table;
 * page-table pages are added on demand from the same range. */
#include "r2c.h"

long r2c_frame_alloc(struct r2c_mem *m, word_t n)
{
	if (n > m->count - m->next)
		return -ENOMEM;
	word_t f = m->next;
	m->next += n;
	return (long)f;
}

word_t r2c_slot_alloc(struct r2c_mem *m)
{
	return (*m->free_slot)++;
}

long r2c_map_frame(struct r2c_mem *m, word_t comp_slot, word_t va, word_t frame, word_t flags)
{
	for (;;) {
		long err = r2c_op(comp_slot, COMP_MAP, va, m->ut_slot, frame, flags, 0, 0);
		if (err != -ENXIO)
			return err;
		long pt = r2c_frame_alloc(m, 1);
		if (pt < 0)
			return pt;
		if ((err = r2c_op(comp_slot, COMP_PGTBL_ADD, va, m->ut_slot, (word_t)pt, 0, 0, 0)))
			return err;
	}
}

long r2c_map(struct r2c_mem *m, word_t comp_slot, word_t va, word_t flags)
{
	long f = r2c_frame_alloc(m, 1);
	if (f < 0)
		return f;
	return r2c_map_frame(m, comp_slot, va, (word_t)f, flags);
}

extern char r2c_thread_entry[];

long r2c_thread_create(struct r2c_mem *m, word_t comp_slot, struct r2c_thread *t, word_t *slot)
{
	long f = r2c_frame_alloc(m, 1);
	if (f < 0)
		return f;
	*slot = r2c_slot_alloc(m);
	t->owned = false;
	return r2c_op(m->ut_slot, UT_RETYPE, (word_t)f, CAP_THD, *slot, comp_slot,
		      (word_t)r2c_thread_entry, (word_t)t);
}
