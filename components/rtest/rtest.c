/*
 * rtest: the in-guest tests of the user-level runtime, started by the
 * booter from compose/test-runtime.comp: scheduling (priorities, time
 * slices, sleep, join), mutexes, condition variables, read/write locks,
 * the heap, the RAM disk servers, a shared-memory ring with rtest as
 * producer and ringpeer as consumer, the priority ceiling and CPU budgets
 * (spinner spins at a high priority while rtest must still get the CPU).
 */
#include "r2c.h"
#include "r2c/ramdisk.h"
#include "r2c/ringtest.h"
#include "r2c/spintest.h"
#include "ring/ring.h"
#include "rtest.h"
#include "fmt/fmt.h"

/* From compose/test-runtime.comp: my prio= (the ceiling; my first thread
 * then lowers itself to MY_PRIO) and the spinner's cpu= period. */
#define CEILING 8
#define MY_PRIO 16
#define SPIN_PERIOD_MS 20

static uint64_t ms(uint64_t n) { return r2c_usecs(1000 * n); }

#define RTEST_CHECKS 112	/* every check below and in the other files */

/* --- scheduling -------------------------------------------------------- */

static char order[8];
static volatile int norder;

static void note(void *arg)
{
	order[norder++] = (char)(word_t)arg;
}

static void test_priorities(void)
{
	r2c_set_prio(0, CEILING);	/* nothing below runs until I block */
	long a = r2c_thd_create(note, (void *)'c', 14);
	long b = r2c_thd_create(note, (void *)'b', 12);
	long c = r2c_thd_create(note, (void *)'a', 10);
	r2c_check("sched.create", a > 0 && b > 0 && c > 0, "tids %ld %ld %ld", a, b, c);
	CHECK_EQ("sched.not_yet", norder, 0);
	r2c_thd_join((word_t)a);
	r2c_set_prio(0, MY_PRIO);
	r2c_check("sched.priority_order", norder == 3 && !memcmp(order, "abc", 3),
		  "ran in order %.3s", order);
	CHECK_EQ("sched.join_done", r2c_thd_join((word_t)b), 0);
	CHECK_EQ("sched.create_bad_prio", r2c_thd_create(note, 0, 99), -EINVAL);
}

static volatile word_t spins, other_ran;
static volatile bool stop;

static void spin(void *arg)
{
	(void)arg;
	while (!stop)
		spins++;
}

static void count(void *arg)
{
	(void)arg;
	while (!stop) {
		other_ran++;
		for (volatile int i = 0; i < 1000; i++)
			;
	}
}

static void test_time_slices(void)
{
	spins = other_ran = 0;
	stop = false;
	long a = r2c_thd_create(spin, 0, 20);
	long b = r2c_thd_create(count, 0, 20);
	uint64_t t0 = r2c_tsc();
	r2c_sleep_until(t0 + ms(50));	/* I am more urgent: they share the CPU meanwhile */
	uint64_t slept = r2c_tsc() - t0;
	stop = true;
	r2c_thd_join((word_t)a);
	r2c_thd_join((word_t)b);
	r2c_check("sched.sleep", slept >= ms(50) && slept < ms(5000), "slept %lu ms", slept / ms(1));
	r2c_check("sched.no_starvation", spins > 0 && other_ran > 0,
		  "spinner %lu, other thread of the same priority %lu", spins, other_ran);
}

/* --- limits: the priority ceiling, the CPU budget ----------------------- */

static void nothing(void *arg)
{
	(void)arg;
}

static void parked(void *arg)
{
	(void)arg;
	r2c_block(0);
}

