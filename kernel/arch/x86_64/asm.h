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
#define VEC_SPURIOUS	63
#define NVEC		64

/* struct cpu (per-CPU, reached through %gs) */
#define CPU_KSTACK_TOP	8
#define CPU_FRAME_TOP	16
#define CPU_SCRATCH	24

/* struct regs */
#define REGS_VEC	120
#define REGS_RIP	136

#endif
