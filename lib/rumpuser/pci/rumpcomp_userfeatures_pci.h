/*
 * The PCI features rump2cos offers NetBSD's rump PCI library
 * (librumpdev_pci). That library's pci_user.h includes a header of this
 * name from the platform to learn which optional hypercalls exist; the
 * build script (tools/build-rumpkernel) points the library's build at
 * this directory through pci.mk. Written for this project.
 *
 * PCI_IOSPACE: I/O-port BARs are reached with in/out instructions in the
 * component itself; the platform provides rumpcomp_pci_iospace_init().
 * PCI_DMAFREE: DMA memory can be given back; the platform provides
 * rumpcomp_pci_dmafree().
 */
#ifndef R2C_RUMPCOMP_USERFEATURES_PCI_H
#define R2C_RUMPCOMP_USERFEATURES_PCI_H

#define RUMPCOMP_USERFEATURE_PCI_IOSPACE 1
#define RUMPCOMP_USERFEATURE_PCI_DMAFREE 1

#endif
