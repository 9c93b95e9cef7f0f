/*
 * I/O ports for user level: the ports of a granted I/O BAR (pcidev.c)
 * are open to the in/out instructions of the component holding it,
 * through the TSS's I/O permission bitmap; any other port faults (#GP)
 * and the fault is reported with the port. The bitmap holds one
 * component's ports at a time, its owner's. Whenever a component runs
 * (cpu_resume, and the invocation fast path in entry.S) the TSS's map
 * base becomes its `iomap`: the bitmap for the owner, past the TSS's end
 * (no port at all) for everyone else. Another component with ports takes
 * the bitmap over at its first in/out: a #GP that the kernel retries. So
 * while one component holds ports, as is usual, switching costs a 16-bit
 * store.
 */
#include "cpu.h"

#define GRANTS_MAX 32

static struct grant { struct comp *c; uint16_t base, len; } grants[GRANTS_MAX];
static struct comp *owner;	/* whose ports the bitmap opens */

static void set_ports(const struct grant *g, bool open)
{
	uint8_t *map = cpu_io_bitmap();
	for (unsigned p = g->base; p < (unsigned)g->base + g->len; p++)
		map[p / 8] = (uint8_t)(open ? map[p / 8] & ~(1u << p % 8) : map[p / 8] | 1u << p % 8);
}

/* Open or close every port of c's in the bitmap. */
static bool set_all(struct comp *c, bool open)
{
	bool any = false;
	for (int i = 0; i < GRANTS_MAX; i++)
		if (grants[i].c == c) {
			set_ports(&grants[i], open);
			any = true;
		}
	return any;
}

long io_open(struct comp *c, uint16_t base, uint16_t len)
{
	for (int i = 0; i < GRANTS_MAX; i++)
		if (!grants[i].c) {
			grants[i] = (struct grant){ c, base, len };
			if (owner == c)
				set_ports(&grants[i], true);
			return 0;
		}
	return -ENOSPC;
}

void io_close(struct comp *c, uint16_t base, uint16_t len)
{
	for (int i = 0; i < GRANTS_MAX; i++)
		if (grants[i].c == c && grants[i].base == base && grants[i].len == len) {
			if (owner == c)
				set_ports(&grants[i], false);
			grants[i].c = NULL;
			break;
		}
	if (owner == c && !set_all(c, true)) {	/* what it still holds stays open */
		c->iomap = IOMAP_CLOSED;
		owner = NULL;
	}
}

/* A #GP in c: if c holds ports but the bitmap is another's, it becomes
 * c's, and the instruction is retried. */
bool io_claim(struct comp *c)
{
	if (owner == c)
		return false;
	for (int i = 0; i < GRANTS_MAX; i++)
		if (grants[i].c == c) {
			if (owner) {
				set_all(owner, false);
				owner->iomap = IOMAP_CLOSED;
			}
			set_all(c, true);
			c->iomap = IOMAP_OPEN;
			owner = c;
			return true;
		}
	return false;
}

/* The port a faulting in/out (or ins/outs) at r->rip of c names, or -1. */
int io_fault_port(struct comp *c, const struct regs *r)
{
	const uint8_t *ip = pgtbl_user_ptr(c, r->rip, false);
	word_t room = PAGE_SIZE - (r->rip & (PAGE_SIZE - 1)), i = 0;
	if (!ip || r->vec != 13)
		return -1;
	while (i < room && i < 4 && (ip[i] == 0x66 || ip[i] == 0xF2 || ip[i] == 0xF3 || (ip[i] & 0xF0) == 0x40))
		i++;		/* prefixes: operand size, rep, REX */
	if (i >= room)
		return -1;
	if (ip[i] >= 0xE4 && ip[i] <= 0xE7)
		return i + 1 < room ? ip[i + 1] : -1;
	if ((ip[i] >= 0xEC && ip[i] <= 0xEF) || (ip[i] >= 0x6C && ip[i] <= 0x6F))
		return (uint16_t)r->rdx;
	return -1;
}
