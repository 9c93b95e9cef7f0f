/*
 * sptest: the NetBSD tier's checks of rk's system-call interface
 * (components/rk/sysproxy.c through lib/rkclient/syscall.c), in
 * compose/test-netbsd-sysproxy.comp: getpid and pipe through the generic
 * path (both result registers), file I/O on rk's tmpfs with plain
 * pointers, one thread blocked in read on a pipe while another does file
 * I/O, poll with a time-out, EFAULT from NetBSD itself for bad pointers
 * (rk serving the next call), and client threads that come and go
 * without using up rk's lwps.
 */
#include <stdatomic.h>
#include "r2c.h"
#include "rkclient/syscall.h"
#include "fmt/fmt.h"

#define CHURN_THREADS 400	/* more than rk's table holds (256): each lwp must come back */

static int pid;
static int pfd[2];
static char got[16];
static atomic_int reader_done;
static long reader_n;
static char block[4096], back[4096];

static void reader(void *arg)
{
	(void)arg;
	reader_n = read(pfd[0], got, sizeof(got));
	atomic_store(&reader_done, 1);
	rk_thread_done();
}

static atomic_int churn_bad;

static void churner(void *arg)
{
	(void)arg;
	if (getpid() != pid)
		atomic_fetch_add(&churn_bad, 1);
	rk_thread_done();
}

/* Many threads waiting in rk at once (poll on an empty pipe): a client
 * gets its share of rk's stacks, the rest are told EAGAIN at once. */
#define WAITERS 40
static atomic_int waiters_again, waiters_timed_out;
static int quiet[2];	/* a pipe nobody writes to */

static void waiter(void *arg)
{
	(void)arg;
	struct nb_pollfd pf = { .fd = quiet[0], .events = NB_POLLIN };
	int n = poll(&pf, 1, 1500);
	if (n < 0 && errno == EAGAIN)
		atomic_fetch_add(&waiters_again, 1);
	else if (n == 0)
		atomic_fetch_add(&waiters_timed_out, 1);
	rk_thread_done();
}

static void churner_silent(void *arg)	/* ends without rk_thread_done */
{
	(void)arg;
	if (getpid() != pid)
		atomic_fetch_add(&churn_bad, 1);
}

/* CHURN_THREADS threads of fn, one after the other, each joined. */
static void churn(void (*fn)(void *))
{
	for (int i = 0; i < CHURN_THREADS; i++) {
		long t = r2c_thd_create(fn, NULL, 16);
		if (t < 0) {
			atomic_fetch_add(&churn_bad, 1);
			break;
		}
		r2c_thd_join((word_t)t);
	}
}

static void sleep_ms(unsigned ms)
{
	r2c_sleep_until(r2c_tsc() + r2c_usecs(ms * 1000ull));
}

