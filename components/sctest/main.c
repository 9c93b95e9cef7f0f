/*
 * sctest's start: two instances of this image run at once
 * (compose/test-netbsd-syscalls.comp), each its own NetBSD process in rk.
 * arg=listen: the listening end of the AF_LOCAL stream between them, then
 * every wrapper once, every bad pointer, the blocking checks and the
 * race. arg=connect: the connecting end, then every wrapper and every bad
 * pointer again in its own process, while the other runs. Each works in
 * /tmp/NAME on rk's tmpfs and ends with "sctest: NAME: N passed, N failed".
 */
#include "sctest.h"

char sc_name[16];
char sc_dir[64];
int sc_pid;

void sc_strcpy(char *out, size_t n, const char *s)
{
	size_t i = 0;
	for (; n && i < n - 1 && s[i]; i++)
		out[i] = s[i];
	if (n)
		out[i] = '\0';
}

void sc_path(char *out, size_t n, const char *leaf)
{
	fmt_snprintf(out, n, "%s/%s", sc_dir, leaf);
}

bool sc_served(void)
{
	return getpid() == sc_pid;
}

void sc_sleep_ms(unsigned ms)
{
	r2c_sleep_until(r2c_tsc() + r2c_usecs(ms * 1000ull));
}

uint64_t sc_mono_ns(void)
{
	struct nb_timespec ts;
	if (clock_gettime(NB_CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void r2c_main(word_t arg)
{
	(void)arg;
	sc_strcpy(sc_name, sizeof(sc_name), r2c_env->name);
	bool listener = !strcmp(r2c_env->arg, "listen");
	if (!listener && strcmp(r2c_env->arg, "connect")) {
		r2c_printf("sctest: %s: arg=%s: expected listen or connect\n", sc_name, r2c_env->arg);
		return;
	}
	if (listener)
		r2c_plan(LISTEN_CHECKS + FUNCTIONAL_CHECKS + efault_checks() + BLOCKING_CHECKS + RACE_CHECKS +
			 LEND_CHECKS);
	else
		r2c_plan(CONNECT_CHECKS + FUNCTIONAL_CHECKS + efault_checks());
	if (rk_sys_init("rk") || !guarded_init()) {
		r2c_printf("sctest: %s: no rk_syscall entry, or no guarded pages\n", sc_name);
		return;
	}
	long rv[2] = { -1, -1 };
	int e = rk_syscall_block(NB_SYS_getpid, NULL, 0, rv);
	sc_pid = (int)rv[0];
	fmt_snprintf(sc_dir, sizeof(sc_dir), "/tmp/%s", sc_name);
	if (e || sc_pid <= 1 || mkdir(sc_dir, 0755)) {
		r2c_printf("sctest: %s: getpid: errno %d, pid %d; mkdir %s: errno %d\n", sc_name, e, sc_pid, sc_dir,
			   errno);
		return;
	}

	if (listener) {
		local_listen();
		functional();
		efault();
		blocking();
		race();
		lend();
	} else {
		local_connect();
		functional();
		efault();
	}
	rk_thread_done();
	r2c_printf("sctest: %s: %d passed, %d failed\n", sc_name, r2c_passed, r2c_failed);
}
