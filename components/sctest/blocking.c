/*
 * Calls that wait inside rk. Two threads of this client: one blocked in
 * read on an empty pipe (then in accept on a listening AF_LOCAL socket)
 * while the other does file I/O on /tmp that must complete, since each
 * thread has its own lwp and rk holds no lock across a call; then the
 * blocked one is released (a write to the pipe, a connect) and completes,
 * with its own errno still its own (the library keeps one per thread).
 * And poll on a pipe with a time-out: nothing ready, it returns 0 after
 * at least the time-out (by rk's CLOCK_MONOTONIC; no upper bound is
 * asserted), then 1 with POLLIN once there is something to read.
 */
#include "sctest.h"

static int pfd[2] = { -1, -1 };
static int lsock = -1;
static char got[16];
static atomic_int entered, finished;
static long result;
static int reader_errno;

static void reader(void *arg)
{
	(void)arg;
	struct nb_stat st;
	stat("/tmp/no-such-file", &st);	/* my errno: ENOENT, whatever the other thread's becomes */
	atomic_store(&entered, 1);
	result = read(pfd[0], got, sizeof(got));
	reader_errno = errno;
	atomic_store(&finished, 1);
	rk_thread_done();
}

static void acceptor(void *arg)
{
	(void)arg;
	atomic_store(&entered, 1);
	result = accept(lsock, NULL, NULL);
	atomic_store(&finished, 1);
	rk_thread_done();
}

/* File I/O that must complete while the other thread waits in rk. */
static bool file_io(const char *leaf)
{
	static char out[65536], in[65536];
	char path[96];
	sc_path(path, sizeof(path), leaf);
	for (int i = 0; i < (int)sizeof(out); i++)
		out[i] = (char)(i * 7 + leaf[0]);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, out, sizeof(out)) == sizeof(out) && fsync(fd) == 0 &&
		  pread(fd, in, sizeof(in), 0) == sizeof(in) && !memcmp(in, out, sizeof(in));
	struct nb_stat st;
	ok = ok && fstat(fd, &st) == 0 && st.st_size == sizeof(out) && close(fd) == 0 && unlink(path) == 0;
	return ok;
}

/* Start fn on a thread and wait until it is about to call into rk, then
 * give it time to get there and block (rk's answer is what is checked:
 * the I/O completes whether or not it has, the wait makes it likely). */
static long start(void (*fn)(void *))
{
	atomic_store(&entered, 0);
	atomic_store(&finished, 0);
	result = -100;
	long tid = r2c_thd_create(fn, NULL, 16);
	for (int i = 0; tid > 0 && !atomic_load(&entered) && i < 5000; i++)
		sc_sleep_ms(1);
	sc_sleep_ms(50);
	return tid;
}

void blocking(void)
{
	/* read on an empty pipe */
	bool ok = pipe(pfd) == 0;
	long tid = ok ? start(reader) : -1;
	r2c_check("threads.reader_started", tid > 0 && atomic_load(&entered) && !atomic_load(&finished),
		  "pipe %d, thread %ld, reader %s", ok, tid, atomic_load(&finished) ? "returned at once" : "waiting");
	bool io = file_io("io-read");
	r2c_check("threads.io_while_read_blocked", io && !atomic_load(&finished), "file I/O %s, reader %s",
		  io ? "done" : "failed", atomic_load(&finished) ? "returned" : "still blocked");
	int bad = close(-1), mine = errno;	/* EBADF here, while the reader, blocked, keeps its ENOENT */
	long w = write(pfd[1], "wake", 4);
	if (tid > 0)
		r2c_thd_join((word_t)tid);
	r2c_check("threads.read_released", w == 4 && result == 4 && !memcmp(got, "wake", 4), "write %ld, read %ld", w,
		  result);
	r2c_check("threads.errno_per_thread", bad == -1 && mine == EBADF && reader_errno == ENOENT,
		  "this thread's errno %d, the reader's %d", mine, reader_errno);
	close(pfd[0]);
	close(pfd[1]);

	/* accept on a listening AF_LOCAL socket */
	char path[96];
	sc_path(path, sizeof(path), "accept.sock");
	struct nb_sockaddr_un a = { .sun_family = NB_AF_LOCAL };
	sc_strcpy(a.sun_path, sizeof(a.sun_path), path);
	nb_socklen_t alen = (nb_socklen_t)(2 + strlen(path) + 1);
	a.sun_len = (uint8_t)alen;
	lsock = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	ok = lsock >= 0 && bind(lsock, &a, alen) == 0 && listen(lsock, 1) == 0;
	tid = ok ? start(acceptor) : -1;
	r2c_check("threads.accept_listening", ok && tid > 0 && !atomic_load(&finished), "listen %d, thread %ld", ok,
		  tid);
	io = file_io("io-accept");
	r2c_check("threads.io_while_accept_blocked", io && !atomic_load(&finished), "file I/O %s, acceptor %s",
		  io ? "done" : "failed", atomic_load(&finished) ? "returned" : "still blocked");
	int c = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	int cr = connect(c, &a, alen);
	if (tid > 0)
		r2c_thd_join((word_t)tid);
	char b[4] = { 0 };
	bool talk = result >= 0 && send(c, "hey", 3, 0) == 3 && recv((int)result, b, sizeof(b), 0) == 3 &&
		    !memcmp(b, "hey", 3);
	r2c_check("threads.accept_released", cr == 0 && talk, "connect %d, accept %ld", cr, result);
	close((int)result);
	close(c);
	close(lsock);

	/* poll with a time-out on an empty pipe, then with something in it */
	ok = pipe(pfd) == 0;
	struct nb_pollfd pf = { .fd = pfd[0], .events = NB_POLLIN, .revents = 0x5555 };
	uint64_t t0 = sc_mono_ns();
	int n = poll(&pf, 1, 100);
	uint64_t t1 = sc_mono_ns();
	/* NetBSD ends the wait when its own uptime (the one clock_gettime
	 * reads: tick by tick, 10 ms, in rk) has moved 100 ms on */
	r2c_printf("sctest: %s: poll: 100 ms time-out: returned after %lu us by CLOCK_MONOTONIC\n", sc_name,
		   (unsigned long)((t1 - t0) / 1000));
	r2c_check("poll.timeout", ok && n == 0 && pf.revents == 0 && t0 && t1 >= t0 + 100000000ull,
		  "poll: %d, revents %x, after %lu us (at least 100,000)", n, pf.revents,
		  (unsigned long)((t1 - t0) / 1000));
	write(pfd[1], "!", 1);
	n = poll(&pf, 1, 1000);
	r2c_check("poll.ready", n == 1 && pf.revents == NB_POLLIN, "poll: %d, revents %x", n, pf.revents);
	close(pfd[0]);
	close(pfd[1]);
}
