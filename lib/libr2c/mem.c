/*
 * A component's own resources, handed out and taken back: frames of its
 * untyped range (mapped into a page table, page-table pages added on
 * demand) and slots of its capability table. Both come from free maps,
 * so whatever is given back can be handed out again: a long-running
 * system that creates and ends threads does not run dry.
 */
#include "r2c.h"

/* --- capability slots ------------------------------------------------- */

void r2c_slots_init(struct r2c_slots *s, word_t nslots, word_t first_free)
{
	memset(s, 0, sizeof(*s));
	s->n = nslots < R2C_SLOTS_MAX ? nslots : R2C_SLOTS_MAX;
	for (word_t i = 0; i < first_free && i < s->n; i++)
		s->used[i / 64] |= 1ull << (i % 64);
	s->hint = first_free;
}

word_t r2c_slot_alloc(struct r2c_mem *m)
{
	struct r2c_slots *s = m->slots;
	for (word_t k = 0; k < s->n; k++) {
		word_t i = (s->hint + k) % s->n;
		if (i == CAP_SELF || (s->used[i / 64] >> (i % 64)) & 1)
			continue;
		s->used[i / 64] |= 1ull << (i % 64);
		s->hint = i + 1;
		s->inuse++;
		return i;
	}
	return 0;		/* slot 0 is never free: every operation on it as a result fails */
}

void r2c_slot_free(struct r2c_mem *m, word_t slot)
{
	struct r2c_slots *s = m->slots;
	if (slot == CAP_SELF || slot >= s->n || !((s->used[slot / 64] >> (slot % 64)) & 1))
		return;
	s->used[slot / 64] &= ~(1ull << (slot % 64));
	s->inuse--;
}

long r2c_slot_delete(struct r2c_mem *m, word_t slot)
{
	long e = r2c_op(m->self_slot, COMP_CAP_DELETE, slot, 0, 0, 0, 0, 0);
	if (!e || e == -ENOENT)
		r2c_slot_free(m, slot);
	return e;
}

word_t r2c_slots_free(const struct r2c_mem *m)
{
	return m->slots->n - 1 - m->slots->inuse;
}

/* --- frames ----------------------------------------------------------- */

static bool frame_freed(const struct r2c_mem *m, word_t f)
{
	return (m->freed[f / 64] >> (f % 64)) & 1;
}

long r2c_frame_alloc(struct r2c_mem *m, word_t n)
{
	if (n == 0)
		return -EINVAL;
	/* First fit among frames given back (whole words with none skipped),
	 * then never-used ones. */
	word_t end = m->next < m->freed_cap ? m->next : m->freed_cap;
	for (word_t f = 0, run = 0; m->nfreed >= n && f < end; f++) {
		if (f % 64 == 0 && !m->freed[f / 64]) {
			run = 0;
			f += 63;
			continue;
		}
		run = frame_freed(m, f) ? run + 1 : 0;
		if (run < n)
			continue;
		word_t first = f + 1 - n;
		for (word_t i = first; i <= f; i++)
			m->freed[i / 64] &= ~(1ull << (i % 64));
		m->nfreed -= n;
		return (long)first;
	}
	if (n > m->count - m->next)
		return -ENOMEM;
	word_t f = m->next;
	m->next += n;
	return (long)f;
}

long r2c_frame_free(struct r2c_mem *m, word_t first, word_t n)
{
	if (!m->freed)
		return -ENOSYS;
	if (first >= m->next || n > m->next - first || first + n > m->freed_cap)
		return -EINVAL;
	long err = 0;
	for (word_t f = first; f < first + n; f++) {
		long e = r2c_op(m->ut_slot, UT_FREE, f, 0, 0, 0, 0, 0);
		if (e) {	/* in use (an orphan a server still holds, say): it stays taken */
			err = err ? err : e;
			continue;
		}
		if (!frame_freed(m, f)) {
			m->freed[f / 64] |= 1ull << (f % 64);
			m->nfreed++;
		}
	}
	return err;
}

word_t r2c_frames_free(const struct r2c_mem *m)
{
	return m->count - m->next + m->nfreed;
}

