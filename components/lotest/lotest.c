/*
 * lotest: two applications talking TCP over NetBSD's lo0 in rk, and a
 * UDP client of the echo server, for the network tier and make bench.
 * arg= says the role:
 *   recv:PORT:MiB   accept one connection, read MiB mebibytes and check
 *                   every 64-bit word is its own offset (in order, none
 *                   lost, none twice), then EOF
 *   send:PORT:MiB   connect to 127.0.0.1:PORT, send them in 64 KiB calls,
 *                   print MB/s and TSC cycles per KiB (instructions per
 *                   KiB under -icount)
 *   udp:PORT:N      N datagrams to the echo server on 127.0.0.1:PORT, each
 *                   answered with the same bytes (sent again after 1 s
 *                   without an answer, at most 5 times)
 */
#include "r2c.h"
#include "fmt/fmt.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"
#include "r2c/wordstream.h"

#define CALL	65536

static uint64_t buf[CALL / 8];
static char dg[1024], back[1024];

static unsigned num(const char *s)
{
	unsigned v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned)(*s - '0');
	return v;
}

static void receiver(uint16_t port, uint64_t bytes)
{
	r2c_plan(2);
	int ls = rk_tcp_listen(port, 1);
	r2c_ready();
	int s = ls >= 0 ? accept(ls, NULL, NULL) : -1;
	r2c_check("lo0.tcp_accept", s >= 0, "listen/accept on port %u: errno %d", port, errno);
	uint64_t got = 0, bad = ~0ull;
	while (s >= 0) {
		long n = recv(s, (char *)buf + got % 8, sizeof(buf) - got % 8, 0);
		if (n <= 0)
			break;
		wordstream_received(buf, &got, (uint64_t)n, &bad);
	}
	r2c_check("lo0.tcp_64m_in_order", got == bytes && bad == ~0ull,
		  "%lu of %lu bytes, first wrong word at offset %ld", got, bytes, bad == ~0ull ? -1L : (long)bad);
	if (s >= 0)
		close(s);
	close(ls);
	r2c_printf("lotest: recv: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

static void sender(uint16_t port, uint64_t bytes)
{
	r2c_plan(1);
	int s = -1;
	for (int tries = 0; s < 0 && tries < 500; tries++)	/* the receiver may not listen yet */
		if ((s = rk_tcp_connect(RK_LOOPBACK, port)) < 0)
			r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
	uint64_t sent = 0, t0 = r2c_tsc();
	while (s >= 0 && sent < bytes) {
		for (unsigned k = 0; k < CALL / 8; k++)
			buf[k] = sent + 8 * k;
		if (rk_send_all(s, buf, CALL) < 0)
			break;
		sent += CALL;
	}
	uint64_t t = r2c_tsc() - t0;
	r2c_check("lo0.tcp_sent", s >= 0 && sent == bytes, "%lu of %lu bytes sent, errno %d", sent, bytes, errno);
	if (s >= 0)
		close(s);
	uint64_t us = t / r2c_usecs(1) ? t / r2c_usecs(1) : 1;
	r2c_printf("bench: TCP app to app over lo0 in rk, %lu MiB in 64 KiB sends: %lu.%lu MB/s (ACCEL)\n",
		   bytes >> 20, bytes / us, bytes * 10 / us % 10);
	r2c_printf("bench: TCP app to app over lo0 in rk: %lu TSC cycles per KiB (instructions under -icount)\n",
		   t / (bytes >> 10));
	r2c_printf("lotest: send: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

static void udp(uint16_t port, unsigned n)
{
	r2c_plan(1);
	r2c_ready();
	int u = socket(NB_AF_INET, NB_SOCK_DGRAM, 0);
	struct nb_sockaddr_in to = rk_sockaddr_in(RK_LOOPBACK, port);
	struct nb_timeval tv = { .tv_sec = 1 };
	setsockopt(u, NB_SOL_SOCKET, NB_SO_RCVTIMEO, &tv, sizeof(tv));
	unsigned ok = 0, resent = 0;
	for (unsigned i = 0; u >= 0 && i < n; i++) {
		int len = fmt_snprintf(dg, sizeof(dg), "datagram %u ", i);
		for (unsigned k = 0; k < i % 500; k++)
			dg[len++] = (char)('a' + k % 26);
		for (int attempt = 0; attempt < 5; attempt++) {
			resent += attempt > 0;
			sendto(u, dg, (size_t)len, 0, &to, sizeof(to));
			long k;
			while ((k = recv(u, back, sizeof(back), 0)) > 0 && !(k == len && !memcmp(back, dg, (size_t)len)))
				;	/* an answer to an earlier copy */
			if (k == len) {
				ok++;
				break;
			}
		}
	}
	r2c_check("lo0.udp_echo", ok == n, "%u of %u datagrams came back (%u sent again)", ok, n, resent);
	r2c_printf("lotest: udp: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

void r2c_main(word_t arg)
{
	(void)arg;
	char f[3][R2C_ARG_FIELD];
	unsigned port = 0, amount = 0;
	if (!r2c_arg_fields(r2c_env->arg, f, 3)) {
		port = num(f[1]);
		amount = num(f[2]);
	}
	bool known = !strcmp(f[0], "recv") || !strcmp(f[0], "send") || !strcmp(f[0], "udp");
	if (!known || port == 0 || port > 65535 || amount == 0 || amount > 4096) {
		r2c_printf("lotest: arg=%s: expected recv:PORT:MiB, send:PORT:MiB or udp:PORT:N\n", r2c_env->arg);
		return;
	}
	if (rk_wait_serving("rk", 60)) {
		r2c_printf("lotest: rk does not serve\n");
		return;
	}
	if (!strcmp(f[0], "recv"))
		receiver((uint16_t)port, (uint64_t)amount << 20);
	else if (!strcmp(f[0], "send"))
		sender((uint16_t)port, (uint64_t)amount << 20);
	else
		udp((uint16_t)port, amount);
}
