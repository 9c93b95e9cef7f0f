/*
 * rtest: what is given back can be had again. Shared memory on request
 * lends the caller's own pages (never anybody else's) and is taken back;
 * threads, shares and their records, slots and frames come back to the
 * root after churn, so the counts the scheduler reports are as before.
 */
#include "r2c.h"
#include "rtest.h"

static long capacity(int kind)
{
	return r2c_sched_capacity(kind);
}

/* A page of mine where a disk would be, mapped while I still have frames
 * (test_heap exhausts them): the result of mapping it. */
#define AT_DISK (COMP_DISK_BASE + 4096)
static long disk_page;

void share_prepare(void)
{
	disk_page = r2c_map(&r2c_self_mem, r2c_self_mem.self_slot, AT_DISK, MAP_WRITE);
}

void test_share(void)
{
	long pong = r2c_server_id("pong");
	word_t peek = r2c_import("pong_peek"), poke = r2c_import("pong_poke"), their = 0;
	if (pong < 0 || !peek || !poke) {
		r2c_check("share.granted", false, "no pong");
		return;
	}
	/* A heap block next to what I lend: nobody else may write it. */
	volatile word_t *mine_heap = r2c_malloc(64);
	char *pages = r2c_alloc_pages(8192, 4096);
	if (!mine_heap || !pages) {
		r2c_check("share.pages", false, "no memory");
		return;
	}
	mine_heap[0] = 0x5a5a5a5a;
	CHECK_EQ("share.request", r2c_share((word_t)pong, pages, 8192, &their), 0);
	r2c_check("share.peer_address", their >= COMP_SHM_BASE && their < COMP_MODULE_BASE, "at 0x%lx", their);
	*(volatile word_t *)(pages + 4096) = 0xfeedface;
	CHECK_EQ("share.seen_by_peer", r2c_call(peek, their + 4096, 0, 0, 0), 0xfeedface);
	r2c_call(poke, their + 8, 0x1234, 0, 0);
	CHECK_EQ("share.written_by_peer", ((volatile word_t *)pages)[1], 0x1234);
	CHECK_EQ("share.heap_untouched", mine_heap[0], 0x5a5a5a5a);

	/* Only what I have mapped, writable, page by page. */
	word_t t2;
	CHECK_EQ("share.not_mapped", r2c_share((word_t)pong, (void *)0x0ff00000, 4096, &t2), -ENOENT);
	CHECK_EQ("share.read_only", r2c_share((word_t)pong, (void *)CINFO_VADDR, 4096, &t2), -EPERM);
	/* What I borrowed (the boot-time ring shared with ringpeer) is not mine to lend on. */
	const struct cinfo_shm *ring = r2c_shm("ring");
	r2c_check("share.not_onward", ring && r2c_share((word_t)pong, (void *)ring->vaddr, 4096, &t2) == -EPERM,
		  "lending the ring at 0x%lx on to pong", ring ? ring->vaddr : 0);
	CHECK_EQ("share.not_related", r2c_share(r2c_env->id, pages, 4096, &t2), -EPERM);
	CHECK_EQ("share.too_big", r2c_share((word_t)pong, pages, 1ull << 40, &t2), -EINVAL);
	CHECK_EQ("share.unaligned", r2c_share((word_t)pong, pages + 8, 4096, &t2), -EINVAL);
	CHECK_EQ("share.no_such_peer", r2c_share(1000, pages, 4096, &t2), -EPERM);
	/* A disk may be lent only by the server whose composition line gives
	 * it one (rk borrows rd0's so): I have none, so a page of mine mapped
	 * where a disk would be is not lendable either. */
	long lent = disk_page ? 0 : r2c_share((word_t)pong, (void *)AT_DISK, 4096, &t2);
	r2c_check("share.no_disk_of_mine", !disk_page && lent == -EPERM, "mapping a page there: %ld, lending it: %ld",
		  disk_page, lent);

	CHECK_EQ("share.unshare", r2c_unshare((word_t)pong, their), 0);
	CHECK_EQ("share.unshare_twice", r2c_unshare((word_t)pong, their), -ENOENT);
	CHECK_EQ("share.none_left", r2c_shares(), 0);
	CHECK_EQ("share.again_same_place", r2c_share((word_t)pong, pages, 8192, &t2) == 0 && t2 == their, 1);
	r2c_unshare((word_t)pong, t2);
	r2c_free_pages(pages, 8192);
	r2c_free((void *)mine_heap);
}

static void nothing(void *arg)
{
	(void)arg;
}

/* Parked threads wait in their own component: the root's few stacks
 * stay free however many wait. */
