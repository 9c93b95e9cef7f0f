/* The root component's shared state: its memory, the boot information,
 * the modules it loads, the scheduling helpers its tests use. */
#ifndef ROOT_H
#define ROOT_H

#include "r2c.h"
#include "r2c/cinfo.h"

extern const struct bootinfo *bi;
extern struct r2c_mem mem;

const struct boot_module *module(const char *name);
long load(const char *module_name, const char *name, struct r2c_comp *c);

/* Scheduling for the threads the root creates. */
struct ev { word_t tid, type; };
word_t drain_events(void);			/* read all events; the current token */
bool saw_event(word_t tid, word_t type);	/* since the last clear */
void clear_events(void);
bool nev_full(void);
long dispatch(word_t thd_slot);			/* with a fresh token */
long thread_new(void (*fn)(void *), void *arg, word_t *slot);	/* tid */
long thread_start_in(const struct r2c_comp *c, word_t arg, word_t *slot);	/* tid */

/* Host disk n (pci.c): its PCI function, the BAR of its memory, where
 * that is and how big. */
struct hostdisk { word_t bdf, bar, phys, bytes; };
long hostdisk_find(int n, struct hostdisk *out);

/* What the booter built, for the services that run after it (shm.c). */
int booted_count(void);
word_t booted_comp(int i);		/* my COMP capability to component i */
word_t booted_shm_floor(int i);		/* run-time shares go above this */
bool booted_related(int a, int b);	/* one of them uses the other */
const char *booted_name(int i);
void *shm_entry(void);
int shm_count(void);			/* shares now in place */

int run_tests(void);
void run_bench(const char *accel);
/* The booter's halt status (QEMU's exit status is status << 1 | 1):
 * 0 the composition ended as it says and nothing failed; 2 a malformed
 * composition; 3 not enough resources to boot it; and after the boot: */
enum boot_status {
	BOOT_STATUS_FAILED = 4,		/* a component faulted (the console names it) */
	BOOT_STATUS_STUCK = 5,		/* nothing could run, halt=yes components had not ended */
	BOOT_STATUS_SHUTDOWN = 6,	/* a shutdown entry did not return in time */
};
int boot(void);

#endif
