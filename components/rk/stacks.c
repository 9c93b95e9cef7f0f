/* The rk component's stack pool: NetBSD kernel code expects more than the
 * runtime's default 16 KiB stacks, and the rump kernel runs many threads.
 * Aligned to the stack size: lib/rumpuser keeps each thread's context at
 * the base of its stack (rumpuser_int.h). */
#include "r2c.h"

R2C_STACK_POOL_ALIGNED(128, 64 * 1024);
