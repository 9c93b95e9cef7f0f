/*
 * PCI functions granted to components: the one capability through which
 * a user-level driver reaches its device's configuration space, the
 * ports of its I/O BARs (arch/x86_64/ioport.c) and its interrupt line
 * (irq.c). As with DEVMEM (devmem.c), authority comes from a function the
 * kernel found and read itself, never from an address user level names:
 * the BARs are read and sized at the grant, and no configuration write
 * may move one (a moved BAR could cover RAM), move the expansion ROM or
 * change the interrupt line. There is one capability per function and it
 * cannot be copied; deleting it (or its holder) gives the device back:
 * line unbound and masked, ports closed, bus mastering off.
 *
 * Without an IOMMU a bus-master device writes wherever it is told, so
 * RIGHT_DMA (bus mastering, and learning physical addresses) is ring-0
 * authority, and so is the holder of any device that can start DMA.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

#define IO_FIRST	0x1000	/* ports below: the PC's own (PIC, PIT, reset, PCI configuration...) */
#define IO_BAR_MAX	256	/* the most an I/O BAR may decode */
#define BAR_OPEN	0x80	/* flags: its ports are open to the holder */

static struct pcidev {
	struct comp *holder;		/* NULL: a free entry */
	uint16_t bdf;
	int line;			/* interrupt line, -1 none */
	uint32_t reg[6], rom, intr;	/* BARs, ROM and interrupt line registers at the grant */
	struct { uint64_t base, bytes; uint8_t flags; } bar[6];
} devs[PCIDEV_MAX];

/* Read and size every BAR; open the ports of the I/O ones. */
static long probe(struct pcidev *d, struct comp *to)
{
	for (int i = 0; i < 6; i++) {
		struct bar b;
		d->reg[i] = pci_in(d->bdf, 0x10 + 4 * i);
		if (pci_bar(d->bdf, i, &b))
			continue;	/* none, or a 64-bit BAR's upper half */
		d->bar[i].base = b.base;
		d->bar[i].bytes = b.bytes;
		d->bar[i].flags = b.io ? PCIDEV_BAR_IO : PCIDEV_BAR_MEM | (b.wide ? PCIDEV_BAR_64 : 0) |
							 (b.prefetchable ? PCIDEV_BAR_PREFETCH : 0);
		if (!b.io || b.base < IO_FIRST || b.bytes > IO_BAR_MAX || b.base + b.bytes > 0x10000)
			continue;	/* memory (DEVMEM maps it), or ports never given */
		if (io_open(to, (uint16_t)b.base, (uint16_t)b.bytes))
			return -ENOSPC;
		d->bar[i].flags |= BAR_OPEN;
	}
	return 0;
}

static void close_ports(struct pcidev *d)
{
	for (int i = 0; i < 6; i++)
		if (d->bar[i].flags & BAR_OPEN)
			io_close(d->holder, (uint16_t)d->bar[i].base, (uint16_t)d->bar[i].bytes);
}

/* MACHINE_PCIDEV: a0 = COMP slot of the holder (0: me), a1 = its slot,
 * a2 = the function, a3 = rights. */
long pcidev_grant(struct comp *me, struct regs *r)
{
	long err;
	struct comp *to = me;
	word_t bdf = r->rdx;
	if (r->rdi) {
		struct cap *cc = cap_lookup(me, r->rdi, CAP_COMP, RIGHT_ADMIN, &err);
		if (!cc)
			return err;
		to = cc->obj;
	}
	if (bdf > 0xFFFF || (r->r10 & ~(word_t)(RIGHT_READ | RIGHT_WRITE | RIGHT_DMA)))
		return -EINVAL;
	if (pci_in(bdf, 0x00) == 0xFFFFFFFFu || (pci_in(bdf, 0x0C) >> 16 & 0x7F) != 0)
		return -EINVAL;		/* no function, or not an ordinary one (a bridge) */
	struct pcidev *d = NULL;
	for (int i = 0; i < PCIDEV_MAX; i++) {
		if (devs[i].holder && devs[i].bdf == bdf)
			return -EBUSY;
		if (!devs[i].holder && !d)
			d = &devs[i];
	}
	if (!d)
		return -ENOSPC;
	struct cap *dst = cap_slot_free(to, r->rsi, &err);
	if (!dst)
		return err;
	memset(d, 0, sizeof(*d));
	d->bdf = (uint16_t)bdf;
	d->holder = to;
	if ((err = probe(d, to))) {
		close_ports(d);
		d->holder = NULL;
		return err;
	}
	d->rom = pci_in(bdf, 0x30);
	d->intr = pci_in(bdf, 0x3C) & 0xFF;
	d->line = irq_line(bdf);
	*dst = (struct cap){ .type = CAP_PCIDEV, .rights = (uint8_t)r->r10, .d0 = (word_t)(d - devs) };
	return 0;
}