/* No thread of mine may be more urgent than my prio=, whoever asks. */
static void test_ceiling(void)
{
	CHECK_EQ("ceiling.create_above", r2c_thd_create(nothing, 0, CEILING - 1), -EPERM);
	CHECK_EQ("ceiling.create_at_0", r2c_thd_create(nothing, 0, 0), -EPERM);
	CHECK_EQ("ceiling.raise_self", r2c_set_prio(0, CEILING - 1), -EPERM);
	long h = r2c_thd_create(parked, 0, 20);
	CHECK_EQ("ceiling.raise_other", r2c_set_prio((word_t)h, 0), -EPERM);
	CHECK_EQ("ceiling.raise_other_to_ceiling", r2c_set_prio((word_t)h, CEILING), 0);
	r2c_wakeup((word_t)h);
	r2c_thd_join((word_t)h);
	/* My thread, executing in pong (prio=16), asks pong's scheduler
	 * entry: the ceiling is my component's, wherever the thread runs. */
	word_t setp = r2c_import_from("pong", "pong_set_prio");
	r2c_check("ceiling.granted", setp != 0, "no pong_set_prio");
	if (setp)
		CHECK_EQ("ceiling.raise_self_in_server", r2c_call(setp, 0, CEILING - 1, 0, 0), -EPERM);
	CHECK_EQ("ceiling.lower_self", r2c_set_prio(0, MY_PRIO), 0);
}

/* The spinner (priority 6, cpu=50%/20ms) spins for 50 periods; I, less
 * urgent and with no budget, keep reading the clock meanwhile. I must run
 * before it has run two periods' worth, it must never run one and a half
 * periods' worth while I wait (its budget at the end of one period and at
 * the start of the next make one), and of the time either of us ran (each counts the
 * clock's small steps as running: a longer jump is time someone else
 * had, or the host took from the emulator) it must not have had much
 * more than its half. Without budgets I would run only once it has
 * finished. */
static void test_budget(bool lend)
{
	const char *g = lend ? "budget_lent" : "budget";
	const struct cinfo_shm *s = r2c_shm("spin");
	if (!s) {
		r2c_check("budget.granted", false, "no shared region \"spin\"");
		return;
	}
	struct spintest *st = (void *)s->vaddr;
	uint64_t period = ms(SPIN_PERIOD_MS), first = 0, last = 0, gap = 0, mine = 0, t0 = r2c_tsc();
	uint64_t ran_first = 0, ran_last = 0, ran_wait = 0;	/* the spinner's run time, as it said */
	uint64_t step = r2c_usecs(SPINTEST_STEP_US);
	bool done;
	st->start = 0;
	st->cycles = 50 * period;
	st->lend = lend;
	uint64_t round = ++st->request;
	r2c_asnd(s->notify_slot, 0);	/* it is more urgent: it runs at once */
	do {
		done = st->done == round;
		uint64_t now = r2c_tsc();
		if (st->start && now > st->start) {
			if (!first) {
				first = now;
				ran_first = st->ran;
				last = st->start;	/* waiting from its start counts */
			}
			uint64_t d = now - last;
			if (d > gap)
				gap = d;
			if (!done && d <= step)
				mine += d;
			uint64_t r = st->ran;
			if (d > step && r - ran_last > ran_wait)	/* I waited: how long did it run? */
				ran_wait = r - ran_last;
			ran_last = r;
			last = now;
		}
		if (now - t0 > r2c_usecs(60000000))
			break;
	} while (!done);
	r2c_check_in(g, "spinner_finished", done, "the spinner did not finish its round in 60 s");
	if (!done)
		return;
	uint64_t spun = st->end - st->start, ran = spun - st->away, share = ran * 100 / (ran + mine + 1);
	r2c_printf("rtest: over %lu ms the spinner ran %lu ms (at most %lu ms while I waited), I %lu ms (it had %lu%%); "
		   "I first ran %lu us after it began, waited at most %lu ms\n", spun / ms(1), ran / ms(1),
		   ran_wait / ms(1), mine / ms(1), share, first ? (first - st->start) / r2c_usecs(1) : 0, gap / ms(1));
	/* Both checks count only the time the spinner ran: a pause of the
	 * host's (the emulator not running at all) is no one's. Without
	 * budgets it would run its 50 periods while I wait. */
	r2c_check_in(g, "low_priority_progress", first && ran_first < 2 * period,
		  "a less urgent component first ran after the spinner had run %lu ms (period %d ms)",
		  ran_first / ms(1), SPIN_PERIOD_MS);
	r2c_check_in(g, "no_long_wait", ran_wait < 3 * period / 2, "the spinner, given 50%% of %d ms, ran %lu ms while I waited",
		  SPIN_PERIOD_MS, ran_wait / ms(1));
	r2c_check_in(g, "spinner_bounded", share < 95, "the spinner, given 50%%, had %lu%% of the time we ran",
		  share);
}

