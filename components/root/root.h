/* The root component's shared state: its memory, the boot information
 * and modules, the booter's entry and verdicts, host disks. */
#ifndef ROOT_H
#define ROOT_H

#include "r2c.h"
#include "r2c/cinfo.h"

extern const struct bootinfo *bi;
extern struct r2c_mem mem;

const struct boot_module *module(const char *name);

/* Host disk n (pci.c): its PCI function, the BAR of its memory, where
 * that is and how big. */
struct hostdisk { word_t bdf, bar, phys, bytes; };
long hostdisk_find(int n, struct hostdisk *out);
/* The n-th PCI function (0 first, in bus order) with these ids: its
 * bus << 8 | device << 3 | function in *bdf, or -ENODEV. */
long pci_find(word_t vendor, word_t device, int n, word_t *bdf);

/* The booter's halt status (QEMU's exit status is status << 1 | 1):
 * 0 the composition ended as it says and nothing failed; 2 a malformed
 * composition; 3 not enough resources to boot it; and after the boot: */
enum boot_status {
	BOOT_STATUS_FAILED = 4,		/* a component faulted (the console names it) */
	BOOT_STATUS_STUCK = 5,		/* nothing could run, halt=yes components had not ended */
	BOOT_STATUS_SHUTDOWN = 6,	/* a shutdown entry did not return in time */
};
int boot(void);				/* -> the halt status */

#endif
