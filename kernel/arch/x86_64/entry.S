/*
 * Every way into and out of the kernel. There is one kernel stack per CPU
 * and no per-thread kernel stack: entry saves the user registers straight
 * into the current thread's struct regs (the syscall path by hand, traps
 * through TSS.rsp0 pointing at its end), the C handler returns the struct
 * regs of the thread to resume, and resume_user restores it, by sysret
 * when the frame came from a syscall, by iret otherwise.
 */
#include "asm.h"

.macro PUSH_GPRS
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rax
	push %r8
	push %r9
	push %r10
	push %r11
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_GPRS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rax
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
.endm

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_SCRATCH
	mov %gs:CPU_FRAME_TOP, %rsp
	pushq $USER_DS
	pushq %gs:CPU_SCRATCH
	pushq %r11
	pushq $USER_CS
	pushq %rcx
	pushq $0
	pushq $VEC_SYSCALL
	PUSH_GPRS
	mov %rsp, %rdi
	mov %gs:CPU_KSTACK_TOP, %rsp
	call syscall_handler
	/* fall through */

	.globl resume_user
resume_user:			/* rax = struct regs * of the thread to run */
	mov %rax, %rsp
	cmpq $VEC_SYSCALL, REGS_VEC(%rsp)
	jne 1f
	mov REGS_RIP(%rsp), %rcx
	shr $47, %rcx		/* sysret with a non-canonical rip faults in ring 0 */
	jnz 1f
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	add $8, %rsp		/* r11: gets rflags */
	pop %r10
	pop %r9
	pop %r8
	pop %rax
	add $8, %rsp		/* rcx: gets rip */
	pop %rdx
	pop %rsi
	pop %rdi
	mov 16(%rsp), %rcx	/* rip */
	mov 32(%rsp), %r11	/* rflags */
	or $0x200, %r11
	mov 40(%rsp), %rsp	/* user rsp */
	swapgs
	sysretq
1:	POP_GPRS
	add $16, %rsp		/* vec, err */
	swapgs
	iretq

/* Exceptions and interrupts. */
.macro ISR vec, has_err
	.align 16
isr_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

trap_common:
	testb $3, 24(%rsp)	/* cs of the interrupted context */
	jz kernel_trap
	swapgs
	PUSH_GPRS
	mov %rsp, %rdi
	mov %gs:CPU_KSTACK_TOP, %rsp
	call trap_handler
	jmp resume_user

kernel_trap:			/* interrupted the kernel: idle loop or a bug */
	PUSH_GPRS
	mov %rsp, %rdi
	call kernel_trap_handler
	POP_GPRS
	add $16, %rsp
	iretq

ISR 0,0
ISR 1,0
ISR 2,0
ISR 3,0
ISR 4,0
ISR 5,0
ISR 6,0
ISR 7,0
ISR 8,1
ISR 9,0
ISR 10,1
ISR 11,1
ISR 12,1
ISR 13,1
ISR 14,1
ISR 15,0
ISR 16,0
ISR 17,1
ISR 18,0
ISR 19,0
ISR 20,0
ISR 21,1
ISR 22,0
ISR 23,0
ISR 24,0
ISR 25,0
ISR 26,0
ISR 27,0
ISR 28,0
ISR 29,1
ISR 30,1
ISR 31,0
.altmacro
.set i, 32
.rept NVEC - 32
	ISR %i,0
	.set i, i + 1
.endr

	.section .rodata
	.align 8
	.globl isr_table
isr_table:
.macro ISR_ADDR n
	.quad isr_\n
.endm
.set i, 0
.rept NVEC
	ISR_ADDR %i
	.set i, i + 1
.endr

	.section .note.GNU-stack, "", @progbits
