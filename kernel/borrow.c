/*
 * SELF_BORROW: a server maps the pages of its invoker that hold one
 * buffer into a window of its own for as long as the invocation lasts,
 * and moves the data with plain loads and stores instead of a kernel copy
 * per piece: the rump kernel copies a file's data in and out a page at a
 * time, and each SELF_COPY costs a system call and a walk of each page on
 * both sides. The authority is SELF_COPY's, the invocation itself, and so
 * is its end: every way a frame leaves the invocation stack (return,
 * unwind, a fault, a micro-reboot, the thread's end) calls borrow_end.
 * The windows' region of every component is the kernel's to map, and the
 * frames stay counted (their owner cannot free them) while lent.
 */
#include "include/obj.h"

#define BORROW_PAGES (SELF_COPY_MAX / PAGE_SIZE + 1)
/* inv_frame.borrow_slot: the window's slot, and above it the low bits of
 * the server's epoch when it was borrowed. */
#define SLOT_BITS 10
#define EPOCH_MASK ((1u << (32 - SLOT_BITS)) - 1)
_Static_assert(COMP_BORROW_SLOTS <= 1u << SLOT_BITS, "a slot fits its bits");
_Static_assert(BORROW_PAGES * PAGE_SIZE <= COMP_BORROW_SPAN, "a window holds the largest buffer");
_Static_assert((2ull << 20) % COMP_BORROW_SPAN == 0, "a window lies in one page table");
_Static_assert(COMP_BORROW_SLOTS * COMP_BORROW_SPAN <= COMP_BORROW_END - COMP_BORROW_BASE &&
	       COMP_BORROW_BASE % (1ull << 30) == 0 && COMP_BORROW_END - COMP_BORROW_BASE == 1ull << 30,
	       "the windows fill at most one 1 GiB-aligned gigabyte (reboot.c clears it whole)");

long self_borrow(struct thread *t, struct regs *r)
{
	word_t va = r->rdi, len = r->rsi, slot = r->rdx, write = r->r10;
	long err;
	struct inv_frame *f = inv_invoker(t, &err);
	if (!f)
		return err;
	if (f->borrowed)
		return -EBUSY;
	if (len == 0 || len > SELF_COPY_MAX || slot >= COMP_BORROW_SLOTS || write > 1)
		return -EINVAL;
	if (va >= USER_TOP || len > USER_TOP - va)
		return -EFAULT;
	word_t first = va & ~(PAGE_SIZE - 1), n = (va + len - first + PAGE_SIZE - 1) / PAGE_SIZE;
	paddr_t pa[BORROW_PAGES];
	if (!pgtbl_user_frames(f->comp, first, n, write, pa))
		return -EFAULT;
	word_t window = COMP_BORROW_BASE + slot * COMP_BORROW_SPAN;
	err = pgtbl_borrow_map(t->comp, window, pa, n, write);
	if (err)
		return err;
	f->borrowed = (uint8_t)n;
	f->borrow_slot = (uint32_t)(slot | (word_t)t->comp->epoch << SLOT_BITS);
	return (long)(window + (va - first));
}

/* f leaves the invocation stack; server is the component it returns
 * from. If the server was micro-rebooted since, its windows went with the
 * reboot, and this slot may be a new invocation's now. */
void borrow_end(struct comp *server, struct inv_frame *f)
{
	word_t slot = f->borrow_slot & ((1u << SLOT_BITS) - 1);
	if ((f->borrow_slot >> SLOT_BITS) == (server->epoch & EPOCH_MASK))
		pgtbl_borrow_unmap(server, COMP_BORROW_BASE + slot * COMP_BORROW_SPAN, f->borrowed);
	f->borrowed = 0;
}
