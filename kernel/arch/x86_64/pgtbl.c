/*
 * Four-level x86-64 page tables. The kernel half (PML4 entries 256-511)
 * is built once at boot and shared by every component; the user half is
 * built by user level through COMP_MAP / COMP_PGTBL_ADD with frames it
 * retyped, so the kernel allocates nothing here either.
 */
#include "cpu.h"

#define PTE_P	0x1ull
#define PTE_W	0x2ull
#define PTE_U	0x4ull
#define PTE_PWT	0x8ull
#define PTE_PCD	0x10ull
#define PTE_PS	0x80ull
#define PTE_G	0x100ull
#define PTE_NX	(1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

static word_t *kernel_pml4;

static inline unsigned idx(word_t va, int level) { return (va >> (12 + 9 * (level - 1))) & 511; }

/* Map [0, top) at DIRECT_MAP and the kernel image at KERNEL_VMA, with
 * global 2 MiB pages; `ram(pa)` says whether a 2 MiB page holds RAM
 * (anything else, the local APIC among it, is mapped uncached). */
void kernel_pagetable_init(paddr_t top, void *(*alloc_page)(void), bool (*ram)(paddr_t))
{
	kernel_pml4 = alloc_page();
	word_t *pdpt = alloc_page();
	kernel_pml4[idx(DIRECT_MAP, 4)] = va2pa(pdpt) | PTE_P | PTE_W;
	for (paddr_t gb = 0; gb < top; gb += 1ull << 30) {
		word_t *pd = alloc_page();
		pdpt[gb >> 30] = va2pa(pd) | PTE_P | PTE_W;
		for (int i = 0; i < 512; i++) {
			paddr_t pa = gb + ((paddr_t)i << 21);
			pd[i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | (ram(pa) ? 0 : PTE_PCD);
		}
	}
	word_t *kpdpt = alloc_page(), *kpd = alloc_page();
	kernel_pml4[511] = va2pa(kpdpt) | PTE_P | PTE_W;
	kpdpt[510] = va2pa(kpd) | PTE_P | PTE_W;
	for (int i = 0; i < 512; i++)
		kpd[i] = ((paddr_t)i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
	cpu_set_kernel_pml4(va2pa(kernel_pml4));
}

/* PCIDs in use. A component takes a free one and gives it back when it
 * is destroyed; a new owner's first load flushes what the last owner left
 * in the TLB (needs_flush), so no two live address spaces ever share a
 * PCID's entries. PCID 0 is the kernel's; when all 4095 others are taken,
 * components get 0 too and are flushed at every load. */
static uint64_t pcid_used[4096 / 64] = { 1 };

static uint16_t pcid_take(void)
{
	if (!cpu_has_pcid)
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(pcid_used); i++)
		if (~pcid_used[i]) {
			unsigned b = (unsigned)__builtin_ctzll(~pcid_used[i]);
			pcid_used[i] |= 1ull << b;
			return (uint16_t)(i * 64 + b);
		}
	return 0;
}

static void pcid_give(uint16_t pcid)
{
	if (pcid)
		pcid_used[pcid / 64] &= ~(1ull << (pcid % 64));
}

void comp_init(struct comp *c, paddr_t pml4, const char name[16])
{
	for (int i = 0; i < 15; i++)	/* printable, for fault reports */
		c->name[i] = name[i] && (name[i] < ' ' || name[i] > '~') ? '?' : name[i];
	c->name[15] = '\0';
	c->frame = frame_of_obj(c);
	c->pml4 = pml4;
	word_t *p = pa2va(pml4);
	memset(p, 0, PAGE_SIZE / 2);
	memcpy(p + 256, kernel_pml4 + 256, PAGE_SIZE / 2);
	c->pcid = pcid_take();
	c->cr3 = pml4 | c->pcid | (c->pcid ? 1ull << 63 : 0);
	c->needs_flush = 1;		/* the PCID's last owner may have left entries */
	c->nslots = COMP_SLOTS;
	c->iomap = IOMAP_CLOSED;	/* no I/O port until it holds some (ioport.c) */
}

word_t comp_cr3(struct comp *c)
{
	word_t v = c->pml4 | c->pcid;
	if (c->pcid && !c->needs_flush)	/* PCID 0 (shared, or no PCIDs): always flush */
		v |= 1ull << 63;
	c->needs_flush = 0;
	return v;
}

static bool user_va(word_t va) { return va < USER_TOP && !(va & (PAGE_SIZE - 1)); }
/* Only SELF_BORROW maps there (borrow.c), and only its end unmaps. */
static bool borrow_va(word_t va) { return va >= COMP_BORROW_BASE && va < COMP_BORROW_END; }

/* The entry for va at `level`, or NULL with *missing = the level whose
 * table is absent. */
static word_t *walk(struct comp *c, word_t va, int level, int *missing)
{
	word_t *t = pa2va(c->pml4);
	for (int l = 4; l > level; l--) {
		word_t e = t[idx(va, l)];
		if (!(e & PTE_P)) {
			*missing = l - 1;
			return NULL;
		}
		t = pa2va(e & PTE_ADDR);
	}
	return &t[idx(va, level)];
}

long pgtbl_map(struct comp *c, word_t va, paddr_t pa, word_t flags)
{
	int missing;
	if (!user_va(va))
		return -EINVAL;
	if (borrow_va(va))
		return -EPERM;
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte)
		return -ENXIO;
	if (*pte & PTE_P)
		return -EEXIST;
	*pte = pa | PTE_P | PTE_U | (flags & MAP_WRITE ? PTE_W : 0) | (flags & MAP_EXEC ? 0 : PTE_NX) |
	       (flags & KMAP_UNCACHED ? PTE_PCD | PTE_PWT : 0);
	struct frame *f = frame_of(pa);	/* NULL: device memory past the frame table */
	if (f)
		f->refs++;
	return 0;
}

