/* The kernel test image's shared state (main.c): its memory, the boot
 * information, the modules it loads, and the scheduling of the threads it
 * makes itself, for tests.c and bench.c. */
#ifndef KTEST_H
#define KTEST_H

#include "r2c.h"
#include "r2c/cinfo.h"

extern const struct bootinfo *bi;
extern struct r2c_mem mem;

const struct boot_module *module(const char *name);
long load(const char *module_name, const char *name, struct r2c_comp *c);

/* Scheduling for the threads it creates. */
struct ev { word_t tid, type; };
word_t drain_events(void);			/* read all events; the current token */
bool saw_event(word_t tid, word_t type);	/* since the last clear */
void clear_events(void);
bool nev_full(void);
long dispatch(word_t thd_slot);			/* with a fresh token */
long thread_new(void (*fn)(void *), void *arg, word_t *slot);	/* tid */
long thread_start_in(const struct r2c_comp *c, word_t arg, word_t *slot);	/* tid */

/* A kernel fault report in `comp` follows on purpose: say so first, one
 * line per report, so the test runner can tell it from an accident. */
void expect_fault(const char *comp);

int run_tests(void);
void test_pci(void);		/* pci.c: what a user-level driver gets */
word_t find_nic(int n);		/* the n-th virtio-net function on bus 0, or ~0 */
void test_reboot(void);		/* reboot.c */
void test_reboot_stale(void);	/* reboot.c */
void test_reboot_tricks(void);	/* reboot.c */
#define REBOOT_CHECKS (46 + 28 + 8)	/* test_reboot, _stale, _tricks */
void run_bench(const char *accel);

#endif
