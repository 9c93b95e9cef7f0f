/*
 * The root's stack pool. A thread that asks the system scheduler to park
 * it waits inside the root's `sched` entry on one of these stacks, so
 * every thread the scheduler holds may need one at once, plus the root's
 * own: were the pool smaller, a request would fail with -EAGAIN and its
 * caller spin instead of sleeping.
 */
#include "r2c.h"
#include "sched.h"

R2C_STACK_POOL(SCHED_MAX_THDS + 8, 16 * 1024);
