/*
 * exittest: the NetBSD tier's checks that a client's NetBSD process in rk
 * goes away with its descriptors, its lwps and its memory when the client
 * exits or faults, so that clients can come and go for ever.
 *
 * arg=cycles (compose/test-netbsd-exit.comp): 1,000 times, the client
 * opens a file with an exclusive lock, a pipe holding data, another
 * file, a socket listening on a name in /tmp and a connected socket pair
 * holding data, then ends its process with rk_proc_exit (NetBSD's own exit stays
 * refused); in the first cycles a second thread is in read on a pipe
 * inside rk at that moment (rk holds an lwp for it) and must come back
 * with EINTR. Each new
 * process has a new pid, the old descriptors are EBADF, a connect to the
 * old listener's name is refused, the lock is free
 * for the next process, and rk's lwps, NetBSD's process count and rk's
 * heap come back.
 *
 * compose/test-netbsd-gone.comp: arg=quit returns from r2c_main holding
 * an exclusive lock on /tmp/lock-NAME, a pipe and a file; arg=fault has
 * a thread fault while its first thread lives on; arg=watch:A:B, another
 * client, sees each lock held, lets its holder go (/tmp/go-NAME), then
 * sees the lock released (NetBSD closed the files when the booter told rk
 * the client was gone) and rk holding no process and no lwp for it.
 */
#include <stdatomic.h>
#include "r2c.h"
#include "rkclient/syscall.h"
#include "fmt/fmt.h"

#define O_SHLOCK	0x0010	/* NetBSD open(2): take a shared lock */
#define O_EXLOCK	0x0020	/* ... an exclusive one */
#define CYCLES		1000
#define READER_CYCLES	20	/* cycles with a thread blocked in read */
#define WARM		50	/* rk's heap is measured after these */
#define HEAP_SLACK	(256 * 1024)	/* what NetBSD's caches may still take after them */
#define WAIT_MS		60000	/* the most a wait for another component takes */

static char name[16];

static void sleep_ms(unsigned ms)
{
	r2c_sleep_until(r2c_tsc() + r2c_usecs(ms * 1000ull));
}

#define check(...) r2c_check_in(name, __VA_ARGS__)	/* name.what */

/* ---- arg=cycles ------------------------------------------------------------- */

static int blocked_pipe[2];
static _Atomic int reader_done;
static long reader_r;
static int reader_errno;

static void reader(void *arg)
{
	(void)arg;
	char c;
	reader_r = read(blocked_pipe[0], &c, 1);
	reader_errno = errno;
	atomic_store(&reader_done, 1);
	rk_thread_done();
}

#define SOCK_PATH "/tmp/exit-sock"
static const struct nb_sockaddr_un sock_addr = { sizeof(struct nb_sockaddr_un), NB_AF_LOCAL, SOCK_PATH };
static int pids[CYCLES + 1];
static char why[160];

