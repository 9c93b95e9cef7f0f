/*
 * rkconform: conformance tests of the hypercall layer (lib/rumpuser)
 * without a rump kernel. It plays the rump kernel: a table of upcalls
 * that tracks which thread holds the (one) virtual CPU, so every rule of
 * the contract can be checked: CPU released around blocking and taken
 * back after, never touched by the _nowrap calls, KMUTEX owners, cv
 * time-outs with NetBSD's ETIMEDOUT, bio completion with the CPU held,
 * per-thread curlwp and errno, parameters, memory, clocks, randomness,
 * and the sysproxy copies to and from a client (spclient) invoking it,
 * with arguments rk pinned for a call.
 */
#include "r2c.h"
#include "r2c/rumpuser.h"
#include "r2c/sptest.h"
#include "../../lib/rumpuser/rumpuser_int.h"

static volatile word_t cpu_holder;	/* tid holding the virtual CPU, 0 none */
static volatile int unscheds, scheds, misuse;

static void hyp_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	(void)nlocks, (void)interlock;
	if (cpu_holder != r2c_self())
		misuse++;	/* released a CPU it did not hold */
	cpu_holder = 0;
	unscheds++;
	*countp = 3;		/* pretend to drop three big-lock holds */
}

static void hyp_backend_schedule(int nlocks, void *interlock)
{
	(void)interlock;
	if (cpu_holder || nlocks != 3)
		misuse++;	/* took a held CPU, or lost the lock count */
	cpu_holder = r2c_self();
	scheds++;
}

static void hyp_schedule(void) { hyp_backend_schedule(3, NULL); }
static void hyp_unschedule(void) { int n; hyp_backend_unschedule(0, &n, NULL); }

static const struct rumpuser_hyperup hyp = {
	.hyp_schedule = hyp_schedule,
	.hyp_unschedule = hyp_unschedule,
	.hyp_backend_unschedule = hyp_backend_unschedule,
	.hyp_backend_schedule = hyp_backend_schedule,
};

static struct lwp *fake_lwp(int n) { return (struct lwp *)(word_t)(0x1000 * n); }

static struct rumpuser_mtx *mtx;
static struct rumpuser_cv *cv;
static volatile int stage;

static void *holder(void *arg)
{
	(void)arg;
	hyp_schedule();
	rumpuser_curlwpop(RUMPUSER_LWP_SET, fake_lwp(2));
	rumpuser_mutex_enter(mtx);
	stage = 1;
	hyp_unschedule();
	while (stage < 2 || cpu_holder)	/* until the other thread's enter has let the CPU go */
		r2c_sched_yield();
	hyp_schedule();
	rumpuser_mutex_exit(mtx);
	hyp_unschedule();
	rumpuser_thread_exit();
}

static void *signaller(void *arg)
{
	(void)arg;
	hyp_schedule();
	rumpuser_mutex_enter(mtx);
	rumpuser_cv_signal(cv);
	rumpuser_mutex_exit(mtx);
	hyp_unschedule();
	rumpuser_thread_exit();
}

static volatile int done_calls, done_error, done_with_cpu;
static volatile size_t done_bytes;

static void biodone(void *arg, size_t bytes, int error)
{
	(void)arg;
	done_calls++;
	done_bytes = bytes;
	done_error = error;
	done_with_cpu = cpu_holder == r2c_self();
}

