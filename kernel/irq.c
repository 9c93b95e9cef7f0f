/*
 * Device interrupts as sends: the line of a granted PCI function (INTx
 * through the I/O APIC) bound to an asynchronous end-point
 * (PCIDEV_IRQ_BIND). An interrupt masks its line and sends to every
 * end-point bound on it; the line stays masked until each of them has
 * acked (PCIDEV_IRQ_ACK), so a device that keeps its line up interrupts
 * at most once per ack: a storm costs its holder, not the kernel. A line
 * nobody bound stays masked, and one whose interrupt still comes (a race
 * with an unbind) is masked again and dropped.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"

static struct src {
	int line;
	bool owes;		/* it got an interrupt and has not acked */
	struct thread *rcv;	/* its end-point's thread, or NULL */
} src[PCIDEV_MAX];
static uint32_t routed, unmasked;	/* bits by line */

/* Unmask a line that has end-points bound, none of them owing an ack. */
static void update(int line)
{
	bool bound = false, owed = false;
	for (int i = 0; i < PCIDEV_MAX; i++)
		if (src[i].rcv && src[i].line == line) {
			bound = true;
			owed |= src[i].owes;
		}
	bool on = bound && !owed;
	ioapic_mask(line, !on);
	unmasked = (unmasked & ~(1u << line)) | (uint32_t)on << line;
}

/* At the grant: the function's line, routed (masked) in its trigger mode
 * from now on, so that the line's level is followed even while masked. */
int irq_line(word_t bdf)
{
	uint32_t r = pci_in(bdf, 0x3C);
	if (!(r >> 8 & 0xFF) || (r & 0xFF) == 0xFF)
		return -1;	/* no interrupt pin, or no line assigned */
	int line = ioapic_pci_line(r & 0xFF);
	if (line >= 0 && !(routed & 1u << line)) {
		ioapic_route(line, VEC_IRQ0 + line);
		routed |= 1u << line;
	}
	return line;
}

long irq_bind(int dev, int line, struct thread *rcv)
{
	struct src *s = &src[dev];
	if (line < 0)
		return rcv ? -ENXIO : 0;
	if (rcv)
		obj_get(rcv);
	if (s->rcv)
		obj_put(s->rcv);
	*s = (struct src){ line, false, rcv };
	update(line);
	return rcv ? line : 0;
}

long irq_ack(int dev)
{
	if (!src[dev].rcv)
		return -EINVAL;
	src[dev].owes = false;
	update(src[dev].line);
	return 0;
}

/* Interrupt on `line`; cur is NULL when the CPU was idle. */
struct thread *irq_fire(struct thread *cur, int line)
{
	struct thread *next = cur;
	ioapic_mask(line, true);
	unmasked &= ~(1u << line);
	lapic_eoi();
	for (int i = 0; i < PCIDEV_MAX; i++) {
		struct src *s = &src[i];
		if (!s->rcv || s->line != line || s->rcv->state == THD_DEAD)
			continue;
		s->owes = true;
		next = asnd_deliver(cur, s->rcv, false);
	}
	return next;
}

bool irq_armed(void)
{
	return unmasked != 0;
}
