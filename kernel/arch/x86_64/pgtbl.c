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
	static uint16_t next_pcid = 1;
	c->pcid = cpu_has_pcid ? next_pcid : 0;
	if (next_pcid++ == 4095)		/* reuse: flush when loaded */
		next_pcid = 1;
	c->needs_flush = 1;
	c->nslots = COMP_SLOTS;
}

word_t comp_cr3(struct comp *c)
{
	word_t v = c->pml4 | c->pcid;
	if (cpu_has_pcid && !c->needs_flush)
		v |= 1ull << 63;
	c->needs_flush = 0;
	return v;
}

static bool user_va(word_t va) { return va < USER_TOP && !(va & (PAGE_SIZE - 1)); }

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
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte || !(*pte & PTE_P))
		return -ENOENT;
	*pa = *pte & PTE_ADDR;
	*flags = (*pte & PTE_W ? MAP_WRITE : 0) | (*pte & PTE_NX ? 0 : MAP_EXEC) | (*pte & PTE_PCD ? KMAP_UNCACHED : 0);
	return 0;
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
	word_t *pte = walk(c, va, 1, &missing);
	if (!pte || !(*pte & PTE_P))
		return -ENOENT;
	struct frame *f = frame_of(*pte & PTE_ADDR);
	*pte = 0;
	tlb_forget(c, va);
	if (f)
		f->refs--;
	return 0;
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
			f->refs--;
		}
	}
}

/* Drop every user mapping and return the page-table pages to untyped. */
void pgtbl_destroy(struct comp *c)
{
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
