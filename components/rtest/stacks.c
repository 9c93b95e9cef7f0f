/*
 * rtest's stack pool: test_parked keeps 200 of its threads waiting at
 * once, each on a stack of its own, while its other threads go on.
 */
#include "r2c.h"

R2C_STACK_POOL(256, 16 * 1024);
