/*
 * sctest's stack pool: a few threads at a time (a blocked reader, the
 * race's two), each with room for the structures the checks keep on
 * the stack (struct nb_statvfs is 2 KiB).
 */
#include "r2c.h"

R2C_STACK_POOL(16, 64 * 1024);
