/* The root's scheduler (sched.c) as the booter uses it. */
#ifndef ROOT_SCHED_H
#define ROOT_SCHED_H

#include "r2c.h"

#define SCHED_MAX_THDS 512	/* threads the system scheduler can hold */
#define SCHED_MAX_COMPS 32	/* components whose limits it keeps (0 ..) */
#define SCHED_COMP_THDS 256	/* live threads one component may have */
#define SCHED_ROOT_RESERVE 8	/* records no component can take (the shutdown's) */

void sched_init(void);
/* Component comp (0 .. SCHED_MAX_COMPS-1), as the scheduler needs it:
 * its name (for reports), my COMP capability to it (to create its threads
 * and ask the kernel where threads are), and its limits from its
 * composition line: none of its threads may be more urgent than
 * `ceiling`, and together they may run `budget` TSC cycles in every
 * `period` (budget 0: no limit). */
struct sched_comp { const char *name; word_t comp_slot; int ceiling; uint64_t budget, period; };
void sched_add_comp(int comp, const struct sched_comp *c);
void sched_dump(void);
/* Schedule a thread the root created; its slot and frame come back to
 * the root's memory when it ends. */
long sched_adopt(const struct r2c_kthread *kt, int comp, int prio, bool run);
/* What is left: free thread records, root capability slots and frames. */
struct sched_capacity { word_t records, slots, frames; };
struct sched_capacity sched_capacity(void);
/* Run fn(arg) in the scheduler thread on behalf of the thread `tid`,
 * which executes in the root by invocation: serialised with every other
 * change to the root's state, without a lock. */
long sched_call(word_t tid, long (*fn)(void *), void *arg);
/* Let a thread adopted with run = false run. */
void sched_release(word_t tid);
/* Run the scheduler until done() is true (NULL: never), or until nothing
 * can run any more; with a deadline (TSC, 0: none), not before it has
 * passed unless done() says so. */
void sched_run(bool (*done)(void), uint64_t deadline);
/* Print each thread that waits (all, or only those inside an
 * invocation); returns how many. */
int sched_dump_stuck(bool inside_only);
/* Did the thread say SCHED_READY, block, or end? */
bool sched_thread_ready(word_t tid);
bool sched_thread_ended(word_t tid);
/* fn(comp, tid) is called in the scheduler thread each time a thread of a
 * component ends (exits or faults): the booter learns that a component's
 * first thread has ended. fn must not block. */
void sched_on_thread_end(void (*fn)(int comp, word_t tid));
/* fn(comp, tid) is called in the scheduler thread when a thread of a
 * component says SCHED_READY (a rebooted server serves again). */
void sched_on_ready(void (*fn)(int comp, word_t tid));
/* Micro-reboot: unwind every thread executing in the component that is
 * down (my COMP capability to it); -> how many. */
int sched_unwind(word_t comp_slot);
/* Watchdog: the tid of a thread of another component held on one call in
 * component comp (COMP capability comp_slot) for more than limit TSC
 * cycles, or 0; and a function the scheduler thread runs every period
 * cycles while any thread runs, or while it last said it waits for time
 * to pass (returned true). */
word_t sched_watch(int comp, word_t comp_slot, uint64_t limit, uint64_t now);
void sched_every(uint64_t period, bool (*fn)(uint64_t now));
/* Entry point of the `sched` handler, for the SINVs the booter grants. */
void *sched_entry(void);

#endif
