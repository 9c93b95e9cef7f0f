/*
 * rksoak: rk micro-rebooted 1,000 times under a client's load (make soak,
 * compose/soak.comp, docs/reboot.md "Soak"). Why: one reboot working says
 * little about the thousandth, and the time from a fault to serving again
 * is a distribution, not a number: its median and p99, phase by phase,
 * need many reboots, and "no fsynced byte is ever lost" needs them too.
 * The main thread crashes rk REBOOTS times (arg=N: N instead) at random
 * moments (inject=call: a wild pointer, a NetBSD panic or a fault inside a
 * disk hypercall, after a random number of calls) and after each reboot
 * prints one line with that reboot's phases in TSC cycles, from the
 * stamps rk gives (rk_counts RK_COUNT_BOOT: the booter's and its own).
 * Meanwhile two threads write and fsync files on /ffs (FFS with its log)
 * and /ext (ext2), and after each reboot they met read back every file
 * they fsynced last and count the bytes not as fsynced: lost bytes, which
 * must stay 0. tools/soak turns the lines into the median and p99 table.
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "rkclient/syscall.h"
#include "rkclient/inject.h"
#include "fmt/fmt.h"

#define REBOOTS		1000
#define THREADS		2
#define SLOTS		8		/* files per thread, written over and over */
#define FILE_BYTES	8192
#define CHUNK		2048		/* each file written in FILE_BYTES / CHUNK writes */
#define PAUSE_US	20000		/* at most this long between a recovery and the next crash */
#define TOLD_MAX	8		/* lost files told one by one, then only counted */

static const char *const mounts[] = { "/ffs", "/ext" };
static _Atomic bool stop;

struct slot { int mount; long gen; bool known; };	/* the content fsynced last, if known */

struct worker {
	int id;
	struct slot slots[SLOTS];
	unsigned long recoveries_checked;
	long rounds, fsynced, eio, other_errors, verifications, verified_bytes, lost_bytes;
	int last_errno;
	const char *last_call;
};
static struct worker workers[THREADS];
static _Atomic int told;

static char pattern(int t, long gen, size_t i)
{
	return (char)('a' + (t * 5 + gen * 7 + (long)(i % 29)) % 26);
}

static void path_of(char *buf, size_t n, int mount, int t, int slot)
{
	fmt_snprintf(buf, n, "%s/soak-t%d-s%d", mounts[mount], t, slot);
}

/* An error a thread saw: EIO is what the client library answers for a
 * call a reboot interrupted that may not be made again (docs/reboot.md
 * "What a client sees"); anything else is counted apart. */
static void saw(struct worker *w, const char *call)
{
	if (errno == EIO) {
		w->eio++;
		return;
	}
	w->other_errors++;
	w->last_errno = errno;
	w->last_call = call;
}

/* One round: a slot's file made anew, written, fsynced, closed. */
static void round_once(struct worker *w, long gen)
{
	static char bufs[THREADS][FILE_BYTES];
	char *buf = bufs[w->id];
	int t = w->id, s = (int)(gen % SLOTS), m = (int)((gen + t) % 2);
	char path[48];
	struct slot *sl = &w->slots[s];
	if (sl->known && sl->mount != m) {	/* the other mount's copy is no longer the last one */
		path_of(path, sizeof(path), sl->mount, t, s);
		unlink(path);			/* may fail any way: not counted */
	}
	sl->known = false;			/* O_TRUNC: what was fsynced there goes */
	path_of(path, sizeof(path), m, t, s);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	if (fd < 0) {
		saw(w, "open");
		return;
	}
	for (size_t i = 0; i < FILE_BYTES; i++)
		buf[i] = pattern(t, gen, i);
	bool ok = true;
	for (size_t off = 0; ok && off < FILE_BYTES; off += CHUNK)
		if (write(fd, buf + off, CHUNK) != CHUNK) {
			saw(w, "write");
			ok = false;
		}
	if (ok && fsync(fd) != 0) {
		saw(w, "fsync");
		ok = false;
	}
	if (ok) {
		*sl = (struct slot){ m, gen, true };
		w->fsynced++;
	}
	if (close(fd) != 0)
		saw(w, "close");
}

/* Every file of worker w fsynced last, read back through a new
 * descriptor: the bytes not as fsynced are lost. */
static void verify(struct worker *w)
{
	static char bufs[THREADS][FILE_BYTES + 1];	/* the final pass is after the worker ended */
	char *buf = bufs[w->id];
	for (int s = 0; s < SLOTS; s++) {
		struct slot *sl = &w->slots[s];
		if (!sl->known)
			continue;
		char path[48];
		path_of(path, sizeof(path), sl->mount, w->id, s);
		int fd = open(path, NB_O_RDONLY, 0);
		long n = fd >= 0 ? read(fd, buf, FILE_BYTES + 1) : -1;
		if (fd >= 0)
			close(fd);
		long same = 0;
		for (long i = 0; i < n && i < FILE_BYTES; i++)
			same += buf[i] == pattern(w->id, sl->gen, (size_t)i);
		w->verifications++;
		w->verified_bytes += same;
		if (same != FILE_BYTES || n != FILE_BYTES) {
			w->lost_bytes += FILE_BYTES - same;
			if (atomic_fetch_add(&told, 1) < TOLD_MAX)
				r2c_printf("rksoak: %s (round %ld): read %ld, errno %d, %ld of %d bytes as fsynced\n",
					   path, sl->gen, n, errno, same, FILE_BYTES);
		}
	}
}

