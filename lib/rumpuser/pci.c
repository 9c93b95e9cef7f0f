/*
 * rumpuser: the PCI hypercalls (r2c/rumpcomp_pci.h) on the device the
 * composition granted this component (pci=, cinfo's pci): configuration
 * space through its PCIDEV capability, a BAR's size probe answered here
 * (the kernel lets no BAR move); memory BARs where the booter mapped
 * them; ports by in/out in the component itself (the kernel opened the
 * ports of its I/O BARs); DMA memory from the component's own frames,
 * physically contiguous, kept for the next allocation when given back;
 * the interrupt as a thread bound to the device's line that runs the
 * rump kernel's handler holding a virtual CPU, then acks. Only the
 * granted function exists: any other reads as absent.
 *
 * Called holding the virtual CPU (one), so the state here needs no lock;
 * frames come through libr2c under the heap's lock.
 */
#include "rumpuser_int.h"
#include "r2c/rumpcomp_pci.h"

#define DMA_BASE	0x5000000000ull	/* frame f of my budget, as DMA memory, is here + f pages */
#define PAGE		4096ul
#define SPARE_MAX	32

static const struct cinfo_pci *device(void)
{
	return r2c_env && r2c_env->pci.slot ? &r2c_env->pci : NULL;
}

static bool ours(unsigned bus, unsigned dev, unsigned fun)
{
	const struct cinfo_pci *p = device();
	return p && bus < 256 && dev < 32 && fun < 8 && p->bdf == (bus << 8 | dev << 3 | fun);
}

static struct r2c_ret pcidev(word_t op, word_t a0, word_t a1)
{
	return r2c_sys(device()->slot, op, a0, a1, 0, 0, 0, 0);
}

/* --- configuration space and BARs ---------------------------------------- */

static unsigned sizing;	/* BARs written with all ones: their next read is the size mask */

/* What a BAR register reads during a size probe. */
static uint32_t size_mask(word_t bar)
{
	struct r2c_ret b = pcidev(PCIDEV_BAR, bar, 0);
	if (b.status == 0 && bar > 0) {		/* the upper half of a 64-bit BAR? */
		struct r2c_ret lo = pcidev(PCIDEV_BAR, bar - 1, 0);
		return lo.status > 0 && (lo.r1 & PCIDEV_BAR_64) ? (uint32_t)(~((word_t)lo.status - 1) >> 32) : 0;
	}
	if (b.status <= 0)
		return 0;
	word_t mask = ~((word_t)b.status - 1);
	if (b.r1 & PCIDEV_BAR_IO)
		return (uint32_t)(mask & ~3ul) | 1;
	return (uint32_t)(mask & ~0xFul) | (b.r1 & PCIDEV_BAR_64 ? 4 : 0) | (b.r1 & PCIDEV_BAR_PREFETCH ? 8 : 0);
}

static bool is_bar(int reg)
{
	return reg >= 0x10 && reg < 0x28;
}

int rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int *value)
{
	*value = 0xFFFFFFFFu;		/* no function there */
	if (!ours(bus, dev, fun))
		return ENXIO;
	if (reg < 0 || reg > 0xFC || reg % 4)
		return EINVAL;
	if (is_bar(reg) && (sizing >> (reg - 0x10) / 4 & 1)) {
		*value = size_mask((word_t)(reg - 0x10) / 4);
		return 0;
	}
	long v = pcidev(PCIDEV_READ, (word_t)reg, 0).status;
	if (v < 0)
		return (int)-v;
	*value = (unsigned)v;
	return 0;
}

int rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int value)
{
	if (!ours(bus, dev, fun))
		return ENXIO;
	if (reg < 0 || reg > 0xFC || reg % 4)
		return EINVAL;
	if (is_bar(reg)) {
		unsigned bit = 1u << (reg - 0x10) / 4;
		if (value == 0xFFFFFFFFu) {	/* a size probe: answered by the reads */
			sizing |= bit;
			return 0;
		}
		sizing &= ~bit;		/* the address put back: the kernel takes its own value */
	}
	long e = pcidev(PCIDEV_WRITE, (word_t)reg, value).status;
	return e < 0 ? (int)-e : 0;
}

void *rumpcomp_pci_map(unsigned long addr, unsigned long len)
{
	const struct cinfo_pci *p = device();
	for (int b = 0; p && b < 6; b++) {
		const struct cinfo_pci_bar *m = &p->bar[b];
		if (m->vaddr && addr >= m->phys && len <= m->size && addr - m->phys <= m->size - len)
			return (void *)(m->vaddr + (addr - m->phys));
	}
	return NULL;
}

