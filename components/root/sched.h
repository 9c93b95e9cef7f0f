/* The root's scheduler (sched.c) as the booter uses it. */
#ifndef ROOT_SCHED_H
#define ROOT_SCHED_H

#include "r2c.h"

#define SCHED_MAX_THDS 512	/* threads the system scheduler can hold */
#define SCHED_MAX_COMPS 32	/* components whose limits it keeps (0 ..) */

void sched_init(void);
/* Component comp's limits, from its composition line: none of its threads
 * may be more urgent than `ceiling`, and together they may run `budget`
 * TSC cycles in every `period` (budget 0: no limit). Without a call: no
 * limits. */
void sched_limits(int comp, int ceiling, uint64_t budget, uint64_t period);
void sched_dump(void);
/* Schedule a thread the root created (its THD capability in `slot`). */
long sched_adopt(word_t slot, word_t tid, int comp, int prio, bool run);
/* Let a thread adopted with run = false run. */
void sched_release(word_t tid);
/* Run the scheduler until done() is true (NULL: for ever). */
void sched_run(bool (*done)(void));
/* Did the thread say SCHED_READY, block, or end? */
bool sched_thread_ready(word_t tid);
bool sched_thread_ended(word_t tid);
/* Entry point of the `sched` handler, for the SINVs the booter grants. */
void *sched_entry(void);
/* Provided by the booter: a new thread in component `comp` (-1: root). */
long sched_create_in(int comp, word_t ip, word_t arg, int prio);

#endif
