/*
 * Kernel tests of micro-reboot's mechanisms (kernel/reboot.c): a server
 * taken down (COMP_REBOOT) in the middle of a nested invocation
 * A -> B -> C while the thread runs in C; threads executing in it
 * unwound (THD_UNWIND) or ended; a fault handler that reboots the
 * faulted component; its run-time capabilities and memory revoked while
 * those of its boot stay; the arguments and rights checked; and every
 * frame of the root's memory back with its type and reference count.
 */
#include "ktest.h"
#include "../pong/pong.h"

#define RB_VA	0x40000000ull	/* 1 GiB span of B's run-time memory, reset by the reboot */
#define RB_HI	0x80000000ull
#define RB_KEEP	(PONG_SLOT_SELF + 1)	/* B's boot-time slots */
#define RB_FRAMES 16384

static struct r2c_comp ra, rb, rc;
static word_t spin_c, stop_c, echo_b, peek_b, nest_a, spin_b;
static volatile long nested_result, spin_result;
static uint64_t snap_before[RB_FRAMES], snap_after[RB_FRAMES];

static word_t sinv(const struct r2c_comp *c, const char *fn)
{
	word_t s = 0;
	return r2c_comp_export(&mem, c, fn, 0, &s) ? 0 : s;
}

static word_t snapshot(uint64_t *out)
{
	word_t n = mem.next < RB_FRAMES ? mem.next : RB_FRAMES;
	for (word_t i = 0; i < n; i++) {
		struct r2c_ret r = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, i, 0, 0, 0, 0, 0);
		out[i] = (word_t)r.status << 32 | (r.r0 & 0xFFFFFFFF);
	}
	return n;
}

static void run_nested(void *arg)
{
	(void)arg;
	nested_result = r2c_call(nest_a, 0, 0, 0, 0);
}

static void run_spin_b(void *arg)
{
	(void)arg;
	spin_result = r2c_invoke(spin_b, 0, 0, 0, 0).status;
}

/* A thread of mine at fn(arg), its slot and frame kept to give back. */
static struct r2c_thread closures[4];
static long thread_of_mine(int i, void (*fn)(void *), void *arg, struct r2c_kthread *kt)
{
	closures[i] = (struct r2c_thread){ fn, arg, false };
	return r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&closures[i], kt);
}

/* Run thread t in ticks until it executes in c (1,000 ticks at most). */
static bool run_until_in(word_t t, const struct r2c_comp *c)
{
	r2c_op(ROOT_SLOT_TIMER, TIMER_BIND, ROOT_SLOT_THD, 0, 0, 0, 0, 0);
	for (int i = 0; i < 1000; i++) {
		long d;
		do {
			r2c_rcv(RCV_NONBLOCK);
			word_t tok = drain_events();
			r2c_op(ROOT_SLOT_TIMER, TIMER_SET, r2c_tsc() + bi->tsc_hz / 1000, 0, 0, 0, 0, 0);
			d = r2c_dispatch(t, tok);
		} while (d == -EAGAIN);
		r2c_rcv(RCV_NONBLOCK);
		drain_events();
		if (r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0) == THD_READY && r2c_op(t, THD_IN_COMP, c->slot, 0, 0, 0, 0, 0) == 1)
			return true;
	}
	return false;
}

static void run_to_end(word_t t)
{
	for (int i = 0; i < 1000 && r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD; i++)
		dispatch(t);
}

static long reboot_b(void)
{
	return r2c_op(rb.slot, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0);
}

/* B's fault handler in one test: it reboots B, then asks to resume. */
static word_t reboot_fault(word_t vec, word_t addr, word_t ip, word_t err, struct r2c_inv *inv)
{
	(void)vec, (void)addr, (void)ip, (void)err, (void)inv;
	reboot_b();
	return FAULT_RESUME;
}
R2C_ENTRY(reboot_fault);

/* A frame of mine mapped at va in c (its index), or -1. */
static word_t map_into(const struct r2c_comp *c, word_t va)
{
	long f = r2c_frame_alloc(&mem, 1);
	long e;
	while ((e = r2c_map_frame(&mem, c->slot, va, (word_t)f, MAP_WRITE)) == -ENXIO)
		r2c_op(c->slot, COMP_PGTBL_ADD, va, ROOT_SLOT_UNTYPED, (word_t)r2c_frame_alloc(&mem, 1), 0, 0, 0);
	return e ? (word_t)-1 : (word_t)f;
}