/* One cycle: files, a pipe, sockets, maybe a blocked reader, then the exit. */
static bool cycle(int i)
{
	int lock = open("/tmp/exit-lock", NB_O_RDWR | NB_O_CREAT | O_EXLOCK | NB_O_NONBLOCK, 0600);
	if (lock < 0) {		/* the last process's lock must be gone */
		fmt_snprintf(why, sizeof(why), "open with O_EXLOCK: errno %d", errno);
		return false;
	}
	int p[2], file = open("/tmp/exit-file", NB_O_RDWR | NB_O_CREAT, 0600);
	if (file < 0 || pipe(p) || write(p[1], "x", 1) != 1 || write(file, "data", 4) != 4) {
		fmt_snprintf(why, sizeof(why), "file %d, pipe or write: errno %d", file, errno);
		return false;
	}
	/* sockets: one listening on a name in /tmp, a connected pair holding data */
	unlink(SOCK_PATH);
	int ls = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0), sp[2] = { -1, -1 };
	if (ls < 0 || bind(ls, &sock_addr, sizeof(sock_addr)) || listen(ls, 4) ||
	    socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, sp) || write(sp[0], "s", 1) != 1) {
		fmt_snprintf(why, sizeof(why), "sockets: listener %d, pair %d %d: errno %d", ls, sp[0], sp[1], errno);
		return false;
	}
	long tid = 0;
	if (i < READER_CYCLES) {
		atomic_store(&reader_done, 0);
		if (pipe(blocked_pipe) || (tid = r2c_thd_create(reader, NULL, 16)) < 0) {
			fmt_snprintf(why, sizeof(why), "reader: pipe errno %d, thread %ld", errno, tid);
			return false;
		}
		/* until it is in its call: rk holds its lwp (made on its first call) */
		for (int ms = 0; ms < WAIT_MS && rk_counts(RK_COUNT_LWPS, (long)r2c_env->id) < 2; ms++)
			sleep_ms(1);
	}
	if (rk_proc_exit()) {
		fmt_snprintf(why, sizeof(why), "rk_proc_exit: errno %d", errno);
		return false;
	}
	int pid = getpid();
	for (int k = 0; k <= i; k++)
		if (pid <= 1 || pids[k] == pid) {
			fmt_snprintf(why, sizeof(why), "pid %d after the exit (the first process was %d)", pid, pids[0]);
			return false;
		}
	pids[i + 1] = pid;
	char b[8];
	int fds[] = { lock, p[0], p[1], file, ls, sp[0], sp[1] };
	for (int k = 0; k < 7; k++) {
		long r = k == 2 ? write(fds[k], "y", 1) : read(fds[k], b, 1);
		if (r != -1 || errno != EBADF) {
			fmt_snprintf(why, sizeof(why), "descriptor %d of the old process: %ld, errno %d", fds[k], r, errno);
			return false;
		}
	}
	if (tid > 0) {
		for (int ms = 0; ms < WAIT_MS && !atomic_load(&reader_done); ms++)
			sleep_ms(1);
		if (!atomic_load(&reader_done)) {
			fmt_snprintf(why, sizeof(why), "the thread blocked in read did not come back");
			return false;
		}
		r2c_thd_join((word_t)tid);
		if (reader_r != -1 || reader_errno != EINTR) {
			fmt_snprintf(why, sizeof(why), "the blocked read came back with %ld, errno %d", reader_r,
				     reader_errno);
			return false;
		}
	}
	/* the old process's listener went with it (with its last lwp, the
	 * blocked reader's, if there was one): nobody answers at its name */
	int c = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	long r = c < 0 ? -2 : connect(c, &sock_addr, sizeof(sock_addr));
	int e = errno;
	close(c);
	if (r != -1 || e != ECONNREFUSED) {
		fmt_snprintf(why, sizeof(why), "connect to the old process's listener: %ld, errno %d", r, e);
		return false;
	}
	return true;
}

