/*
 * Every way into and out of the kernel. There is one kernel stack per CPU
 * and no per-thread kernel stack: entry saves the user registers straight
 * into the current thread's struct regs (the syscall path by hand, traps
 * through TSS.rsp0 pointing at its end), the C handler returns the struct
 * regs of the thread to resume, and resume_user restores it, by sysret
 * when the frame came from a syscall, by iret otherwise.
 */
#include "asm.h"
#include "r2c/abi.h"

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

/* The user's registers into current->regs, as a trap frame from syscall
 * would hold them (rsp: CPU_SCRATCH); rsp ends at current->regs. */
.macro SAVE_FRAME
	mov %gs:CPU_FRAME_TOP, %rsp
	pushq $USER_DS
	pushq %gs:CPU_SCRATCH
	pushq %r11
	pushq $USER_CS
	pushq %rcx
	pushq $0
	pushq $VEC_SYSCALL
	PUSH_GPRS
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

/*
 * The invocation fast path. Invocation (a SINV slot) and return (rax = 0:
 * slot 0, SELF_RETURN) are what components do most, and the general path
 * (save all 22 words of struct regs, C, restore them) was most of their
 * cost. Here they are done before any frame is built: the thread stays
 * the same, so its struct regs need not be written (whatever next enters
 * the kernel for it saves a full frame again). Each path checks all it
 * depends on first and touches only registers it can give back (r11
 * through CPU_SCRATCH2, then the callee-saved registers it has just
 * stored in the would-be invocation frame, which rsp reaches; a return
 * pops the frame first and pushes it back), so anything unusual jumps
 * to syscall_slow with the user's registers and rsp (CPU_SCRATCH) as
 * they came; syscall_handler then does what inv_call / inv_return do.
 * Past the checks nothing can fail. The rules of docs/kernel.md "What
 * crosses an invocation" are kept exactly as inv.c keeps them: rflags
 * RFLAGS_CLEAN, a clean FPU image loaded, FS base 0 (server) or the
 * client's, every register not an argument or result zero or the
 * client's own; the server's refs counted; the TSS's I/O map base that
 * of the component entered (as cpu_resume sets it); COMP_RETIRE, depth,
 * slot range and type, fault-handler frames and page tables that need a
 * flush left to the slow path. Micro-reboot (reboot.c): a call records
 * the caller's epoch in the frame (one store with is_fault = 0); a
 * return compares that word with the client's epoch and the four bytes
 * after it (struct comp: zero, needs_flush, retired, pad2), so a rebooted
 * client, a fault-handler frame (is_fault over `zero`), a client whose
 * page table needs a flush or that is retired go to the slow path; a
 * call tests the server's four bytes (needs_flush; retired: down or
 * gone) as one word.
 */

/* Load component \c's page table if another is loaded. comp->cr3 is
 * comp_cr3's value for a component without needs_flush (PCID > 0 keeps
 * its TLB entries: bit 63), and cpu0.cr3 always holds a comp->cr3 (or the
 * boot table's), so one compare tells whether it is loaded. \t: scratch. */
.macro LOAD_CR3 c, t
	mov C_CR3(\c), \t
	cmp %gs:CPU_CR3, \t
	je 1f
	mov \t, %cr3
	mov \t, %gs:CPU_CR3
