/*
 * rkrec: a client's files across micro-reboots of rk (compose/test-rk-
 * recover.comp, suite rk-recover). Why: the client library
 * (lib/rkclient/recover.c) promises that a client goes on as if rk had
 * not crashed: its files re-opened at their offsets, the call that met
 * the crash made again when that is safe, and the rule "fsynced data is
 * there; data written since the last fsync is there or the application
 * got an error" (docs/reboot.md); and it promises that to every client
 * of rk at once, each with its own NetBSD process put back by itself.
 * The composition runs this image twice. In each, two threads write,
 * fsync and read back files on FFS (log) and ext2 in a directory of the
 * client's own (/ffs/NAME, /ext/NAME), and each reads a long file
 * through one descriptor kept open all the time. The one with
 * arg=crash:PEER (the crasher) waits until PEER works too, then its main
 * thread crashes rk 20 times at random moments (inject=call: a wild
 * pointer, a NetBSD panic, a fault inside a disk hypercall, each after a
 * random number of calls), then writes /ffs/rec-stop and waits for PEER's
 * /ffs/PEER/done. The other (no arg) works until /ffs/rec-stop appears.
 * Afterwards, in each client: every fsynced byte reads back, the only
 * errors its threads saw are EIO on the calls the rule allows, the kept
 * descriptor read the right bytes all along, and a socket and a pipe
 * opened before the crashes answer ECONNRESET and EBADF. Each client
 * checks and counts its own (check names NAME.*) and prints its own
 * summary line.
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "rkclient/syscall.h"
#include "rkclient/inject.h"
#include "fmt/fmt.h"
#include <string.h>

#define CRASHES		20
#define THREADS		2
#define SLOTS		8		/* files per thread, written over and over */
#define FILE_BYTES	8192
#define CHUNK		2048		/* each file written in FILE_BYTES / CHUNK writes */
#define LONG_BYTES	32768		/* the file read through the kept descriptor */
#define LONG_READ	1000

static const char *const mounts[] = { "/ffs", "/ext" };
static const char *me;			/* this component's name: its directories, its checks */
static word_t inject_slot;
static _Atomic bool stop;

struct slot { int mount; long gen; bool known; };	/* the content fsynced last, if known */

struct worker {
	int id;
	struct slot slots[SLOTS];
	long rounds, fsynced, eio_open, eio_write, eio_fsync, eio_close, bad;
	long long_reads, long_bad, verify_bad;
	int bad_errno;
	const char *bad_call;
};
static struct worker workers[THREADS];

static char pattern(int t, long gen, size_t i)
{
	return (char)('a' + (t * 5 + gen * 7 + (long)(i % 29)) % 26);
}

static char long_pattern(int t, size_t i)
{
	return (char)('A' + (t * 3 + (long)(i % 31) + (long)(i / 997)) % 26);
}

/* An error a thread saw: EIO on a call the rule allows is counted by kind,
 * anything else is bad. */
static void saw(struct worker *w, long *eio, const char *call)
{
	if (eio && errno == EIO) {
		(*eio)++;
		return;
	}
	w->bad++;
	w->bad_errno = errno;
	w->bad_call = call;
}

static void path_of(char *buf, size_t n, int mount, int t, int slot)
{
	fmt_snprintf(buf, n, "%s/%s/rec-t%d-s%d", mounts[mount], me, t, slot);
}

/* One round: the file of a slot written, fsynced, read back through the
 * same descriptor (across any reboot in between), closed. */
