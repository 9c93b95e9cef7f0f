/*
 * Time: the TSC, calibrated against the PIT at boot, is the clock; the
 * local APIC timer in one-shot mode, calibrated in the same window, is
 * the single deadline the user-level scheduler programs.
 */
#include "cpu.h"

word_t tsc_hz;
static volatile uint32_t *lapic;
static uint64_t lapic_per_tsc_q32;	/* APIC ticks per TSC cycle, 32.32 fixed point */

#define LAPIC_EOI	0x0B0
#define LAPIC_SVR	0x0F0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3E0

static inline void lw(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; }
static inline uint32_t lr(uint32_t reg) { return lapic[reg / 4]; }

static void pic_disable(void)
{
	static const uint8_t init[] = { 0x11, 0x30, 4, 1 };	/* remap to 0x30.. then mask */
	outb(0x20, init[0]); outb(0xA0, init[0]);
	outb(0x21, init[1]); outb(0xA1, init[1] + 8);
	outb(0x21, init[2]); outb(0xA1, 2);
	outb(0x21, init[3]); outb(0xA1, init[3]);
	outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

void lapic_init(void)
{
	pic_disable();
	paddr_t base = rdmsr(MSR_APIC_BASE) & ~0xFFFull;
	wrmsr(MSR_APIC_BASE, base | (1u << 11));
	lapic = pa2va(base);
	lw(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lw(LAPIC_LVT_LINT0, 1u << 16);
	lw(LAPIC_LVT_LINT1, 1u << 16);
	lw(LAPIC_TIMER_DIV, 0x3);			/* divide by 16 */
	lw(LAPIC_LVT_TIMER, 1u << 16 | VEC_TIMER);	/* masked while calibrating */

	/* 50 ms on PIT channel 2 (gate through port 0x61), counted in TSC
	 * cycles and APIC ticks at once. */
	const uint32_t pit_ticks = 59659;		/* 1193182 Hz * 50 ms */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xB0);
	outb(0x42, pit_ticks & 0xFF);
	outb(0x42, pit_ticks >> 8);
	lw(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	uint64_t t1 = rdtsc();
	uint32_t apic_ticks = 0xFFFFFFFF - lr(LAPIC_TIMER_CUR);
	lw(LAPIC_TIMER_INIT, 0);
	tsc_hz = (t1 - t0) * 1193182ull / pit_ticks;
	lapic_per_tsc_q32 = ((uint64_t)apic_ticks << 32) / (t1 - t0 ? t1 - t0 : 1);
	lw(LAPIC_LVT_TIMER, VEC_TIMER);			/* one-shot, unmasked */
}

void lapic_timer_oneshot(uint64_t tsc_delta)
{
	unsigned __int128 t = (unsigned __int128)tsc_delta * lapic_per_tsc_q32;
	uint64_t ticks = (uint64_t)(t >> 32);
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xFFFFFFFFull)
		ticks = 0xFFFFFFFFull;
	lw(LAPIC_TIMER_INIT, (uint32_t)ticks);
}

void lapic_eoi(void)
{
	lw(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lr(0x020) >> 24;
}

void lapic_timer_stop(void)
{
	lw(LAPIC_TIMER_INIT, 0);
}