long pgtbl_add(struct comp *c, word_t va, paddr_t table)
{
	int missing = 0;
	if (!user_va(va))
		return -EINVAL;
	if (walk(c, va, 1, &missing))
		return -EEXIST;
	word_t *parent = walk(c, va, missing + 1, &missing);
	memset(pa2va(table), 0, PAGE_SIZE);
	*parent = table | PTE_P | PTE_W | PTE_U;
	struct frame *f = frame_of(table);
	f->type = F_PGTBL;
	f->refs = 1;
	return 0;
}

long pgtbl_lookup(struct comp *c, word_t va, paddr_t *pa, word_t *flags)
{
	int missing;
	if (!user_va(va))
		return -EINVAL;
	if (borrow_va(va))
		return -EPERM;	/* a window's pages are lent for one invocation: not to alias or give a device */
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte || !(*pte & PTE_P))
		return -ENOENT;
	*pa = *pte & PTE_ADDR;
	*flags = (*pte & PTE_W ? MAP_WRITE : 0) | (*pte & PTE_NX ? 0 : MAP_EXEC) | (*pte & PTE_PCD ? KMAP_UNCACHED : 0);
	return 0;
}

/* What a copy to or from an invoker, or a borrowed window, needs of a
 * user page: present and user at every level, writable for `write`, no
 * large page, holding RAM the frame table counts as user memory (not
 * device memory). Every page of every such copy is checked here: the
 * upper levels unrolled, one compare each (a large page fails it like a
 * missing right). */
static inline word_t user_need(bool write) { return PTE_P | PTE_U | (write ? PTE_W : 0); }

/* The leaf table holding va's entry, or NULL. */
static inline word_t *user_leaf(struct comp *c, word_t va, word_t need)
{
	word_t mask = need | PTE_PS, *t = pa2va(c->pml4);
#pragma GCC unroll 3
	for (int l = 4; l > 1; l--) {
		word_t e = t[idx(va, l)];
		if ((e & mask) != need)
			return NULL;
		t = pa2va(e & PTE_ADDR);
	}
	return t;
}

/* A leaf entry maps user memory as need says. */
static inline bool user_entry(word_t e, word_t need)
{
	struct frame *f = frame_of(e & PTE_ADDR);
	return (e & need) == need && f && f->type == F_USER;
}