static word_t map_into_b(word_t va)
{
	return map_into(&rb, va);
}

#define FRAME_IS(name, fr, type, refs) do { \
	struct r2c_ret r_ = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, (fr), 0, 0, 0, 0, 0); \
	r2c_check(name, r_.status == (type) && r_.r0 == (refs), "type %ld refs %lu, expected %d and %d", \
		  r_.status, r_.r0, (type), (refs)); } while (0)

void test_reboot(void)
{
	long e = load("pong.elf", "rbA", &ra) | load("pong.elf", "rbB", &rb) | load("pong.elf", "rbC", &rc);
	spin_c = sinv(&rc, "pong_spin");
	stop_c = sinv(&rc, "pong_stop");
	echo_b = sinv(&rb, "pong_echo");
	peek_b = sinv(&rb, "pong_peek");
	spin_b = sinv(&rb, "pong_spin");
	nest_a = sinv(&ra, "pong_nest");
	word_t nest_b = sinv(&rb, "pong_nest"), echo_c = sinv(&rc, "pong_echo");
	/* A's next is B's pong_nest, B's next is C's pong_spin. */
	e |= r2c_grant(ra.slot, nest_b, PONG_SLOT_NEXT, RIGHT_ALL) | r2c_grant(rb.slot, spin_c, PONG_SLOT_NEXT, RIGHT_ALL);
	r2c_check("reboot.setup", !e && spin_c && stop_c && echo_b && peek_b && nest_a && nest_b && echo_c && spin_b,
		  "load/export failed (%ld)", e);
	word_t echo_a = sinv(&ra, "pong_echo"), h = r2c_slot_alloc(&mem);
	r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, (word_t)r2c_export_reboot_fault, 0, h, 0, 0, 0);
	r2c_op(rb.slot, COMP_SET_FAULT, h, 0, 0, 0, 0, 0);
	word_t slots_before = r2c_slots_free(&mem);
	word_t n = snapshot(snap_before);

	/* Arguments and rights. */
	word_t weak = r2c_slot_alloc(&mem);
	r2c_grant(ROOT_SLOT_COMP, rb.slot, weak, RIGHT_READ);
	CHECK_EQ("reboot.needs_admin", r2c_op(weak, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0), -EPERM);
	CHECK_EQ("reboot.not_self", r2c_op(ROOT_SLOT_COMP, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0), -EPERM);
	CHECK_EQ("reboot.keep_zero", r2c_op(rb.slot, COMP_REBOOT, 0, RB_VA, RB_HI, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.keep_too_big", r2c_op(rb.slot, COMP_REBOOT, 100000, RB_VA, RB_HI, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.range_reversed", r2c_op(rb.slot, COMP_REBOOT, RB_KEEP, RB_HI, RB_VA, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.range_unaligned", r2c_op(rb.slot, COMP_REBOOT, RB_KEEP, RB_VA + 1, RB_HI, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.range_kernel", r2c_op(rb.slot, COMP_REBOOT, RB_KEEP, RB_VA, 0xFFFF800000000000ull, 0, 0, 0),
		 -EINVAL);
	CHECK_EQ("reboot.up_when_live", r2c_op(rb.slot, COMP_UP, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.unwind_when_live", r2c_op(ROOT_SLOT_THD, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("reboot.still_serving", r2c_call(echo_b, 1, 2, 3, 4), 10);

	/* Run-time memory and capabilities of B, and one of its boot. */
	word_t f0 = mem.next, f1 = map_into_b(RB_VA), f2 = map_into_b(RB_VA + 0x1000);
	r2c_op(rb.slot, COMP_ALIAS, RB_VA + 0x1000, ROOT_SLOT_COMP, 0x20000000ull + 0x70000, 0, 0, 0);
	r2c_grant(rb.slot, echo_c, 10, RIGHT_ALL);
	FRAME_IS("reboot.frame_mapped", f1, FRAME_USER, 1);
	/* Page tables for a borrowed window of B's (SELF_BORROW): outside the
	 * range rebooted, dropped all the same. */
	word_t wt[2];
	for (int i = 0; i < 2; i++)
		r2c_op(rb.slot, COMP_PGTBL_ADD, COMP_BORROW_BASE, ROOT_SLOT_UNTYPED,
		       wt[i] = (word_t)r2c_frame_alloc(&mem, 1), 0, 0, 0);
	FRAME_IS("reboot.window_table", wt[1], FRAME_PGTBL, 1);

	/* A -> B -> C; B goes down while the thread spins in C. */
	struct r2c_kthread kt[3];
	nested_result = 1;
	thread_of_mine(0, run_nested, NULL, &kt[0]);
	word_t t = kt[0].slot;
	r2c_check("reboot.nested_in_c", run_until_in(t, &rc), "the thread never got to C");
	CHECK_EQ("reboot.epoch", reboot_b(), 1);
	CHECK_EQ("reboot.down_call", r2c_invoke(echo_b, 1, 2, 3, 4).status, INV_REBOOTED);
	CHECK_EQ("reboot.unwind_elsewhere", r2c_op(t, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("reboot.unwind_self", r2c_op(ROOT_SLOT_THD, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), -EBUSY);
	CHECK_EQ("reboot.unwind_needs_admin", r2c_op(t, THD_UNWIND, weak, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ("reboot.runtime_slot_revoked", r2c_op(rb.slot, COMP_CAP_TYPE, 10, 0, 0, 0, 0, 0), CAP_NONE);
	CHECK_EQ("reboot.boot_slot_kept", r2c_op(rb.slot, COMP_CAP_TYPE, PONG_SLOT_NEXT, 0, 0, 0, 0, 0), CAP_SINV);
	FRAME_IS("reboot.frame_untyped", f1, FRAME_UNTYPED, 0);
	FRAME_IS("reboot.window_tables_dropped", wt[0], FRAME_UNTYPED, 0);
	FRAME_IS("reboot.shared_frame_stays", f2, FRAME_USER, 1);
	/* B serves again (its page table loaded: the return below takes the
	 * fast path); C finishes normally and returns into B, whose epoch
	 * moved on: A gets INV_REBOOTED and goes on itself (pong_nest's
	 * answer - 1000). */
	CHECK_EQ("reboot.up", r2c_op(rb.slot, COMP_UP, 0, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("reboot.serves_while_c_runs", r2c_call(echo_b, 1, 2, 3, 4), 10);
	r2c_call(stop_c, 0, 0, 0, 0);
	run_to_end(t);
	CHECK_EQ("reboot.nested_unwinds_to_a", nested_result, INV_REBOOTED - 1000);
	CHECK_EQ("reboot.c_serves", r2c_call(echo_c, 1, 1, 1, 1), 4);
	CHECK_EQ("reboot.a_serves", r2c_call(echo_a, 2, 2, 2, 2), 8);

	/* A thread executing in B when it is down returns INV_REBOOTED. */
	spin_result = 1;
	thread_of_mine(1, run_spin_b, NULL, &kt[1]);
	word_t t2 = kt[1].slot;
	r2c_check("reboot.spinning_in_b", run_until_in(t2, &rb), "the thread never got to B");
	CHECK_EQ("reboot.epoch_2", reboot_b(), 2);
	CHECK_EQ("reboot.unwind_in_b", r2c_op(t2, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), 1);
	CHECK_EQ("reboot.unwind_twice", r2c_op(t2, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), 0);
	run_to_end(t2);
	CHECK_EQ("reboot.caller_gets_rebooted", spin_result, INV_REBOOTED);

	/* B's own thread, spinning at home, ends. */
	long tid3 = r2c_kthread_new(&mem, rb.slot, rb.entry, PONG_ROLE_SPIN, &kt[2]);
	word_t t3 = kt[2].slot;
	r2c_check("reboot.home_spinning", run_until_in(t3, &rb), "B's thread never ran");
	clear_events();
	CHECK_EQ("reboot.unwind_home_ends", r2c_op(t3, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), 2);
	drain_events();
	r2c_check("reboot.home_ended", r2c_op(t3, THD_STATE, 0, 0, 0, 0, 0, 0) == THD_DEAD &&
		  saw_event((word_t)tid3, EV_FAULTED), "state %ld", r2c_op(t3, THD_STATE, 0, 0, 0, 0, 0, 0));
	CHECK_EQ("reboot.dead_thread", r2c_op(t3, THD_UNWIND, rb.slot, 0, 0, 0, 0, 0), -ESRCH);

	/* B's fault handler reboots B and asks to resume: no resume into the
	 * new B, the caller gets INV_REBOOTED. */
	CHECK_EQ("reboot.up_2", r2c_op(rb.slot, COMP_UP, 0, 0, 0, 0, 0, 0), 0);
	r2c_printf("EXPECT-FAULT rbB\n");
	CHECK_EQ("reboot.fault_handler_reboots", r2c_invoke(peek_b, 0, 0, 0, 0).status, INV_REBOOTED);
	CHECK_EQ("reboot.up_3", r2c_op(rb.slot, COMP_UP, 0, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("reboot.serves_again", r2c_call(echo_b, 1, 2, 3, 4), 10);

	/* Nothing left behind: B's fault handler and the frames of this test
	 * given back, every frame of the root's range as before. */
	r2c_slot_delete(&mem, weak);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, 0x20000000ull + 0x70000, 0, 0, 0, 0, 0);
	FRAME_IS("reboot.shared_frame_unmapped", f2, FRAME_USER, 0);
	long fe = 0;
	for (int i = 0; i < 3; i++)
		fe |= r2c_kthread_free(&mem, &kt[i]);
	fe |= r2c_frame_free(&mem, f0, mem.next - f0);	/* B's page tables and pages: untyped again */
	CHECK_EQ("reboot.given_back", fe, 0);
	CHECK_EQ("reboot.slots_back", r2c_slots_free(&mem), slots_before);
	snapshot(snap_after);
	word_t differ = 0, first = 0;
	for (word_t i = 0; i < n; i++)
		if (snap_before[i] != snap_after[i] && i != f1 && i != f2 && !differ++)
			first = i;
	r2c_check("reboot.frames_back", differ == 0, "%lu frames differ; frame %lu: type %lu refs %lu, was %lu %lu",
		  differ, first, snap_after[first] >> 32, snap_after[first] & 0xFFFFFFFF, snap_before[first] >> 32,
		  snap_before[first] & 0xFFFFFFFF);
}

/* The two tests below: threads of mine call D's pong_lend_word, which
 * calls E's pong_spin_stale (granted to D at STALE_SLOT) to lend one page
 * of D's and wait for pong_stale_go. */
#define STALE_SLOT	12	/* in D, a run-time grant */
#define SCRATCH		(0x20000000ull + 0x71000)	/* of mine, unmapped */
struct lending {
	struct r2c_comp d, e;
	word_t lend, go, results;	/* D's pong_lend_word, E's pong_stale_go and _results */
};
struct lend_call {
	word_t va, window, call;	/* what to lend (0: nothing), in which window of E's,
					 * pong_spin_stale's call number (3: read-only) */
	volatile long status;		/* of the call into D */
};
static const struct lending *lending_now;

/* D and E loaded as d_name and e_name, E's windows' page table added. */
static long lending_load(struct lending *l, const char *d_name, const char *e_name)
{
	long e = load("pong.elf", d_name, &l->d) | load("pong.elf", e_name, &l->e);
	word_t spin = sinv(&l->e, "pong_spin_stale");
	l->lend = sinv(&l->d, "pong_lend_word");
	l->go = sinv(&l->e, "pong_stale_go");
	l->results = sinv(&l->e, "pong_stale_results");
	e |= r2c_grant(l->d.slot, spin, STALE_SLOT, RIGHT_ALL);
	while (r2c_pgtbl_add(&mem, l->e.slot, COMP_BORROW_BASE) == 0)
		;
	return e ? e : spin && l->lend && l->go && l->results ? 0 : -ENOENT;
}

static void run_lend_call(void *arg)
{
	struct lend_call *c = arg;
	c->status = r2c_invoke(lending_now->lend, c->va, c->window, STALE_SLOT, c->call).status;
}

/* The n calls, each on a thread of mine (kt[i]), each run until it has
 * lent or found nothing to -> how many windows they hold. */
static word_t lend_calls_start(const struct lending *l, struct lend_call *c, int n, struct r2c_kthread *kt)
{
	word_t lent = 0;
	lending_now = l;
	for (int i = 0; i < n; i++) {
		thread_of_mine(i, run_lend_call, &c[i], &kt[i]);
		for (int k = 0; k < 100 && (long)r2c_invoke(l->results, c[i].call, 0, 0, 0).r2 == 1; k++)
			run_until_in(kt[i].slot, &l->e);
		lent += (long)r2c_invoke(l->results, c[i].call, 0, 0, 0).r2 >= (long)COMP_BORROW_BASE;
	}
	return lent;
}

/* A server working for an invoker that is micro-rebooted meanwhile
 * (kernel/copy.c, borrow.c, reboot.c). Four calls: E lends D's page of
 * run-time memory (call 0), D's data page (call 1: a page the reboot
 * keeps, as it keeps stacks), nothing (call 2) or a page of its code,
 * read-only (call 3). D is rebooted, and gets a new page where its data
 * page was, as the booter gives it; its code page stays (what cannot
 * change needs no taking). E's writes through its windows then reach
 * only the lent frames (orphans, which nobody may map), and its copies
 * and borrows to D are refused. The run-time page's frame, which E also
 * maps, is untyped once the window has ended and E is rebooted too. */
#define STALE_CALLS	4
void test_reboot_stale(void)
{
	struct lending l;
	long e = lending_load(&l, "stD", "stE");
	word_t peek = sinv(&l.d, "pong_peek");
	word_t word = (word_t)r2c_call(l.lend, 0, 0, 0, 0), fs = map_into(&l.d, RB_VA);
	r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH + 0x1000, fs, MAP_WRITE);	/* mine too */
	while (r2c_op(l.d.slot, COMP_ALIAS, RB_VA, l.e.slot, RB_VA, MAP_WRITE, 0, 0) == -ENXIO)	/* and E's */
		r2c_op(l.e.slot, COMP_PGTBL_ADD, RB_VA, ROOT_SLOT_UNTYPED, (word_t)r2c_frame_alloc(&mem, 1), 0, 0, 0);
	r2c_check("stale.setup", !e && peek && fs != (word_t)-1, "load/export failed (%ld)", e);
	struct lend_call calls[STALE_CALLS] = { { RB_VA, 0, 0, 0 }, { word, 1, 1, 0 }, { 0, 2, 2, 0 },
						{ l.d.entry, 3, 3, 0 } };
	struct r2c_kthread kt[STALE_CALLS];
	word_t lent = lend_calls_start(&l, calls, STALE_CALLS, kt);
	r2c_check("stale.lent", lent == 3 && r2c_invoke(l.results, 2, 0, 0, 0).r2 == 0,
		  "the calls did not get to E and lend");
	FRAME_IS("stale.lent_counted", fs, FRAME_USER, 4);
	struct r2c_ret rr = r2c_sys(l.d.slot, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0);
	CHECK_EQ("stale.reboot", rr.status, 1);
	CHECK_EQ("stale.orphans_told", rr.r0, 1);	/* the data page: the run-time one is in the range */
	FRAME_IS("stale.lent_frame_kept", fs, FRAME_USER, 3);
	CHECK_EQ("stale.orphan_not_mapped", r2c_op(ROOT_SLOT_COMP, COMP_MAP, SCRATCH, mem.ut_slot, fs, MAP_WRITE, 0, 0),
		 -EBUSY);
	CHECK_EQ("stale.orphan_not_aliased", r2c_op(ROOT_SLOT_COMP, COMP_ALIAS, SCRATCH + 0x1000, ROOT_SLOT_COMP,
						    SCRATCH + 0x2000, MAP_WRITE, 0, 0), -EBUSY);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, SCRATCH + 0x1000, 0, 0, 0, 0, 0);
	CHECK_EQ("stale.kept_page_taken", r2c_op(l.d.slot, COMP_ALIAS, word & ~4095ull, ROOT_SLOT_COMP, SCRATCH, 0, 0, 0),
		 -ENOENT);
	r2c_check("stale.kept_page_new", map_into(&l.d, word & ~4095ull) != (word_t)-1, "no new page in its place");
	CHECK_EQ("stale.up", r2c_op(l.d.slot, COMP_UP, 0, 0, 0, 0, 0, 0), 0);
	r2c_call(l.go, 1, 0, 0, 0);
	for (int i = 0; i < STALE_CALLS; i++) {
		run_to_end(kt[i].slot);
		struct r2c_ret r = r2c_invoke(l.results, calls[i].call, 0, 0, 0);
		r2c_check("stale.invoker_unwound", calls[i].status == INV_REBOOTED, "call %d: status %ld", i,
			  calls[i].status);
		r2c_check("stale.copy_refused", (long)r.r0 == -EFAULT, "call %d: %ld", i, (long)r.r0);
		r2c_check("stale.borrow_refused", (long)r.r1 == -EFAULT, "call %d: %ld", i, (long)r.r1);
		r2c_kthread_free(&mem, &kt[i]);
	}
	CHECK_EQ("stale.new_page_untouched", r2c_call(peek, word, 0, 0, 0), 0);
	FRAME_IS("stale.orphan_while_aliased", fs, FRAME_USER, 1);
	CHECK_EQ("stale.server_reboot", r2c_op(l.e.slot, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0), 1);
	FRAME_IS("stale.orphan_untyped", fs, FRAME_UNTYPED, 0);
	CHECK_EQ("stale.orphan_gone", r2c_op(ROOT_SLOT_COMP, COMP_MAP, SCRATCH, mem.ut_slot, fs, MAP_WRITE, 0, 0), 0);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, SCRATCH, 0, 0, 0, 0, 0);
}

/* What a component could do to keep a frame it lent for its next life
 * (the same servers as above, afresh): unmap its lent page itself before
 * the reboot (only windows map it then), lend a heap page it maps
 * read-only (the reboot's clear leaves only windows), or keep a
 * read-only alias of a lent data page where the reboot keeps memory.
 * None of those frames can be mapped again while a window holds it, the
 * alias goes, and each is untyped once its window has ended. */
#define TRICK_ALIAS	0x3F000000ull	/* below RB_VA: kept by the reboot */
void test_reboot_tricks(void)
{
	struct lending l;
	long e = lending_load(&l, "trD", "trE");
	word_t word = (word_t)r2c_call(l.lend, 0, 0, 0, 0), fa = map_into(&l.d, RB_VA);
	long fb = r2c_frame_alloc(&mem, 1);
	e |= r2c_map_frame(&mem, l.d.slot, RB_VA + 0x1000, (word_t)fb, 0);	/* read-only */
	long al;
	while ((al = r2c_op(l.d.slot, COMP_ALIAS, word & ~4095ull, l.d.slot, TRICK_ALIAS, 0, 0, 0)) == -ENXIO)
		r2c_op(l.d.slot, COMP_PGTBL_ADD, TRICK_ALIAS, ROOT_SLOT_UNTYPED, (word_t)r2c_frame_alloc(&mem, 1), 0, 0, 0);
	r2c_check("tricks.setup", !e && !al && fa != (word_t)-1 && fb >= 0, "setup failed (%ld, %ld)", e, al);
	struct lend_call calls[3] = { { RB_VA, 0, 0, 0 }, { word, 1, 1, 0 }, { RB_VA + 0x1000, 2, 3, 0 } };
	struct r2c_kthread kt[3];
	CHECK_EQ("tricks.lent", lend_calls_start(&l, calls, 3, kt), 3);
	r2c_op(l.d.slot, COMP_UNMAP, RB_VA, 0, 0, 0, 0, 0);	/* what D may do to itself */
	struct r2c_ret rr = r2c_sys(l.d.slot, COMP_REBOOT, RB_KEEP, RB_VA, RB_HI, 0, 0, 0);
	CHECK_EQ("tricks.orphans_told", rr.r0, 2);	/* the data page and its alias */
	CHECK_EQ("tricks.unmapped_lent_refused", r2c_map_frame(&mem, l.d.slot, RB_VA, fa, MAP_WRITE), -EBUSY);
	CHECK_EQ("tricks.read_only_lent_refused", r2c_map_frame(&mem, l.d.slot, RB_VA + 0x1000, (word_t)fb, MAP_WRITE),
		 -EBUSY);
	CHECK_EQ("tricks.alias_dropped", r2c_op(l.d.slot, COMP_ALIAS, TRICK_ALIAS, ROOT_SLOT_COMP, SCRATCH, 0, 0, 0),
		 -ENOENT);
	map_into(&l.d, word & ~4095ull);	/* the booter's new page */
	r2c_op(l.d.slot, COMP_UP, 0, 0, 0, 0, 0, 0);
	r2c_call(l.go, 1, 0, 0, 0);
	for (int i = 0; i < 3; i++) {
		run_to_end(kt[i].slot);
		r2c_kthread_free(&mem, &kt[i]);
	}
	FRAME_IS("tricks.unmapped_lent_untyped", fa, FRAME_UNTYPED, 0);
	FRAME_IS("tricks.read_only_lent_untyped", (word_t)fb, FRAME_UNTYPED, 0);
}
