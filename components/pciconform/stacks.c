/* pciconform's stack pool: the runtime's default sizes, aligned to the
 * stack size as lib/rumpuser needs (it keeps each thread's context at the
 * base of its stack, rumpuser_int.h). */
#include "r2c.h"

R2C_STACK_POOL_ALIGNED(16, 16 * 1024);
