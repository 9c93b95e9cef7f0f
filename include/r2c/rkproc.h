/*
 * What rk (components/rk/sysproxy.c) and its clients (lib/rkclient)
 * agree on beyond NetBSD's system calls: why a separate header is that
 * these are rk's own entries, not NetBSD's interface. rk_proc_exit ends
 * the calling client's NetBSD process (NetBSD's exit is never passed to
 * NetBSD); rk_counts answers figures for tests and diagnostics, each
 * RK_COUNT_* below, in r0 (negative: -errno): a client's own and the
 * totals to any client, another client's to root clients only (-EPERM).
 */
#ifndef R2C_RKPROC_H
#define R2C_RKPROC_H

enum rk_count {
	RK_COUNT_LWPS = 0,	/* a1 = a client's component id (-1: all): lwps rk holds for its threads */
	RK_COUNT_PID,		/* a1 = a client's component id: its process's pid (0: none now) */
	RK_COUNT_PROCS,		/* NetBSD's process count (nprocs) */
	RK_COUNT_HEAP,		/* bytes of rk's heap in use (the rump kernel's memory) */
	RK_COUNT_BOOT,		/* a1 = RK_BOOT_*: how rk's last boot went (make soak) */
};

/* RK_COUNT_BOOT's a1: TSC stamps of rk's last micro-reboot, the booter's
 * (cinfo last_reboot) and rk's own, in order; 0 where there is none (the
 * first boot has no fault). Each phase is the time between two stamps. */
enum rk_boot_stamp {
	RK_BOOT_NUMBER = 0,	/* not a stamp: the micro-reboots before this boot */
	RK_BOOT_FAULT,		/* the fault reached the booter's handler */
	RK_BOOT_REBOOT,		/* the booter's scheduler began the reboot */
	RK_BOOT_RESET,		/* taken down, threads unwound, image refilled, new first thread made */
	RK_BOOT_MAIN,		/* rk's new first thread entered r2c_main */
	RK_BOOT_RUMP,		/* rump_init returned: NetBSD is up */
	RK_BOOT_MOUNTED,	/* disks and arg= mounts done, serving set up: rk says it is ready */
	RK_BOOT_UP,		/* the booter let it serve (COMP_UP) */
	RK_BOOT_STAMPS
};

/* rk was micro-rebooted since this client last said it knew
 * (lib/rkclient/recover.c): the answer, in place of NetBSD's errno, to
 * every call of the client, which rk did not run, until the client calls
 * rk_proc_exit(RK_PROC_RECOVERED); also the answer while rk boots again.
 * Past NetBSD's errnos (ELAST is 96). */
#define RK_EREBOOTED 1004
/* rk_proc_exit's a0: 0 ends the process; RK_PROC_RECOVERING lets the
 * calling thread alone be served while it puts the client back (its other
 * threads still get RK_EREBOOTED, so none runs in a half-restored
 * process: a relative path before the working directory is back, poll on
 * a descriptor not yet re-opened); RK_PROC_RECOVERED clears the
 * RK_EREBOOTED state for every thread. */
#define RK_PROC_RECOVERED 1
#define RK_PROC_RECOVERING 2

/* Fault injection (components/rk/inject.c), only with inject=call on
 * rk's composition line: rk_inject(kind, after) arms one fault, fired in
 * the system call `after` calls from now (0: the next). */
enum rk_inject_kind {
	RK_INJECT_WILD = 1,	/* a store through a wild pointer in the system-call path */
	RK_INJECT_PANIC,	/* NetBSD's panic() */
	RK_INJECT_HYPERCALL,	/* a fault inside rumpuser_bio, the next disk transfer */
	RK_INJECT_SPIN,		/* the call never returns (the watchdog's case) */
};

#endif
