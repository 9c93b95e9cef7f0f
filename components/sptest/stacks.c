/*
 * sptest's stack pool: sp.calls_limited has 40 of its threads waiting in
 * rk at once, each on a stack of its own.
 */
#include "r2c.h"

R2C_STACK_POOL(64, 16 * 1024);
