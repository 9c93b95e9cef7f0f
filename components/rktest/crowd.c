/*
 * rktest's crowd checks (compose/test-netbsd-clients.comp): as many
 * clients of rk as a server may have, each with several threads working
 * at once on the composition's tmpfs ("many"), and a client whose threads
 * come and go thousands of times through rk ("churn"): every thread
 * starts, every call is served, and what the threads took (scheduler
 * records, the root's slots and frames) is all back afterwards. Each
 * thread has an lwp of its own in rk and gives it back when it ends
 * (rk_thread_done).
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "fmt/fmt.h"
#include "crowd.h"

#define CROWD_THREADS 4
#define CROWD_ROUNDS 5
#define CHURN_CYCLES 5000

struct crowd_worker { int id; _Atomic int ok; int err; };

static void crowd_work(void *arg)
{
	struct crowd_worker *w = arg;
	char path[64], want[32], got[32];
	for (int r = 0; r < CROWD_ROUNDS; r++) {
		fmt_snprintf(path, sizeof(path), "/tmp/%s-%d", r2c_env->name, w->id);
		fmt_snprintf(want, sizeof(want), "%s %d %d", r2c_env->name, w->id, r);
		int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0600), e = fd < 0 ? errno : 0;
		long n = fd < 0 ? -1 : write(fd, want, strlen(want));
		e = e ? e : n < 0 ? errno : 0;
		long m = fd < 0 ? -1 : pread(fd, got, sizeof(got), 0);
		e = e ? e : m < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		int u = unlink(path);
		e = e ? e : u ? errno : 0;
		if (n != (long)strlen(want) || m != n || memcmp(got, want, (size_t)n) || u) {
			w->err = e ? e : EIO;
			break;
		}
		w->ok++;
	}
	rk_thread_done();
}

void crowd_many(void)
{
	static struct crowd_worker w[CROWD_THREADS];
	long tid[CROWD_THREADS];
	int started = 0, done = 0;
	for (int i = 0; i < CROWD_THREADS; i++) {
		w[i] = (struct crowd_worker){ .id = i };
		tid[i] = r2c_thd_create(crowd_work, &w[i], 16);
		started += tid[i] > 0;
	}
	for (int i = 0; i < CROWD_THREADS; i++)
		if (tid[i] > 0 && !r2c_thd_join((word_t)tid[i]))
			done += w[i].ok == CROWD_ROUNDS;
	r2c_check_in(r2c_env->name, "threads_start", started == CROWD_THREADS, "%d of %d threads started (%ld)", started, CROWD_THREADS,
		  tid[CROWD_THREADS - 1]);
	r2c_check_in(r2c_env->name, "threads_served", done == CROWD_THREADS, "%d of %d threads did their %d rounds (errno %d)", done,
		  CROWD_THREADS, CROWD_ROUNDS, w[0].err ? w[0].err : w[CROWD_THREADS - 1].err);
}

static void churn_once(void *arg)
{
	long *r = arg;
	*r = getpid();
	rk_thread_done();
}

void crowd_churn(void)
{
	struct r2c_capacity before = r2c_capacity_now();
	long pid0 = getpid(), bad = 0, at = 0;
	uint64_t t0 = r2c_tsc();
	for (int i = 0; i < CHURN_CYCLES && !bad; i++) {
		long r = 0, t = r2c_thd_create(churn_once, &r, 16);
		if (t <= 0 || r2c_thd_join((word_t)t) || r != pid0)
			bad = t <= 0 ? t : r != pid0 ? r : -1, at = i;
	}
	r2c_check("churn.client_threads", !bad, "cycle %ld of %d: %ld", at, CHURN_CYCLES, bad);
	r2c_check_capacity_back("churn", &before);
	r2c_printf("rktest: %d threads came, called rk and went in %lu ms\n", CHURN_CYCLES,
		   (r2c_tsc() - t0) / r2c_usecs(1000));
}

/* Fill the composition's tmpfs: NetBSD says ENOSPC well before rk's memory
 * runs out (the mount has a size limit), and rk goes on serving. */
void crowd_fill(void)
{
	static char chunk[65536];
	memset(chunk, 'f', sizeof(chunk));
	int fd = open("/tmp/fill", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0600), e = 0;
	long total = 0;
	for (int i = 0; i < 4096 && fd >= 0 && !e; i++) {
		long n = write(fd, chunk, sizeof(chunk));
		if (n > 0)
			total += n;
		else
			e = n ? errno : EIO;
	}
	if (fd >= 0)
		close(fd);
	word_t rk_mem = 96ull << 20;	/* compose/test-netbsd-fill.comp */
	r2c_check("fill.enospc", fd >= 0 && e == ENOSPC && total > 0 && (word_t)total <= rk_mem / 4,
		  "open %d; after %ld bytes: errno %d (rk has %lu MiB)", fd, total, e, rk_mem >> 20);
	CHECK_EQ("fill.unlink", unlink("/tmp/fill"), 0);
	fd = open("/tmp/fill-again", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0600);
	long n = fd < 0 ? -1 : write(fd, chunk, sizeof(chunk));
	if (fd >= 0)
		close(fd);
	unlink("/tmp/fill-again");
	CHECK_EQ("fill.space_back", n, (long)sizeof(chunk));
	r2c_printf("rktest: the tmpfs took %ld KiB, then said ENOSPC\n", total >> 10);
}
