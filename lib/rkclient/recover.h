/* The client library's recovery from a micro-rebooted rk (recover.c),
 * as syscall.c's invocation path uses it; see docs/reboot.md "What a
 * client sees". */
#ifndef RKCLIENT_RECOVER_H
#define RKCLIENT_RECOVER_H

#include <stdbool.h>
#include <stdint.h>
#include "r2c.h"
#include "r2c/netbsd.h"

/* One system call's way through: enter (the read side of the recovery
 * lock; the recovery epoch), before (an errno to answer without calling
 * rk, or -1), after (the table updated under the same hold; the final
 * errno), leave. a[0..n-1] are the call's NetBSD argument slots. */
unsigned long rk_rec_enter(void);
/* The calls whose first argument is a descriptor. */
static inline bool rk_rec_takes_fd(int num)
{
	switch (num) {
	case NB_SYS_read: case NB_SYS_write: case NB_SYS_pread: case NB_SYS_pwrite:
	case NB_SYS_readv: case NB_SYS_writev: case NB_SYS_lseek: case NB_SYS_ftruncate:
	case NB_SYS_fsync: case NB_SYS_fdatasync: case NB_SYS_fstat: case NB_SYS_fstatvfs1:
	case NB_SYS_fchmod: case NB_SYS_fchown: case NB_SYS_futimes: case NB_SYS_dup:
	case NB_SYS_dup2: case NB_SYS_fcntl: case NB_SYS_ioctl: case NB_SYS_fchdir:
	case NB_SYS_getdents: case NB_SYS_sendto: case NB_SYS_recvfrom: case NB_SYS_sendmsg:
	case NB_SYS_recvmsg: case NB_SYS_shutdown: case NB_SYS_getsockname:
	case NB_SYS_getpeername: case NB_SYS_getsockopt: case NB_SYS_setsockopt:
	case NB_SYS_bind: case NB_SYS_listen: case NB_SYS_accept: case NB_SYS_connect:
	case NB_SYS_kevent:
		return true;
	}
	return false;
}
/* Whether the table follows call num (it takes, makes or ends a
 * descriptor, or moves the current directory). The others (getpid, stat,
 * mkdir, ...) go to rk without the lock or the table: rk itself refuses
 * them (RK_EREBOOTED) until a recovery has told it the client knows.
 * Inline, so that a wrapper's constant number decides it at compile time. */
static inline bool rk_rec_follows(int num)
{
	switch (num) {
	case NB_SYS_open: case NB_SYS_close: case NB_SYS_socket: case NB_SYS_socketpair:
	case NB_SYS_pipe: case NB_SYS_pipe2: case NB_SYS_kqueue: case NB_SYS_chdir:
		return true;
	}
	return rk_rec_takes_fd(num);
}
/* The recovery epoch now, read without the lock. */
extern unsigned long rk_rec_epochs;
static inline unsigned long rk_rec_epoch(void)
{
	return __atomic_load_n(&rk_rec_epochs, __ATOMIC_ACQUIRE);
}
void rk_rec_leave(void);
int rk_rec_before(int num, const uint64_t *a, int n);
int rk_rec_after(int num, const uint64_t *a, int n, int e, const long rv[2]);
/* The call made between before and after is given up (its recovery
 * failed, or it may not be made again): nothing of it is owed. */
void rk_rec_abandon(void);
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
