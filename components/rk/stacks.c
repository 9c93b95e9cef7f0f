/* The rk component's stack pool: NetBSD kernel code expects more than the
 * runtime's default 16 KiB stacks, and the rump kernel runs many threads. */
#include "r2c.h"

R2C_STACK_POOL(128, 64 * 1024);