#define PARKED 200
static void park_self(void *arg)
{
	(void)arg;
	r2c_block(0);
}

void test_parked(void)
{
	static long tid[PARKED];
	int made = 0;
	long before = capacity(SCHED_CAP_STACKS);
	for (int i = 0; i < PARKED; i++)
		made += (tid[i] = r2c_thd_create(park_self, NULL, 16)) > 0;
	r2c_sleep_until(r2c_tsc() + r2c_usecs(20000));	/* they all run and park */
	long stacks = capacity(SCHED_CAP_STACKS);
	int woken = 0, joined = 0;
	for (int i = 0; i < PARKED; i++)
		if (tid[i] > 0) {
			woken += r2c_wakeup((word_t)tid[i]) == 0;
			joined += r2c_thd_join((word_t)tid[i]) == 0;
		}
	r2c_check("parked.threads", made == PARKED && woken == PARKED && joined == PARKED,
		  "%d made, %d woken, %d joined of %d", made, woken, joined, PARKED);
	r2c_check("parked.no_root_stacks", stacks >= before - 4, "%ld of the root's stacks free with %d threads parked, %ld before",
		  stacks, PARKED, before);
}

/* One component cannot take every thread record or share of the system. */
#define LIMIT_TRY 300
void test_limits(void)
{
	static long tid[LIMIT_TRY];
	int made = 0;
	long refused = 0;
	for (; made < LIMIT_TRY; made++)
		if ((tid[made] = r2c_thd_create(park_self, NULL, 16)) <= 0) {
			refused = tid[made];
			break;
		}
	r2c_check("limits.threads", refused == -EAGAIN && made < 256, "%d threads made, then %ld", made, refused);
	r2c_sleep_until(r2c_tsc() + r2c_usecs(20000));
	for (int i = 0; i < made; i++) {
		r2c_wakeup((word_t)tid[i]);
		r2c_thd_join((word_t)tid[i]);
	}
	long other = r2c_thd_create(park_self, NULL, 16);
	r2c_check("limits.threads_again", other > 0, "after the joins: %ld", other);
	if (other > 0) {
		r2c_wakeup((word_t)other);
		r2c_thd_join((word_t)other);
	}

	long pong = r2c_server_id("pong");
	char *page = r2c_alloc_pages(4096, 4096);
	static word_t at[40];
	int shared = 0;
	long why = 0;
	for (; page && shared < 40; shared++)
		if ((why = r2c_share((word_t)pong, page, 4096, &at[shared])))
			break;
	r2c_check("limits.shares", why == -ENOSPC && shared == 32, "%d shares, then %ld", shared, why);
	for (int i = 0; i < shared; i++)
		r2c_unshare((word_t)pong, at[i]);
	if (page)
		r2c_free_pages(page, 4096);
}

#define CHURN_THREADS 100000
#define CHURN_SHARES 10000

void test_churn(void)
{
	struct r2c_capacity before = r2c_capacity_now();
	r2c_check("churn.capacity_known", before.records > 0 && before.slots > 0 && before.frames > 0,
		  "records %ld, slots %ld, frames %ld", before.records, before.slots, before.frames);
	uint64_t t0 = r2c_tsc();
	long bad = 0, last = 0;
	for (int i = 0; i < CHURN_THREADS && !bad; i++) {
		long tid = r2c_thd_create(nothing, NULL, 16);
		if (tid <= 0 || r2c_thd_join((word_t)tid))
			bad = tid <= 0 ? tid : -1, last = i;
	}
	r2c_check("churn.threads", !bad, "thread %ld of %d: %ld", last, CHURN_THREADS, bad);
	r2c_check_capacity_back("churn.threads", &before);
	r2c_printf("rtest: %d threads created, ended and joined in %lu ms\n", CHURN_THREADS,
		   (r2c_tsc() - t0) / r2c_usecs(1000));

	long pong = r2c_server_id("pong");
	char *pages = r2c_alloc_pages(4 * 4096, 4096);
	word_t their;
	bad = 0;
	for (int i = 0; i < CHURN_SHARES && !bad && pages; i++) {
		word_t bytes = 4096 * (word_t)(1 + i % 4);
		if ((bad = r2c_share((word_t)pong, pages, bytes, &their)) || (bad = r2c_unshare((word_t)pong, their)))
			last = i;
	}
	r2c_check("churn.shares", pages && !bad, "share %ld of %d: %ld", last, CHURN_SHARES, bad);
	CHECK_EQ("churn.shares_none_left", r2c_shares(), 0);
	CHECK_EQ("churn.shares_frames_back", capacity(SCHED_CAP_FRAMES), before.frames);
	r2c_free_pages(pages, 4 * 4096);
}
