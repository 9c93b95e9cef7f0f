/*
 * The kernel/user ABI: one system call, "invoke capability slot c with
 * operation op", and the numbers both sides must agree on. Shared by the
 * kernel, the user runtime and host tools, so it is plain C with no
 * dependencies.
 *
 * Register convention (x86-64 `syscall`):
 *   in:  rax = slot | (op << 32); rdi, rsi, rdx, r10, r8, r9 = a0..a5
 *   out: rax = status (>= 0 result, < 0 = -errno, NetBSD numbers);
 *        rdi, rsi, rdx = extra results (r0..r2 of an invocation)
 * A server entry point starts with rdi, rsi, rdx, r10 = a0..a3 of the
 * caller, r8 = the invocation token, r9 = thread id, rsp = 0 (the server
 * picks its own stack). A new thread starts with rdi = its argument,
 * rsi = its thread id, rsp = 0.
 *
 * The few numbers assembly needs come first, as plain #defines, and the
 * C part checks them against its enums; assembly includes this file
 * with __ASSEMBLER__ defined and sees only those.
 */
#ifndef R2C_ABI_H
#define R2C_ABI_H

/* rax of the system calls the entry stubs (lib/libr2c/crt.S) make. */
#define R2C_SYS_SELF_RETURN	0x000000000	/* R2C_SYSCALL(CAP_SELF, SELF_RETURN) */
#define R2C_SYS_SELF_EXIT	0x200000000	/* R2C_SYSCALL(CAP_SELF, SELF_EXIT) */
#define R2C_SYS_SELF_NO_STACK	0x700000000	/* R2C_SYSCALL(CAP_SELF, SELF_NO_STACK) */

/* Invocation statuses: what the kernel says in rax about an invocation
 * itself, kept apart from the server's answer (r0..r2). Far outside the
 * NetBSD errno numbers, so a server's -errno in r0 is never one of them. */
#define INV_DONE	0	/* the server returned; its answer is r0..r2 */
#define INV_FAULTED	(-1001)	/* the server faulted (unhandled): the thread unwound to me */
#define INV_NO_STACK	(-1002)	/* the server had no free stack for the thread */
#define INV_GONE	(-1003)	/* the server was retired (COMP_RETIRE): not entered */
#define INV_REBOOTED	(-1004)	/* the server was micro-rebooted under the thread, or is being */
#define INV_TOO_DEEP	(-1005)	/* INV_DEPTH_MAX invocations already nested */
#define INV_STATUS_MIN	(-1005)
#define INV_STATUS_MAX	(-1001)

/* Invocation nesting bound per thread. */
#define INV_DEPTH_MAX 16

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint64_t word_t;

#define R2C_SYSCALL(slot, op) ((word_t)(uint32_t)(slot) | ((word_t)(op) << 32))

/* Slot 0 of every capability table names the calling thread itself. */
#define CAP_SELF 0

enum cap_type {
	CAP_NONE = 0,
	CAP_UNTYPED,	/* a range of physical frames the holder may retype */
	CAP_COMP,	/* a component: page table + capability table */
	CAP_THD,	/* a thread */
	CAP_SINV,	/* synchronous invocation of a component's entry point */
	CAP_ASND,	/* asynchronous send to a thread's end-point */
	CAP_TIMER,	/* the one-shot timer */
	CAP_MACHINE,	/* console output, halt, device discovery */
	CAP_DEVMEM,	/* physical pages of a device (never RAM) the holder may map */
	CAP_PCIDEV,	/* one PCI function, granted to one component: its
			 * configuration space, the ports of its I/O BARs, its
			 * interrupt line */
	CAP_TYPE_MAX
};

/* Rights; an operation needs the right it names, copies may drop rights. */
#define RIGHT_READ	0x01u	/* untyped, devmem: map readable (always implied) */
#define RIGHT_WRITE	0x02u	/* untyped, devmem: map writable */
#define RIGHT_EXEC	0x04u	/* untyped: map executable */
#define RIGHT_ADMIN	0x08u	/* comp/untyped/thd/timer: change the object;
				 * machine: create devmem, read PCI config */
