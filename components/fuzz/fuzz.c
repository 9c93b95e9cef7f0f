/*
 * fuzz: one million random system calls (slot, operation, arguments) on a
 * victim component, an untyped range, an invocation and a send, from a
 * thread the root schedules. Whatever the calls do, the kernel must keep
 * running and the thread must come back to report.
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
		return 250 + next() % 10;		/* around the table's end */
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

void r2c_main(word_t seed)
{
	r2c_console_slot = FUZZ_SLOT_CONSOLE;
	rng ^= seed;
	word_t token = 0, errors = 0, ok = 0;
	for (word_t i = 0; i < FUZZ_CALLS; i++) {
		word_t slot = pick_slot(), op = next() % 12;
		if (slot == CAP_SELF && op == SELF_EXIT)
			op = SELF_TID;
		struct r2c_ret r = r2c_sys(slot, op, pick_arg(token), pick_arg(token), pick_arg(token),
					   pick_arg(token), pick_arg(token), pick_arg(token));
		if (slot == CAP_SELF && op == SELF_EVENT)
			token = r.r2;
		if (r.status < 0)
			errors++;
		else
			ok++;
	}
	r2c_printf("fuzz: %lu system calls, %lu refused, %lu accepted\n", (word_t)FUZZ_CALLS, errors, ok);
	r2c_call(FUZZ_SLOT_REPORT, FUZZ_CALLS, FUZZ_REPORT_MAGIC, errors, 0);
}
