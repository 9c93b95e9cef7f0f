/*
 * Host disks: the machine's ivshmem devices (QEMU's inter-VM shared
 * memory: a host file appearing as a PCI memory BAR), numbered in slot
 * order on PCI bus 0. tools/qemu-run --disk FILE adds them in the order
 * given; a RAM disk with hostdisk=N gets device N mapped as its blocks,
 * so what the guest writes lands in FILE.
 */
#include "root.h"

#define IVSHMEM_ID	0x11101af4u	/* device 0x1110, vendor 0x1af4 */
#define IVSHMEM_SHM_BAR	2
#define PCI_CMD_MEMORY	0x2

static word_t pci_read(word_t bdf, word_t reg)
{
	return (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, reg, 0, 0, 0, 0);
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
