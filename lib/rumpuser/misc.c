/* rumpuser: initialisation, parameters, termination, errno, console
 * output, randomness, and the calls a static image has nothing to do for. */
#include "rumpuser_int.h"
#include "fmt/fmt.h"

const struct rumpuser_hyperup *rumpuser_hyp;

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		r2c_printf("rumpuser: the rump kernel speaks version %d, this platform %d\n", version,
			   RUMPUSER_VERSION);
		return EINVAL;
	}
	rumpuser_hyp = hyp;
	return 0;
}

static int put(void *buf, size_t len, const char *value)
{
	size_t n = strlen(value);
	if (n + 1 > len)
		return E2BIG;
	memcpy(buf, value, n + 1);
	return 0;
}

int rumpuser_getparam(const char *name, void *buf, size_t len)
{
	if (!strcmp(name, RUMPUSER_PARAM_NCPU))
		return put(buf, len, "1");	/* the virtual CPUs it really runs on */
	if (!strcmp(name, RUMPUSER_PARAM_HOSTNAME))
		return put(buf, len, r2c_env ? r2c_env->name : "rump2cos");
	if (!strcmp(name, "RUMP_VERBOSE"))
		return put(buf, len, "1");
	if (!strcmp(name, "RUMP_MODULEBASE"))
		return put(buf, len, "0");	/* modules are linked in, none to look for */
	if (!strcmp(name, "RUMP_MEMLIMIT") && r2c_env) {
		/* Half of what is left of the budget: the rest is for the heap's
		 * own overhead, page tables and the hypercall layer. Past the
		 * limit the kernel's page daemon frees cached pages instead of
		 * the heap running dry. */
		char v[24];
		word_t left = r2c_env->untyped_frames - r2c_env->untyped_used;
		fmt_snprintf(v, sizeof(v), "%lu", left * 4096 / 2);
		return put(buf, len, v);
	}
	return ENOENT;
}

_Atomic uint8_t rk_gate = RK_GATE_BOOTING;

/* The end of the whole rump kernel (a panic, or its exit): the calling
 * thread holds the virtual CPU and kernel locks, so nothing in it can run
 * again. Say so, refuse every later call (RK_GATE_STOPPED), and fault
 * (ud2, "invalid opcode" on the console): that is the request for a
 * micro-reboot when the composition says restart= (docs/reboot.md), and
 * the component's failure otherwise; a client thread that was inside
 * unwinds to its caller (INV_REBOOTED, or INV_FAULTED). */
void rumpuser_exit(int value)
{
	atomic_fetch_or(&rk_gate, RK_GATE_STOPPED);
	if (value == RUMPUSER_PANIC)
		r2c_printf("rumpuser: the rump kernel panicked; it serves no more calls (a micro-reboot if restart=)\n");
	else
		r2c_printf("rumpuser: the rump kernel exited with %d; it serves no more calls\n", value);
	__builtin_trap();
}

int rumpuser_kill(int64_t pid, int sig)
{
	r2c_printf("rumpuser: signal %d to %s\n", sig, pid == RUMPUSER_PID_SELF ? "the rump kernel" : "a process");
	if (sig == 6 || sig == 9)	/* SIGABRT, SIGKILL: nothing can go on */
		rumpuser_exit(RUMPUSER_PANIC);
	return 0;
}

void rumpuser_seterrno(int error)
{
	rk_ctx()->error = error;
}

void rumpuser_putchar(int c)
{
	char ch = (char)c;
	r2c_puts(&ch, 1);	/* the console assembles lines per thread */
}

void rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r2c_vprintf(fmt, ap);
	va_end(ap);
}

static bool have_rdrand(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return c & (1u << 30);
}

/* Always makes progress: a call that gave 0 bytes would hang boot. */
int rumpuser_getrandom(void *buf, size_t len, int flags, size_t *got)
{
	static uint64_t state;
	static int rdrand = -1;
	(void)flags;
	if (rdrand < 0)
		rdrand = have_rdrand();
	if (!state)
		state = r2c_tsc() | 1;
	unsigned char *p = buf;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = 0;
		unsigned char ok = 0;
		if (rdrand)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		state ^= state << 13, state ^= state >> 7, state ^= state << 17;
		v ^= state ^ (ok ? 0 : r2c_tsc());
		size_t k = len - i < 8 ? len - i : 8;
		memcpy(p + i, &v, k);
	}
	*got = len;
	return 0;
}

int rumpuser_daemonize_begin(void) { return 0; }
int rumpuser_daemonize_done(int error) { (void)error; return 0; }

/* Everything is linked into one static image: nothing to load. */
void rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload, rump_compload_fn compload)
{
	(void)modinit, (void)symload, (void)compload;
}
