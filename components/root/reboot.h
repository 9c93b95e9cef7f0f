/* Micro-reboot of a component in place (reboot.c), as the booter uses it. */
#ifndef ROOT_REBOOT_H
#define ROOT_REBOOT_H

#include "r2c.h"

/* What the booter kept of a component's boot: its COMP capability, its
 * ELF image, the first slot it filled itself and where its heap starts. */
struct reboot_target { word_t comp_slot; const void *img; size_t size; word_t keep_slots, heap_lo; };

/* In the scheduler thread: take it down (COMP_REBOOT: epoch, run-time
 * capabilities and memory revoked), unwind every thread executing in it,
 * and put the writable pages of its image back as the ELF file has them.
 * It stays down (INV_REBOOTED) until COMP_UP. -> 0 or -errno; *unwound =
 * threads unwound or ended. */
long reboot_reset(const struct reboot_target *t, int *unwound);

#endif