static void cycles(void)
{
	r2c_plan(9);
	long rv[2];
	pids[0] = getpid();
	uint64_t exit_args[1] = { 0 };
	int e = rk_syscall_block(NB_SYS_exit, exit_args, sizeof(exit_args), rv);
	check("netbsd_exit_refused", e == ENOSYS && getpid() == pids[0], "exit: errno %d, then pid %d (was %d)", e,
	      getpid(), pids[0]);
	long lwps0 = rk_counts(RK_COUNT_LWPS, -1), procs0 = rk_counts(RK_COUNT_PROCS, 0), heap0 = 0;
	long mine = rk_counts(RK_COUNT_PID, (long)r2c_env->id);
	check("pid_known", mine == pids[0] && lwps0 >= 1 && procs0 >= 1, "rk says pid %ld (getpid %d), %ld lwps, %ld procs",
	      mine, pids[0], lwps0, procs0);
	uint64_t t0 = r2c_tsc();
	int done = 0;
	for (; done < CYCLES && cycle(done); done++)
		if (done == WARM - 1)
			heap0 = rk_counts(RK_COUNT_HEAP, 0);
	uint64_t ms = (r2c_tsc() - t0) / r2c_usecs(1000);
	check("cycles", done == CYCLES, "cycle %d of %d: %s", done, CYCLES, why);
	int lock = open("/tmp/exit-lock", NB_O_RDWR | O_EXLOCK | NB_O_NONBLOCK, 0);
	check("last_lock_released", lock >= 0, "open with O_EXLOCK after the last exit: errno %d", errno);
	close(lock);
	long lwps = rk_counts(RK_COUNT_LWPS, -1), procs = rk_counts(RK_COUNT_PROCS, 0);
	long heap = rk_counts(RK_COUNT_HEAP, 0);
	mine = rk_counts(RK_COUNT_PID, (long)r2c_env->id);
	check("new_pid_known", mine == getpid() && mine == pids[done], "rk says pid %ld, getpid %d", mine, getpid());
	check("lwps_back", lwps == lwps0, "rk holds %ld lwps for clients, %ld before", lwps, lwps0);
	check("procs_back", procs == procs0, "NetBSD has %ld processes, %ld before", procs, procs0);
	check("heap_back", done == CYCLES && heap - heap0 <= HEAP_SLACK, "rk's heap: %ld KiB after %d cycles, %ld KiB after %d",
	      heap0 >> 10, WARM, heap >> 10, done);
	check("still_served", getpid() == mine, "getpid: errno %d", errno);
	r2c_printf("exittest: %d exits in %lu ms (%lu us each), pids %d to %d\n", done, (unsigned long)ms,
		   done ? (unsigned long)(ms * 1000 / (uint64_t)done) : 0ul, pids[0], pids[done]);
	r2c_printf("exittest: rk's heap %ld KiB after %d exits, %ld KiB after %d; rk's lwps %ld, then %ld; "
		   "NetBSD's processes %ld, then %ld\n", heap0 >> 10, WARM, heap >> 10, done, lwps0, lwps, procs0, procs);
}

/* ---- arg=quit, arg=fault: hold files, wait to be let go, end ------------------ */

static void path_of(char *buf, size_t n, const char *what, const char *who)
{
	fmt_snprintf(buf, n, "/tmp/%s-%s", what, who);
}

static volatile word_t nowhere;	/* 0: an address no component has mapped */

static void faulter(void *arg)
{
	(void)arg;
	r2c_printf("EXPECT-FAULT %s\n", name);
	*(volatile word_t *)nowhere = 1;	/* a page fault */
}

