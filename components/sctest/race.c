/*
 * The race the old file protocol lost (issue 8): one thread rewrites a
 * path while another passes it to stat and open, 100,000 times. The path
 * ends at the last byte of a page whose next page is unmapped (guard.c);
 * the rewriting thread toggles that NUL (so the string may run into the
 * unmapped page), a byte in the middle of the name (a NUL there names a
 * file that does not exist) and a byte of the directory part, every
 * 100 us of its own timer: it runs at a higher priority than the calling
 * thread, so it preempts it, mostly in the middle of a call (the caller
 * counts the calls during which the path changed: race.raced). NetBSD
 * copies the path into its own memory before using it, so whatever the
 * timing, each call answers 0 (or a descriptor), ENOENT or EFAULT; rk
 * never faults (tools/run-tests fails a boot with a fault nobody
 * announced) and serves calls afterwards.
 */
#include "sctest.h"

#define CALLS 100000
#define PROGRESS 10000

static char *path;		/* in the guarded page, its NUL on the page's last byte */
static size_t len;
static atomic_int calling_done;
static long answers[4];		/* ok, ENOENT, EFAULT, anything else */
static long calls, first_odd = -1, odd_r, odd_errno, raced;
static atomic_ulong rewrites;	/* how many times the path has been rewritten */

static void caller(void *arg)
{
	(void)arg;
	for (long i = 0; i < CALLS; i++) {
		struct nb_stat st;
		long r;
		unsigned long before = atomic_load(&rewrites);
		if (i % 2) {
			r = open(path, NB_O_RDONLY, 0);
			if (r >= 0)
				close((int)r);
		} else {
			r = stat(path, &st);
		}
		int e = errno;
		raced += atomic_load(&rewrites) != before;
		int a = r >= 0 ? 0 : e == ENOENT ? 1 : e == EFAULT ? 2 : 3;
		answers[a]++;
		if (a == 3 && first_odd < 0) {
			first_odd = i;
			odd_r = r;
			odd_errno = e;
		}
		calls = i + 1;
		if ((i + 1) % PROGRESS == 0)
			r2c_printf("sctest: %s: race: %ld calls: %ld found, %ld ENOENT, %ld EFAULT, %ld other\n", sc_name,
				   i + 1, answers[0], answers[1], answers[2], answers[3]);
	}
	atomic_store(&calling_done, 1);
	rk_thread_done();
}

void race(void)
{
	char name[128];
	sc_path(name, sizeof(name), "race-target-file");
	int fd = open(name, NB_O_RDWR | NB_O_CREAT, 0644);
	char *page = guarded_page(1);
	len = strlen(name);
	path = page + 4096 - (len + 1);
	memcpy(path, name, len + 1);	/* the NUL is the page's last byte */
	struct nb_stat st;
	r2c_check("race.setup", fd >= 0 && close(fd) == 0 && stat(path, &st) == 0, "%s: errno %d", name, errno);

	volatile char *end = path + len, *mid = path + len - 5, *slash = path + 4;	/* "/tmp/" */
	char mid_was = *mid;
	uint64_t t0 = r2c_tsc();
	long tid = r2c_thd_create(caller, NULL, 20);	/* below my 16: I preempt it */
	for (unsigned long k = 1; tid > 0 && !atomic_load(&calling_done); k++) {
		*end = (k & 1) ? 'x' : '\0';
		*mid = (k & 2) ? '\0' : mid_was;
		*slash = (k & 4) ? 'X' : '/';
		atomic_store(&rewrites, k);
		r2c_sleep_until(r2c_tsc() + r2c_usecs(100));
	}
	if (tid > 0)
		r2c_thd_join((word_t)tid);
	uint64_t ms = (r2c_tsc() - t0) / r2c_usecs(1000);
	memcpy(path, name, len + 1);
	r2c_printf("sctest: %s: race: %ld calls in %lu ms: %ld found, %ld ENOENT, %ld EFAULT, %ld other\n", sc_name,
		   calls, (unsigned long)ms, answers[0], answers[1], answers[2], answers[3]);
	r2c_printf("sctest: %s: race: the path rewritten %lu times, during %ld of the calls\n", sc_name,
		   (unsigned long)atomic_load(&rewrites), raced);
	r2c_check("race.all_calls", tid > 0 && calls == CALLS, "%ld calls of %d", calls, CALLS);
	r2c_check("race.raced", raced > 0, "no call saw its path rewritten while it ran: the race did not happen");
	r2c_check("race.sane_answers", answers[3] == 0, "call %ld answered %ld with errno %d", first_odd, odd_r,
		  (int)odd_errno);
	r2c_check("race.served_after", sc_served() && stat(path, &st) == 0 && unlink(name) == 0,
		  "getpid, stat, unlink after the race: errno %d", errno);
}