long r2c_pgtbl_add(struct r2c_mem *m, word_t comp_slot, word_t va)
{
	for (;;) {
		long pt = r2c_frame_alloc(m, 1);
		if (pt < 0)
			return pt;
		long err = r2c_op(comp_slot, COMP_PGTBL_ADD, va, m->ut_slot, (word_t)pt, 0, 0, 0);
		if (err != -EBUSY) {
			if (err)
				r2c_frame_free(m, (word_t)pt, 1);	/* where frames can be given back */
			return err;
		}
		/* not untyped (an orphan a server still holds): it stays taken */
	}
}

long r2c_map_frame(struct r2c_mem *m, word_t comp_slot, word_t va, word_t frame, word_t flags)
{
	for (;;) {
		long err = r2c_op(comp_slot, COMP_MAP, va, m->ut_slot, frame, flags, 0, 0);
		if (err != -ENXIO || (err = r2c_pgtbl_add(m, comp_slot, va)))
			return err;
	}
}

long r2c_map(struct r2c_mem *m, word_t comp_slot, word_t va, word_t flags)
{
	long n = r2c_map_pages(m, comp_slot, va, 1, flags);
	return n < 0 ? n : 0;
}

/* Runs of up to COMP_MAP_RUN_MAX frames, each mapped by one call (the
 * kernel zeroes each frame once as it maps it); a run that cannot be had
 * in one piece is taken a frame at a time. */
long r2c_map_pages(struct r2c_mem *m, word_t comp_slot, word_t va, word_t n, word_t flags)
{
	word_t done = 0;
	while (done < n) {
		word_t k = n - done < COMP_MAP_RUN_MAX ? n - done : COMP_MAP_RUN_MAX;
		long f = r2c_frame_alloc(m, k);
		if (f < 0 && k > 1)
			f = r2c_frame_alloc(m, k = 1);
		if (f < 0)
			return done ? (long)done : f;
		for (word_t in = 0; in < k;) {
			word_t at = va + (done + in) * 4096;
			long r = r2c_op(comp_slot, COMP_MAP_RUN, at, m->ut_slot, (word_t)f + in, flags, k - in, 0);
			if (r == -ENXIO && !(r = r2c_pgtbl_add(m, comp_slot, at)))
				continue;	/* the page table it lacked is there now */
			if (r < 0) {	/* the frames not mapped go back, where they can; one
					 * refused as in use (an orphan a server still holds,
					 * docs/kernel.md) stays taken, handed out again it
					 * would be refused again, and the pages left get
					 * other frames */
				word_t keep = r == -EBUSY;
				if (k - in > keep)
					r2c_frame_free(m, (word_t)f + in + keep, k - in - keep);
				if (!keep)
					return done + in ? (long)(done + in) : r;
				k = in;
				break;
			}
			in += (word_t)r;
		}
		done += k;
	}
	return (long)n;
}

/* --- kernel threads ----------------------------------------------------- */

long r2c_kthread_new(struct r2c_mem *m, word_t comp_slot, word_t ip, word_t arg, struct r2c_kthread *out)
{
	long f = r2c_frame_alloc(m, 1);
	if (f < 0)
		return f;
	word_t slot = r2c_slot_alloc(m);
	long tid = slot ? r2c_op(m->ut_slot, UT_RETYPE, (word_t)f, CAP_THD, slot, comp_slot, ip, arg) : -ENOSPC;
	if (tid < 0) {
		r2c_slot_free(m, slot);
		r2c_frame_free(m, (word_t)f, 1);
		if (!m->freed)		/* cannot give it back: at least the bump is undone */
			m->next -= m->next == (word_t)f + 1;
		return tid;
	}
	*out = (struct r2c_kthread){ .slot = slot, .frame = (word_t)f, .tid = (word_t)tid };
	return tid;
}

long r2c_kthread_free(struct r2c_mem *m, const struct r2c_kthread *t)
{
	long e = r2c_slot_delete(m, t->slot);
	if (e)
		return e;
	return r2c_frame_free(m, t->frame, 1);
}