static void work(void *arg)
{
	struct worker *w = arg;
	for (long gen = 1; !atomic_load(&stop); gen++) {
		unsigned long r = rk_recoveries();
		if (r != w->recoveries_checked) {	/* a reboot since the last look */
			w->recoveries_checked = r;
			verify(w);
		}
		round_once(w, gen);
		w->rounds++;
	}
	rk_thread_done();
}

static uint64_t seed;
static uint64_t rnd(uint64_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed % n;
}

/* The last reboot's stamps from rk, whole and in order: false while rk
 * is down again (NetBSD panicked on its own on what a crash left on ext2,
 * docs/reboot.md) or that reboot was already told. */
static long last_told;
static bool stamps(long st[RK_BOOT_STAMPS])
{
	for (int k = 0; k < RK_BOOT_STAMPS; k++)
		st[k] = rk_counts(RK_COUNT_BOOT, k);
	bool ok = st[RK_BOOT_NUMBER] > last_told;
	for (int k = RK_BOOT_FAULT; k < RK_BOOT_STAMPS; k++)
		ok &= st[k] > 0 && (k == RK_BOOT_FAULT || st[k] >= st[k - 1]);
	return ok;
}

/* One line of the last reboot's phases in TSC cycles, once it is up. */
static bool tell_reboot(void)
{
	long st[RK_BOOT_STAMPS];
	uint64_t end = r2c_tsc() + r2c_usecs(10000000);
	while (!stamps(st))
		if (r2c_tsc() > end)
			return false;
		else
			r2c_sleep_until(r2c_tsc() + r2c_usecs(1000));
	last_told = st[RK_BOOT_NUMBER];
	r2c_printf("rksoak: reboot %ld: unwind %ld reset %ld boot %ld remount %ld cycles\n", st[RK_BOOT_NUMBER],
		   st[RK_BOOT_REBOOT] - st[RK_BOOT_FAULT], st[RK_BOOT_RESET] - st[RK_BOOT_REBOOT],
		   st[RK_BOOT_RUMP] - st[RK_BOOT_RESET], st[RK_BOOT_UP] - st[RK_BOOT_RUMP]);
	return true;
}

static long reboots_wanted(void)
{
	long n = 0;
	for (const char *p = r2c_env->arg; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (*p - '0');
	return n > 0 ? n : REBOOTS;
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_plan(6);
	word_t inject_slot = r2c_import("rk_inject");
	if (rk_sys_init("rk") || !inject_slot) {
		r2c_check("rksoak.granted", false, "no rk interface or no rk_inject");
		return;
	}
	long wanted = reboots_wanted();
	seed = r2c_tsc() | 1;
	r2c_printf("rksoak: %ld reboots of rk under load; TSC %lu Hz\n", wanted, r2c_env->tsc_hz);
	uint64_t t0 = r2c_tsc();
	long tids[THREADS];
	for (int t = 0; t < THREADS; t++) {
		workers[t].id = t;
		tids[t] = r2c_thd_create(work, &workers[t], 16);
	}
	long crashed = 0, measured = 0;
	while (crashed < wanted) {
		r2c_sleep_until(r2c_tsc() + r2c_usecs(rnd(PAUSE_US)));
		long kind = RK_INJECT_WILD + (long)rnd(3);
		long e = rk_crash(inject_slot, kind, (long)rnd(12), 60000000);
		if (e) {
			r2c_printf("rksoak: crash %ld: %s %ld\n", crashed + 1, e > 0 ? "rk_inject refused" : "no recovery", e);
			break;
		}
		crashed++;
		measured += tell_reboot();
	}
	atomic_store(&stop, true);
	for (int t = 0; t < THREADS; t++)
		if (tids[t] > 0)
			r2c_thd_join((word_t)tids[t]);
	long rounds = 0, fsynced = 0, eio = 0, other = 0, checks = 0, bytes = 0, lost = 0;
	for (int t = 0; t < THREADS; t++) {
		struct worker *w = &workers[t];
		verify(w);	/* and once more at the end */
		if (w->other_errors)
			r2c_printf("rksoak: thread %d: %ld errors other than EIO (last: %s errno %d)\n", t,
				   w->other_errors, w->last_call, w->last_errno);
		rounds += w->rounds, fsynced += w->fsynced, eio += w->eio, other += w->other_errors;
		checks += w->verifications, bytes += w->verified_bytes, lost += w->lost_bytes;
	}
	uint64_t ms = (r2c_tsc() - t0) / r2c_usecs(1000);
	long reboots = rk_counts(RK_COUNT_BOOT, RK_BOOT_NUMBER);
	r2c_printf("rksoak: %ld crashes, %ld reboots (%ld measured), %lu recoveries in %lu ms\n", crashed, reboots,
		   measured, rk_recoveries(), ms);
	r2c_printf("rksoak: %ld rounds, %ld files fsynced, %ld EIO, %ld other errors\n", rounds, fsynced, eio, other);
	r2c_printf("rksoak: %ld files verified after reboots (%ld bytes); lost fsynced bytes %ld\n", checks, bytes,
		   lost);
	CHECK_EQ("rksoak.crashes", crashed, wanted);
	CHECK_EQ("rksoak.measured", measured, crashed);
	r2c_check("rksoak.load", rounds > crashed && fsynced > crashed && checks > crashed,
		  "%ld rounds, %ld fsynced, %ld verified for %ld crashes", rounds, fsynced, checks, crashed);
	CHECK_EQ("rksoak.lost_fsynced_bytes", lost, 0L);
	CHECK_EQ("rksoak.other_errors", other, 0L);
	struct nb_statvfs st;
	r2c_check("rksoak.ffs_logged", statvfs("/ffs", &st) == 0 && (st.f_flag & NB_MNT_LOG),
		  "/ffs not mounted with log after the reboots (errno %d)", errno);
	r2c_printf("rksoak: soak: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