static void test_basics(void)
{
	char buf[64];
	CHECK_EQ("rumpuser.version_refused", rumpuser_init(16, &hyp), 22);
	CHECK_EQ("rumpuser.init", rumpuser_init(RUMPUSER_VERSION, &hyp), 0);
	r2c_check("rumpuser.ncpu", !rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) && !strcmp(buf, "1"),
		  "_RUMPUSER_NCPU = %s", buf);
	r2c_check("rumpuser.hostname", !rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf)) && buf[0],
		  "no hostname");
	CHECK_EQ("rumpuser.unset_param", rumpuser_getparam("RUMP_NO_SUCH", buf, sizeof(buf)) != 0, 1);
	CHECK_EQ("rumpuser.param_too_long", rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, 2) != 0, 1);
	void *p = NULL;
	CHECK_EQ("rumpuser.malloc_aligned", rumpuser_malloc(5000, 4096, &p) == 0 && ((word_t)p & 4095) == 0, 1);
	rumpuser_free(p, 5000);
	CHECK_EQ("rumpuser.malloc_exhausted", rumpuser_malloc(1ull << 40, 0, &p), 12);	/* ENOMEM */
	unsigned char r[100];
	size_t got = 0;
	CHECK_EQ("rumpuser.getrandom_progress", rumpuser_getrandom(r, sizeof(r), 0, &got) == 0 && got == sizeof(r), 1);
	int64_t s0, s1;
	long n0, n1;
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s0, &n0);
	for (volatile int i = 0; i < 100000; i++)
		;
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s1, &n1);
	r2c_check("rumpuser.clock_advances", s1 > s0 || (s1 == s0 && n1 > n0), "monotonic clock stood still");
	hyp_schedule();
	int u = unscheds;
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s0, &n0);
	CHECK_EQ("rumpuser.clock_sleep", rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 3000000), 0);
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s1, &n1);
	int64_t slept = (s1 - s0) * 1000000000 + (n1 - n0);
	r2c_check("rumpuser.clock_sleep_time", slept >= 3000000, "slept %ld ns", (long)slept);
	r2c_check("rumpuser.sleep_releases_cpu", unscheds == u + 1 && cpu_holder == r2c_self(), "CPU not released");
	rumpuser_seterrno(60);
	hyp_unschedule();
}

static void test_locks(void)
{
	rumpuser_mutex_init(&mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&cv);
	hyp_schedule();
	rumpuser_curlwpop(RUMPUSER_LWP_SET, fake_lwp(1));
	CHECK_EQ("rumpuser.curlwp", rumpuser_curlwp(), fake_lwp(1));
	rumpuser_mutex_enter(mtx);
	struct lwp *o;
	rumpuser_mutex_owner(mtx, &o);
	CHECK_EQ("rumpuser.kmutex_owner", o, fake_lwp(1));
	int s = scheds;
	long r = rumpuser_cv_timedwait(cv, mtx, 0, 2000000);
	CHECK_EQ("rumpuser.cv_timeout_etimedout", r, 60);
	rumpuser_mutex_owner(mtx, &o);
	r2c_check("rumpuser.cv_timeout_relocked", o == fake_lwp(1) && cpu_holder == r2c_self() && scheds == s + 1,
		  "owner %p, CPU holder %lu", (void *)o, cpu_holder);
	rumpuser_mutex_exit(mtx);
	rumpuser_mutex_owner(mtx, &o);
	CHECK_EQ("rumpuser.owner_cleared", o, NULL);

	/* Another thread holds it: tryenter says EBUSY, enter releases the CPU. */
	stage = 0;
	void *cookie;
	hyp_unschedule();
	rumpuser_thread_create(holder, NULL, "holder", 1, -1, -1, &cookie);
	while (stage < 1)
		r2c_sched_yield();
	hyp_schedule();
	CHECK_EQ("rumpuser.curlwp_per_thread", rumpuser_curlwp(), fake_lwp(1));
	CHECK_EQ("rumpuser.tryenter_busy", rumpuser_mutex_tryenter(mtx), 16);
	stage = 2;
	int u = unscheds;
	rumpuser_mutex_enter(mtx);
	/* the holder could only take the CPU (checked in hyp_backend_schedule)
	 * because enter released it; it also released it once itself */
	r2c_check("rumpuser.contended_enter_releases_cpu", unscheds == u + 2 && cpu_holder == r2c_self() && !misuse,
		  "%d releases, misuse %d", unscheds - u, misuse);
	rumpuser_mutex_owner(mtx, &o);
	CHECK_EQ("rumpuser.owner_after_contention", o, fake_lwp(1));
	rumpuser_mutex_exit(mtx);
	CHECK_EQ("rumpuser.thread_join", rumpuser_thread_join(cookie), 0);

	/* cv signalled by another thread: 0, relocked. */
	rumpuser_mutex_enter(mtx);
	hyp_unschedule();
	rumpuser_thread_create(signaller, NULL, "signaller", 0, -1, -1, NULL);
	hyp_schedule();
	r = rumpuser_cv_timedwait(cv, mtx, 5, 0);
	CHECK_EQ("rumpuser.cv_signalled", r, 0);
	rumpuser_mutex_exit(mtx);

	/* nowrap never touches the CPU */
	struct rumpuser_mtx *spin;
	rumpuser_mutex_init(&spin, RUMPUSER_MTX_SPIN);
	u = unscheds, s = scheds;
	rumpuser_mutex_enter_nowrap(spin);
	rumpuser_mutex_exit(spin);
	rumpuser_mutex_enter(spin);
	rumpuser_mutex_exit(spin);
	r2c_check("rumpuser.nowrap_no_cpu", unscheds == u && scheds == s, "the CPU was touched");

	struct rumpuser_rw *rw;
	int held;
	rumpuser_rw_init(&rw);
	rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);
	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
	CHECK_EQ("rumpuser.rw_held_writer", held, 1);
	CHECK_EQ("rumpuser.rw_tryenter_busy", rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw), 16);
	rumpuser_rw_downgrade(rw);
	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
	int rheld;
	rumpuser_rw_held(RUMPUSER_RW_READER, rw, &rheld);
	CHECK_EQ("rumpuser.rw_downgrade", !held && rheld, 1);
	CHECK_EQ("rumpuser.rw_tryupgrade", rumpuser_rw_tryupgrade(rw), 0);
	rumpuser_rw_exit(rw);
	rumpuser_rw_held(RUMPUSER_RW_READER, rw, &rheld);
	CHECK_EQ("rumpuser.rw_released", rheld, 0);
	CHECK_EQ("rumpuser.no_misuse", misuse, 0);
	hyp_unschedule();
}

