/*
 * The PCI hypercalls NetBSD's rump PCI library (librumpdev_pci) calls on
 * its platform, as rump2cos implements them (lib/rumpuser/pci.c): names
 * and argument lists of that interface (see ../shared/RUMPUSER.md, "PCI,
 * virtio and the network"), written for this project. Every int returned
 * is 0 or a NetBSD errno. The features lib/rumpuser/pci/
 * rumpcomp_userfeatures_pci.h announces are all provided: ports by in/out
 * in the component (iospace_init) and DMA memory given back (dmafree).
 */
#ifndef R2C_RUMPCOMP_PCI_H
#define R2C_RUMPCOMP_PCI_H

#include <stddef.h>

/* Configuration space of bus/device/function, a 32-bit register. */
int rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int *value);
int rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int value);
/* The virtual address of a memory BAR's physical range, or NULL. */
void *rumpcomp_pci_map(unsigned long addr, unsigned long len);
/* Ports: 0 when in/out work here. */
int rumpcomp_pci_iospace_init(void);
/* Interrupts: the function's line gets a cookie, then a handler that runs
 * holding a virtual CPU each time the device interrupts. */
int rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline, unsigned cookie);
void *rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *), void *arg);
/* DMA memory: physically contiguous, its physical and virtual address;
 * given back by its virtual address and size. */
int rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap, unsigned long *vap);
void rumpcomp_pci_dmafree(unsigned long va, size_t size);
struct rumpcomp_pci_dmaseg {
	unsigned long ds_pa;
	unsigned long ds_len;
	unsigned long ds_vacookie;	/* the virtual address dmalloc gave */
};
int rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nsegs, size_t totlen, void **vap);
/* The physical (bus) address of any memory of mine. */
unsigned long rumpcomp_pci_virt_to_mach(void *va);

#endif
