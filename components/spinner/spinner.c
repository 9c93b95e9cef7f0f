/*
 * spinner: the antagonist of the temporal-isolation test. It runs at a
 * high priority with a CPU budget (compose/test-runtime.comp). Each time
 * rtest asks, through the shared region "spin" and a send to my first
 * thread, it spins on the CPU for the time asked, never blocking, and
 * records when it ran, for how long it was kept off the CPU, and as it
 * goes how long it has run (which the host's own pauses do not lengthen,
 * so the test does not depend on the host's load); then it
 * waits for the next request. Without a budget nothing less urgent would
 * run while it spins. Asked to "lend", it spins with a partner thread the
 * two keep lending the CPU to (r2c_yield_to): lending must not get
 * around the budget either.
 */
#include "r2c.h"
#include "r2c/spintest.h"

static volatile bool partner_stop;
static volatile word_t main_tid;

static void partner(void *arg)
{
	(void)arg;
	while (!partner_stop)
		r2c_yield_to(main_tid);
}

void r2c_main(word_t arg)
{
	(void)arg;
	const struct cinfo_shm *s = r2c_shm("spin");
	if (!s) {
		r2c_printf("spinner: no shared region \"spin\"\n");
		return;
	}
	struct spintest *st = (void *)s->vaddr;
	uint64_t off = r2c_usecs(SPINTEST_STEP_US);
	for (;;) {
		while (st->done == st->request)
			r2c_rcv(0);
		long other = 0;
		if (st->lend) {
			partner_stop = false;
			main_tid = r2c_self();
			other = r2c_thd_create(partner, NULL, 6);
		}
		uint64_t t0 = r2c_tsc(), prev = t0, away = 0, lent_at = t0;
		st->ran = 0;
		st->start = t0;
		for (uint64_t now = t0; now - t0 < st->cycles; prev = now) {
			now = r2c_tsc();
			if (now - prev > off)
				away += now - prev;
			if (other > 0 && now - lent_at > off / 10) {
				r2c_yield_to((word_t)other);
				uint64_t back = r2c_tsc();
				if (back - now > off)	/* more than the partner's short turn: someone else's */
					away += back - now;
				lent_at = now = back;
			}
			st->ran = now - t0 - away;
		}
		if (other > 0) {
			partner_stop = true;
			r2c_thd_join((word_t)other);
		}
		st->end = prev;
		st->away = away;
		st->done = st->request;
	}
}
