/*
 * rtest's stack pool: test_parked and test_limits keep up to 256 of its
 * threads waiting at once, each on a stack of its own.
 */
#include "r2c.h"

R2C_STACK_POOL(320, 16 * 1024);
