/*
 * rtest: a thread id names a thread, it does not give power over it. A
 * component may wake, lend the CPU to, join or re-prioritise its own
 * threads, and a server may wake a client's thread that waits inside it;
 * any other thread of the system is refused. Nor does its memory let it
 * make kernel objects or hand out ranges behind the root's back.
 */
#include "r2c.h"
#include "rtest.h"

static volatile int parked_back = 1;
static volatile long parked_result;

static void park_in_pong(void *arg)
{
	parked_back = 0;
	parked_result = r2c_call((word_t)arg, 0, 0, 0, 0);
	parked_back = 1;
}

static void idle(void *arg)
{
	(void)arg;
	r2c_block(0);
}

void test_authority(void)
{
	/* My memory is mine to map, not to make kernel objects or ranges of. */
	word_t ut = r2c_env->untyped_slot, spare = r2c_slot_alloc(&r2c_self_mem);
	CHECK_EQ("authority.no_retype", r2c_op(ut, UT_RETYPE, 0, CAP_THD, spare, r2c_env->self_slot,
					       0x400000, 0), -EPERM);
	CHECK_EQ("authority.no_derive", r2c_op(ut, UT_DERIVE, 0, 1, spare, 0, 0, 0), -EPERM);
	r2c_slot_free(&r2c_self_mem, spare);

	/* Every thread that was there before mine belongs to another component
	 * (or has ended): none may be touched. */
	word_t me = r2c_self();
	int refused = 0, allowed = 0;
	word_t live = 0;	/* a thread of another component, alive */
	for (word_t tid = 1; tid < me; tid++) {
		long w = r2c_wakeup(tid), p = r2c_set_prio(tid, 31), y = r2c_yield_to(tid);
		refused += w == -EPERM;
		allowed += w == 0 || p == 0 || y > 0;
		if (w == -EPERM && !live)
			live = tid;
	}
	r2c_check("authority.others_refused", refused > 0 && allowed == 0,
		  "of tids 1..%lu: %d wake-ups refused, %d operations allowed", me - 1, refused, allowed);
	/* A server's first thread waits for requests for ever; joining it is refused at once. */
	CHECK_EQ("authority.join_other", r2c_thd_join(live), -EPERM);

	word_t park = r2c_import("pong_park"), wake = r2c_import("pong_wake");
	if (!park || !wake) {
		r2c_check("authority.granted", false, "no pong_park/pong_wake");
		return;
	}
	/* pong may wake my thread while it waits in pong, and not my other one. */
	long idler = r2c_thd_create(idle, NULL, 16);
	long t = r2c_thd_create(park_in_pong, (void *)park, 16);
	for (int i = 0; i < 100 && parked_back; i++)	/* until it has started */
		r2c_sched_yield();
	r2c_sleep_until(r2c_tsc() + r2c_usecs(2000));
	CHECK_EQ("authority.server_wakes_other", (long)r2c_call(wake, (word_t)idler, 0, 0, 0), -EPERM);
	CHECK_EQ("authority.server_wakes_its_waiter", (long)r2c_call(wake, (word_t)t, 0, 0, 0), 0);
	r2c_thd_join((word_t)t);
	r2c_check("authority.waiter_back", parked_back && parked_result == 0, "back %d, result %ld", parked_back,
		  parked_result);
	CHECK_EQ("authority.own_thread", r2c_wakeup((word_t)idler), 0);
	r2c_thd_join((word_t)idler);
}