static void check_fault(const char *name, long r)
{
	int e = errno;
	r2c_check(name, r == -1 && e == EFAULT, "got %ld, errno %d, expected -1, EFAULT", r, e);
	char then[64];
	fmt_snprintf(then, sizeof(then), "%s_then_getpid", name);
	r2c_check(then, getpid() == pid, "getpid after a bad pointer failed");
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_plan(42);
	if (rk_sys_init("rk")) {
		r2c_printf("sptest: no rk_syscall entry\n");
		return;
	}

	/* getpid: r0 the errno, r1 the pid, r2 the parent's (pid 1) */
	long rv[2] = { -1, -1 };
	int e = rk_syscall_block(NB_SYS_getpid, NULL, 0, rv);
	pid = (int)rv[0];
	r2c_check("sp.getpid", e == 0 && pid > 1 && rv[1] == 1, "errno %d, pid %ld, ppid %ld", e, rv[0], rv[1]);
	CHECK_EQ("sp.getpid_again", getpid(), pid);
	e = rk_syscall_block(NB_SYS_NSYSENT, NULL, 0, rv);
	CHECK_EQ("sp.unknown_call_enosys", e, ENOSYS);
	/* a negative number (NetBSD's own check is signed: it would call
	 * through memory before its table) and a call with system-wide
	 * effect (reboot) are refused, and rk goes on */
	e = rk_syscall_block(-100000000, NULL, 0, rv);
	CHECK_EQ("sp.negative_call_enosys", e, ENOSYS);
	uint64_t reboot_args[2] = { 0, 0 };
	e = rk_syscall_block(208, reboot_args, sizeof(reboot_args), rv);
	CHECK_EQ("sp.reboot_refused", e, ENOSYS);
	CHECK_EQ("sp.still_serving", getpid(), pid);

	/* a file on tmpfs, with plain pointers */
	for (int i = 0; i < (int)sizeof(block); i++)
		block[i] = (char)(i * 7 + 3);
	int fd = open("/tmp/sp-file", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	r2c_check("sp.open", fd >= 0, "open: errno %d", errno);
	CHECK_EQ("sp.write", write(fd, block, sizeof(block)), sizeof(block));
	CHECK_EQ("sp.lseek", lseek(fd, 0, NB_SEEK_SET), 0);
	CHECK_EQ("sp.read", read(fd, back, sizeof(back)), sizeof(back));
	r2c_check("sp.read_bytes", !memcmp(block, back, sizeof(block)), "the bytes read differ");
	CHECK_EQ("sp.close", close(fd), 0);
	long r = read(fd, back, 1);
	r2c_check("sp.closed_ebadf", r == -1 && errno == EBADF, "got %ld, errno %d", r, errno);

	/* pipe(2): both descriptors in the two result registers */
	int p2[2] = { -1, -1 };
	r2c_check("sp.pipe", pipe(p2) == 0 && p2[0] >= 0 && p2[1] >= 0 && p2[0] != p2[1], "pipe: %d %d errno %d",
		  p2[0], p2[1], errno);

	/* two threads of one client: one blocked in read on a pipe while
	 * the other does file I/O that completes */
	r2c_check("sp.pipe2", pipe2(pfd, 0) == 0, "pipe2: errno %d", errno);
	long tid = r2c_thd_create(reader, NULL, 16);
	sleep_ms(20);
	fd = open("/tmp/sp-other", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool io = fd >= 0 && write(fd, block, sizeof(block)) == sizeof(block) && lseek(fd, 0, NB_SEEK_SET) == 0 &&
		  read(fd, back, sizeof(back)) == sizeof(back) && !memcmp(block, back, sizeof(block)) && close(fd) == 0;
	r2c_check("sp.io_while_reader_blocked", io && !atomic_load(&reader_done),
		  "file I/O %s, reader %s", io ? "done" : "failed", atomic_load(&reader_done) ? "done" : "blocked");
	CHECK_EQ("sp.pipe_write", write(pfd[1], "ping", 4), 4);
	r2c_thd_join((word_t)tid);
	r2c_check("sp.reader_woke", reader_n == 4 && !memcmp(got, "ping", 4), "reader got %ld", reader_n);

	/* poll with a time-out: nothing, then data */
	struct nb_pollfd pf = { .fd = pfd[0], .events = NB_POLLIN };
	uint64_t t0 = r2c_tsc();
	int n = poll(&pf, 1, 50);
	uint64_t ms = (r2c_tsc() - t0) / r2c_usecs(1000);
	r2c_check("sp.poll_timeout", n == 0 && ms >= 40, "poll: %d after %lu ms", n, (unsigned long)ms);
	write(pfd[1], "x", 1);
	n = poll(&pf, 1, 1000);
	r2c_check("sp.poll_ready", n == 1 && (pf.revents & NB_POLLIN), "poll: %d, revents %#x", n, pf.revents);

	/* EFAULT from NetBSD itself, and rk serves the next call */
	fd = open("/tmp/sp-file", NB_O_RDWR, 0);
	r2c_check("sp.reopen", fd >= 0, "open: errno %d", errno);
	check_fault("sp.read_null", read(fd, NULL, 16));
	check_fault("sp.read_kernel", read(fd, (void *)0xffff800000001000ull, 16));
	check_fault("sp.read_unmapped", read(fd, (void *)0x400000000000ull, 16));
	check_fault("sp.read_into_code", read(fd, (void *)(word_t)r2c_main, 16));
	check_fault("sp.write_null", write(fd, NULL, 16));
	check_fault("sp.open_null", open(NULL, NB_O_RDONLY, 0));
	close(fd);
	/* the argument block itself: rk's own copy says EFAULT */
	e = rk_syscall_block(NB_SYS_close, (void *)0x400000000000ull, 8, rv);
	CHECK_EQ("sp.argblock_unmapped", e, EFAULT);
	/* arguments in registers (what the library does for up to three):
	 * more than NB_SYSARGS_REGS is EINVAL; the same call through a block
	 * and through registers does the same */
	word_t sys = r2c_import_from("rk", "rk_syscall");
	struct r2c_ret rr = r2c_invoke(sys, NB_SYS_getpid | NB_SYSARGS_IN_REGS(NB_SYSARGS_REGS + 1), 0, 0, 0);
	r2c_check("sp.regs_too_many", rr.status == 0 && rr.r0 == EINVAL, "status %ld, errno %lu", rr.status, rr.r0);
	fd = open("/tmp/sp-file", NB_O_RDONLY, 0);
	uint64_t read_args[3] = { (uint64_t)fd, (uint64_t)back, 8 };
	e = rk_syscall_block(NB_SYS_read, read_args, sizeof(read_args), rv);
	r2c_check("sp.block_read", e == 0 && rv[0] == 8 && !memcmp(back, block, 8), "errno %d, read %ld", e, rv[0]);
	rr = r2c_invoke(sys, NB_SYS_read | NB_SYSARGS_IN_REGS(3), (word_t)fd, (word_t)back, 8);
	r2c_check("sp.regs_read", rr.status == 0 && rr.r0 == 0 && rr.r1 == 8 && !memcmp(back, block + 8, 8),
		  "status %ld, errno %lu, read %lu", rr.status, rr.r0, rr.r1);
	close(fd);

	/* threads come and go: each one's lwp goes back */
	churn(churner);
	CHECK_EQ("sp.thread_churn", atomic_load(&churn_bad), 0);
	/* threads that end without saying so: rk takes their lwps back when
	 * it needs room, so new threads are still served */
	churn(churner_silent);
	CHECK_EQ("sp.silent_thread_churn", atomic_load(&churn_bad), 0);

	long w[WAITERS];
	CHECK_EQ("sp.quiet_pipe", pipe(quiet), 0);
	for (int i = 0; i < WAITERS; i++)
		w[i] = r2c_thd_create(waiter, NULL, 16);
	for (int i = 0; i < WAITERS; i++)
		if (w[i] > 0)
			r2c_thd_join((word_t)w[i]);
	int again = atomic_load(&waiters_again), waited = atomic_load(&waiters_timed_out);
	r2c_check("sp.calls_limited", again > 0 && waited > 0 && again + waited == WAITERS && waited <= 32,
		  "%d waited in rk, %d told EAGAIN, of %d", waited, again, WAITERS);
	CHECK_EQ("sp.served_after", getpid(), pid);
	r2c_printf("sptest: sysproxy: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