#define RIGHT_GRANT	0x10u	/* may be copied to another table */
#define RIGHT_HALT	0x20u	/* machine: halt */
#define RIGHT_DMA	0x40u	/* pcidev: turn on bus mastering and learn physical
				 * addresses (without an IOMMU: ring-0 authority) */
#define RIGHT_ALL	0x7fu

/* Operations on slot 0 (the calling thread); need no capability. */
enum self_op {
	SELF_RETURN = 0,	/* return from an invocation: a0..a2 = r0..r2 */
	SELF_YIELD,		/* give the CPU back to my scheduler */
	SELF_EXIT,		/* end this thread */
	SELF_RCV,		/* wait on my end-point; a0 = RCV_NONBLOCK; -> pending count */
	SELF_EVENT,		/* next scheduler event: rax = events left before it
				 * (0 = none), rdi = tid, rsi = type, rdx = token */
	SELF_SET_FSBASE,	/* a0 = FS base of this thread */
	SELF_TID,		/* -> my thread id */
	SELF_NO_STACK,		/* a server's entry stub found no free stack:
				 * return from the invocation with INV_NO_STACK */
	/* Copy between me and my invoker (see below): a0 = source, a1 =
	 * destination, a2 = length (<= SELF_COPY_MAX) -> 0 or -errno. */
	SELF_COPY_IN,		/* from the invoker's a0 to my a1 */
	SELF_COPY_OUT,		/* from my a0 to the invoker's a1 */
	/* The same for a NUL-terminated string, a2 = bound (<= SELF_COPY_MAX):
	 * -> bytes copied including the NUL; -ENAMETOOLONG if the first a2
	 * bytes hold no NUL (then exactly those a2 bytes were copied). */
	SELF_COPY_IN_STR,
	SELF_COPY_OUT_STR,
	SELF_ASND_CREATE,	/* a0 = slot: a send capability to my own end-point,
				 * in my own table (not inside an invocation: -EPERM) */
	SELF_BORROW,		/* see below: a0 = the invoker's address, a1 =
				 * length, a2 = window, a3 = 1 to write -> the
				 * address of a0 in my window, or -errno */
	SELF_OP_MAX
};
#define RCV_NONBLOCK 1
/* SELF_COPY_*: a server thread inside an invocation copies between its
 * own memory and that of the component that invoked it: the frame
 * directly below on its invocation stack, only while the invocation
 * lasts, nothing further down. The invocation is the authority, so no
 * capability is named. -EPERM outside any invocation and in a fault
 * handler (the faulted component did not invoke it); -EINVAL for a
 * length over SELF_COPY_MAX (a library loops); -EFAULT for an invoker
 * micro-rebooted since the call (its addresses are its next life's),
 * and if any page of
 * either range is not present, not user, not writable (destination),
 * not RAM mapped from untyped memory (device memory is refused) or at
 * or above USER_TOP (kernel, non-canonical). Every page is checked before
 * the first byte moves: a refused call has written nothing. Overlapping
 * ranges (the same frames on both sides) give unspecified bytes. */
#define SELF_COPY_MAX 65536u
/* SELF_BORROW: the same authority as SELF_COPY_*, for a server that
 * copies a buffer piece by piece (the rump kernel copies a file's data a
 * page at a time): the invoker's pages holding [a0, a0 + a1), a1 at most
 * SELF_COPY_MAX, are mapped in order, readable (and writable with a3 = 1),
 * never executable, at my COMP_BORROW_BASE + a2 * COMP_BORROW_SPAN, until
 * this invocation returns or unwinds, whatever way; then plain loads and
 * stores move the data. One window per invocation frame (-EBUSY for a
 * second); -EINVAL for a length of 0 or over SELF_COPY_MAX, a window
 * past COMP_BORROW_SLOTS or a3 > 1; -EFAULT on the same terms as
 * SELF_COPY_* (and for a page of a window); -EBUSY also when a frame's
 * count of window mappings would pass 65,535; -ENXIO if the
 * window's page table is missing (COMP_PGTBL_ADD it, and again); -EEXIST
 * if the window is in use (one per thread in the server: its stack's
 * index). COMP_MAP, COMP_UNMAP and COMP_ALIAS refuse addresses in the
 * windows' region (-EPERM): only the kernel maps there, and a
 * micro-reboot (COMP_REBOOT) drops the region's mappings and page tables
 * whatever range it is given: a whole gigabyte, so that no table of it
 * is shared with what stays. */