static void test_blocks(void)
{
	uint64_t size = 0;
	int type = -1, fd = -1;
	CHECK_EQ("rumpuser.getfileinfo", rumpuser_getfileinfo("rd0", &size, &type) == 0 && type == RUMPUSER_FT_BLK &&
		 size == 1u << 20, 1);
	CHECK_EQ("rumpuser.getfileinfo_missing", rumpuser_getfileinfo("nosuch", &size, &type), 2);
	CHECK_EQ("rumpuser.open", rumpuser_open("rd0", RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_BIO, &fd), 0);
	static char block[4096], back[4096];
	for (int i = 0; i < 4096; i++)
		block[i] = (char)(i * 13);
	hyp_schedule();
	rumpuser_bio(fd, RUMPUSER_BIO_WRITE | RUMPUSER_BIO_SYNC, block, sizeof(block), 8192, biodone, NULL);
	r2c_check("rumpuser.bio_write", done_calls == 1 && done_bytes == 4096 && !done_error && done_with_cpu,
		  "done %d times, %lu bytes, error %d, CPU %d", done_calls, done_bytes, done_error, done_with_cpu);
	rumpuser_bio(fd, RUMPUSER_BIO_READ, back, sizeof(back), 8192, biodone, NULL);
	r2c_check("rumpuser.bio_read", done_calls == 2 && !done_error && !memcmp(block, back, 4096), "data differs");
	rumpuser_bio(fd, RUMPUSER_BIO_READ, back, 1024, (1 << 20) - 512, biodone, NULL);
	r2c_check("rumpuser.bio_past_end", done_calls == 3 && done_error == 5 && done_bytes == 0,
		  "error %d, %lu bytes", done_error, done_bytes);
	struct rumpuser_iovec iov[2] = { { back, 100 }, { back + 100, 300 } };
	size_t moved = 0;
	memset(back, 0, sizeof(back));
	CHECK_EQ("rumpuser.iovread", rumpuser_iovread(fd, iov, 2, 8192 + 10, &moved) == 0 && moved == 400 &&
		 !memcmp(back, block + 10, 400), 1);
	struct rumpuser_iovec one = { back, 50 };	/* off -1: on from where the last ended */
	CHECK_EQ("rumpuser.iovread_no_seek", rumpuser_iovread(fd, &one, 1, -1, &moved) == 0 && moved == 50 &&
		 !memcmp(back, block + 410, 50), 1);
	hyp_unschedule();
	CHECK_EQ("rumpuser.close", rumpuser_close(fd), 0);
	CHECK_EQ("rumpuser.close_bad", rumpuser_close(fd + 7), 9);
}