1:
.endm

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_SCRATCH
	mov %gs:CPU_CURRENT, %rsp	/* t */
	test %rax, %rax
	jz .Lreturn
	test %eax, %eax
	jz .Lself			/* the other slot-0 operations */

	/* Invocation? rax = slot | op << 32 (op is ignored, as inv_call does).
	 * The type is checked first, with r11 and rsp only, so that other
	 * capabilities lose little on their way to the slow path. r11 holds
	 * the caller's rflags, which an invocation does not keep: only the
	 * slow path needs them back (CPU_SCRATCH2). */
	mov %r11, %gs:CPU_SCRATCH2
	mov T_COMP(%rsp), %rsp		/* t->comp */
	cmp C_NSLOTS(%rsp), %eax
	jae .Lcall_r11			/* -ERANGE */
	imul $1 << CAP_SHIFT, %eax, %r11d	/* eax < nslots: no overflow */
	lea C_SLOTS(%rsp,%r11), %r11	/* the capability */
	mov %gs:CPU_CURRENT, %rsp	/* t again */
	cmpb $CAP_SINV_ASM, CAP_TYPE(%r11)
	jne .Lnot_sinv			/* empty, or another operation */
	cmpl $INV_DEPTH_MAX, T_DEPTH(%rsp)
	jae .Lcall_r11			/* INV_TOO_DEEP */
	/* rsp = t + t->depth * F_SIZE, so that the frame, T_INV(%rsp), is
	 * reached without a register: the callee-saved ones go there first,
	 * and then are the free registers (t again in rbx). */
	imul $F_SIZE, T_DEPTH(%rsp), %esp
	add %gs:CPU_CURRENT, %rsp
	mov %rbx, T_INV+F_RBX(%rsp)
	mov %rbp, T_INV+F_RBP(%rsp)
	mov %r12, T_INV+F_R12(%rsp)
	mov %r13, T_INV+F_R13(%rsp)
	mov %r14, T_INV+F_R14(%rsp)
	mov %r15, T_INV+F_R15(%rsp)
	/* r11 = the capability; rbx, rbp, r12, r14, r15 are free now, r13
	 * once .Lcall_undo has put it back */
	mov CAP_OBJ(%r11), %r13		/* s: the server */
	cmpl $0, C_ZERO(%r13)		/* needs_flush and retired (INV_GONE) */
	jne .Lcall_undo

	/* Committed: the frame, the depth, the server's reference. */
	mov %gs:CPU_CURRENT, %rbx	/* t */
	mov T_COMP(%rbx), %r12
	mov %r12, T_INV+F_COMP(%rsp)
	mov %rcx, T_INV+F_IP(%rsp)
	mov %gs:CPU_SCRATCH, %rcx
	mov %rcx, T_INV+F_SP(%rsp)
	mov T_FSBASE(%rbx), %rcx
	mov %rcx, T_INV+F_FSBASE(%rsp)
	mov C_EPOCH(%r12), %r15d	/* micro-reboot: the caller's epoch, */
	mov %r15, T_INV+F_EPOCH(%rsp)	/* and is_fault = 0 in the same word */
	incl T_CALLS(%rbx)		/* the watchdog's sequence number */
	mov T_CALLS(%rbx), %r15d
	mov %r15d, T_INV+F_SEQ(%rsp)
	incl T_DEPTH(%rbx)
	mov %r13, T_COMP(%rbx)
	mov C_FRAME(%r13), %r12
	incl FRAME_REFS(%r12)
	test %rcx, %rcx
	jnz .Lcall_fs			/* the server starts with FS base 0 */
.Lcall_fs_done:
	fxrstor64 fpu_clean(%rip)
	LOAD_CR3 %r13, %r12
	/* I/O ports: the server's map base in the TSS (ioport.c) */
	movzwl C_IOMAP(%r13), %r12d
	mov %r12w, cpu_tss+TSS_IOMAP(%rip)
	mov CAP_D1(%r11), %r8		/* token */
	mov T_TID(%rbx), %r9d
	mov CAP_D0(%r11), %rcx		/* its entry point: below USER_TOP (sinv_create),
					 * so canonical, as sysret needs in ring 0;
					 * rdi, rsi, rdx, r10: the arguments */
	mov $RFLAGS_CLEAN_ASM, %r11d
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	xor %esp, %esp			/* it was t + depth * F_SIZE */
	swapgs
	sysretq

.Lcall_fs:
	movq $0, T_FSBASE(%rbx)
	cmpq $0, %gs:CPU_FSBASE
	je .Lcall_fs_done
	movq $0, %gs:CPU_FSBASE
	mov %rdx, %r15
	xor %eax, %eax
	xor %edx, %edx
	mov $MSR_FS_BASE_ASM, %ecx
	wrmsr
	mov %r15, %rdx
	jmp .Lcall_fs_done

