/* The client library's recovery from a micro-rebooted rk (recover.c),
 * as syscall.c's invocation path uses it; see docs/reboot.md "What a
 * client sees". */
#ifndef RKCLIENT_RECOVER_H
#define RKCLIENT_RECOVER_H

#include <stdbool.h>
#include <stdint.h>
#include "r2c.h"

/* One system call's way through: enter (the read side of the recovery
 * lock; the recovery epoch), before (an errno to answer without calling
 * rk, or -1), after (the table updated under the same hold; the final
 * errno), leave. a[0..n-1] are the call's NetBSD argument slots. */
unsigned long rk_rec_enter(void);
void rk_rec_leave(void);
int rk_rec_before(int num, const uint64_t *a, int n);
int rk_rec_after(int num, const uint64_t *a, int n, int e, const long rv[2]);
/* rk was rebooted under a call made in epoch ep (not held): put the
 * client back (once, whichever thread comes first). 0, or the errno the
 * call gets (ENXIO: rk is gone for good; EIO: it did not come back). */
int rk_recover(unsigned long ep);
/* A call that met the reboot may be made again (its effects, if any,
 * went with the NetBSD that ran it, and none is on the disk). */
bool rk_rec_retry_safe(int num, const uint64_t *a, int n);
/* The process ended (rk_proc_exit): no descriptors any more. */
void rk_rec_forget_all(void);

/* syscall.c's own answer for a call that met a reboot (INV_REBOOTED),
 * never an application's errno; RK_EREBOOTED is rk's for a call it did
 * not run. */
#define RK_EMET 1005

/* syscall.c: one call straight to rk, no recovery: NetBSD's errno, or
 * RK_EREBOOTED (also for INV_REBOOTED), ENXIO (INV_GONE), EAGAIN
 * (INV_NO_STACK), EIO (another status). */
int rk_sys_raw(int num, const uint64_t *a, int n, long rv[2]);
/* syscall.c: rk_proc_exit's entry with a0: status folded as above. */
int rk_proc_raw(word_t a0);

#endif
