/*
 * The pool of stacks the entry stubs (crt.S) take from. A component that
 * needs other sizes defines its own r2c_stack_* symbols instead of
 * linking this file's.
 */
#include "r2c.h"

#define STACKS 16
#define STACK_SIZE (16 * 1024)

static char stacks[STACKS][STACK_SIZE] __attribute__((aligned(16)));

char *r2c_stack_area = &stacks[0][0];
word_t r2c_stack_size = STACK_SIZE;
word_t r2c_stack_count = STACKS;
volatile word_t r2c_stack_bitmap = ~0ull << STACKS;	/* bits past the pool are "taken" */
word_t r2c_stack_tid[64];				/* thread on each stack (crt.S) */
