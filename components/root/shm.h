/* Shared memory on request (shm.c), as the booter sets it up. */
#ifndef ROOT_SHM_H
#define ROOT_SHM_H

#include "r2c.h"

struct composition;
/* The composition says who may share with whom. */
void shm_init(const struct composition *cf);
/* Component comp: my COMP capability to it, where in it run-time
 * shares may go (above its boot-time regions), and the bytes of its disk
 * at COMP_DISK_BASE (disk= or hostdisk=; 0: none), which it may lend. */
void shm_add_comp(int comp, word_t comp_slot, word_t floor, word_t disk_bytes);
/* Micro-reboot: take back every run-time share comp lent or borrowed. */
void shm_forget(int comp);
/* The entry point every component is granted (cinfo share_slot). */
void *shm_entry(void);

#endif