int rumpcomp_pci_iospace_init(void)
{
	return device() ? 0 : ENXIO;
}

/* --- the interrupt ------------------------------------------------------- */

static unsigned irq_cookie;
static bool irq_mapped;

int rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline, unsigned cookie)
{
	(void)intrline;		/* the kernel found the line itself */
	if (!ours(bus, dev, fun))
		return ENXIO;
	irq_cookie = cookie;
	irq_mapped = true;
	return 0;
}

struct irq {
	int (*handler)(void *);
	void *arg;
	word_t asnd;		/* a send capability to the thread's own end-point */
	word_t establisher;	/* the thread waiting for the binding */
	volatile long line;	/* what binding said */
	volatile bool ready;
};

/* The interrupt thread: at the component's most urgent priority, its
 * end-point bound to the line, a lwp of its own, then the handler with a
 * virtual CPU at each interrupt. */
static void *irq_thread(void *p)
{
	struct irq *q = p;
	for (int prio = 0; prio < SCHED_PRIOS && r2c_set_prio(0, prio); prio++)
		;		/* refused above the component's ceiling */
	long line = r2c_op(CAP_SELF, SELF_ASND_CREATE, q->asnd, 0, 0, 0, 0, 0);
	if (!line)
		line = pcidev(PCIDEV_IRQ_BIND, q->asnd, 0).status;
	word_t establisher = q->establisher;
	q->line = line;
	q->ready = true;	/* q is the establisher's again if binding failed */
	r2c_wakeup(establisher);
	if (line < 0)
		rumpuser_thread_exit();
	rumpuser_hyp->hyp_schedule();
	if (rumpuser_hyp->hyp_lwproc_newlwp)
		rumpuser_hyp->hyp_lwproc_newlwp(0);
	rumpuser_hyp->hyp_unschedule();
	for (;;) {
		r2c_rcv(0);		/* interrupts: the line stays masked until the ack */
		if (rumpuser_stopped())
			rumpuser_thread_exit();
		rk_schedule(0, NULL);
		q->handler(q->arg);
		rk_unschedule(NULL);
		pcidev(PCIDEV_IRQ_ACK, 0, 0);
	}
}

void *rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *), void *arg)
{
	if (!device() || !irq_mapped || cookie != irq_cookie)
		return NULL;
	struct irq *q = r2c_malloc(sizeof(*q));
	word_t slot = r2c_slot_alloc(&r2c_self_mem);
	if (q && slot) {
		*q = (struct irq){ handler, arg, slot, r2c_self(), 0, false };
		if (!rumpuser_thread_create(irq_thread, q, "pciintr", 0, -1, -1, NULL)) {
			int n = rk_unschedule(NULL);	/* it binds itself meanwhile */
			while (!q->ready)
				r2c_block(0);
			rk_schedule(n, NULL);
			if (q->line >= 0)
				return q;
			r2c_printf("rumpuser: PCI interrupt: binding the line failed (%ld)\n", q->line);
			r2c_slot_delete(&r2c_self_mem, slot);
			slot = 0;
		}
	}
	if (slot)
		r2c_slot_free(&r2c_self_mem, slot);
	r2c_free(q);
	return NULL;
}

/* --- DMA memory ---------------------------------------------------------- */

static struct run { word_t first, n; } spare[SPARE_MAX];	/* unmapped frames given back */
static word_t nspare;
static word_t phys_base;	/* the physical address of frame 0 of my budget */
static bool phys_known;

static word_t frame_va(word_t f)
{
	return DMA_BASE + f * PAGE;
}

static void unmap(word_t first, word_t n)
{
	for (word_t i = 0; i < n; i++)
		r2c_op(r2c_self_mem.self_slot, COMP_UNMAP, frame_va(first + i), 0, 0, 0, 0, 0);
}

static void give_back(word_t first, word_t n)
{
	for (word_t i = 0; i < nspare; i++)
		if (spare[i].first + spare[i].n == first || first + n == spare[i].first) {
			spare[i] = (struct run){ spare[i].first < first ? spare[i].first : first, spare[i].n + n };
			return;
		}
	if (nspare < SPARE_MAX)
		spare[nspare++] = (struct run){ first, n };
	else
		r2c_printf("rumpuser: PCI: %lu DMA pages given back are lost (%d runs kept)\n", n, SPARE_MAX);
}

