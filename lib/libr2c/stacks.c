/*
 * The default pool of stacks the entry stubs (crt.S) take from. A
 * component that needs other sizes defines its own with R2C_STACK_POOL,
 * which keeps this file out of its link.
 */
#include "r2c.h"

R2C_STACK_POOL(16, 16 * 1024);
