/*
 * Finding PCI functions for the booter. Host disks: the machine's ivshmem
 * devices (QEMU's inter-VM shared memory: a host file appearing as a PCI
 * memory BAR), numbered in slot order on PCI bus 0. tools/qemu-run --disk
 * FILE adds them in the order given; a RAM disk with hostdisk=N gets
 * device N mapped as its blocks, so what the guest writes lands in FILE.
 * And a composition's pci=VENDOR:DEVICE/N: the N-th function with those
 * ids in bus order (bus 0, and the buses behind its bridges).
 */
#include "root.h"

#define IVSHMEM_ID	0x11101af4u	/* device 0x1110, vendor 0x1af4 */
#define IVSHMEM_SHM_BAR	2
#define PCI_CMD_MEMORY	0x2

static word_t pci_read(word_t bdf, word_t reg)
{
	return (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, reg, 0, 0, 0, 0);
}

/* The n-th function with this id on `bus` or behind its bridges (n counts
 * down as they are passed), or -ENODEV. */
static long find_on(word_t bus, word_t id, int *n, word_t *bdf, int depth)
{
	for (word_t dev = 0; dev < 32; dev++) {
		word_t fns = pci_read(bus << 8 | dev << 3, 0x0C) >> 23 & 1 ? 8 : 1;	/* multi-function */
		for (word_t fn = 0; fn < fns; fn++) {
			word_t f = bus << 8 | dev << 3 | fn, v = pci_read(f, 0x00);
			if ((v & 0xFFFF) == 0xFFFF)
				continue;
			if (v == id && (*n)-- == 0) {
				*bdf = f;
				return 0;
			}
			word_t sec = pci_read(f, 0x18) >> 8 & 0xFF;
			if ((pci_read(f, 0x08) >> 16) == 0x0604 && sec > bus && depth < 8 &&
			    !find_on(sec, id, n, bdf, depth + 1))
				return 0;	/* a PCI-to-PCI bridge: its secondary bus */
		}
	}
	return -ENODEV;
}

long pci_find(word_t vendor, word_t device, int n, word_t *bdf)
{
	return find_on(0, vendor | device << 16, &n, bdf, 0);
}

long hostdisk_find(int n, struct hostdisk *out)
{
	for (word_t dev = 0, seen = 0; dev < 32; dev++) {
		word_t bdf = dev << 3;
		if (pci_read(bdf, 0x00) != IVSHMEM_ID || seen++ != (word_t)n)
			continue;
		if (!(pci_read(bdf, 0x04) & PCI_CMD_MEMORY))
			return -ENXIO;	/* the firmware left it off */
		word_t reg = 0x10 + 4 * IVSHMEM_SHM_BAR;
		long size = r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, bdf, IVSHMEM_SHM_BAR, 0, 0, 0, 0);
		if (size <= 0)
			return size < 0 ? size : -ENXIO;
		word_t lo = pci_read(bdf, reg), wide = (lo & 6) == 4;
		*out = (struct hostdisk){ bdf, IVSHMEM_SHM_BAR, ((wide ? pci_read(bdf, reg + 4) << 32 : 0) | lo) & ~0xFull,
					  (word_t)size };
		return 0;
	}
	return -ENODEV;
}
