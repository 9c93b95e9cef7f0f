/*
 * The timer and machine capabilities. The timer is one one-shot deadline
 * in TSC cycles; when it passes, the bound thread receives a send (and so
 * preempts the threads it schedules). The machine capability prints on
 * the console and halts.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

static struct thread *timer_thd;
static uint64_t deadline;
static bool armed;

bool timer_armed(void) { return armed; }

long timer_op(struct thread *t, struct cap *c, word_t op, struct regs *r)
{
	long err;
	if (!(c->rights & RIGHT_ADMIN))
		return -EPERM;
	switch (op) {
	case TIMER_BIND: {
		struct cap *tc = cap_lookup(t->comp, r->rdi, CAP_THD, RIGHT_ADMIN, &err);
		if (!tc)
			return err;
		obj_get(tc->obj);
		if (timer_thd)
			obj_put(timer_thd);
		timer_thd = tc->obj;
		return 0;
	}
	case TIMER_SET:
		deadline = r->rdi;
		armed = deadline != 0;
		if (!armed) {
			lapic_timer_stop();
			return 0;
		}
		uint64_t now = rdtsc();
		lapic_timer_oneshot(deadline > now ? deadline - now : 1);
		return 0;
	}
	return -EINVAL;
}

/* Timer interrupt; cur is NULL when the CPU was idle. */
struct thread *timer_fire(struct thread *cur)
{
	lapic_eoi();
	if (!armed)
		return cur;
	uint64_t now = rdtsc();
	if (now < deadline) {		/* the APIC count was clamped: not yet */
		lapic_timer_oneshot(deadline - now);
		return cur;
	}
	armed = false;
	if (!timer_thd || timer_thd->state == THD_DEAD)
		return cur;
	return asnd_deliver(cur, timer_thd, false);
}

long machine_op(struct thread *t, struct cap *c, word_t op, struct regs *r)
{
	switch (op) {
	case MACHINE_PUTS: {
		if (r->rdi > MACHINE_PUTS_MAX)
			return -EINVAL;
		word_t w[5] = { r->rsi, r->rdx, r->r10, r->r8, r->r9 };
		const char *s = (const char *)w;
		for (word_t i = 0; i < r->rdi; i++)
			serial_putc(s[i]);
		return (long)r->rdi;
	}
	case MACHINE_HALT:
		if (!(c->rights & RIGHT_HALT))
			return -EPERM;
		printk("kernel: halted by user level, status %lu\n", r->rdi & 0xff);
		machine_halt((int)(r->rdi & 0xff));
	case MACHINE_TSC_HZ:
		return (long)tsc_hz;
	case MACHINE_DEVMEM:
	case MACHINE_PCI_READ:
	case MACHINE_PCI_BAR_SIZE:
	case MACHINE_PCIDEV:
		if (!(c->rights & RIGHT_ADMIN))
			return -EPERM;
		if (op == MACHINE_DEVMEM)
			return devmem_create(t->comp, r);
		if (op == MACHINE_PCIDEV)
			return pcidev_grant(t->comp, r);
		return op == MACHINE_PCI_READ ? pci_config_read(r) : pci_bar_size(r);
	}
	return -EINVAL;
}