#define COMP_BORROW_BASE	0x6000000000ull
#define COMP_BORROW_SPAN	0x20000ull	/* 128 KiB: 17 pages, in one page table */
#define COMP_BORROW_SLOTS	1024u
#define COMP_BORROW_END		(COMP_BORROW_BASE + (1ull << 30))
_Static_assert(R2C_SYSCALL(CAP_SELF, SELF_RETURN) == R2C_SYS_SELF_RETURN, "R2C_SYS_SELF_RETURN");
_Static_assert(R2C_SYSCALL(CAP_SELF, SELF_EXIT) == R2C_SYS_SELF_EXIT, "R2C_SYS_SELF_EXIT");
_Static_assert(R2C_SYSCALL(CAP_SELF, SELF_NO_STACK) == R2C_SYS_SELF_NO_STACK, "R2C_SYS_SELF_NO_STACK");

/* Scheduler events (SELF_EVENT rsi). */
enum sched_event {
	EV_NONE = 0,
	EV_BLOCKED,	/* tid blocked in SELF_RCV */
	EV_WOKEN,	/* tid was blocked and is runnable again */
	EV_YIELDED,	/* tid gave the CPU back */
	EV_EXITED,	/* tid ended itself */
	EV_FAULTED,	/* tid was ended by an unhandled fault */
	EV_LOST,	/* the event ring overflowed; rdi = events dropped */
};

enum untyped_op {
	UT_RETYPE = 0,	/* a0 = frame index, a1 = object type, a2 = result slot,
			 * a3..a5 object arguments (see below) -> id or -errno */
	UT_DERIVE,	/* a0 = first frame, a1 = count, a2 = result slot:
			 * a capability to a sub-range */
	UT_FREE,	/* a0 = frame index: return an unreferenced frame */
	UT_INFO,	/* -> number of frames; rdi = base physical address
			 * (with ADMIN; else 0: see PCIDEV_DMA_ADDR) */
	UT_FRAME,	/* a0 = frame index -> its type (enum frame_kind);
			 * rdi = its reference count (needs no ADMIN) */
};
/* Frame types as UT_FRAME reports them. */
enum frame_kind { FRAME_RESERVED = 0, FRAME_UNTYPED, FRAME_USER, FRAME_PGTBL, FRAME_COMP,
		  FRAME_COMP_TAIL, FRAME_THD, FRAME_BOOT };
/* UT_RETYPE object arguments:
 *   CAP_COMP: frames [a0, a0+COMP_FRAMES); a3, a4 = name (16 bytes, NUL padded)
 *   CAP_THD:  a3 = component slot the thread starts in, a4 = ip, a5 = arg
 */
#define COMP_FRAMES 9	/* the component and its capability table (1,021
			 * slots), then its PML4 */

enum comp_op {
	COMP_MAP = 0,	/* a0 = vaddr, a1 = untyped slot, a2 = frame, a3 = MAP_* */
	COMP_ALIAS,	/* a0 = vaddr in this comp, a1 = dest comp slot,
			 * a2 = dest vaddr, a3 = MAP_* (no more than the source) */
	COMP_UNMAP,	/* a0 = vaddr */
	COMP_PGTBL_ADD,	/* a0 = vaddr, a1 = untyped slot (WRITE), a2 = frame:
			 * add the first missing page-table level for vaddr */
	COMP_CAP_COPY,	/* a0 = my slot, a1 = slot in this comp, a2 = rights mask */
	COMP_CAP_DELETE,/* a0 = slot in this comp */
	COMP_SINV_CREATE,/* a0 = entry ip, a1 = token, a2 = result slot, in my
			 * table, or with a3 = a COMP slot of mine (ADMIN) in
			 * that component's table (a3 = 0: mine) */
	COMP_SET_FAULT,	/* a0 = my slot holding a SINV: this comp's fault handler
			 * (another component's: -EPERM on my own) */
	COMP_CAP_TYPE,	/* a0 = slot in this comp -> its type (0 = empty) */
	COMP_MAP_DEVMEM,/* a0 = vaddr, a1 = devmem slot, a2 = page, a3 = MAP_WRITE
			 * or 0: device memory, never executable; write-back
			 * for a prefetchable BAR, uncached otherwise */
	COMP_RETIRE,	/* the component serves no more invocations: a SINV
			 * to it returns INV_GONE (threads inside go on) */
	/* Micro-reboot (docs/reboot.md): */
	COMP_REBOOT,	/* a0 = first slot to revoke (those below stay),
			 * [a1, a2) = range to unmap (frames no one maps
			 * become untyped): its epoch advances, it is down
			 * (a SINV to it returns INV_REBOOTED) until COMP_UP;
			 * -> the new epoch. Never the caller's own. */
	COMP_UP,	/* a component that is down serves again */
	COMP_MAP_RUN,	/* COMP_MAP of a4 pages (1..COMP_MAP_RUN_MAX): frames
			 * a2, a2+1, ... at a0, a0+4096, ... in order, up to
			 * the first that cannot be mapped -> how many were
			 * (its error if none; -ENXIO: add a page table) */
};
#define COMP_MAP_RUN_MAX 64	/* 256 KiB zeroed at most: a short hold of the CPU */
#define MAP_WRITE 0x2
#define MAP_EXEC  0x4