.Lcall_undo:			/* only r13 was used */
	mov T_INV+F_R13(%rsp), %r13
.Lcall_r11:
	mov %gs:CPU_SCRATCH2, %r11
	jmp syscall_slow		/* (it sets rsp itself) */

	/* Return: rax = 0, rsp = t. rax stays 0 (INV_DONE, and SELF_RETURN
	 * for the slow path). */
.Lreturn:
	subl $1, T_DEPTH(%rsp)		/* the pop first (undone on the way to the slow path): */
	jb .Lreturn_slow		/* it was 0, no invocation: -EINVAL */
	/* From here on the slow path (inv_pop) replaces rcx, r8-r11, rbx,
	 * rbp and r12-r15 whatever they hold, so they are scratch; only
	 * rax (0) and the results rdi, rsi, rdx must reach it unchanged. */
	imul $F_SIZE, T_DEPTH(%rsp), %r11d
	lea T_INV(%rsp,%r11), %r11	/* f = &t->inv[t->depth] */
	mov F_COMP(%r11), %r9		/* the client */
	mov C_EPOCH(%r9), %r8		/* micro-reboot: the frame's word holds the client's */
	cmp F_EPOCH(%r11), %r8		/* epoch and is_fault = 0; the client's, epoch and */
	jne .Lreturn_slow		/* needs_flush, retired (comp.zero, pad2: 0); else
					 * rebooted (inv_unwind), a fault handler (fault_return),
					 * a page table to flush or a retired client */
	mov T_COMP(%rsp), %r10
	mov C_FRAME(%r10), %r10
	subl $1, FRAME_REFS(%r10)	/* obj_put(the server), the last check: */
	jb .Lreturn_refs		/* it was 0 (put back), inv_pop's BUG_ON says it */

	/* Committed. */
	mov %r9, T_COMP(%rsp)
	mov %gs:CPU_FSBASE, %r10	/* the client's base, or the server's, not 0: */
	or F_FSBASE(%r11), %r10		/* written (cpu.h fsbase_set: why) */
	jnz .Lreturn_fs
.Lreturn_fs_done:
	fxrstor64 fpu_clean(%rip)
	LOAD_CR3 %r9, %r10
	/* I/O ports: the client's map base in the TSS (ioport.c) */
	movzwl C_IOMAP(%r9), %r10d
	mov %r10w, cpu_tss+TSS_IOMAP(%rip)
	mov F_IP(%r11), %rcx		/* a syscall's return address, at most USER_TOP
					 * (user code lies below): canonical */
	mov F_RBX(%r11), %rbx
	mov F_RBP(%r11), %rbp
	mov F_R12(%r11), %r12
	mov F_R13(%r11), %r13
	mov F_R14(%r11), %r14
	mov F_R15(%r11), %r15
	mov F_SP(%r11), %rsp
	mov $RFLAGS_CLEAN_ASM, %r11d	/* rax = 0: INV_DONE; rdi, rsi, rdx: the results */
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	swapgs
	sysretq

.Lreturn_fs:
	mov F_FSBASE(%r11), %r8
	mov %r8, T_FSBASE(%rsp)
	mov %r8, %gs:CPU_FSBASE
	mov %rdx, %rbp			/* a result; rbp is reloaded from f after */
	mov %r8d, %eax
	shr $32, %r8
	mov %r8, %rdx
	mov $MSR_FS_BASE_ASM, %ecx
	wrmsr
	mov %rbp, %rdx
	xor %eax, %eax
	jmp .Lreturn_fs_done

