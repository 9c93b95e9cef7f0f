/*
 * rbserv: a server for the micro-reboot tests (compose/test-reboot.comp).
 * It can be made to fault (rb_crash), keeps state in its data segment and
 * heap that a reboot must put back, and can park a caller inside itself,
 * which a reboot must unwind. Lending: rb_lend has another instance's
 * rb_hold borrow the page of `magic` for the call (SELF_BORROW), and
 * rb_hold keeps it until rb_release, then writes through its window; the
 * lender rebooted meanwhile must have its page back as at boot all the
 * same, and never see that write.
 */
#include "r2c.h"

static volatile word_t magic = 0x5eed;	/* .data: back to this after a reboot */
static volatile word_t calls;		/* .bss: back to 0 */

static word_t rb_echo(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	calls++;
	return a0 + 1;
}
R2C_ENTRY(rb_echo);

/* r0 = magic, r1 = calls since boot. */
static word_t rb_state(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	inv->r1 = calls;
	return magic;
}
R2C_ENTRY(rb_state);

/* A wild pointer, after spoiling the data segment. */
static word_t rb_crash(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	magic = 0;
	*(volatile word_t *)(a0 | 8) = 1;
	return 0;
}
R2C_ENTRY(rb_crash);

/* Take 256 KiB of the heap for good: 0, or -ENOMEM once it is used up
 * (mem= holds a few: only a reboot gives them back). */
static word_t rb_alloc(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	char *p = r2c_malloc(256 * 1024);
	if (!p)
		return (word_t)-ENOMEM;
	p[0] = p[256 * 1024 - 1] = 1;
	return 0;
}
R2C_ENTRY(rb_alloc);

/* Park the caller here until a reboot unwinds it (nobody wakes it). */
static word_t rb_park(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	for (;;)
		r2c_block(0);
	return 0;
}
R2C_ENTRY(rb_park);

static word_t rb_lend(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	return (word_t)r2c_call(r2c_import_from("rbhold", "rb_hold"), (word_t)&magic, sizeof(magic), 0, 0);
}
R2C_ENTRY(rb_lend);

static volatile word_t holding, released;
static word_t rb_hold(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	long w = r2c_borrow((const void *)a0, a1, r2c_stack_index(), true);
	if (w < 0)
		return (word_t)w;
	holding = 1;
	while (!released)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(100));
	released = holding = 0;
	*(volatile word_t *)w = 0xbad;
	return 0;
}
R2C_ENTRY(rb_hold);

/* r0 = whether rb_hold holds a page; a0 = 1: let it go. */
static word_t rb_release(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	if (a0)
		released = 1;
	return holding;
}
R2C_ENTRY(rb_release);

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_ready();
}
