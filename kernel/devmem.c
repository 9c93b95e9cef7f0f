/*
 * Device memory and PCI configuration reads: how user level reaches a
 * memory-like device (a QEMU ivshmem region holding a RAM disk) with no
 * driver in the kernel. A DEVMEM capability names physical pages that are
 * not RAM, so no kernel object can ever be there and mapping one counts
 * no references. The interrupt controllers the kernel programs are never
 * handed out.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

#define IRQCHIP_START	0xFEC00000ull	/* I/O APIC up to the local APIC's end */
#define IRQCHIP_END	0xFEF00000ull
#define PHYS_LIMIT	(1ull << 52)	/* what a page-table entry can address */

long devmem_create(struct comp *me, struct regs *r)
{
	long err;
	paddr_t pa = r->rsi;
	word_t bytes = r->rdx;
	if ((pa | bytes) & (PAGE_SIZE - 1) || bytes == 0 || pa >= PHYS_LIMIT || bytes > PHYS_LIMIT - pa)
		return -EINVAL;
	if (phys_overlaps_ram(pa, pa + bytes) || (pa < IRQCHIP_END && pa + bytes > IRQCHIP_START))
		return -EPERM;
	struct cap *dst = cap_slot_free(me, r->rdi, &err);
	if (!dst)
		return err;
	*dst = (struct cap){ .type = CAP_DEVMEM, .rights = RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT,
			     .d0 = pa >> PAGE_SHIFT, .d1 = bytes >> PAGE_SHIFT };
	return 0;
}

#define PCI_ADDRESS	0xCF8
#define PCI_DATA	0xCFC

static uint32_t pci_in(word_t bdf, word_t reg)
{
	outl(PCI_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (uint32_t)reg);
	return inl(PCI_DATA);
}

static void pci_out(word_t bdf, word_t reg, uint32_t v)
{
	outl(PCI_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (uint32_t)reg);
	outl(PCI_DATA, v);
}

/* Configuration space is read-only to user level: writing it could point
 * a device's DMA anywhere. */
long pci_config_read(struct regs *r)
{
	word_t bdf = r->rdi, reg = r->rsi;
	if (bdf > 0xFFFF || reg > 0xFC || reg % 4)
		return -EINVAL;
	return pci_in(bdf, reg);
}

/* A memory BAR's size, found the standard way (write all ones, read the
 * mask back) with decoding off meanwhile, and everything restored. */
long pci_bar_size(struct regs *r)
{
	word_t bdf = r->rdi, bar = r->rsi;
	if (bdf > 0xFFFF || bar > 5)
		return -EINVAL;
	word_t reg = 0x10 + 4 * bar;
	uint32_t lo = pci_in(bdf, reg);
	if (lo == 0xFFFFFFFFu || (lo & 1))	/* no device, or an I/O BAR */
		return -EINVAL;
	bool wide = (lo & 6) == 4;
	if (wide && bar == 5)
		return -EINVAL;
	uint32_t cmd = pci_in(bdf, 0x04), hi = wide ? pci_in(bdf, reg + 4) : 0;
	pci_out(bdf, 0x04, cmd & ~2u);		/* memory decoding off */
	pci_out(bdf, reg, 0xFFFFFFFFu);
	uint64_t mask = pci_in(bdf, reg) & ~0xFull;
	pci_out(bdf, reg, lo);
	if (wide) {
		pci_out(bdf, reg + 4, 0xFFFFFFFFu);
		mask |= (uint64_t)pci_in(bdf, reg + 4) << 32;
		pci_out(bdf, reg + 4, hi);
	} else {
		mask |= 0xFFFFFFFF00000000ull;
	}
	pci_out(bdf, 0x04, cmd);
	return mask ? (long)(~mask + 1) : 0;
}