/* --- synchronisation ---------------------------------------------------- */

static struct r2c_mutex mtx;
static struct r2c_cond cv;
static volatile word_t shared, owner_seen;

static void adder(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		r2c_mutex_lock(&mtx);
		word_t v = shared;
		if (i % 100 == (int)(word_t)arg)
			r2c_sched_yield();	/* let the other one try while I hold it */
		shared = v + 1;
		r2c_mutex_unlock(&mtx);
	}
}

static void holder(void *arg)
{
	(void)arg;
	r2c_mutex_lock(&mtx);
	owner_seen = r2c_mutex_owner(&mtx);
	r2c_block(0);			/* until the test wakes me */
	r2c_mutex_unlock(&mtx);
}

static void test_mutex(void)
{
	r2c_mutex_init(&mtx);
	CHECK_EQ("mutex.lock", r2c_mutex_lock(&mtx), 0);
	CHECK_EQ("mutex.owner", r2c_mutex_owner(&mtx), r2c_self());
	CHECK_EQ("mutex.relock", r2c_mutex_lock(&mtx), -EDEADLK);
	CHECK_EQ("mutex.unlock", r2c_mutex_unlock(&mtx), 0);
	CHECK_EQ("mutex.owner_cleared", r2c_mutex_owner(&mtx), 0);
	CHECK_EQ("mutex.unlock_not_mine", r2c_mutex_unlock(&mtx), -EPERM);

	long h = r2c_thd_create(holder, 0, 10);
	CHECK_EQ("mutex.owner_other", owner_seen, h);
	CHECK_EQ("mutex.trylock_busy", r2c_mutex_trylock(&mtx), -EBUSY);
	r2c_wakeup((word_t)h);
	r2c_thd_join((word_t)h);
	CHECK_EQ("mutex.trylock_free", r2c_mutex_trylock(&mtx), 0);
	r2c_mutex_unlock(&mtx);

	shared = 0;
	long a = r2c_thd_create(adder, (void *)3, 16), b = r2c_thd_create(adder, (void *)7, 16);
	r2c_thd_join((word_t)a);
	r2c_thd_join((word_t)b);
	CHECK_EQ("mutex.contended_count", shared, 2000);
}

static volatile int signalled;

static void signaller(void *arg)
{
	(void)arg;
	r2c_mutex_lock(&mtx);
	signalled = 1;
	r2c_cond_signal(&cv);
	r2c_mutex_unlock(&mtx);
}

/* Signals sent while the mutex is held hand it to each waiter in turn
 * (wait morphing): every waiter comes back owning the mutex, alone. */
static volatile int waiting, woken, inside, overlap, owned_on_return;
static struct r2c_mutex mm;
static struct r2c_cond mc;

static void morph_waiter(void *arg)
{
	uint64_t deadline = arg ? r2c_tsc() + ms(2) : 0;	/* one waits with a short time-out */
	r2c_mutex_lock(&mm);
	waiting++;
	long r = deadline ? r2c_cond_timedwait(&mc, &mm, deadline) : r2c_cond_wait(&mc, &mm);
	/* signalled, or (on a slow host) timed out before the broadcast: the
	 * mutex is mine again either way */
	owned_on_return += (r == 0 || r == -ETIMEDOUT) && r2c_mutex_owner(&mm) == r2c_self();
	overlap += inside++;
	r2c_sched_yield();	/* nobody else may get in meanwhile */
	inside--;
	woken++;
	r2c_mutex_unlock(&mm);
}