/* Every BAR and the ROM where they were at the grant: decoding may go on. */
static bool in_place(const struct pcidev *d)
{
	for (int i = 0; i < 6; i++)
		if (pci_in(d->bdf, 0x10 + 4 * i) != d->reg[i])
			return false;
	return pci_in(d->bdf, 0x30) == d->rom;
}

static long conf_write(struct pcidev *d, unsigned rights, word_t reg, uint32_t v)
{
	if (reg >= 0x10 && reg < 0x28)		/* a BAR: only its own value again */
		return v == d->reg[(reg - 0x10) / 4] ? 0 : -EPERM;
	if (reg == 0x30)
		return v == d->rom ? 0 : -EPERM;
	if (reg == 0x3C && (v & 0xFF) != d->intr)
		return -EPERM;
	if (reg == 0x04 && (v & PCI_CMD_MASTER) && !(rights & RIGHT_DMA))
		return -EPERM;
	if (reg == 0x04 && (v & (PCI_CMD_IO | PCI_CMD_MEMORY)) && !in_place(d))
		return -EPERM;		/* reset under us: BARs at 0 could shadow RAM */
	pci_out(d->bdf, reg, v);
	return 0;
}

/* The physical address of my own RAM at va. */
static long dma_addr(struct comp *c, word_t va)
{
	paddr_t pa;
	word_t flags;
	if (va >= USER_TOP || pgtbl_lookup(c, va & ~(PAGE_SIZE - 1), &pa, &flags))
		return -EFAULT;
	struct frame *f = frame_of(pa);
	if (!f || f->type != F_USER)
		return -EFAULT;		/* device memory */
	return (long)(pa | (va & (PAGE_SIZE - 1)));
}

long pcidev_op(struct thread *t, struct cap *c, word_t op, struct regs *r)
{
	struct pcidev *d = &devs[c->d0];
	word_t reg = r->rdi;
	long err;
	switch (op) {
	case PCIDEV_READ:
	case PCIDEV_WRITE:
		if (reg > 0xFC || reg % 4)
			return -EINVAL;
		if (!(c->rights & (op == PCIDEV_READ ? RIGHT_READ : RIGHT_WRITE)))
			return -EPERM;
		return op == PCIDEV_READ ? (long)pci_in(d->bdf, reg) : conf_write(d, c->rights, reg, (uint32_t)r->rsi);
	case PCIDEV_BAR:
		if (reg > 5)
			return -EINVAL;
		r->rsi = d->bar[reg].flags & ~BAR_OPEN;
		r->rdi = d->bar[reg].base;
		return (long)d->bar[reg].bytes;
	case PCIDEV_IRQ_BIND: {
		if (!reg)
			return irq_bind((int)c->d0, d->line, NULL);
		struct cap *a = cap_lookup(t->comp, reg, CAP_ASND, 0, &err);
		return a ? irq_bind((int)c->d0, d->line, a->obj) : err;
	}
	case PCIDEV_IRQ_ACK:
		return irq_ack((int)c->d0);
	case PCIDEV_DMA_ADDR:
		if (!(c->rights & RIGHT_DMA))
			return -EPERM;
		return dma_addr(t->comp, reg);
	}
	return -EINVAL;
}

/* Its capability is gone: so is everything it opened. */
void pcidev_release(struct cap *c)
{
	struct pcidev *d = &devs[c->d0];
	irq_bind((int)c->d0, d->line, NULL);
	close_ports(d);
	pci_out(d->bdf, 0x04, pci_in(d->bdf, 0x04) & 0xFFFF & ~PCI_CMD_MASTER);	/* no DMA into memory given back */
	d->holder = NULL;
}