enum thd_op {
	THD_DISPATCH = 0,	/* a0 = token from SELF_EVENT; run this thread; a1 =
				 * what its SELF_YIELD returns if it waits in one
				 * (a scheduler's answer to what it asked) */
	THD_ASND_CREATE,	/* a0 = result slot: send capability to its end-point */
	THD_STATE,		/* -> THD_READY/BLOCKED/DEAD; rdi = its instruction
				 * pointer, rsi = its invocation depth, rdx = 1
				 * if it waits in SELF_YIELD for a dispatch */
	THD_IN_COMP,		/* a0 = COMP slot of mine -> 1 if the thread executes
				 * in that component or has it on its invocation
				 * stack, else 0; rdi = the sequence number of the
				 * outermost call into it (a per-thread count of
				 * invocations; 0: none, its home) */
	THD_UNWIND,		/* a0 = COMP slot (ADMIN) of a component that is
				 * down: if the thread executes in it, -> 1 it
				 * returns INV_REBOOTED to its nearest live caller
				 * (runnable again), 2 it had none and ended
				 * (EV_FAULTED); 0 it is elsewhere */
};
enum thd_state { THD_READY = 1, THD_BLOCKED, THD_DEAD };

enum asnd_op {
	ASND_SEND = 0,		/* a0 = ASND_SWITCH: run the receiver now if it
				 * was blocked and shares my scheduler */
};
#define ASND_SWITCH 1

enum timer_op {
	TIMER_BIND = 0,		/* a0 = thread slot: ticks are sends to it */
	TIMER_SET,		/* a0 = absolute TSC deadline (0 = cancel) */
};

enum machine_op {
	MACHINE_PUTS = 0,	/* a0 = length (<= 40), a1..a5 = bytes */
	MACHINE_HALT,		/* a0 = exit status for the host (QEMU exits) */
	MACHINE_TSC_HZ,		/* -> calibrated TSC frequency in Hz */
	MACHINE_DEVMEM,		/* a0 = my slot, a1 = PCI function (as below),
				 * a2 = BAR 0..5: a DEVMEM capability for that
				 * memory BAR (decoded, page-sized or more, no
				 * RAM); not copyable */
	MACHINE_PCI_READ,	/* a0 = bus << 8 | device << 3 | function,
				 * a1 = register (dword-aligned, < 256) -> value */
	MACHINE_PCI_BAR_SIZE,	/* a0 = as above, a1 = BAR 0..5 -> bytes decoded
				 * by that memory BAR (the BAR is left as it was) */
	MACHINE_PCIDEV,		/* a0 = COMP slot of the holder (0: me), a1 = slot in
				 * the holder's table, a2 = PCI function (as above),
				 * a3 = rights (READ, WRITE, DMA): a PCIDEV capability
				 * for that function (header type 0), not copyable;
				 * -EBUSY while another holds one for it */
};

