/*
 * fuzz: one million random system calls (slot, operation, arguments) on a
 * victim component, an untyped range, an invocation, a send and a PCI
 * device (its configuration, its line bound to random end-points), from a
 * thread the root schedules. Whatever the calls do, the kernel must keep
 * running and the thread must come back to report. Then it releases what
 * it made (the root checks every frame of the range comes back).
 *
 * Faults are expected: a thread it creates starts at a random address in
 * a component with no executable page, and so does an invocation of a
 * SINV it created. Every such component is named FUZZ_COMP_NAME, and
 * before each call that may fault there the fuzzer prints EXPECT-FAULT
 * (no more in all than the kernel can report: 16 per component).
 */
#include "r2c.h"
#include "fuzz.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static word_t pick_slot(void)
{
	uint64_t r = next() % 100;
	if (r < 5)
		return next();				/* anything, mostly out of range */
	if (r < 10)
		return FUZZ_TABLE_SLOTS - 8 + next() % 10;	/* around the table's end (1,021) */
	word_t s;
	do
		s = next() % FUZZ_SLOTS;
	while (s == FUZZ_SLOT_CONSOLE || s == FUZZ_SLOT_REPORT);
	return s;
}

static word_t pick_arg(word_t token)
{
	switch (next() % 8) {
	case 0: return 0;
	case 1: return next() % 16;
	case 2: return next() % FUZZ_SLOTS;
	case 3: return (next() % 0x80000ull) << 12;		/* a low page address */
	case 4: return 0xFFFF800000000000ull + (next() % 0x100000ull) * 8;	/* kernel */
	case 5: return token;
	case 6: return (next() % 4) | (next() % 2 ? CAP_COMP : CAP_THD);
	default: return next();
	}
}

/* Slots of my table that may hold a thread I created, or a SINV I made
 * (with a random entry point: it faults). */
static bool thread_slot[FUZZ_TABLE_SLOTS], sinv_slot[FUZZ_TABLE_SLOTS];
static word_t comps_made, announced;

static void expect_faults(int n)
{
	for (; n > 0 && announced < 16 * (comps_made + 1); n--, announced++)
		r2c_printf("EXPECT-FAULT %s\n", FUZZ_COMP_NAME);
}

/* Break every cycle of references it may have built, so the root can
 * free the range: empty the tables of the components it holds and point
 * their fault handlers at the echo server. */
static void release(void)
{
	for (word_t s = FUZZ_SLOT_VICTIM; s < FUZZ_TABLE_SLOTS; s++) {
		if (s == FUZZ_SLOT_REPORT || s == FUZZ_SLOT_ECHO || sinv_slot[s])
			continue;	/* an invocation, whatever the operation */
		if (r2c_op(s, COMP_CAP_TYPE, 0, 0, 0, 0, 0, 0) < 0)
			continue;	/* not a COMP capability with ADMIN */
		for (word_t j = 1; j < FUZZ_TABLE_SLOTS; j++)
			r2c_op(s, COMP_CAP_DELETE, j, 0, 0, 0, 0, 0);
		r2c_op(s, COMP_SET_FAULT, FUZZ_SLOT_ECHO, 0, 0, 0, 0, 0);
	}
}

void r2c_main(word_t seed)
{
	r2c_console_slot = FUZZ_SLOT_CONSOLE;
	rng ^= seed;
	word_t token = 0, errors = 0, ok = 0, name[2] = { 0, 0 };
	memcpy(name, FUZZ_COMP_NAME, sizeof(FUZZ_COMP_NAME));
	for (word_t i = 0; i < FUZZ_CALLS; i++) {
		word_t slot = pick_slot(), op = next() % 13, a[6];
		if (slot == CAP_SELF && op == SELF_EXIT)
			op = SELF_TID;
		for (int k = 0; k < 6; k++)
			a[k] = pick_arg(token);
		if (op == UT_RETYPE && a[1] == CAP_COMP)
			a[3] = name[0], a[4] = name[1];
		bool known = slot < FUZZ_TABLE_SLOTS;
		if (known && sinv_slot[slot])
			expect_faults(2);	/* its entry, and that component's fault handler */
		else if (known && thread_slot[slot] && op == THD_DISPATCH && a[0] == token &&
			 r2c_op(slot, THD_STATE, 0, 0, 0, 0, 0, 0) == THD_READY)
			expect_faults(2);
		struct r2c_ret r = r2c_sys(slot, op, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (slot == CAP_SELF && op == SELF_EVENT)
			token = r.r2;
		if (known && sinv_slot[slot] && r.status == INV_GONE)
			sinv_slot[slot] = false;	/* its component was retired: never entered again */
		if (r.status < 0) {
			errors++;
			continue;
		}
		ok++;
		if (slot != CAP_SELF && slot != FUZZ_SLOT_PCI && op == UT_RETYPE && a[2] != CAP_SELF &&
		    a[2] < FUZZ_TABLE_SLOTS) {	/* (PCIDEV_READ, op 0 too, answers a register) */
			thread_slot[a[2]] |= r.status > 0;	/* a thread id */
			comps_made += r.status == 0 && a[1] == CAP_COMP;
		}
		if (slot != CAP_SELF && slot != FUZZ_SLOT_ECHO && !(known && sinv_slot[slot]) &&
		    op == COMP_SINV_CREATE && a[3] == 0 && a[2] < FUZZ_TABLE_SLOTS)
			sinv_slot[a[2]] = true;
	}
	r2c_printf("fuzz: %lu system calls, %lu refused, %lu accepted; %lu faults announced\n",
		   (word_t)FUZZ_CALLS, errors, ok, announced);
	release();
	r2c_call(FUZZ_SLOT_REPORT, FUZZ_CALLS, FUZZ_REPORT_MAGIC, errors, 0);
}