static void round_once(struct worker *w, long gen)
{
	static char bufs[THREADS][FILE_BYTES];
	char *buf = bufs[w->id];
	int t = w->id, s = (int)(gen % SLOTS), m = (int)((gen + t) % 2);
	char path[48];
	/* the other mount's copy of this slot is no longer the last one */
	struct slot *sl = &w->slots[s];
	if (sl->known && sl->mount != m) {
		path_of(path, sizeof(path), sl->mount, t, s);
		unlink(path);	/* an error here is allowed to be anything: not counted */
	}
	sl->known = false;	/* O_TRUNC: what was fsynced there goes */
	path_of(path, sizeof(path), m, t, s);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	if (fd < 0) {
		saw(w, &w->eio_open, "open");
		return;
	}
	for (size_t i = 0; i < FILE_BYTES; i++)
		buf[i] = pattern(t, gen, i);
	bool ok = true;
	for (size_t off = 0; ok && off < FILE_BYTES; off += CHUNK)
		if (write(fd, buf + off, CHUNK) != CHUNK) {
			saw(w, &w->eio_write, "write");
			ok = false;
		}
	if (ok && fsync(fd) != 0) {
		saw(w, &w->eio_fsync, "fsync");
		ok = false;
	}
	if (ok) {
		sl->mount = m;
		sl->gen = gen;
		sl->known = true;
		w->fsynced++;
		/* read back through the same descriptor */
		static char back[THREADS][FILE_BYTES];
		if (lseek(fd, 0, NB_SEEK_SET) != 0 || read(fd, back[t], FILE_BYTES) != FILE_BYTES)
			saw(w, NULL, "read back");
		else
			for (size_t i = 0; i < FILE_BYTES; i++)
				if (back[t][i] != buf[i]) {
					w->verify_bad++;
					break;
				}
	}
	/* after a good fsync nothing can be lost: the close must succeed */
	if (close(fd) != 0)
		saw(w, ok ? NULL : &w->eio_close, "close");
}

static void work(void *arg)
{
	struct worker *w = arg;
	int t = w->id;
	char path[48];
	fmt_snprintf(path, sizeof(path), "%s/%s/rec-long%d", mounts[t], me, t);
	int lfd = open(path, NB_O_RDONLY, 0);
	if (lfd < 0)
		saw(w, NULL, "open long");
	long pos = 0;
	for (long gen = 1; !atomic_load(&stop); gen++) {
		round_once(w, gen);
		w->rounds++;
		if (lfd < 0)
			continue;
		/* the kept descriptor, read on from where it was */
		char b[LONG_READ];
		if (pos + LONG_READ > LONG_BYTES) {
			if (lseek(lfd, 0, NB_SEEK_SET) != 0) {
				saw(w, NULL, "lseek long");
				continue;
			}
			pos = 0;
		}
		long n = read(lfd, b, LONG_READ);
		if (n != LONG_READ) {
			saw(w, NULL, "read long");
			continue;
		}
		w->long_reads++;
		for (long i = 0; i < n; i++)
			if (b[i] != long_pattern(t, (size_t)(pos + i))) {
				w->long_bad++;
				break;
			}
		pos += n;
	}
	if (lfd >= 0 && close(lfd) != 0)
		saw(w, NULL, "close long");
	rk_thread_done();
}

static bool make_long(int t)
{
	static char buf[LONG_BYTES];
	char path[48];
	fmt_snprintf(path, sizeof(path), "%s/%s/rec-long%d", mounts[t], me, t);
	for (size_t i = 0; i < LONG_BYTES; i++)
		buf[i] = long_pattern(t, i);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, buf, LONG_BYTES) == LONG_BYTES && fsync(fd) == 0;
	if (fd >= 0)
		ok &= close(fd) == 0;
	return ok;
}

static uint64_t seed;
static uint64_t rnd(uint64_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed % n;
}

/* Every file a thread fsynced last: read back through a new descriptor. */
static long verify_all(long *bytes)
{
	static char buf[FILE_BYTES + 1];
	long bad = 0;
	for (int t = 0; t < THREADS; t++)
		for (int s = 0; s < SLOTS; s++) {
			struct slot *sl = &workers[t].slots[s];
			if (!sl->known)
				continue;
			char path[48];
			path_of(path, sizeof(path), sl->mount, t, s);
			int fd = open(path, NB_O_RDONLY, 0);
			long n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
			if (fd >= 0)
				close(fd);
			bool ok = n == FILE_BYTES;
			for (size_t i = 0; ok && i < FILE_BYTES; i++)
				ok = buf[i] == pattern(t, sl->gen, i);
			if (!ok) {
				r2c_printf("rkrec: %s: %s (round %ld): read %ld, errno %d, not as fsynced\n", me, path,
					   sl->gen, n, errno);
				bad++;
			} else {
				*bytes += n;
			}
		}
	return bad;
}

