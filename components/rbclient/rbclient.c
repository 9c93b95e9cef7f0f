/*
 * rbclient: the micro-reboot tests at run time (compose/test-reboot.comp).
 * rbserv (restart=1000000) is crashed 1,000 times while a second thread
 * calls it without pause and a third waits parked inside it: each crash
 * must come back as INV_REBOOTED, the server must serve again with its
 * data and heap as at boot, the load thread must only ever see right
 * answers or INV_REBOOTED, the parked thread must be unwound each time,
 * and the scheduler's records, the root's slots and frames must come
 * back. rbserv crashed while rbhold holds its data page in a window
 * (rb_lend) must come back with that page as at boot, which rbhold's
 * later write through the window must not reach. rbgone (restart=yes:
 * 5 in 10 s) crashed a sixth time stays down: INV_GONE.
 */
#include "r2c.h"

#define REBOOTS 1000
#define REBOOT_CHECKS 14

static word_t echo, state, crash, alloc, park;
static volatile bool stop;
static volatile word_t load_ok, load_rebooted, load_bad, park_rebooted, park_bad;

static void load(void *arg)
{
	(void)arg;
	for (word_t i = 0; !stop; i++) {
		struct r2c_ret r = r2c_invoke(echo, i, 0, 0, 0);
		if (r.status == INV_DONE && r.r0 == i + 1)
			load_ok++;
		else if (r.status == INV_REBOOTED)
			load_rebooted++;
		else
			load_bad++;
		r2c_sched_yield();
	}
}

static void parker(void *arg)
{
	(void)arg;
	while (!stop) {
		struct r2c_ret r = r2c_invoke(park, 0, 0, 0, 0);
		if (r.status == INV_REBOOTED)
			park_rebooted++;
		else
			park_bad++;
		r2c_sleep_until(r2c_tsc() + r2c_usecs(200));
	}
}

static word_t lend;
static volatile long lend_status;
static void lender(void *arg)
{
	(void)arg;
	lend_status = r2c_invoke(lend, 0, 0, 0, 0).status;
}

/* Wait until the server answers again; -> its state call. */
static struct r2c_ret wait_serving(word_t st)
{
	struct r2c_ret r;
	while ((r = r2c_invoke(st, 0, 0, 0, 0)).status == INV_REBOOTED)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(100));
	return r;
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_plan(REBOOT_CHECKS);
	echo = r2c_import_from("rbserv", "rb_echo");
	state = r2c_import_from("rbserv", "rb_state");
	crash = r2c_import_from("rbserv", "rb_crash");
	alloc = r2c_import_from("rbserv", "rb_alloc");
	park = r2c_import_from("rbserv", "rb_park");
	struct r2c_capacity before = r2c_capacity_now();
	long lt = r2c_thd_create(load, NULL, 16), pt = r2c_thd_create(parker, NULL, 16);
	word_t crash_ok = 0, image_ok = 0, heap_ok = 0;
	uint64_t t0 = r2c_tsc();
	for (int k = 0; k < REBOOTS; k++) {
		if (k < 16)	/* the kernel reports 16 faults of a component, then counts them */
			r2c_printf("EXPECT-FAULT rbserv\n");
		crash_ok += r2c_invoke(crash, 0, 0, 0, 0).status == INV_REBOOTED;
		struct r2c_ret r = wait_serving(state);
		image_ok += r.status == INV_DONE && r.r0 == 0x5eed;
		heap_ok += r2c_call(alloc, 0, 0, 0, 0) == 0 && r2c_call(alloc, 0, 0, 0, 0) == 0;
		r2c_sleep_until(r2c_tsc() + r2c_usecs(300));	/* the load and the parked thread have their turn */
	}
	uint64_t us = (r2c_tsc() - t0) * 1000000 / r2c_env->tsc_hz;
	stop = true;
	r2c_printf("EXPECT-FAULT rbserv\n");	/* one more: the parked thread comes out */
	r2c_invoke(crash, 0, 0, 0, 0);
	wait_serving(state);
	r2c_check("reboot.crash_rebooted", crash_ok == REBOOTS, "%lu of %d crashes came back INV_REBOOTED", crash_ok, REBOOTS);
	r2c_check("reboot.image_reset", image_ok == REBOOTS, "%lu of %d reboots had the data segment back", image_ok, REBOOTS);
	r2c_check("reboot.heap_reset", heap_ok == REBOOTS, "%lu of %d reboots had the heap back", heap_ok, REBOOTS);
	CHECK_EQ("reboot.threads_joined", r2c_thd_join((word_t)lt) | r2c_thd_join((word_t)pt), 0);
	r2c_check("reboot.load_answers", load_bad == 0 && load_ok > 0, "%lu right, %lu rebooted, %lu wrong", load_ok,
		  load_rebooted, load_bad);
	r2c_check("reboot.parked_unwound", park_bad == 0 && park_rebooted > 0, "%lu unwound, %lu other", park_rebooted,
		  park_bad);
	r2c_printf("rbclient: %d reboots under load in %lu ms (%lu us each); load: %lu answers, %lu INV_REBOOTED; parked "
		   "thread unwound %lu times\n", REBOOTS, us / 1000, us / REBOOTS, load_ok, load_rebooted, park_rebooted);
	r2c_check_capacity_back("reboot", &before);

	/* rbserv's data page held in rbhold's window across its reboot. */
	lend = r2c_import_from("rbserv", "rb_lend");
	word_t release = r2c_import_from("rbhold", "rb_release");
	long ht = r2c_thd_create(lender, NULL, 16);
	int waited = 0;
	while (waited < 100000 && !r2c_call(release, 0, 0, 0, 0))
		waited++, r2c_sleep_until(r2c_tsc() + r2c_usecs(100));
	r2c_check("reboot.page_held", waited < 100000, "rbhold never held the page");
	r2c_printf("EXPECT-FAULT rbserv\n");
	r2c_invoke(crash, 0, 0, 0, 0);
	struct r2c_ret lr = wait_serving(state);
	r2c_check("reboot.lent_page_back", lr.status == INV_DONE && lr.r0 == 0x5eed, "status %ld, magic 0x%lx", lr.status,
		  lr.r0);
	r2c_call(release, 1, 0, 0, 0);
	r2c_thd_join((word_t)ht);
	CHECK_EQ("reboot.lender_unwound", lend_status, INV_REBOOTED);
	lr = r2c_invoke(state, 0, 0, 0, 0);
	r2c_check("reboot.lent_page_untouched", lr.status == INV_DONE && lr.r0 == 0x5eed, "status %ld, magic 0x%lx",
		  lr.status, lr.r0);

	/* The restart limit: the sixth crash within 10 s leaves it down. */
	word_t gcrash = r2c_import_from("rbgone", "rb_crash"), gstate = r2c_import_from("rbgone", "rb_state");
	word_t g_ok = 0;
	for (int k = 0; k < 5; k++) {
		r2c_printf("EXPECT-FAULT rbgone\n");
		g_ok += r2c_invoke(gcrash, 0, 0, 0, 0).status == INV_REBOOTED && wait_serving(gstate).status == INV_DONE;
	}
	r2c_printf("EXPECT-FAULT rbgone\n");
	r2c_invoke(gcrash, 0, 0, 0, 0);
	long st = r2c_invoke(gstate, 0, 0, 0, 0).status;
	r2c_check("reboot.limit", g_ok == 5 && st == INV_GONE, "%lu of 5 reboots served again; after the sixth: %ld", g_ok, st);
	r2c_printf("rbclient: reboot tests: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
