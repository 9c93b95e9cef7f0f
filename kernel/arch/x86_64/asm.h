/* Constants shared by the assembly entry code and C (offsets checked by
 * static asserts in cpu.c). */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER_DS		0x1b
#define USER_CS		0x23
#define TSS_SEL		0x28

#define VEC_SYSCALL	0x100
#define VEC_TIMER	32
#define VEC_IRQ0	33	/* I/O APIC line n: VEC_IRQ0 + n (irq.c) */
#define IRQ_LINES	24
#define VEC_SPURIOUS	63
#define NVEC		64

/* struct cpu (per-CPU, reached through %gs) */
#define CPU_KSTACK_TOP	8
#define CPU_FRAME_TOP	16
#define CPU_SCRATCH	24
#define CPU_CURRENT	32
#define CPU_CR3		48
#define CPU_FSBASE	56
#define CPU_SCRATCH2	72
#define CPU_SCRATCH3	80

/* What the invocation fast path of entry.S reads (all checked in cpu.c). */
#define T_FSBASE	688	/* struct thread */
#define T_COMP		696
#define T_TID		712
#define T_DEPTH		720	/* 32 bits */
#define T_INV		1008
#define T_CALLS		3232
#define F_SIZE		96	/* struct inv_frame */
#define F_COMP		0
#define F_IP		8
#define F_SP		16
#define F_FSBASE	24
#define F_RBX		32
#define F_RBP		40
#define F_R12		48
#define F_R13		56
#define F_R14		64
#define F_R15		72
#define F_EPOCH		80	/* 32 bits; is_fault and 3 more bytes follow */
#define F_IS_FAULT	84
#define F_SEQ		88
#define C_FRAME		16	/* struct comp */
#define C_PML4		24
#define C_PCID		32
#define C_ZERO		52	/* zero, needs_flush, retired, pad2: after epoch */
#define C_NEEDS_FLUSH	53
#define C_RETIRED	54
#define C_NSLOTS	36
#define C_IOMAP		40
#define C_EPOCH		48
#define C_CR3		56
#define C_SLOTS		96
#define CAP_SHIFT	5	/* struct cap: 32 bytes */
#define CAP_TYPE	0
#define CAP_OBJ		8
#define CAP_D0		16
#define CAP_D1		24
#define CAP_SINV_ASM	4	/* CAP_SINV of abi.h's enum */
#define FRAME_REFS	4	/* struct frame */
#define MSR_FS_BASE_ASM	0xC0000100
#define RFLAGS_CLEAN_ASM 0x202	/* RFLAGS_CLEAN of abi.h */

/* The TSS's I/O map base (cpu.c, ioport.c): the bitmap right after the
 * TSS's 104 bytes, or past its limit (no port open). */
#define TSS_IOMAP	102
#define IOMAP_OPEN	104
#define IOMAP_CLOSED	0xFFFF
#define IOMAP_BYTES	8192

/* struct regs */
#define REGS_RAX	80
#define REGS_VEC	120
#define REGS_RIP	136
#define REGS_SIZE	176

/* What the switch fast path of entry.S reads besides (cpu.c checks them). */
#define T_FPU		176	/* struct thread */
#define T_SCHED		704
#define T_STATE		716
#define T_ACTIVATED	718	/* yielding follows */
#define T_YIELDING	719
#define T_PENDING	724
#define T_EV_HEAD	728
#define T_EV_COUNT	732
#define T_EV_SEQ	744
#define T_EV		752	/* struct event: tid, type (32 bits each) */
#define CAP_RIGHTS	1
#define TSS_RSP0	4
#define CAP_THD_ASM	3	/* abi.h's enums, for the assembler */
#define CAP_ASND_ASM	5
#define RIGHT_ADMIN_ASM	0x08
#define THD_DISPATCH_ASM 0
#define SELF_YIELD_ASM	1
#define ASND_SEND_ASM	0
#define ASND_SWITCH_ASM	1
#define THD_READY_ASM	1
#define THD_BLOCKED_ASM	2
#define EV_WOKEN_ASM	2
#define EV_YIELDED_ASM	3
#define EV_RING_ASM	32

#endif
