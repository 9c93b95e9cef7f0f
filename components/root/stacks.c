/*
 * The root's stack pool. Threads come into the root only for a moment:
 * a scheduler request is recorded and the caller yields in its own
 * component; a share request or a fault report runs in the root until
 * the scheduler thread has carried it out. So a few dozen stacks serve
 * any number of threads; when all are taken for an instant, the caller
 * gets INV_NO_STACK and asks again (lib/libr2c/sched.c).
 */
#include "r2c.h"

R2C_STACK_POOL(64, 16 * 1024);
