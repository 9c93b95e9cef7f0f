/*
 * The I/O APIC as the firmware's ACPI tables (the MADT) describe it:
 * where it is, and how the ISA interrupts map onto its lines with which
 * trigger mode and polarity. A PC's PCI interrupt-line register names an
 * ISA interrupt (the chipset routes INTx there); QEMU's tables override
 * its PCI ones (5, 9, 10, 11) as level-triggered, active high. Without
 * an override a PCI line is level-triggered, active low, as PCI says.
 * Every line starts masked; irq.c routes and masks the ones it uses.
 */
#include "cpu.h"

#define IOAPIC_DEFAULT	0xFEC00000ull
#define ACPI_LIMIT	(4ull << 30)	/* the direct map always covers this much */
#define RED_LO(n)	(0x10 + 2 * (n))
#define RED_MASKED	(1u << 16)
#define RED_LEVEL	(1u << 15)
#define RED_LOW		(1u << 13)

struct sdt {			/* an ACPI table's header */
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static volatile uint32_t *ioapic;
static int nlines;
static struct isa { uint8_t line, level, low, given; } isa[16];	/* the MADT's overrides */
static uint8_t mode[IRQ_LINES];		/* RED_LEVEL | RED_LOW >> 8 of each line */

static uint32_t rd(uint32_t reg) { ioapic[0] = reg; return ioapic[4]; }
static void wr(uint32_t reg, uint32_t v) { ioapic[0] = reg; ioapic[4] = v; }

static bool sum_ok(const void *p, word_t n)
{
	uint8_t s = 0;
	for (const uint8_t *b = p; n--; b++)
		s += *b;
	return s == 0;
}

/* The ACPI table at pa, if it is whole and its checksum holds. */
static const struct sdt *table(paddr_t pa)
{
	if (!pa || pa + sizeof(struct sdt) > ACPI_LIMIT)
		return NULL;
	const struct sdt *t = pa2va(pa);
	if (t->len < sizeof(*t) || pa + t->len > ACPI_LIMIT || !sum_ok(t, t->len))
		return NULL;
	return t;
}

/* The RSDP, in the first KiB of the EBDA or the BIOS area, then its RSDT's MADT. */
static const struct sdt *find_madt(void)
{
	paddr_t ebda = (paddr_t)*(const uint16_t *)pa2va(0x40E) << 4;
	for (paddr_t pa = ebda; pa < 0x100000; pa += 16) {
		if (pa == ebda + 1024)
			pa = 0xE0000;
		const char *p = pa2va(pa);
		if (memcmp(p, "RSD PTR ", 8) || !sum_ok(p, 20))
			continue;
		const struct sdt *rsdt = table(*(const uint32_t *)(p + 16));
		if (!rsdt || memcmp(rsdt->sig, "RSDT", 4))
			return NULL;
		const uint32_t *e = (const uint32_t *)(rsdt + 1);
		for (word_t i = 0; i < (rsdt->len - sizeof(*rsdt)) / 4; i++) {
			const struct sdt *t = table(e[i]);
			if (t && !memcmp(t->sig, "APIC", 4))
				return t;
		}
		return NULL;
	}
	return NULL;
}

void ioapic_init(void)
{
	paddr_t base = IOAPIC_DEFAULT;
	const struct sdt *m = find_madt();
	const uint8_t *p = m ? (const uint8_t *)m + 44 : NULL, *end = m ? (const uint8_t *)m + m->len : NULL;
	bool found = false;
	for (; p && p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == 1 && p[1] >= 12 && !found && *(const uint32_t *)(p + 8) == 0) {
			base = *(const uint32_t *)(p + 4);	/* the I/O APIC whose lines start at 0 */
			found = true;
		} else if (p[0] == 2 && p[1] >= 10 && p[2] == 0 && p[3] < 16) {
			uint16_t f = *(const uint16_t *)(p + 8);
			uint32_t line = *(const uint32_t *)(p + 4);
			isa[p[3]] = (struct isa){ (uint8_t)(line < 256 ? line : 255), (f >> 2 & 3) == 3, (f & 3) == 3, 1 };
		}
	}
	ioapic = pa2va(base);
	nlines = (int)(rd(1) >> 16 & 0xFF) + 1;
	if (nlines > IRQ_LINES)
		nlines = IRQ_LINES;
	for (int i = 0; i < nlines; i++) {
		wr(RED_LO(i), RED_MASKED);
		wr(RED_LO(i) + 1, 0);
	}
}

int ioapic_pci_line(unsigned irq)
{
	bool given = irq < 16 && isa[irq].given;
	int line = given ? isa[irq].line : (int)irq;
	if (line <= 0 || line == 2 || line >= nlines || (irq < 16 && !given && irq < 3))
		return -1;	/* the timer, the cascade, or no line of ours */
	mode[line] = (uint8_t)((given ? (isa[irq].level ? RED_LEVEL : 0) | (isa[irq].low ? RED_LOW : 0)
				      : RED_LEVEL | RED_LOW) >> 8);
	return line;
}

void ioapic_route(int line, int vector)
{
	uint32_t m = (uint32_t)mode[line] << 8;
	wr(RED_LO(line) + 1, lapic_id() << 24);
	wr(RED_LO(line), RED_MASKED | m | (uint32_t)vector);
	printk("kernel: interrupt line %d: %s-triggered, active %s\n", line, m & RED_LEVEL ? "level" : "edge",
	       m & RED_LOW ? "low" : "high");
}

void ioapic_mask(int line, bool masked)
{
	uint32_t v = rd(RED_LO(line));
	wr(RED_LO(line), masked ? v | RED_MASKED : v & ~RED_MASKED);
}