static void test_cond_morph(void)
{
	r2c_mutex_init(&mm);
	r2c_cond_init(&mc);
	long t[3];
	for (int i = 0; i < 3; i++)
		t[i] = r2c_thd_create(morph_waiter, i == 0 ? (void *)1 : NULL, 14);
	while (waiting < 3)
		r2c_sched_yield();
	r2c_mutex_lock(&mm);
	r2c_cond_broadcast(&mc);
	r2c_sleep_until(r2c_tsc() + ms(5));	/* past the short time-out, still holding the mutex */
	r2c_mutex_unlock(&mm);
	for (int i = 0; i < 3; i++)
		r2c_thd_join((word_t)t[i]);
	r2c_check("cond.broadcast_hands_mutex_over", woken == 3 && owned_on_return == 3 && !overlap,
		  "%d woken, %d returned owning it, %d overlaps", woken, owned_on_return, overlap);
}

static void test_cond(void)
{
	r2c_cond_init(&cv);
	r2c_mutex_lock(&mtx);
	uint64_t t0 = r2c_tsc();
	long r = r2c_cond_timedwait(&cv, &mtx, t0 + ms(5));
	uint64_t dt = r2c_tsc() - t0;
	r2c_check("cond.timeout", r == -ETIMEDOUT && dt >= ms(5), "returned %ld after %lu us", r,
		  dt / r2c_usecs(1));
	CHECK_EQ("cond.timeout_relocks", r2c_mutex_owner(&mtx), r2c_self());
	CHECK_EQ("cond.no_waiters", r2c_cond_has_waiters(&cv), 0);
	r2c_thd_create(signaller, 0, 18);	/* less urgent: runs when I wait */
	r = 0;
	while (!signalled && !r)
		r = r2c_cond_timedwait(&cv, &mtx, r2c_tsc() + ms(2000));
	CHECK_EQ("cond.signal", r, 0);
	CHECK_EQ("cond.signal_relocks", r2c_mutex_owner(&mtx), r2c_self());
	r2c_mutex_unlock(&mtx);
	test_cond_morph();
}

static struct r2c_rwlock rw;
static volatile int readers_in, max_readers, writer_in, rw_violation;

static void reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		r2c_rw_rdlock(&rw);
		if (writer_in)
			rw_violation = 1;
		if (++readers_in > max_readers)
			max_readers = readers_in;
		r2c_sched_yield();
		readers_in--;
		r2c_rw_unlock(&rw);
	}
}

static void writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		r2c_rw_wrlock(&rw);
		writer_in = 1;
		if (readers_in)
			rw_violation = 1;
		r2c_sched_yield();
		writer_in = 0;
		r2c_rw_unlock(&rw);
	}
}

static void test_rwlock(void)
{
	r2c_rw_init(&rw);
	CHECK_EQ("rw.rdlock", r2c_rw_rdlock(&rw), 0);
	CHECK_EQ("rw.held_read", r2c_rw_held_read(&rw), 1);
	CHECK_EQ("rw.trywrlock_busy", r2c_rw_trywrlock(&rw), -EBUSY);
	CHECK_EQ("rw.tryupgrade", r2c_rw_tryupgrade(&rw), 0);
	CHECK_EQ("rw.held_write", r2c_rw_held_write(&rw), 1);
	r2c_rw_downgrade(&rw);
	r2c_check("rw.downgrade", !r2c_rw_held_write(&rw) && r2c_rw_held_read(&rw), "still a writer");
	CHECK_EQ("rw.unlock", r2c_rw_unlock(&rw), 0);
	CHECK_EQ("rw.unlock_unheld", r2c_rw_unlock(&rw), -EPERM);
	long r1 = r2c_thd_create(reader, 0, 16), r2 = r2c_thd_create(reader, 0, 16);
	r2c_thd_join((word_t)r1);
	r2c_thd_join((word_t)r2);
	r2c_check("rw.shared_readers", max_readers == 2, "at most %d readers at once", max_readers);
	/* With writers about, a waiting writer holds new readers back. */
	long t[4] = { r2c_thd_create(reader, 0, 16), r2c_thd_create(writer, 0, 16),
		      r2c_thd_create(reader, 0, 16), r2c_thd_create(writer, 0, 16) };
	for (int i = 0; i < 4; i++)
		r2c_thd_join((word_t)t[i]);
	r2c_check("rw.exclusion", !rw_violation && !readers_in && !writer_in,
		  "a reader and a writer were in together");
}