/* The kernel's address, through the direct map, of user byte va of c,
 * its page as user_need says; else NULL (also at or above USER_TOP). */
void *pgtbl_user_ptr(struct comp *c, word_t va, bool write)
{
	word_t need = user_need(write), *leaf = va < USER_TOP ? user_leaf(c, va, need) : NULL;
	if (!leaf || !user_entry(leaf[idx(va, 1)], need))
		return NULL;
	return (char *)pa2va(leaf[idx(va, 1)] & PTE_ADDR) + (va & (PAGE_SIZE - 1));
}

/* The frames of the n pages of c from va (page-aligned) on, each as
 * user_need says, the upper levels walked once per page table (a
 * borrowed buffer: borrow.c); false if one is not there, or one lies in
 * the windows' region (a window is not lent on: it would outlive its
 * invocation). */
bool pgtbl_user_frames(struct comp *c, word_t va, word_t n, bool write, paddr_t *pa)
{
	word_t need = user_need(write), end = va + n * PAGE_SIZE, *leaf = NULL;	/* n is small: no wrap */
	if (va >= USER_TOP || end > USER_TOP || (end > COMP_BORROW_BASE && va < COMP_BORROW_END))
		return false;
	for (word_t i = 0; i < n; i++, va += PAGE_SIZE) {
		if ((!leaf || idx(va, 1) == 0) && !(leaf = user_leaf(c, va, need)))
			return false;
		word_t e = leaf[idx(va, 1)];
		if (!user_entry(e, need))
			return false;
		pa[i] = e & PTE_ADDR;
	}
	return true;
}

static void tlb_forget(struct comp *c, word_t va)
{
	if ((cpu0.cr3 & PTE_ADDR) == c->pml4)
		invlpg(va);
	else
		c->needs_flush = 1;
}

long pgtbl_unmap(struct comp *c, word_t va)
{
	int missing;
	if (!user_va(va))
		return -EINVAL;
	if (borrow_va(va))
		return -EPERM;
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte || !(*pte & PTE_P))
		return -ENOENT;
	struct frame *f = frame_of(*pte & PTE_ADDR);
	*pte = 0;
	tlb_forget(c, va);
	if (f)
		frame_unmapped(f);
	return 0;
}

/* A borrowed window (borrow.c): n frames at va, a run inside one page
 * table (va is COMP_BORROW_SPAN-aligned), all of it empty, or nothing
 * is mapped. */
long pgtbl_borrow_map(struct comp *c, word_t va, const paddr_t *pa, word_t n, bool write)
{
	int missing;
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte)
		return -ENXIO;
	for (word_t i = 0; i < n; i++)
		if (pte[i] & PTE_P)
			return -EEXIST;
		else if (frame_of(pa[i])->lent > UINT16_MAX - n)	/* user RAM: pgtbl_user_frames checked;
									 * (one frame may come n times) */
			return -EBUSY;
	for (word_t i = 0; i < n; i++) {
		pte[i] = pa[i] | PTE_P | PTE_U | (write ? PTE_W : 0) | PTE_NX;
		frame_of(pa[i])->refs++;
		frame_of(pa[i])->lent++;
	}
	return 0;
}

/* The window's end: what is still mapped there goes (a micro-reboot may
 * have cleared it already, and nothing else maps there). */
void pgtbl_borrow_unmap(struct comp *c, word_t va, word_t n)
{
	int missing;
	word_t *pte = walk(c, va, 1, &missing);
	bool loaded = (cpu0.cr3 & PTE_ADDR) == c->pml4;	/* tlb_forget's test, once */
	for (word_t i = 0; pte && i < n; i++) {
		if (!(pte[i] & PTE_P))
			continue;
		struct frame *f = frame_of(pte[i] & PTE_ADDR);
		pte[i] = 0;
		if (loaded)
			invlpg(va + i * PAGE_SIZE);
		if (f) {
			f->lent--;
			frame_unmapped(f);
		}
	}
	if (!loaded)
		c->needs_flush = 1;
}