/* The sysproxy copies (rumpuser_sp_copy*): spclient invokes this entry
 * with pointers into its own memory (r2c/sptest.h): a0 = SPTEST_LEN
 * bytes SPTEST_BYTE(i), a1 = the string SPTEST_STR, a2 = SPTEST_LEN
 * writable bytes, a3 = its code. priv is its token, as for a process of
 * that client. */
static volatile int sp_done;
static unsigned char sp_buf[SPTEST_LEN], sp_back[SPTEST_LEN];

/* Pinned arguments (rk_sp_pin): the copies read rk's copy at the pin's
 * address, within its bounds, for the pinning thread's call only. */
static void test_pins(void *priv, const char *client_str)
{
	char mine[sizeof(SPTEST_STR)], s[64];
	size_t len = sizeof(mine), done = 0;
	r2c_copyinstr(client_str, mine, len, &done);
	mine[0] = 'X';		/* rk's copy, changed: what the rump kernel must now read */
	const char *p = rk_sp_pin(mine, done);
	len = sizeof(s);
	memset(s, 'x', sizeof(s));
	r2c_check("sp.pin_copyinstr", p && rumpuser_sp_copyinstr(priv, p, s, &len) == 0 && len == sizeof(SPTEST_STR) &&
		  !strcmp(s, mine), "pin %p, len %lu, \"%s\"", (const void *)p, len, s);
	len = sizeof(s);
	r2c_check("sp.pin_copyinstr_inside", rumpuser_sp_copyinstr(priv, p + 5, s, &len) == 0 &&
		  len == sizeof(SPTEST_STR) - 5 && !strcmp(s, mine + 5), "len %lu", len);
	r2c_check("sp.pin_copyin_bounds", rumpuser_sp_copyin(priv, p + 1, s, done - 1) == 0 && s[0] == mine[1] &&
		  rumpuser_sp_copyin(priv, p + 1, s, done) == 14, "inside, or one byte past the end");
	CHECK_EQ("sp.pin_copyout", rumpuser_sp_copyout(priv, s, (void *)p, 1), 14);
	CHECK_EQ("sp.pin_wrong_client", rumpuser_sp_copyin((void *)((word_t)priv + 1), p, s, 1), 14);
	rk_sp_unpin();
	len = sizeof(s);
	r2c_check("sp.pin_gone", rumpuser_sp_copyinstr(priv, p, s, &len) == 14 && rumpuser_sp_copyin(priv, p, s, 1) == 14,
		  "the pin outlived rk_sp_unpin");
	int n = 0;
	while (n < RK_SP_PINS + 1 && rk_sp_pin(mine, done))
		n++;
	rk_sp_unpin();
	CHECK_EQ("sp.pins_bounded", n, RK_SP_PINS);
}

