/* rk's fault injection from a client, for tests and benchmarks only
 * (rk's inject=call; docs/reboot.md "Fault injection"): one crash of rk,
 * made and waited out. */
#ifndef RKCLIENT_INJECT_H
#define RKCLIENT_INJECT_H

#include <stdint.h>
#include "r2c.h"

/* Arm a fault of `kind` (RK_INJECT_*, include/r2c/rkproc.h) through rk's
 * rk_inject entry (its SINV in inject_slot), fired `after` more system
 * calls of anyone, and wait until this client's library has recovered
 * from the reboot (rk_recoveries moves), for at most timeout_us: 0; rk's
 * refusal (an errno); or -ETIMEDOUT. */
long rk_crash(word_t inject_slot, long kind, long after, uint64_t timeout_us);

#endif
