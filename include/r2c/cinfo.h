/*
 * What the booter tells each component it starts: a read-only page at
 * CINFO_VADDR with its name, its memory, the capability slots of the
 * interfaces it may invoke (by name, so no slot number is ever hard-coded
 * in a component), its shared-memory regions, for servers the buffers
 * each client shares with it, and the PCI device it was granted.
 */
#ifndef R2C_CINFO_H
#define R2C_CINFO_H

#include "abi.h"

#define CINFO_VADDR	0x100000ull
#define CINFO_PAGES	2		/* struct cinfo fits in them (checked below) */
#define CINFO_MAGIC	0x6f666e6963633272ull	/* "r2ccinfo" */
#define CINFO_IMPORTS	48
#define CINFO_SHM	8
#define CINFO_CLIENTS	16

/* Virtual layout of a component (below its image at 0x400000: cinfo). */
#define COMP_SHM_BASE	0x10000000ull	/* shared regions, in booter order */
#define COMP_MODULE_BASE 0x40000000ull	/* preloaded file, read-only */
#define COMP_DISK_BASE	0x50000000ull	/* a RAM disk's blocks */
#define COMP_PCI_BASE	0x4000000000ull	/* a granted device's memory BARs, in BAR order */

struct cinfo_import {
	char server[16];	/* component that serves it */
	word_t server_id;
	char name[32];		/* exported handler name, e.g. "console_write" */
	word_t slot;		/* SINV capability */
};

struct cinfo_shm {
	char name[16];		/* shm NAME, or the server's name for a client buffer */
	word_t vaddr, size;
	word_t notify_slot;	/* ASND to the peer's first thread (0: none) */
};

struct cinfo_client {
	word_t token;		/* what its invocations carry */
	char name[16];
	word_t vaddr, size;	/* the buffer it shares with this server */
	word_t uid, gid;	/* who the client is (uid=, gid= of its composition
				 * line; 0 is root): a rump kernel makes its NetBSD
				 * process with these credentials */
};

/* pci=VENDOR:DEVICE[/N]: the function, its PCIDEV capability (configuration
 * space, interrupt line, DMA addresses; the ports of its I/O BARs are open
 * to this component), and where the booter mapped each memory BAR. */
struct cinfo_pci {
	word_t slot;		/* PCIDEV capability; 0: no device */
	word_t bdf;		/* bus << 8 | device << 3 | function */
	word_t id;		/* vendor | device << 16 */
	struct cinfo_pci_bar {
		word_t phys, size;	/* a memory BAR (0: an I/O BAR or none: PCIDEV_BAR says) */
		word_t vaddr;		/* where it is mapped here */
	} bar[6];
};

/* The booter's TSC stamps of a component's last micro-reboot (all 0
 * before the first), for measuring it (docs/reboot.md, make soak): the
 * fault reached the booter's handler; the booter's scheduler began the
 * reboot; the component was taken down, its threads unwound, its image
 * refilled and its new first thread made; it served again (COMP_UP; 0
 * until then). */
struct cinfo_reboot {
	word_t fault_tsc, reboot_tsc, reset_tsc, up_tsc;
};

struct cinfo {
	word_t magic;
	char name[16];
	word_t id;		/* also the token of its invocations */
	word_t tsc_hz;
	word_t wall_seconds, wall_tsc;	/* wall clock: seconds since 1970 at that TSC (0: unknown) */
	word_t self_slot;	/* COMP capability to itself (map its own memory) */
	word_t untyped_slot;	/* its memory budget */
	word_t untyped_frames;
	word_t untyped_used;	/* frames already used for its image and this page */
	word_t machine_slot;	/* direct console (only the console server), or 0 */
	word_t sched_slot;	/* SINV to the scheduler (lib/libr2c/sched.c) */
	word_t share_slot;	/* SINV: shared memory on request (r2c_share, SHM_*) */
	word_t heap_vaddr;	/* first free address after its image */
	word_t first_free_slot;
	word_t nslots;
	word_t disk_bytes;	/* disk=SIZE of its composition line */
	word_t disk_vaddr;	/* a host disk the booter mapped there (hostdisk=N), or 0 */
	word_t preload_vaddr, preload_size;
	char arg[48];
	char inject[48];	/* inject= of its composition line (tests only) */
	word_t reboots;		/* micro-reboots so far (0: its first boot) */
	struct cinfo_reboot last_reboot;	/* the booter's times of the last one */
	word_t nimports;
	struct cinfo_import imports[CINFO_IMPORTS];
	word_t nshm;
	struct cinfo_shm shm[CINFO_SHM];
	word_t nclients;
	struct cinfo_client clients[CINFO_CLIENTS];
	struct cinfo_pci pci;
};
_Static_assert(sizeof(struct cinfo) <= CINFO_PAGES * 4096, "struct cinfo outgrew its pages");