static word_t rkconform_sp(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	void *priv = (void *)inv->token, *data = (void *)a0, *out = (void *)a2, *code = (void *)a3;
	const char *str = (const char *)a1;
	void *kernel = (void *)0xFFFF800000001000ull, *unmapped = (void *)0x7000000000ull;
	word_t bad = 0;

	CHECK_EQ("sp.copyin", rumpuser_sp_copyin(priv, data, sp_buf, SPTEST_LEN), 0);
	for (word_t i = 0; i < SPTEST_LEN; i++)
		bad += sp_buf[i] != SPTEST_BYTE(i);
	CHECK_EQ("sp.copyin_data", bad, 0);
	CHECK_EQ("sp.copyin_zero", rumpuser_sp_copyin(priv, NULL, sp_buf, 0), 0);
	for (word_t i = 0; i < SPTEST_LEN; i++)
		sp_buf[i] = (unsigned char)(i * 11);
	CHECK_EQ("sp.copyout", rumpuser_sp_copyout(priv, sp_buf, out, SPTEST_LEN), 0);
	rumpuser_sp_copyin(priv, out, sp_back, SPTEST_LEN);
	CHECK_EQ("sp.copyout_data", memcmp(sp_buf, sp_back, SPTEST_LEN), 0);

	CHECK_EQ("sp.copyin_kernel", rumpuser_sp_copyin(priv, kernel, sp_buf, 8), 14);	/* EFAULT */
	CHECK_EQ("sp.copyin_unmapped", rumpuser_sp_copyin(priv, unmapped, sp_buf, 8), 14);
	CHECK_EQ("sp.copyin_null", rumpuser_sp_copyin(priv, NULL, sp_buf, 8), 14);
	CHECK_EQ("sp.copyout_read_only", rumpuser_sp_copyout(priv, sp_buf, code, 8), 14);
	CHECK_EQ("sp.copyout_kernel", rumpuser_sp_copyout(priv, sp_buf, kernel, 8), 14);
	CHECK_EQ("sp.wrong_client", rumpuser_sp_copyin((void *)(inv->token + 1), data, sp_buf, 8), 14);

	char s[64];
	size_t len = sizeof(s);
	memset(s, 'x', sizeof(s));
	r2c_check("sp.copyinstr", rumpuser_sp_copyinstr(priv, str, s, &len) == 0 && len == sizeof(SPTEST_STR) &&
		  !strcmp(s, SPTEST_STR), "len %lu, \"%s\"", len, s);
	len = 5;
	memset(s, 'x', sizeof(s));
	r2c_check("sp.copyinstr_bound", rumpuser_sp_copyinstr(priv, str, s, &len) == 0 && len == 5 &&
		  !memcmp(s, SPTEST_STR, 5) && s[5] == 'x', "len %lu", len);	/* no NUL: NetBSD says ENAMETOOLONG */
	len = sizeof(s);
	CHECK_EQ("sp.copyinstr_kernel", rumpuser_sp_copyinstr(priv, kernel, s, &len), 14);
	len = sizeof(s);
	CHECK_EQ("sp.copyinstr_wrong_client", rumpuser_sp_copyinstr((void *)(inv->token + 1), str, s, &len), 14);

	static const char msg[] = "written by the rump kernel";
	len = sizeof(msg);
	memset(sp_back, 0, 64);
	r2c_check("sp.copyoutstr", rumpuser_sp_copyoutstr(priv, msg, out, &len) == 0 && len == sizeof(msg) &&
		  rumpuser_sp_copyin(priv, out, sp_back, 64) == 0 && !strcmp((char *)sp_back, msg), "len %lu", len);
	len = sizeof(msg);
	CHECK_EQ("sp.copyoutstr_read_only", rumpuser_sp_copyoutstr(priv, msg, code, &len), 14);
	test_pins(priv, str);
	sp_done = 1;
	return 0;
}
R2C_ENTRY(rkconform_sp);

static void test_sysproxy(void)
{
	char c;
	/* Not serving an invocation (a rump kernel thread of its own): no client to reach. */
	CHECK_EQ("sp.not_serving", rumpuser_sp_copyin(NULL, &c, &c, 1), 14);
	uint64_t deadline = r2c_tsc() + r2c_env->tsc_hz * 20;
	while (!sp_done && r2c_tsc() < deadline)
		r2c_sleep_until(r2c_tsc() + r2c_env->tsc_hz / 1000);
	r2c_check("sp.client_came", sp_done, "spclient did not invoke rkconform_sp within 20 s");
}

/* The last test: a panic ends the whole rump kernel, not one thread. */
static volatile int after_exit;

static void *panicker(void *arg)
{
	(void)arg;
	hyp_schedule();
	rumpuser_exit(RUMPUSER_PANIC);
	after_exit = 1;		/* never reached */
	return NULL;
}

static void test_exit(void)
{
	void *cookie;
	r2c_printf("EXPECT-FAULT %s\n", r2c_env->name);	/* the panic faults rkconform on purpose */
	CHECK_EQ("rumpuser.exit_thread", rumpuser_thread_create(panicker, NULL, "panicker", 1, -1, -1, &cookie), 0);
	hyp_unschedule();
	long r = r2c_thd_join((word_t)cookie);
	hyp_schedule();
	r2c_check("rumpuser.exit_stops_all", r == 0 && rumpuser_stopped() && !after_exit,
		  "join %ld, stopped %d, went on %d", r, rumpuser_stopped(), after_exit);
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_plan(69);
	test_basics();
	test_locks();
	test_blocks();
	test_sysproxy();
	test_exit();
	r2c_printf("rkconform: hypercall conformance: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
