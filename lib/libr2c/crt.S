/*
 * Ways into a component. The kernel starts a thread, or brings an
 * invoking thread in, with rsp = 0: each stub first takes a stack from
 * the component's pool (a bitmap of free stacks claimed with lock btr,
 * so preemption anywhere is safe), calls C, gives the stack back and
 * leaves through a system call.
 *   _start            new thread in a loaded component: r2c_component_start(arg)
 *   r2c_thread_entry  thread made by r2c_thread_create: r2c_thread_start(arg)
 *   r2c_inv_dispatch  invocation: each R2C_ENTRY stub (r2c.h) does what it
 *                     does inline, calling its handler directly, and comes
 *                     here (handler in rax) only when none of the first 64
 *                     stacks is free; the two must build the same stack
 * System-call numbers come from r2c/abi.h, the struct r2c_inv layout
 * from crt.h (both checked against the C definitions).
 */
#include "r2c/abi.h"
#include "crt.h"
#if R2C_SYS_SELF_RETURN != 0
#error "r2c_inv_dispatch returns with xor %eax, %eax"
#endif

/* Claim a free stack of the pool (a bitmap of as many words as the pool
 * needs, a bit set for each free stack): its index in \i. \t and rsp
 * (not a stack yet) are scratch; jumps to \fail when every stack is
 * taken. The first word is tried alone first: one of the first 64 stacks
 * is almost always free, and every invocation comes through here (its
 * bits past the pool's end are clear, so a small pool needs no bound). */
.macro CLAIM_STACK i, t, fail
	bsf r2c_stack_free(%rip), \i
	jz 4f			/* the first 64 taken: the others */
	lock btr \i, r2c_stack_free(%rip)
	jc 3f
4:	xor %r11d, %r11d	/* the first index of the word looked at */
1:	cmp r2c_stack_count(%rip), %r11
	jae \fail
	lea r2c_stack_free(%rip), %rsp
	mov %r11, \t
	shr $3, \t		/* that word's byte offset */
	bsf (%rsp,\t), \t
	jz 2f			/* all taken: the next word */
	add %r11, \t
	lock btr \t, (%rsp)	/* a bit string: any index */
	jnc 1b
	mov \t, \i
	jmp 3f
2:	add $64, %r11
	jmp 1b
3:
.endm

/* rsp = top of a free stack, its index in r11 (saved on it), the thread
 * id (rsi) recorded for r2c_self(); rax clobbered; jumps to \fail when
 * the pool is empty. */
.macro TAKE_STACK fail
	CLAIM_STACK %r11, %rax, \fail
	lea 1(%r11), %rsp
	imul r2c_stack_size(%rip), %rsp
	add r2c_stack_area(%rip), %rsp
	mov %rsi, r2c_stack_tid(,%r11,8)	/* who runs on it: rsi = thread id (components are linked low) */
	push %r11
	pushq $R2C_STACK_THREAD	/* under the index: what the stack serves */
	sub $16, %rsp		/* keeps the SysV 16-byte alignment */
.endm

.macro GIVE_STACK
	mov 24(%rsp), %r11
	lock bts %r11, r2c_stack_free(%rip)
.endm

	.section .text.start, "ax"
	.globl _start
_start:
	TAKE_STACK 9f
	call r2c_component_start
	GIVE_STACK
	jmp 8f

	.text
	.globl r2c_thread_entry
r2c_thread_entry:
	TAKE_STACK 9f
	call r2c_thread_start
	GIVE_STACK
8:	movabs $R2C_SYS_SELF_EXIT, %rax
	syscall
	ud2
9:	movabs $R2C_SYS_SELF_EXIT, %rax	/* no stack: nothing we can do but end */
	syscall
	ud2

	/* End the calling thread from anywhere: give its stack back first
	 * (nothing touches the stack after that), then SELF_EXIT. */
	.globl r2c_exit
r2c_exit:
	mov %rsp, %rax
	sub r2c_stack_area(%rip), %rax
	mov r2c_stack_shift(%rip), %rcx
	shr %cl, %rax
	lock bts %rax, r2c_stack_free(%rip)
	movabs $R2C_SYS_SELF_EXIT, %rax
	syscall
	ud2

	/* An invocation: rdi, rsi, rdx, r10 = a0..a3, r8 = token, r9 = thread
	 * id, rax = handler (set by the R2C_ENTRY stub); rbx, rbp, r12-r15
	 * and rsp are 0 (the kernel saved the client's). On a stack of the
	 * pool: a struct r2c_inv {token, tid, r1, r2} at rsp, the mark
	 * R2C_STACK_INV and the stack index above it (r2c_inv_self finds it
	 * from the top of the stack); the handler gets it in r8 and a3 in
	 * rcx. The index stays in rbx, which the handler keeps (SysV), for
	 * giving the stack back. */
	.globl r2c_inv_dispatch
r2c_inv_dispatch:
	mov %r10, %rcx
	CLAIM_STACK %rbx, %r10, 7f
	mov r2c_stack_top(,%rbx,8), %rsp	/* (components are linked low) */
	mov %r9, r2c_stack_tid(,%rbx,8)	/* who runs on it: r9 = thread id */
	push %rbx
	pushq $R2C_STACK_INV	/* under the index: what the stack serves */
	pushq $0		/* r2 */
	pushq $0		/* r1 */
	push %r9		/* tid */
	push %r8		/* token */
	mov %rsp, %r8
	call *%rax
	mov %rax, %rdi
	mov R2C_INV_R1(%rsp), %rsi
	mov R2C_INV_R2(%rsp), %rdx
	lock bts %rbx, r2c_stack_free(%rip)
	xor %eax, %eax		/* R2C_SYS_SELF_RETURN */
	syscall
	ud2
7:	movabs $R2C_SYS_SELF_NO_STACK, %rax	/* every stack in use: the caller gets INV_NO_STACK */
	syscall
	ud2

	.section .note.GNU-stack, "", @progbits
