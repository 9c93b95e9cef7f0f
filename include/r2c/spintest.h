/* The temporal-isolation test (rtest asks, spinner spins): the layout of
 * the "spin" region both map (compose/test-runtime.comp). */
#ifndef R2C_SPINTEST_H
#define R2C_SPINTEST_H

#include <stdint.h>

/* A step of the clock longer than this (in us) between two readings in a
 * loop that only reads it: the reader was not running meanwhile. */
#define SPINTEST_STEP_US 50

struct spintest {
	volatile uint64_t request;	/* rtest: the round it asks for */
	volatile uint64_t done;		/* spinner: the last round it finished */
	volatile uint64_t cycles;	/* rtest: how long to spin, in TSC cycles */
	volatile uint64_t start, end;	/* spinner: when it began and ended spinning */
	volatile uint64_t away;		/* spinner: cycles in between it did not run */
	volatile uint64_t ran;		/* spinner, as it goes: cycles it has run so far
					 * (the host's pauses do not count) */
	volatile uint64_t lend;		/* rtest: spin in two threads that keep lending
					 * each other the CPU (r2c_yield_to) */
};

#endif
