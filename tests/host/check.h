/* Minimal host test harness: CHECK prints "PASS name" or "FAIL name: why"
 * and counts; the test's main returns the failure count. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int check_failed;

#define CHECK(name, cond, ...)						\
	do {								\
		if (cond) {						\
			printf("PASS %s\n", name);			\
		} else {						\
			printf("FAIL %s: ", name);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
			check_failed++;					\
		}							\
	} while (0)

#endif
