/* Shared memory on request (shm.c), as the booter sets it up. */
#ifndef ROOT_SHM_H
#define ROOT_SHM_H

#include "r2c.h"

struct composition;
/* The composition says who may share with whom. */
void shm_init(const struct composition *cf);
/* Component comp: my COMP capability to it, and where in it run-time
 * shares may go (above its boot-time regions). */
void shm_add_comp(int comp, word_t comp_slot, word_t floor);
/* The entry point every component is granted (cinfo share_slot). */
void *shm_entry(void);

#endif