/* A server declares the buffer each client shares with it:
 * R2C_CLIENT_SHM(65536) at file scope (an absolute symbol the booter reads). */
#define R2C_CLIENT_SHM(bytes) \
	__asm__(".globl r2c_client_shm\n.set r2c_client_shm, " #bytes "\n")

/* Before the system halts, the booter invokes the entry point `shutdown`
 * of every component that exports one (R2C_ENTRY(shutdown)), in reverse
 * start order, with this token: a server puts its state in order (rk
 * unmounts its file systems). No client is granted it. */
#define CINFO_BOOTER_TOKEN	0xB0
#define CINFO_SHUTDOWN_S	10	/* how long the booter waits for them all */
/* When a client component is gone (its first thread has ended, or it has
 * faulted), the booter invokes the entry point `client_gone` of each
 * server it uses that exports one (R2C_ENTRY(client_gone)), with this
 * token and the client's token in a0, on a thread of the booter's own: the
 * server lets go of what it keeps for that client (rk ends its NetBSD
 * process). No client is granted it. Before the shutdown the booter waits
 * for these calls, at most CINFO_SHUTDOWN_S. */

/* Scheduler operations (the a0 of an invocation of sched_slot). */
enum sched_op {
	SCHED_YIELD = 1,	/* let others of my priority run */
	SCHED_BLOCK,		/* a1 = absolute TSC deadline (0 = none): wait for a
				 * wake-up; returns 0, or -ETIMEDOUT */
	SCHED_WAKEUP,		/* a1 = tid: wake it (or let its next block return) */
	SCHED_YIELD_TO,		/* a1 = tid: run it now if it can run */
	SCHED_THD_CREATE,	/* a1 = ip, a2 = arg, a3 = priority -> tid */
	SCHED_JOIN,		/* a1 = tid: wait until it ended */
	SCHED_SLEEP,		/* a1 = absolute TSC deadline */
	SCHED_READY,		/* my initialisation is done: start the next component */
	SCHED_PRIO,		/* a1 = tid (0 = me), a2 = new priority */
	SCHED_CAPACITY,		/* a1 = SCHED_CAP_*: what is left of it, for leak checks */
	SCHED_ALIVE,		/* a1 = tid -> 1 while that thread lives, else 0 (a
				 * server learns which of its clients' threads are gone) */
};
enum sched_capacity_kind {
	SCHED_CAP_RECORDS = 0,	/* thread records the scheduler can still hold */
	SCHED_CAP_SLOTS,	/* free slots of the root's capability table */
	SCHED_CAP_FRAMES,	/* frames of the root's memory not in use */
	SCHED_CAP_STACKS,	/* free stacks of the root's pool */
};
#define SCHED_PRIOS 32		/* 0 most urgent */

/* Shared memory on request (the a0 of an invocation of share_slot). */
enum shm_op {
	SHM_SHARE = 1,		/* a1 = peer id, a2 = my page-aligned address, a3 = bytes
				 * -> 0, r1 = the peer's address */
	SHM_UNSHARE,		/* a1 = peer id, a2 = the peer's address -> 0 */
	SHM_COUNT,		/* -> run-time shares in place, everyone's (leak checks) */
};

#endif
