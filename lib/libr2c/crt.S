/*
 * Ways into a component. The kernel starts a thread, or brings an
 * invoking thread in, with rsp = 0: each stub first takes a stack from
 * the component's pool (a bitmap claimed with lock bts, so preemption
 * anywhere is safe), calls C, gives the stack back and leaves through a
 * system call.
 *   _start            new thread in a loaded component: r2c_component_start(arg)
 *   r2c_thread_entry  thread made by r2c_thread_create: r2c_thread_start(arg)
 *   r2c_inv_dispatch  invocation; R2C_ENTRY stubs put the handler in r9
 */
#define EAGAIN 35

/* rsp = top of a free stack, its index in r11 (saved on it); rax
 * clobbered; jumps to \fail when the pool is empty. */
.macro TAKE_STACK fail
1:	mov r2c_stack_bitmap(%rip), %rax
	not %rax
	bsf %rax, %r11
	jz \fail
	lock bts %r11, r2c_stack_bitmap(%rip)
	jc 1b
	lea 1(%r11), %rax
	imul r2c_stack_size(%rip), %rax
	add r2c_stack_area(%rip), %rax
	mov %rax, %rsp
	push %r11
	sub $24, %rsp		/* keeps the SysV 16-byte alignment; 16 bytes of results */
.endm

.macro GIVE_STACK
	mov 24(%rsp), %r11
	lock btr %r11, r2c_stack_bitmap(%rip)
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
8:	movabs $0x200000000, %rax	/* slot 0, SELF_EXIT */
	syscall
	ud2
9:	movabs $0x200000000, %rax	/* no stack: nothing we can do but end */
	syscall
	ud2

	.globl r2c_inv_dispatch
r2c_inv_dispatch:		/* rdi, rsi, rdx, r10 = a0..a3, r8 = token, r9 = handler */
	TAKE_STACK 7f
	mov %r10, %rcx
	mov %r9, %rax
	mov %rsp, %r9		/* results r1, r2 */
	call *%rax
	mov %rax, %rdi
	mov (%rsp), %rsi
	mov 8(%rsp), %rdx
	GIVE_STACK
	xor %eax, %eax		/* slot 0, SELF_RETURN */
	syscall
	ud2
7:	mov $-EAGAIN, %rdi	/* every stack in use: the caller gets -EAGAIN */
	xor %esi, %esi
	xor %edx, %edx
	xor %eax, %eax
	syscall
	ud2

	.section .note.GNU-stack, "", @progbits
