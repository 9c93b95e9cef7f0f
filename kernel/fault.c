/*
 * A processor exception in a component becomes an invocation of that
 * component's fault handler (a SINV its parent installed), with the
 * vector, address, instruction pointer and error code as arguments. The
 * handler may fix the cause and resume the instruction; otherwise the
 * thread unwinds to whoever invoked the faulting component, which sees
 * INV_FAULTED, or ends if it has no caller. The kernel reports every fault
 * (an in/out of a port the component was not granted: with the port).
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

#define FAULT_REPORTS_MAX 16	/* per component; later ones are counted */

static const char *const exc_name[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check", "machine check",
	"SIMD FP error", "virtualization", "control protection",
};

static void report(struct comp *c, struct thread *t, struct regs *r, word_t addr)
{
	if (c->faults_reported == FAULT_REPORTS_MAX) {
		c->faults_quiet++;
		return;
	}
	c->faults_reported++;
	const char *n = exc_name[r->vec & 31] ? exc_name[r->vec & 31] : "exception";
	bool port = r->vec == 13 && io_fault_port(c, r) >= 0;
	printk("kernel: fault in component %s (thread %u): %s, %s 0x%lx, ip 0x%lx, error 0x%lx%s\n",
	       c->name, t->tid, n, port ? "I/O port" : "address", addr, r->rip, r->err,
	       c->faults_reported == FAULT_REPORTS_MAX ? " (further faults here not reported)" : "");
}

/* The component t executes in cannot go on: return `status` to its
 * caller, skipping fault-handler frames (their faulted component cannot
 * go on either) and callers micro-rebooted since their call (the status
 * becomes INV_REBOOTED, as it does when the faulted component was
 * rebooted while its handler ran); end the thread if no caller is left. */
struct thread *inv_unwind(struct thread *t, struct regs *r, long status)
{
	while (t->depth > 0) {
		struct inv_frame *f = inv_pop(t, r);
		if (f->is_fault)
			t->in_fault = 0;
		if (inv_stale(f))
			status = INV_REBOOTED;
		if (f->is_fault || inv_stale(f))
			continue;
		r->rax = (word_t)status;
		r->rdi = r->rsi = r->rdx = 0;
		return t;
	}
	return thread_stopped(t, EV_FAULTED);
}

struct thread *fault_unwind(struct thread *t, struct regs *r)
{
	return inv_unwind(t, r, INV_FAULTED);
}

struct thread *fault_raise(struct thread *t, struct regs *r, word_t addr)
{
	struct comp *c = t->comp;
	int port = r->vec == 13 ? io_fault_port(c, r) : -1;
	if (port >= 0)
		addr = (word_t)port;	/* an in/out of a port it was not granted */
	report(c, t, r, addr);
	if (c->fault.type != CAP_SINV || t->in_fault || t->depth == INV_DEPTH_MAX ||
	    ((struct comp *)c->fault.obj)->retired)
		return fault_unwind(t, r);
	t->fault_regs = *r;
	fpu_save_to(t->fault_fpu);	/* the handler starts with a clean FPU */
	t->in_fault = 1;
	word_t vec = r->vec, ip = r->rip, err = r->err;
	inv_call(t, &c->fault, r);
	t->inv[t->depth - 1].is_fault = 1;
	r->rdi = vec;
	r->rsi = addr;
	r->rdx = ip;
	r->r10 = err;
	return t;
}

/* The fault handler returned (its frame f is popped). A component
 * micro-rebooted while its handler ran is not resumed. */
struct thread *fault_return(struct thread *t, struct regs *r, const struct inv_frame *f)
{
	t->in_fault = 0;
	if (inv_stale(f))
		return inv_unwind(t, r, INV_REBOOTED);
	if (r->rdi == FAULT_RESUME) {
		*r = t->fault_regs;
		fpu_load_from(t->fault_fpu);
		return t;
	}
	return fault_unwind(t, r);
}