/* --- memory --------------------------------------------------------------- */

static void test_heap(void)
{
	char *p = r2c_malloc(100), *q = r2c_aligned_alloc(4096, 5000);
	r2c_check("heap.malloc", p && q && ((word_t)q & 4095) == 0, "p %p q %p", (void *)p, (void *)q);
	memset(p, 'x', 100);
	p = r2c_realloc(p, 100000);
	r2c_check("heap.realloc_keeps", p && p[0] == 'x' && p[99] == 'x', "realloc lost the data");
	r2c_free(p);
	r2c_free(q);

	/* Exhaust the budget: NULL, not a crash, and the memory comes back. */
	void **blocks = r2c_malloc(4096 * sizeof(void *));
	int n = 0;
	while (n < 4096 && (blocks[n] = r2c_malloc(64 * 1024)))
		n++;
	r2c_check("heap.exhaustion", n > 0 && n < 4096, "%d blocks of 64 KiB before NULL", n);
	for (int i = 0; i < n; i++)
		r2c_free(blocks[i]);
	void *again = r2c_malloc(64 * 1024);
	r2c_check("heap.reuse_after_exhaustion", again != NULL, "no memory after freeing");
	r2c_free(again);
	r2c_free(blocks);
}

/* --- RAM disks ------------------------------------------------------------ */

static uint64_t block_sum(const word_t *w, word_t words)
{
	uint64_t s = 0;
	for (word_t i = 0; i < words; i++)
		s = s * 31 + w[i];
	return s;
}

/* The disk lent to me, as rk borrows it: what I write into it the server
 * reads for its clients of the shared buffer, and the other way round,
 * to the disk's last word; the loan is the whole disk, no more, and goes
 * when given back. (Before the server lent its disk there was no
 * ramdisk_map, and rk copied every block twice through the buffer.) */
static void test_ramdisk_lent(word_t nblocks, volatile word_t *buf)
{
	word_t map = r2c_import_from("ramdisk", "ramdisk_map"), unmap = r2c_import_from("ramdisk", "ramdisk_unmap"),
	       rd = r2c_import_from("ramdisk", "ramdisk_read"), wr = r2c_import_from("ramdisk", "ramdisk_write");
	long shares = r2c_shares();
	struct r2c_ret m = map ? r2c_invoke(map, 0, 0, 0, 0) : (struct r2c_ret){ -ENOENT, 0, 0, 0 };
	word_t bytes = nblocks * RAMDISK_BLOCK;
	bool lent = unmap && m.status == 0 && m.r0 == 0 && m.r2 == bytes && m.r1 >= COMP_SHM_BASE &&
		    m.r1 + m.r2 <= COMP_MODULE_BASE;
	r2c_check("ramdisk.lent", lent, "ramdisk_map: status %ld, %ld, %lu bytes at 0x%lx", m.status, (long)m.r0, m.r2,
		  m.r1);
	if (!lent)
		return;
	volatile word_t *disk = (volatile word_t *)m.r1;
	word_t per_block = RAMDISK_BLOCK / 8;
	disk[5 * per_block + 3] = 0x0123456789abcdefull;
	r2c_call(rd, 5, 1, 0, 0);
	CHECK_EQ("ramdisk.lent_write_seen", buf[3], 0x0123456789abcdefull);
	buf[0] = 0xfeedfacecafef00dull;
	r2c_call(wr, 7, 1, 0, 0);
	CHECK_EQ("ramdisk.lent_read_sees", disk[7 * per_block], 0xfeedfacecafef00dull);
	disk[bytes / 8 - 1] = 42;
	r2c_call(rd, nblocks - 1, 1, 0, 0);
	CHECK_EQ("ramdisk.lent_whole", buf[per_block - 1], 42);
	CHECK_EQ("ramdisk.lent_shares", r2c_shares(), shares + 1);
	CHECK_EQ("ramdisk.lent_given_back", r2c_call(unmap, m.r1, 0, 0, 0), 0);
	CHECK_EQ("ramdisk.lent_shares_back", r2c_shares(), shares);
	CHECK_EQ("ramdisk.lent_unmap_twice", r2c_call(unmap, m.r1, 0, 0, 0), -ENOENT);
}

