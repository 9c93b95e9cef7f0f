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
long thread_new(void (*fn)(void *), void *arg, word_t *slot);

/* Host disk n (pci.c): its PCI function, the BAR of its memory, where
 * that is and how big. */
struct hostdisk { word_t bdf, bar, phys, bytes; };
long hostdisk_find(int n, struct hostdisk *out);

int run_tests(void);
void run_bench(const char *accel);
void boot(void);

#endif
