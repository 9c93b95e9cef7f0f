/*
 * Shared memory on request (r2c_share / r2c_unshare): a component lends
 * pages it has mapped itself, from its own memory below COMP_SHM_BASE
 * (never pages it borrowed, which unshare could not take back from a
 * third component), to a component it uses or that uses it. A RAM disk
 * server may also lend its disk, the pages at COMP_DISK_BASE that its
 * composition line gives it (disk= or hostdisk=, nothing past them), so
 * that its client moves data to and from the disk in one copy while the
 * server keeps the memory (it outlives the client). The
 * pages stay the lender's, from its own budget: the booter only aliases
 * what the kernel finds mapped in the lender (it can map nothing else)
 * into a free window of the borrower, and takes the alias back on
 * unshare. Page-table pages the borrower needs for the window come from
 * the root's memory and stay with the borrower's page table for the next
 * share. No run-time request can stop the system: every failure is an
 * error returned to the caller, with what was done so far undone.
 */
#include "root.h"
#include "sched.h"
#include "shm.h"
#include "compose/compose.h"

#define SHARES_MAX	256
#define SHARES_PER_LENDER 32	/* so no one component takes every share */
#define SHARE_BYTES_MAX	(64ull << 20)
#define SHARE_WINDOW_END COMP_MODULE_BASE

struct share { int lender, borrower; word_t va, pva, bytes; };
static struct share shares[SHARES_MAX];
static int nshares;

static const struct composition *cf;	/* who uses whom */
static word_t comp_slot[COMPOSE_MAX_COMPS], floor_va[COMPOSE_MAX_COMPS], disk_end[COMPOSE_MAX_COMPS];

void shm_init(const struct composition *c)
{
	cf = c;
}

void shm_add_comp(int comp, word_t slot, word_t floor, word_t disk_bytes)
{
	comp_slot[comp] = slot;
	floor_va[comp] = floor;
	disk_end[comp] = COMP_DISK_BASE + R2C_PAGE_UP(disk_bytes);
}

/* [va, va + bytes) lies within the lender's own disk. */
static bool in_disk(int me, word_t va, word_t bytes)
{
	return va >= COMP_DISK_BASE && va < disk_end[me] && bytes <= disk_end[me] - va;
}

/* The lowest free window of `bytes` (plus a guard page) in the borrower. */
static word_t window(int borrower, word_t bytes)
{
	word_t va = floor_va[borrower];
	for (bool moved = true; moved;) {
		moved = false;
		for (int k = 0; k < nshares; k++) {
			struct share *s = &shares[k];
			if (s->borrower == borrower && va < s->pva + s->bytes + 4096 && s->pva < va + bytes + 4096) {
				va = s->pva + s->bytes + 4096;
				moved = true;
			}
		}
	}
	return va + bytes <= SHARE_WINDOW_END ? va : 0;
}

static void unmap_range(int comp, word_t va, word_t bytes)
{
	for (word_t off = 0; off < bytes; off += 4096)
		r2c_op(comp_slot[comp], COMP_UNMAP, va + off, 0, 0, 0, 0, 0);
}

static long share(int me, int peer, word_t va, word_t bytes, word_t *pva)
{
	if (peer < 0 || peer >= cf->ncomps || peer == me || (!compose_uses(cf, me, peer) && !compose_uses(cf, peer, me)))
		return -EPERM;
	if (bytes == 0 || (va | bytes) & 4095)
		return -EINVAL;
	if (!in_disk(me, va, bytes)) {	/* its disk, whole if it likes; or else */
		if (bytes > SHARE_BYTES_MAX)
			return -EINVAL;
		if (va >= COMP_SHM_BASE || bytes > COMP_SHM_BASE - va)
			return -EPERM;	/* only its image and heap: never what it borrowed or a preload */
	}
	int mine = 0;
	for (int k = 0; k < nshares; k++)
		mine += shares[k].lender == me;
	if (nshares == SHARES_MAX || mine == SHARES_PER_LENDER)
		return -ENOSPC;
	word_t at = window(peer, bytes);
	if (!at)
		return -ENOSPC;
	for (word_t off = 0; off < bytes; off += 4096) {
		long e;
		while ((e = r2c_op(comp_slot[me], COMP_ALIAS, va + off, comp_slot[peer], at + off, MAP_WRITE, 0, 0))
		       == -ENXIO) {
			long pt = r2c_frame_alloc(&mem, 1);
			if (pt < 0 || (e = r2c_op(comp_slot[peer], COMP_PGTBL_ADD, at + off, mem.ut_slot, (word_t)pt,
						  0, 0, 0))) {
				e = pt < 0 ? pt : e;
				break;
			}
		}
		if (e) {	/* not mine to lend (-ENOENT, -EPERM) or no memory: undo */
			unmap_range(peer, at, off);
			return e;
		}
	}
	shares[nshares++] = (struct share){ me, peer, va, at, bytes };
	*pva = at;
	return 0;
}

static long unshare(int me, int peer, word_t pva)
{
	for (int k = 0; k < nshares; k++) {
		struct share *s = &shares[k];
		if (s->lender != me || s->borrower != peer || s->pva != pva)
			continue;
		unmap_range(peer, s->pva, s->bytes);
		*s = shares[--nshares];
		return 0;
	}
	return -ENOENT;
}

/* Micro-reboot of comp: every share it lent or borrowed at run time is
 * taken back (the borrower's alias unmapped), so nothing leaks and the
 * new instance asks again. In the scheduler thread. */
void shm_forget(int comp)
{
	for (int k = 0; k < nshares;) {
		struct share *s = &shares[k];
		if (s->lender != comp && s->borrower != comp) {
			k++;
			continue;
		}
		unmap_range(s->borrower, s->pva, s->bytes);
		*s = shares[--nshares];
	}
}

struct shm_req { word_t op, peer, va, bytes; int me; word_t pva; };

static long shm_do(void *arg)
{
	struct shm_req *q = arg;
	switch (q->op) {
	case SHM_SHARE:
		return share(q->me, (int)q->peer, q->va, q->bytes, &q->pva);
	case SHM_UNSHARE:
		return unshare(q->me, (int)q->peer, q->va);
	}
	return -EINVAL;
}

/* The entry point (cinfo share_slot): a0 = SHM_SHARE, a1 = peer id,
 * a2 = my address, a3 = bytes -> r0 = 0, r1 = the peer's address; or
 * a0 = SHM_UNSHARE, a1 = peer id, a2 = the peer's address of a share of
 * mine -> r0 = 0; or a0 = SHM_COUNT -> r0 = shares in place. Carried
 * out by the scheduler thread, one at a time. */
static word_t shm(word_t op, word_t peer, word_t va, word_t bytes, struct r2c_inv *inv)
{
	if (op == SHM_COUNT)
		return (word_t)nshares;
	struct shm_req q = { op, peer, va, bytes, (int)inv->token, 0 };
	long r = sched_call(inv->tid, shm_do, &q);
	inv->r1 = q.pva;
	return (word_t)r;
}
R2C_ENTRY(shm);

void *shm_entry(void)
{
	return r2c_export_shm;
}