static void test_ramdisk(void)
{
	word_t geo = r2c_import_from("ramdisk", "ramdisk_geometry"), rd = r2c_import_from("ramdisk", "ramdisk_read"),
	       wr = r2c_import_from("ramdisk", "ramdisk_write"), fl = r2c_import_from("ramdisk", "ramdisk_flush");
	const struct cinfo_shm *sh = r2c_shm("ramdisk");
	if (!geo || !rd || !wr || !fl || !sh) {
		r2c_check("ramdisk.granted", false, "no ramdisk interface or buffer");
		return;
	}
	struct r2c_ret g = r2c_invoke(geo, 0, 0, 0, 0);
	word_t nblocks = g.r0, per = sh->size / RAMDISK_BLOCK;
	r2c_check("ramdisk.geometry", g.status == 0 && nblocks == ((64u << 20) + 1024) / 512 && g.r1 == 512,
		  "%lu blocks of %lu bytes", nblocks, g.r1);
	word_t *buf = (word_t *)sh->vaddr;

	/* Every block: a pattern from its number, written, flushed, read back. */
	uint64_t wsum = 0, rsum = 0, t0 = r2c_tsc();
	long bad = 0;
	for (word_t b = 0; b < nblocks; b += per) {
		word_t n = nblocks - b < per ? nblocks - b : per, nwords = n * RAMDISK_BLOCK / 8;
		for (word_t i = 0; i < nwords; i++)
			buf[i] = (b * RAMDISK_BLOCK / 8 + i) * 0x9E3779B97F4A7C15ull;
		wsum += block_sum(buf, nwords);
		if (r2c_call(wr, b, n, 0, 0) != (long)(n * RAMDISK_BLOCK))
			bad++;
	}
	CHECK_EQ("ramdisk.flush", r2c_call(fl, 0, 0, 0, 0), 0);
	for (word_t b = 0; b < nblocks; b += per) {
		word_t n = nblocks - b < per ? nblocks - b : per;
		memset(buf, 0, sh->size);
		if (r2c_call(rd, b, n, 0, 0) != (long)(n * RAMDISK_BLOCK))
			bad++;
		rsum += block_sum(buf, n * RAMDISK_BLOCK / 8);
	}
	r2c_check("ramdisk.every_block", !bad && wsum == rsum, "%ld failed transfers, checksums %lx / %lx",
		  bad, wsum, rsum);
	r2c_printf("rtest: 64 MiB and 1 KiB written and read back in %lu ms\n", (r2c_tsc() - t0) / ms(1));

	CHECK_EQ("ramdisk.read_past_end", r2c_call(rd, nblocks, 1, 0, 0), -ERANGE);
	CHECK_EQ("ramdisk.read_zero", r2c_call(rd, 0, 0, 0, 0), -ERANGE);
	CHECK_EQ("ramdisk.overflow", r2c_call(rd, 2, ~0ull, 0, 0), -ERANGE);
	CHECK_EQ("ramdisk.misaligned", r2c_call(rd, 0, 1, 100, 0), -EINVAL);
	CHECK_EQ("ramdisk.past_buffer", r2c_call(rd, 0, 2, sh->size - 512, 0), -EINVAL);
	memset(buf, 0xAB, 1024);
	CHECK_EQ("ramdisk.write_straddling_end", r2c_call(wr, nblocks - 1, 2, 0, 0), -ERANGE);
	r2c_call(rd, nblocks - 1, 1, 0, 0);
	word_t expect = ((nblocks - 1) * RAMDISK_BLOCK / 8) * 0x9E3779B97F4A7C15ull;
	CHECK_EQ("ramdisk.no_partial_write", buf[0], expect);

	test_ramdisk_lent(nblocks, buf);

	/* The second disk holds an ext2 image made by mke2fs at build time. */
	word_t rd1 = r2c_import_from("ext2disk", "ramdisk_read");
	const struct cinfo_shm *sh1 = r2c_shm("ext2disk");
	if (!rd1 || !sh1) {
		r2c_check("ramdisk.ext2_granted", false, "no ext2disk");
		return;
	}
	const unsigned char *b1 = (const unsigned char *)sh1->vaddr;
	CHECK_EQ("ramdisk.ext2_read", r2c_call(rd1, 2, 1, 0, 0), 512);	/* superblock at byte 1024 */
	r2c_check("ramdisk.ext2_magic", b1[56] == 0x53 && b1[57] == 0xEF,
		  "superblock magic %02x%02x", b1[57], b1[56]);
}

