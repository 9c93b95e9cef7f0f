/* The rk component's stack pool: NetBSD kernel code expects more than the
 * runtime's default 16 KiB stacks, and the rump kernel runs many threads.
 * (Defining these symbols keeps lib/libr2c/stacks.c out of the link.) */
#include "r2c.h"

#define STACKS 48
#define STACK_SIZE (64 * 1024)

static char stacks[STACKS][STACK_SIZE] __attribute__((aligned(16)));

char *r2c_stack_area = &stacks[0][0];
word_t r2c_stack_size = STACK_SIZE;
word_t r2c_stack_count = STACKS;
volatile word_t r2c_stack_bitmap = ~0ull << STACKS;
word_t r2c_stack_tid[64];