/*
 * The switch fast path: THD_DISPATCH, SELF_YIELD and ASND_SEND with
 * ASND_SWITCH to a blocked receiver, the thread switches a user-level
 * scheduler and its threads make most. Unlike an invocation these leave
 * the thread, so its frame is saved whole first, exactly as syscall_slow
 * saves it (the C path then finds what it expects if a check fails, and
 * the thread is resumed later by resume_user like any other); the checks
 * and the bookkeeping of thread.c (thread_op, self_op, asnd_deliver,
 * activate, ev_push, preempt_check) are then done here in registers, and
 * the switch as cpu_resume does it: FPU state saved and the next one's
 * loaded, FS base, current, rsp0, the I/O map base, cr3. Whatever is
 * unusual goes to C untouched (.Lslow_c), before anything is written:
 * a right or a token missing, a thread not ready (or not blocked), a
 * scheduler blocked or missing, its event ring full, a page table that
 * needs a flush, any other operation. The thread resumed gets its own
 * registers, flags, FPU state and FS base back, and nothing of the other.
 */
.Lself:				/* slot 0, op != 0 */
	SAVE_FRAME
	shr $32, %rax
	cmp $SELF_YIELD_ASM, %rax
	jne .Lslow_c
	mov T_SCHED(%rsp), %r9		/* s: the scheduler, to get EV_YIELDED */
	test %r9, %r9
	jz .Lslow_c
	cmpb $THD_READY_ASM, T_STATE(%r9)
	jne .Lslow_c			/* activate() would wake it: C */
	mov T_EV_COUNT(%r9), %edx
	cmp $EV_RING_ASM, %edx
	jae .Lslow_c			/* ring full: EV_LOST, C */
	/* preempt_check(t) once s is activated: the outermost activated,
	 * ready scheduler above s, else s itself. */
	mov %r9, %r8
	mov T_SCHED(%r9), %rax
	jmp 2f
1:	cmpb $0, T_ACTIVATED(%rax)
	je 3f
	cmpb $THD_READY_ASM, T_STATE(%rax)
	jne 3f
	mov %rax, %r8
3:	mov T_SCHED(%rax), %rax
2:	test %rax, %rax
	jnz 1b
	mov T_COMP(%r8), %r10
	cmpb $0, C_NEEDS_FLUSH(%r10)
	jne .Lslow_c
	/* Committed. */
	movb $1, T_YIELDING(%rsp)	/* only a dispatch resumes it now */
	mov T_TID(%rsp), %r11d
	mov $EV_YIELDED_ASM, %ecx
	jmp .Lev_push

.Lnot_sinv:			/* r11 = a capability in range, rsp = t */
	mov %r11, %gs:CPU_SCRATCH3
	mov %gs:CPU_SCRATCH2, %r11
	SAVE_FRAME
	mov %gs:CPU_SCRATCH3, %rbx	/* the capability */
	mov CAP_OBJ(%rbx), %r8		/* x: the thread it names */
	shr $32, %rax			/* op */
	movzbl CAP_TYPE(%rbx), %ecx
	cmp $CAP_THD_ASM, %ecx
	je .Ldispatch
	cmp $CAP_ASND_ASM, %ecx
	jne .Lslow_c
	/* asnd_op, asnd_deliver(direct): only a blocked receiver of the
	 * same scheduler, which is ready and has room for EV_WOKEN. */
	cmp $ASND_SEND_ASM, %rax
	jne .Lslow_c
	cmp $ASND_SWITCH_ASM, %rdi
	jne .Lslow_c			/* without ASND_SWITCH, or bad flags */
	cmpb $THD_BLOCKED_ASM, T_STATE(%r8)
	jne .Lslow_c			/* ready (no switch), or dead (-ESRCH) */
	mov T_SCHED(%r8), %r9		/* s */
	test %r9, %r9
	jz .Lslow_c
	cmp T_SCHED(%rsp), %r9
	jne .Lslow_c
	cmpb $THD_READY_ASM, T_STATE(%r9)
	jne .Lslow_c
	mov T_EV_COUNT(%r9), %edx
	cmp $EV_RING_ASM, %edx
	jae .Lslow_c
	mov T_COMP(%r8), %r10
	cmpb $0, C_NEEDS_FLUSH(%r10)
	jne .Lslow_c
	/* Committed: the send received at once (activate(x): its SELF_RCV
	 * returns the sends so far; activated is cleared by the switch). */
	mov T_PENDING(%r8), %eax
	inc %eax
	mov %rax, REGS_RAX(%r8)
	movl $0, T_PENDING(%r8)
	incq T_EV_SEQ(%r8)
	movb $THD_READY_ASM, T_STATE(%r8)
	mov T_TID(%r8), %r11d
	mov $EV_WOKEN_ASM, %ecx
	/* fall through */

	/* ev_push(s = r9, tid r11d, type ecx) with edx = s->ev_count < EV_RING,
	 * then activate(s) (ready: nothing more); t's status 0; run r8. */