/* --- shared-memory ring ----------------------------------------------------- */

static void test_ring(void)
{
	const struct cinfo_shm *s = r2c_shm("ring");
	if (!s) {
		r2c_check("ring.granted", false, "no shared region \"ring\"");
		return;
	}
	struct ringtest_status *st = (void *)(s->vaddr + RINGTEST_STATUS_OFF);
	struct ring *r = ring_init((void *)s->vaddr, RINGTEST_RING_BYTES, 64);
	r2c_asnd(s->notify_slot, 0);
	uint64_t t0 = r2c_tsc();
	word_t msg[8] = { 0 }, full = 0;
	for (word_t i = 0; i < RINGTEST_MESSAGES; i++) {
		msg[0] = i;
		int e;
		while ((e = ring_push(r, msg, 8 * (1 + i % 8))) < 0) {
			full++;
			r2c_sched_yield();	/* the consumer has my priority */
		}
		if (e == 1)		/* it was empty: the consumer may be asleep */
			r2c_asnd(s->notify_slot, 0);
	}
	while (!st->done && r2c_tsc() - t0 < r2c_usecs(60000000))
		r2c_rcv(0);		/* ringpeer sends when done */
	uint64_t dt = r2c_tsc() - t0;
	r2c_check("ring.million_in_order", st->done && st->received == RINGTEST_MESSAGES && !st->out_of_order &&
		  !st->bad_length, "received %lu, %lu out of order, %lu bad lengths", st->received,
		  st->out_of_order, st->bad_length);
	r2c_printf("rtest: %u messages in %lu ms, producer waited %lu times\n", RINGTEST_MESSAGES,
		   dt / ms(1), full);
}

/* --- console lines ------------------------------------------------------ */

static void talker(void *arg)
{
	char c = (char)(word_t)arg;
	char piece[10];
	memset(piece, c, sizeof(piece));
	r2c_puts(c == 'a' ? "LINE-A: " : "LINE-B: ", 8);
	for (int i = 0; i < 10; i++) {	/* a line in pieces, yielding in between */
		r2c_puts(piece, sizeof(piece));
		r2c_sched_yield();
	}
	r2c_puts("\n", 1);
}

static void test_console_lines(void)
{
	long a = r2c_thd_create(talker, (void *)'a', 16), b = r2c_thd_create(talker, (void *)'b', 16);
	r2c_thd_join((word_t)a);
	r2c_thd_join((word_t)b);
	/* tools/run-tests checks that both lines came out whole */
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_set_prio(0, MY_PRIO);
	r2c_ready();
	r2c_plan(RTEST_CHECKS);
	share_prepare();
	test_priorities();
	test_ceiling();
	test_budget(false);
	test_budget(true);
	test_time_slices();
	test_mutex();
	test_cond();
	test_rwlock();
	test_heap();
	test_ramdisk();
	test_ring();
	test_share();
	test_authority();
	test_parked();
	test_limits();
	test_console_lines();
	test_churn();
	r2c_printf("rtest: runtime tests: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