/* Where my budget lies: the first DMA allocation maps a frame and asks. */
static long learn_phys(void)
{
	if (phys_known)
		return 0;
	long f = r2c_frames_take(1);
	if (f < 0)
		return f;
	long pa = r2c_frames_map((word_t)f, 1, frame_va((word_t)f));
	if (!pa)
		pa = pcidev(PCIDEV_DMA_ADDR, frame_va((word_t)f), 0).status;
	unmap((word_t)f, 1);
	give_back((word_t)f, 1);
	if (pa < 0)
		return pa;
	phys_base = (word_t)pa - (word_t)f * PAGE;
	phys_known = true;
	return 0;
}

static bool aligned(word_t f, word_t align)
{
	return (phys_base + f * PAGE) % align == 0;
}

/* n frames in a row, the first physically aligned: given back ones first. */
static long take(word_t n, word_t align)
{
	for (word_t i = 0; i < nspare; i++) {
		struct run r = spare[i];
		for (word_t f = r.first; f + n <= r.first + r.n; f++) {
			if (!aligned(f, align))
				continue;
			spare[i] = spare[--nspare];
			if (f > r.first)
				give_back(r.first, f - r.first);
			if (f + n < r.first + r.n)
				give_back(f + n, r.first + r.n - (f + n));
			return (long)f;
		}
	}
	word_t slack = align / PAGE - 1;
	long first = r2c_frames_take(n + slack);
	if (first < 0)
		return first;
	word_t f = (word_t)first;
	while (!aligned(f, align))
		f++;
	if (f > (word_t)first)
		give_back((word_t)first, f - (word_t)first);
	if (f + n < (word_t)first + n + slack)
		give_back(f + n, (word_t)first + n + slack - (f + n));
	return (long)f;
}

int rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap, unsigned long *vap)
{
	if (!device() || !size || (align & (align - 1)))
		return EINVAL;
	if (align < PAGE)
		align = PAGE;
	word_t n = R2C_PAGE_UP(size) / PAGE;
	if (learn_phys())
		return ENOMEM;
	long f = take(n, align);
	if (f < 0)
		return ENOMEM;
	word_t va = frame_va((word_t)f);
	long pa = r2c_frames_map((word_t)f, n, va);
	if (!pa)
		pa = pcidev(PCIDEV_DMA_ADDR, va, 0).status;
	if (pa != (long)(phys_base + (word_t)f * PAGE)) {	/* a budget is one range: never */
		r2c_printf("rumpuser: PCI: DMA frames not where they should be (%ld)\n", pa);
		unmap((word_t)f, n);
		give_back((word_t)f, n);
		return ENOMEM;
	}
	memset((void *)va, 0, n * PAGE);	/* frames given back were not cleared */
	*pap = (unsigned long)pa;
	*vap = va;
	return 0;
}

void rumpcomp_pci_dmafree(unsigned long va, size_t size)
{
	word_t n = R2C_PAGE_UP(size) / PAGE;
	if (va < DMA_BASE || (va - DMA_BASE) % PAGE || !n)
		return;
	unmap((va - DMA_BASE) / PAGE, n);
	give_back((va - DMA_BASE) / PAGE, n);
}

int rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nsegs, size_t totlen, void **vap)
{
	(void)totlen;
	if (!nsegs)
		return EINVAL;
	for (size_t i = 1; i < nsegs; i++)	/* one piece of virtual memory, as dmalloc made them */
		if (segs[i].ds_vacookie != segs[i - 1].ds_vacookie + segs[i - 1].ds_len)
			return EOPNOTSUPP;
	*vap = (void *)segs[0].ds_vacookie;
	return 0;
}

unsigned long rumpcomp_pci_virt_to_mach(void *p)
{
	word_t va = (word_t)p;
	if (phys_known && r2c_env && va >= DMA_BASE && va < frame_va(r2c_env->untyped_frames))
		return phys_base + (va - DMA_BASE);
	long pa = device() ? pcidev(PCIDEV_DMA_ADDR, va, 0).status : -ENXIO;
	if (pa < 0) {		/* the driver would have the device write anywhere */
		r2c_printf("rumpuser: PCI: virt_to_mach(%p): no memory of mine (%ld)\n", p, pa);
		rumpuser_exit(RUMPUSER_PANIC);
	}
	return (unsigned long)pa;
}