static void free_table(word_t *t, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		struct frame *f = frame_of(t[i] & PTE_ADDR);
		if (level > 1) {
			free_table(pa2va(t[i] & PTE_ADDR), level - 1);
			f->type = F_UNTYPED;
			f->refs = 0;
		} else if (f) {
			frame_unmapped(f);	/* (no window is left: every frame ended its own) */
		}
	}
}

/* Drop every user mapping, return the page-table pages to untyped and
 * the PCID to the free ones. */
void pgtbl_destroy(struct comp *c)
{
	pcid_give(c->pcid);
	c->pcid = 0;
	c->cr3 = c->pml4;
	word_t *pml4 = pa2va(c->pml4);
	for (int i = 0; i < 256; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		free_table(pa2va(pml4[i] & PTE_ADDR), 3);
		struct frame *f = frame_of(pml4[i] & PTE_ADDR);
		f->type = F_UNTYPED;
		f->refs = 0;
		pml4[i] = 0;
	}
	c->needs_flush = 1;
}

/* Micro-reboot (COMP_REBOOT, reboot.c): what clear_table drops of c's
 * mappings in [lo, hi). CLEAR_ALL: every one; frames no one maps any
 * more and page tables wholly inside the range become untyped again, and
 * in the windows' region the frames are others', lent to c. CLEAR_LENT:
 * the writable mappings of frames a server holds in a window now (lent
 * by c's invocations), which become orphans (frame_unmapped);
 * CLEAR_ORPHANS: every other mapping of an orphan (a read-only alias).
 * These two keep the tables, and count what they drop below `kept`. */
enum clear_mode { CLEAR_ALL, CLEAR_LENT, CLEAR_ORPHANS };
struct clear {
	word_t lo, hi, kept, dropped;
	enum clear_mode mode;
};

static void clear_table(word_t *tb, int level, word_t base, struct clear *cl)
{
	word_t span = 1ull << (12 + 9 * (level - 1));
	for (word_t i = 0; i < 512; i++) {
		word_t va = base + i * span;
		if (va + span <= cl->lo || va >= cl->hi || !(tb[i] & PTE_P))
			continue;
		struct frame *f = frame_of(tb[i] & PTE_ADDR);
		if (level > 1) {
			clear_table(pa2va(tb[i] & PTE_ADDR), level - 1, va, cl);
			if (cl->mode != CLEAR_ALL || va < cl->lo || va + span > cl->hi)
				continue;	/* shared with what stays */
			f->type = F_UNTYPED;
			f->refs = 0;
		} else if (cl->mode != CLEAR_ALL) {
			if (borrow_va(va) || !f || f->type != F_USER ||
			    !(cl->mode == CLEAR_LENT ? f->lent && (tb[i] & PTE_W) : f->orphan))
				continue;	/* (read-only: the next life reads what a window reads) */
			f->orphan = 1;
			frame_unmapped(f);	/* a window still maps it: refs stay above 0 */
			cl->dropped += va < cl->kept;
		} else if (f && borrow_va(va)) {
			f->lent--;
			frame_unmapped(f);
		} else if (f && f->type == F_USER) {
			frame_unmapped(f);
			if (!f->refs)
				f->type = F_UNTYPED;	/* nobody maps it: free memory of its range */
		} else if (f) {
			f->refs--;
		}
		tb[i] = 0;
	}
}

void pgtbl_clear_range(struct comp *c, word_t lo, word_t hi)
{
	struct clear cl = { .lo = lo, .hi = hi, .mode = CLEAR_ALL };
	clear_table(pa2va(c->pml4), 4, 0, &cl);
	c->needs_flush = 1;	/* c is not loaded: it is not the caller's */
}

word_t pgtbl_orphan_lent(struct comp *c, word_t lo, word_t hi)
{
	struct clear cl = { .lo = 0, .hi = hi, .kept = lo, .mode = CLEAR_LENT };
	clear_table(pa2va(c->pml4), 4, 0, &cl);
	cl.mode = CLEAR_ORPHANS;
	clear_table(pa2va(c->pml4), 4, 0, &cl);
	c->needs_flush = 1;
	return cl.dropped;
}