/* NAME.what: a check of this client */
/* Wait up to 300 s for a file to appear (stat is made again across a reboot). */
static bool appears(const char *path)
{
	struct nb_stat st;
	uint64_t end = r2c_tsc() + r2c_usecs(300000000);
	while (stat(path, &st) != 0 && r2c_tsc() < end)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
	return stat(path, &st) == 0;
}

static bool touch(const char *path)
{
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		ok &= close(fd) == 0;
	return ok;
}

#define STOP_FILE "/ffs/rec-stop"

void r2c_main(word_t arg)
{
	(void)arg;
	me = r2c_env->name;
	const char *peer = NULL;	/* arg=crash:PEER: this one crashes rk, PEER works alongside */
	if (!strncmp(r2c_env->arg, "crash:", 6))
		peer = r2c_env->arg + 6;
	r2c_plan(peer ? 15 : 14);
	if (rk_sys_init("rk") || (peer && !(inject_slot = r2c_import("rk_inject")))) {
		r2c_check_in(me, "granted", false, "no rk interface or no rk_inject");
		return;
	}
	seed = r2c_tsc() | 1;
	char path[48];
	bool ok = true;
	for (int m = 0; m < 2; m++) {	/* this client's directories (kept from an earlier boot: fine) */
		fmt_snprintf(path, sizeof(path), "%s/%s", mounts[m], me);
		ok &= mkdir(path, 0755) == 0 || errno == EEXIST;
	}
	ok &= make_long(0) && make_long(1);
	int sv[2] = { -1, -1 }, pfd[2] = { -1, -1 };
	ok &= socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, sv) == 0 && pipe(pfd) == 0;
	r2c_check_in(me, "setup", ok, "its directories, the long files, a socket pair and a pipe (errno %d)", errno);
	long tids[THREADS];
	for (int t = 0; t < THREADS; t++) {
		workers[t].id = t;
		tids[t] = r2c_thd_create(work, &workers[t], 16);
	}
	char ready[48], done[48];
	fmt_snprintf(ready, sizeof(ready), "/ffs/%s/ready", peer ? peer : me);
	fmt_snprintf(done, sizeof(done), "/ffs/%s/done", peer ? peer : me);
	int crashed = 0;
	if (peer) {
		/* the other client must be working before the first crash */
		r2c_check_in(me, "peer_working", appears(ready), "no %s after 300 s (errno %d)", ready, errno);
		/* crashes at random moments: a random pause, then a random
		 * fault fired after a random number of the calls of either
		 * client's threads */
		r2c_printf("EXPECT-FAULTS BEGIN\n");	/* the 20, and rk's own panics on what they leave on ext2 */
		for (int c = 0; c < CRASHES; c++) {
			r2c_sleep_until(r2c_tsc() + r2c_usecs(20000 + rnd(150000)));
			long kind = RK_INJECT_WILD + (long)rnd(3);
			if (rk_crash(inject_slot, kind, (long)rnd(12), 60000000))
				break;
			crashed++;
		}
	} else {
		ok = touch(ready);
		r2c_check_in(me, "stopped", ok && appears(STOP_FILE), "ready %d; no %s after 300 s (errno %d)", ok,
			  STOP_FILE, errno);
	}
	atomic_store(&stop, true);
	for (int t = 0; t < THREADS; t++)
		if (tids[t] > 0)
			r2c_thd_join((word_t)tids[t]);
	if (peer) {
		/* the other client's threads may still make rk panic on ext2
		 * ("dup alloc") until they have stopped */
		ok = touch(STOP_FILE);
		r2c_check_in(me, "peer_stopped", ok && appears(done), "stop written %d; no %s after 300 s (errno %d)", ok,
			  done, errno);
		r2c_printf("EXPECT-FAULTS END\n");
		r2c_check_in(me, "crashes", crashed == CRASHES, "%ld crashes made, expected %d", (long)crashed, CRASHES);
		/* at least one per crash; more when NetBSD panicked on its
		 * own on what a crash left on ext2 ("ext2fs_valloc: dup
		 * alloc": an inode in use but free in the bitmap,
		 * docs/reboot.md), which the threads must have come through
		 * the same way */
		r2c_check_in(me, "recoveries", rk_recoveries() >= CRASHES, "%lu recoveries for %d crashes",
			  rk_recoveries(), CRASHES);
	} else {
		r2c_check_in(me, "done_written", touch(done), "errno %d", errno);
		/* it went through the other client's crashes, recovering by itself */
		r2c_check_in(me, "recoveries", rk_recoveries() >= 1, "%lu recoveries", rk_recoveries());
	}
	/* the descriptors that cannot come back (rk was rebooted since they were made) */
	char x = 'x';
	long sock_e = send(sv[0], &x, 1, 0) < 0 ? errno : 0;
	long pipe_e = write(pfd[1], &x, 1) < 0 ? errno : 0;
	r2c_check_in(me, "socket_econnreset", sock_e == ECONNRESET, "send on a socket after a reboot: errno %ld",
		  sock_e);
	r2c_check_in(me, "pipe_ebadf", pipe_e == EBADF, "write on a pipe after a reboot: errno %ld", pipe_e);
	r2c_check_in(me, "placeholders_close", close(sv[0]) == 0 && close(sv[1]) == 0 && close(pfd[0]) == 0 &&
		  close(pfd[1]) == 0, "closing the placeholders: errno %d", errno);
	long eio = 0, bad = 0, rounds = 0, fsynced = 0, long_reads = 0, long_bad = 0, vbad = 0;
	for (int t = 0; t < THREADS; t++) {
		struct worker *w = &workers[t];
		r2c_printf("rkrec: %s: thread %d: %ld rounds, %ld fsynced; EIO on open %ld, write %ld, fsync %ld, "
			   "close %ld; other errors %ld (last: %s errno %d); %ld reads of the kept descriptor\n",
			   me, t, w->rounds, w->fsynced, w->eio_open, w->eio_write, w->eio_fsync, w->eio_close, w->bad,
			   w->bad_call ? w->bad_call : "-", w->bad_errno, w->long_reads);
		eio += w->eio_open + w->eio_write + w->eio_fsync + w->eio_close;
		bad += w->bad;
		rounds += w->rounds;
		fsynced += w->fsynced;
		long_reads += w->long_reads;
		long_bad += w->long_bad;
		vbad += w->verify_bad;
	}
	r2c_check_in(me, "only_allowed_errors", bad == 0,
		  "%ld errors the rule does not allow (a read, a close after fsync, or not EIO)", bad);
	r2c_check_in(me, "rounds_done", rounds > CRASHES && fsynced > CRASHES, "%ld rounds, %ld fsynced", rounds,
		  fsynced);
	r2c_check_in(me, "read_back_same_fd", vbad == 0, "%ld files read back wrong through their descriptor", vbad);
	r2c_check_in(me, "kept_fd_offsets", long_reads > CRASHES && long_bad == 0,
		  "%ld reads of the kept descriptors, %ld at the wrong offset", long_reads, long_bad);
	long bytes = 0;
	long lost = verify_all(&bytes);
	r2c_check_in(me, "fsynced_intact", lost == 0, "%ld files fsynced last are not as written", lost);
	if (peer)
		r2c_printf("rkrec: %s: %d crashes made\n", me, crashed);
	r2c_printf("rkrec: %s: %lu recoveries, %ld rounds, %ld EIO the rule allows, %ld fsynced bytes read back\n", me,
		   rk_recoveries(), rounds, eio, bytes);
	r2c_check_in(me, "getpid_after", getpid() > 0, "getpid after the crashes: errno %d", errno);
	struct nb_statvfs st;
	r2c_check_in(me, "ffs_logged", statvfs("/ffs", &st) == 0 && (st.f_flag & NB_MNT_LOG),
		  "/ffs not mounted with log after the crashes (errno %d)", errno);
	r2c_printf("rkrec: %s: rk recovery: %d passed, %d failed\n", me, r2c_passed, r2c_failed);
}
