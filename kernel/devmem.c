/*
 * Device memory and PCI configuration reads: how user level reaches a
 * memory-like device (a QEMU ivshmem region holding a RAM disk) with no
 * driver in the kernel. Device memory is only ever a memory BAR of a PCI
 * function, read by the kernel itself, never an address user level names:
 * so no capability can cover RAM, the interrupt controllers or the PCIe
 * configuration window. Configuration space is read-only to user level
 * here; a driver writes its own device's through a PCIDEV capability
 * (pcidev.c), which uses the BAR probe below. Still, a device's registers
 * may let their holder start DMA (there is no IOMMU), so MACHINE ADMIN
 * and DEVMEM are ring-0 authority, and a DEVMEM capability cannot be
 * copied on.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

#define PCI_ADDRESS	0xCF8
#define PCI_DATA	0xCFC
#define IRQCHIP_START	0xFEC00000ull	/* I/O APIC up to the local APIC's end */
#define IRQCHIP_END	0xFEF00000ull
#define MSR_APIC_BASE	0x1B

uint32_t pci_in(word_t bdf, word_t reg)
{
	outl(PCI_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (uint32_t)reg);
	return inl(PCI_DATA);
}

void pci_out(word_t bdf, word_t reg, uint32_t v)
{
	outl(PCI_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (uint32_t)reg);
	outl(PCI_DATA, v);
}

long pci_config_read(struct regs *r)
{
	word_t bdf = r->rdi, reg = r->rsi;
	if (bdf > 0xFFFF || reg > 0xFC || reg % 4)
		return -EINVAL;
	return pci_in(bdf, reg);
}

/* BAR `bar` of an ordinary (header type 0) function: where it is and
 * how much it decodes, found the standard way (write ones, read the
 * mask) with its decoding off meanwhile and everything put back. An I/O
 * BAR decodes 16-bit port numbers. */
long pci_bar(word_t bdf, word_t bar, struct bar *out)
{
	if (bdf > 0xFFFF || bar > 5)
		return -EINVAL;
	if (pci_in(bdf, 0x00) == 0xFFFFFFFFu || (pci_in(bdf, 0x0C) >> 16 & 0x7F) != 0)
		return -EINVAL;		/* no function, or a bridge */
	word_t reg = 0x10 + 4 * bar;
	if (bar > 0) {			/* the upper half of a 64-bit BAR is no BAR */
		uint32_t below = pci_in(bdf, reg - 4);
		if (!(below & 1) && (below & 6) == 4)
			return -EINVAL;
	}
	uint32_t lo = pci_in(bdf, reg);
	bool io = lo & 1, wide = !io && (lo & 6) == 4;
	if (wide && bar == 5)
		return -EINVAL;
	uint32_t cmd = pci_in(bdf, 0x04) & 0xFFFF;	/* not the status bits: they clear on a 1 */
	uint32_t hi = wide ? pci_in(bdf, reg + 4) : 0;
	pci_out(bdf, 0x04, cmd & ~(io ? PCI_CMD_IO : PCI_CMD_MEMORY));
	pci_out(bdf, reg, 0xFFFFFFFFu);
	uint64_t mask = pci_in(bdf, reg) & (io ? ~0x3ull : ~0xFull);
	pci_out(bdf, reg, lo);
	if (wide) {
		pci_out(bdf, reg + 4, 0xFFFFFFFFu);
		mask |= (uint64_t)pci_in(bdf, reg + 4) << 32;
		pci_out(bdf, reg + 4, hi);
	}
	pci_out(bdf, 0x04, cmd);
	if (io)
		mask &= 0xFFFF;
	if (!mask)
		return -EINVAL;		/* not implemented */
	if (io)
		mask |= ~0xFFFFull;
	else if (!wide)
		mask |= 0xFFFFFFFF00000000ull;
	*out = (struct bar){ ((uint64_t)hi << 32 | lo) & (io ? 0xFFFCull : ~0xFull), ~mask + 1, lo & 8 && !io, io, wide };
	return 0;
}

long pci_bar_size(struct regs *r)
{
	struct bar b;
	long err = pci_bar(r->rdi, r->rsi, &b);
	return err ? err : b.io ? -EINVAL : (long)b.bytes;
}

static paddr_t phys_limit(void)
{
	uint32_t v[4];
	cpuid(0x80000000u, 0, v);
	if (v[0] < 0x80000008u)
		return 1ull << 36;
	cpuid(0x80000008u, 0, v);
	return 1ull << (v[0] & 0xFF);
}

/* MACHINE_DEVMEM: a0 = my slot, a1 = PCI function, a2 = BAR. */
long devmem_create(struct comp *me, struct regs *r)
{
	long err;
	struct bar b;
	if ((err = pci_bar(r->rsi, r->rdx, &b)))
		return err;
	if (b.io)
		return -EINVAL;
	paddr_t end = b.base + b.bytes, lapic = rdmsr(MSR_APIC_BASE) & ~0xFFFull;
	if (!(pci_in(r->rsi, 0x04) & PCI_CMD_MEMORY) || !b.base || b.bytes < PAGE_SIZE || end < b.base ||
	    end > phys_limit())
		return -EINVAL;		/* not decoded, not placed, or shares a page */
	if (phys_overlaps_ram(b.base, end) || (b.base < IRQCHIP_END && end > IRQCHIP_START) ||
	    (b.base <= lapic && lapic < end))
		return -EPERM;
	struct cap *dst = cap_slot_free(me, r->rdi, &err);
	if (!dst)
		return err;
	*dst = (struct cap){ .type = CAP_DEVMEM, .rights = RIGHT_READ | RIGHT_WRITE,
			     .uncached = !b.prefetchable, .d0 = b.base >> PAGE_SHIFT, .d1 = b.bytes >> PAGE_SHIFT };
	return 0;
}
