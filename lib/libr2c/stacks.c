/*
 * The default pool of stacks the entry stubs (crt.S) take from. A
 * component that needs other sizes defines its own with R2C_STACK_POOL,
 * which keeps this file out of its link. Aligned to its stack size, so
 * that a component on the default pool may use lib/rumpuser (which keeps
 * each thread's context at the base of its stack).
 */
#include "r2c.h"

R2C_STACK_POOL_ALIGNED(16, 16 * 1024);