.Lev_push:
	mov T_EV_HEAD(%r9), %eax
	add %edx, %eax
	and $EV_RING_ASM - 1, %eax
	mov %r11d, T_EV(%r9,%rax,8)
	mov %ecx, T_EV+4(%r9,%rax,8)
	inc %edx
	mov %edx, T_EV_COUNT(%r9)
	incq T_EV_SEQ(%r9)
	movb $1, T_ACTIVATED(%r9)
	movq $0, REGS_RAX(%rsp)
	jmp .Lswitch

.Ldispatch:			/* thread_op(THD_DISPATCH); r8 = x */
	cmp $THD_DISPATCH_ASM, %rax
	jne .Lslow_c
	testb $RIGHT_ADMIN_ASM, CAP_RIGHTS(%rbx)
	jz .Lslow_c			/* -EPERM */
	cmp %rsp, T_SCHED(%r8)
	jne .Lslow_c			/* not its scheduler: -EPERM */
	cmpb $THD_READY_ASM, T_STATE(%r8)
	jne .Lslow_c			/* -ESRCH, -EBUSY */
	cmp T_EV_SEQ(%rsp), %rdi
	jne .Lslow_c			/* a stale token: -EAGAIN */
	mov T_COMP(%r8), %r10
	cmpb $0, C_NEEDS_FLUSH(%r10)
	jne .Lslow_c
	/* Committed. */
	movq $0, REGS_RAX(%rsp)
	cmpb $0, T_YIELDING(%r8)
	je .Lswitch
	mov %rsi, REGS_RAX(%r8)		/* the scheduler's answer to its yield */
	/* fall through */

	/* cpu_resume(r8) from t (rsp, its frame saved); r10 = r8->comp */
.Lswitch:
	fxsave64 T_FPU(%rsp)
	fxrstor64 T_FPU(%r8)
	mov T_FSBASE(%r8), %rax
	mov %gs:CPU_FSBASE, %rdx	/* either not 0: written (cpu.h fsbase_set: why) */
	or %rax, %rdx
	jnz .Lswitch_fs
.Lswitch_fs_done:
	movw $0, T_ACTIVATED(%r8)	/* activated and yielding */
	mov %r8, %gs:CPU_CURRENT
	lea REGS_SIZE(%r8), %rax
	mov %rax, %gs:CPU_FRAME_TOP
	mov %rax, cpu_tss+TSS_RSP0(%rip)
	movzwl C_IOMAP(%r10), %eax
	mov %ax, cpu_tss+TSS_IOMAP(%rip)
	LOAD_CR3 %r10, %rax
	mov %r8, %rax			/* its struct regs (first in struct thread) */
	jmp resume_user

.Lswitch_fs:
	mov %rax, %gs:CPU_FSBASE
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_FS_BASE_ASM, %ecx
	wrmsr
	jmp .Lswitch_fs_done

.Lreturn_refs:
	movl $0, FRAME_REFS(%r10)
.Lreturn_slow:			/* rax = 0 still */
	incl T_DEPTH(%rsp)		/* the pop undone */
	/* fall through */

syscall_slow:
	SAVE_FRAME
.Lslow_c:			/* rsp = current->regs, the user's frame */
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
