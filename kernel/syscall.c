/*
 * The kernel's entries from C: the system call ("invoke slot c with
 * operation op"; the two hot cases, return and invoke, are tested first),
 * user traps (a #GP may be an in/out of a component's own ports, see
 * ioport.c), and interrupts that arrive while the CPU idles.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

struct regs *syscall_handler(struct regs *r)
{
	struct thread *t = cpu0.current, *next = t;
	word_t slot = (uint32_t)r->rax, op = r->rax >> 32;
	long err;

	if (slot == CAP_SELF) {
		next = op == SELF_RETURN ? inv_return(t, r) : self_op(t, op, r);
		return cpu_resume(next);
	}
	struct cap *c = cap_lookup(t->comp, slot, CAP_NONE, 0, &err);
	if (unlikely(!c)) {
		r->rax = err;
		return cpu_resume(t);
	}
	if (likely(c->type == CAP_SINV))
		return cpu_resume(inv_call(t, c, r));
	switch (c->type) {
	case CAP_UNTYPED:
		r->rax = untyped_op(t, c, op, r);
		break;
	case CAP_COMP:
		r->rax = comp_op(t, c, op, r);
		break;
	case CAP_THD:
		next = thread_op(t, c, op, r);
		break;
	case CAP_ASND:
		next = asnd_op(t, c, op, r);
		break;
	case CAP_TIMER:
		r->rax = timer_op(t, c, op, r);
		break;
	case CAP_MACHINE:
		r->rax = machine_op(t, c, op, r);
		break;
	case CAP_PCIDEV:
		r->rax = pcidev_op(t, c, op, r);
		break;
	default:
		r->rax = -EBADF;
	}
	return cpu_resume(next);
}

extern char syscall_entry[];

/* Seen under some nested virtualization: SYSCALL jumps to the entry point
 * but leaves the CPU in ring 3. Nothing can work then; say so plainly
 * (tools/qemu-run falls back to TCG on this status). */
static _Noreturn void syscall_broken(struct regs *r)
{
	printk("kernel: SYSCALL did not enter ring 0 (cs 0x%lx at the entry point): this virtual CPU "
	       "is broken, use another accelerator (ACCEL=tcg)\n", r->cs);
	machine_halt(STATUS_SYSCALL_BROKEN);
}

struct regs *trap_handler(struct regs *r)
{
	struct thread *t = cpu0.current, *next = t;
	if (r->vec == VEC_TIMER)
		next = timer_fire(t);
	else if (r->vec >= VEC_IRQ0 && r->vec < VEC_IRQ0 + IRQ_LINES)
		next = irq_fire(t, (int)(r->vec - VEC_IRQ0));
	else if (r->vec == 13 && io_claim(t->comp))
		;		/* an in/out of its own ports: retried with the bitmap its */
	else if (unlikely(r->rip == (word_t)syscall_entry))
		syscall_broken(r);
	else if (r->vec == 2 || r->vec == 18)
		panic("%s while in user mode at ip 0x%lx", r->vec == 2 ? "NMI" : "machine check", r->rip);
	else if (r->vec < 32)
		next = fault_raise(t, r, r->vec == 14 ? read_cr2() : 0);
	else if (r->vec != VEC_SPURIOUS)
		lapic_eoi();
	return cpu_resume(next);
}

void kernel_trap_handler(struct regs *r)
{
	if (r->vec == VEC_TIMER && cpu0.idle) {
		timer_fire(NULL);
		return;
	}
	if (r->vec >= VEC_IRQ0 && r->vec < VEC_IRQ0 + IRQ_LINES && cpu0.idle) {
		irq_fire(NULL, (int)(r->vec - VEC_IRQ0));
		return;
	}
	if (r->vec >= 32) {
		if (r->vec != VEC_SPURIOUS)
			lapic_eoi();
		return;
	}
	panic("exception %lu in the kernel: ip 0x%lx, address 0x%lx, error 0x%lx, rsp 0x%lx",
	      r->vec, r->rip, r->vec == 14 ? read_cr2() : 0, r->err, r->rsp);
}