static void holder(bool fault)
{
	r2c_plan(1);
	char lock[48], go[48], file[48], id[24];
	path_of(lock, sizeof(lock), "lock", name);
	path_of(go, sizeof(go), "go", name);
	path_of(file, sizeof(file), "file", name);
	int fd = open(lock, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC | O_EXLOCK, 0644);
	int n = fmt_snprintf(id, sizeof(id), "%lu", r2c_env->id);
	int p[2], other = open(file, NB_O_RDWR | NB_O_CREAT, 0600);
	bool ok = fd >= 0 && write(fd, id, (size_t)n) == n && other >= 0 && !pipe(p) && write(p[1], "x", 1) == 1;
	check("holds_files", ok, "lock %d, other %d: errno %d", fd, other, errno);
	r2c_printf("exittest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
	int g = -1;
	for (int ms = 0; ms < WAIT_MS && (g = open(go, NB_O_RDONLY, 0)) < 0; ms += 10)
		sleep_ms(10);
	if (!fault) {
		r2c_printf("exittest: %s: returning from r2c_main with its files open\n", name);
		return;
	}
	r2c_thd_create(faulter, NULL, 16);
	for (;;)		/* the first thread lives on, and calls rk no more */
		sleep_ms(1000);
}

/* ---- arg=watch:A:B ------------------------------------------------------------ */

static void watch_one(const char *who)
{
	char lock[48], go[48], what[48], id[24] = { 0 };
	path_of(lock, sizeof(lock), "lock", who);
	path_of(go, sizeof(go), "go", who);
	int fd = -1, e = 0, ms;
	for (ms = 0; ms < WAIT_MS; ms += 10) {	/* held: a shared lock is refused */
		fd = open(lock, NB_O_RDONLY | O_SHLOCK | NB_O_NONBLOCK, 0);
		e = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (e == EAGAIN)
			break;
		sleep_ms(10);
	}
	fmt_snprintf(what, sizeof(what), "%s_lock_held", who);
	check(what, e == EAGAIN, "%s: errno %d after %d ms", lock, e, ms);
	long n = -1;	/* its id: the holder writes it just after taking the lock */
	for (ms = 0; ms < WAIT_MS && n <= 0; ms += 10) {
		fd = open(lock, NB_O_RDONLY, 0);
		n = fd < 0 ? -1 : read(fd, id, sizeof(id) - 1);
		close(fd);
		if (n <= 0)
			sleep_ms(10);
	}
	long cid = -1;
	if (n > 0) {
		cid = 0;
		for (const char *s = id; *s >= '0' && *s <= '9'; s++)
			cid = cid * 10 + (*s - '0');
	}
	long pid = cid < 0 ? -1 : rk_counts(RK_COUNT_PID, cid), lwps = cid < 0 ? -1 : rk_counts(RK_COUNT_LWPS, cid);
	fmt_snprintf(what, sizeof(what), "%s_alive", who);
	check(what, pid > 1 && lwps >= 1, "component %ld: pid %ld, %ld lwps", cid, pid, lwps);

	fd = open(go, NB_O_RDWR | NB_O_CREAT, 0644);	/* let it go */
	close(fd);
	for (ms = 0; ms < WAIT_MS; ms += 10) {
		fd = open(lock, NB_O_RDONLY | O_SHLOCK | NB_O_NONBLOCK, 0);
		e = fd < 0 ? errno : 0;
		if (fd >= 0) {
			close(fd);
			break;
		}
		sleep_ms(10);
	}
	fmt_snprintf(what, sizeof(what), "%s_files_closed", who);
	check(what, e == 0, "%s still locked after %d ms: errno %d", lock, ms, e);
	pid = rk_counts(RK_COUNT_PID, cid);
	lwps = rk_counts(RK_COUNT_LWPS, cid);
	fmt_snprintf(what, sizeof(what), "%s_process_gone", who);
	check(what, pid == 0 && lwps == 0, "component %ld: pid %ld, %ld lwps", cid, pid, lwps);
}

static void watch(const char *a, const char *b)
{
	r2c_plan(9);
	check("client_gone_not_granted", !r2c_import("client_gone"), "a client may invoke rk's client_gone");
	watch_one(a);
	watch_one(b);
}

void r2c_main(word_t arg)
{
	(void)arg;
	char f[3][R2C_ARG_FIELD];
	memcpy(name, r2c_env->name, sizeof(name) - 1);
	if (rk_sys_init("rk") || r2c_arg_fields(r2c_env->arg, f, 3)) {
		r2c_check("exittest.setup", false, "no rk, or a bad arg=%s", r2c_env->arg);
		return;
	}
	if (!strcmp(f[0], "cycles"))
		cycles();
	else if (!strcmp(f[0], "quit") || !strcmp(f[0], "fault")) {
		holder(f[0][0] == 'f');
		return;
	} else if (!strcmp(f[0], "watch") && f[1][0] && f[2][0])
		watch(f[1], f[2]);
	else
		r2c_check("exittest.setup", false, "arg=%s: expected cycles, quit, fault or watch:A:B", r2c_env->arg);
	r2c_printf("exittest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
}
