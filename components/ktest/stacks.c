/*
 * The kernel test image's stack pool: its tests run threads of their own
 * and take invocations into it (fault handlers, fuzz reports) at once.
 */
#include "r2c.h"

R2C_STACK_POOL(64, 16 * 1024);