/* A PCIDEV capability: one function the kernel found and granted. Its
 * I/O BARs' ports (0x1000 and up) are open to the holder's in/out
 * instructions; every other port faults. */
enum pcidev_op {
	PCIDEV_READ = 0,	/* a0 = register (dword-aligned, < 256) -> value (READ) */
	PCIDEV_WRITE,		/* a0 = register, a1 = value (WRITE): -EPERM for a
				 * value that moves a BAR or the expansion ROM, changes
				 * the interrupt line, turns on bus mastering without
				 * DMA, or turns on decoding when a BAR is not where it
				 * was at the grant */
	PCIDEV_BAR,		/* a0 = BAR 0..5 -> bytes it decodes (0: none);
				 * rdi = its address, rsi = PCIDEV_BAR_* flags */
	PCIDEV_IRQ_BIND,	/* a0 = ASND slot: the interrupt line becomes sends
				 * through it, masked from each until PCIDEV_IRQ_ACK
				 * -> the line (GSI), -ENXIO when the function has
				 * none; a0 = 0: unbind -> 0 */
	PCIDEV_IRQ_ACK,		/* the holder serviced the device: unmask the line */
	PCIDEV_DMA_ADDR,	/* a0 = a virtual address of my own (RAM, not device
				 * memory) -> its physical address (DMA) */
};
#define PCIDEV_BAR_IO		0x1	/* ports, open to the holder */
#define PCIDEV_BAR_MEM		0x2
#define PCIDEV_BAR_64		0x4	/* a 64-bit memory BAR: the next BAR is its upper half */
#define PCIDEV_BAR_PREFETCH	0x8
#define MACHINE_PUTS_MAX 40

/* Fault handler invocation (a COMP_SET_FAULT sinv): a0 = fault vector,
 * a1 = fault address (cr2 for page faults), a2 = instruction pointer,
 * a3 = error code. Returning r0 = FAULT_RESUME retries the instruction;
 * anything else unwinds the thread to its caller with INV_FAULTED (or
 * ends it if it has none). */
#define FAULT_RESUME 1

/* rflags a thread has on entering a server or a fault handler, and on
 * coming back from an invocation: IF only (DF, TF, AC, NT, IOPL clear). */
#define RFLAGS_CLEAN 0x202

/*
 * The root component's starting state. The kernel maps a struct bootinfo
 * read-only at BOOTINFO_VADDR and the boot modules after it; the slots
 * below hold what the kernel granted.
 */
#define BOOTINFO_VADDR	0x200000ull
#define BOOT_MODULES_MAX 48	/* every component, the disk images and a composition */
#define BOOT_UNTYPED_MAX 8

enum root_slot {
	ROOT_SLOT_COMP = 1,	/* the root component itself */
	ROOT_SLOT_THD,		/* the root's first thread */
	ROOT_SLOT_TIMER,
	ROOT_SLOT_MACHINE,
	ROOT_SLOT_UNTYPED,	/* first of bootinfo.n_untyped untyped ranges */
	ROOT_SLOT_FREE = ROOT_SLOT_UNTYPED + BOOT_UNTYPED_MAX,
};

struct boot_module {
	word_t vaddr;		/* where the root sees it (read-only) */
	word_t size;
	char name[48];		/* file name from the boot command line */
};

struct bootinfo {
	word_t magic;		/* BOOTINFO_MAGIC */
	word_t tsc_hz;
	word_t mem_total;	/* bytes of usable RAM the boot map reported */
	word_t n_untyped;
	word_t untyped_frames[BOOT_UNTYPED_MAX];
	word_t n_modules;
	struct boot_module modules[BOOT_MODULES_MAX];
	word_t captbl_slots;	/* capacity of every capability table */
	word_t heap_vaddr;	/* first free virtual address after the image */
	char cmdline[128];	/* the kernel command line */
	word_t wall_seconds;	/* the battery clock at boot, seconds since 1970 (0: none) */
	word_t wall_tsc;	/* ... read at this TSC value */
};
#define BOOTINFO_MAGIC 0x72326362746f6f62ull /* "bootcb2r" */
_Static_assert(sizeof(struct bootinfo) <= 4096, "struct bootinfo is one page (kernel/main.c)");

#endif /* __ASSEMBLER__ */
#endif
