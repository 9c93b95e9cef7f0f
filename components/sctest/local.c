/*
 * An AF_LOCAL stream socket between two client components, through a
 * socket file on rk's tmpfs: the listener (arg=listen) binds
 * /tmp/sc.sock and accepts; the other (arg=connect) retries connect until
 * that name exists (a bounded number of times: the socket itself is how
 * the two find each other), then sends 16 MiB in send, write and sendmsg
 * calls and shuts its side down. Every byte received is checked against
 * a pattern derived from its offset, so a lost, repeated or reordered
 * piece shows; then the listener answers with the count it saw, both
 * see the other's end and close.
 */
#include "sctest.h"

#define SOCK_PATH	"/tmp/sc.sock"
#define TOTAL		(16ul << 20)
#define CHUNK		65536
#define CONNECT_TRIES	3000	/* 10 ms apart: 30 s and more for the listener to appear */

static char buf[CHUNK];

/* The byte at offset i of the stream: the 8-byte word of its index,
 * scrambled, so every word is different. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((((i >> 3) + 1) * 0x9e3779b97f4a7c15ull) >> ((i & 7) * 8));
}

static struct nb_sockaddr_un sock_addr(nb_socklen_t *len)
{
	struct nb_sockaddr_un a = { .sun_family = NB_AF_LOCAL };
	sc_strcpy(a.sun_path, sizeof(a.sun_path), SOCK_PATH);
	*len = (nb_socklen_t)(2 + strlen(SOCK_PATH) + 1);
	a.sun_len = (uint8_t)*len;
	return a;
}

/* Something to read on s within a minute: neither side waits for ever
 * on a peer that has gone wrong. */
static bool readable(int s)
{
	struct nb_pollfd pf = { .fd = s, .events = NB_POLLIN };
	return poll(&pf, 1, 60000) == 1;
}

struct reply {
	char ok[8];		/* "received" */
	uint64_t bytes;
};

void local_listen(void)
{
	nb_socklen_t alen;
	struct nb_sockaddr_un a = sock_addr(&alen), got;
	int s = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	int b = bind(s, &a, alen);
	/* connecting needs write permission on the socket file: the other
	 * client may be another user */
	r2c_check("local.listen", s >= 0 && b == 0 && chmod(SOCK_PATH, 0666) == 0 && listen(s, 1) == 0,
		  "socket %d, bind %s: %d (errno %d)", s, SOCK_PATH, b, errno);
	int c = readable(s) ? accept(s, NULL, NULL) : -1;
	int big = CHUNK;
	r2c_check("local.accept", c >= 0 && setsockopt(c, NB_SOL_SOCKET, NB_SO_RCVBUF, &big, sizeof(big)) == 0,
		  "accept %d (errno %d)", c, errno);
	nb_socklen_t gl = sizeof(got);
	r2c_check("local.sockname", getsockname(c, &got, &gl) == 0 && got.sun_family == NB_AF_LOCAL &&
		  !strcmp(got.sun_path, SOCK_PATH), "getsockname: errno %d", errno);

	uint64_t total = 0, bad_at = ~0ull, calls = 0;
	while (total < TOTAL) {
		if (!readable(c))
			break;
		long n = calls++ % 2 ? read(c, buf, sizeof(buf)) : recv(c, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		for (long i = 0; i < n && bad_at == ~0ull; i++)
			if ((uint8_t)buf[i] != pattern(total + (uint64_t)i))
				bad_at = total + (uint64_t)i;
		if ((total + (uint64_t)n) >> 22 != total >> 22)
			r2c_printf("sctest: %s: local: %lu MiB received\n", sc_name, (unsigned long)((total + n) >> 20));
		total += (uint64_t)n;
	}
	r2c_check("local.received_in_order", total == TOTAL && bad_at == ~0ull,
		  "%lu bytes of %lu in %lu calls, first wrong byte at %ld (errno %d)", (unsigned long)total, TOTAL,
		  (unsigned long)calls, bad_at == ~0ull ? -1l : (long)bad_at, errno);
	long eof = readable(c) ? recv(c, buf, 1, 0) : -2;
	r2c_check("local.eof", eof == 0, "recv after the sender's shutdown: %ld (errno %d)", eof, errno);
	struct reply r = { "received", total };
	r2c_check("local.reply_sent", send(c, &r, sizeof(r), 0) == sizeof(r), "send: errno %d", errno);
	r2c_check("local.closed", close(c) == 0 && close(s) == 0 && unlink(SOCK_PATH) == 0, "close, unlink: errno %d",
		  errno);
}

void local_connect(void)
{
	nb_socklen_t alen;
	struct nb_sockaddr_un a = sock_addr(&alen), got;
	int c = -1, r = -1, e = 0, tries = 0;
	while (tries < CONNECT_TRIES) {
		tries++;
		c = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
		r = connect(c, &a, alen);
		if (r == 0)
			break;
		e = errno;
		close(c);
		c = -1;
		if (e != ENOENT && e != ECONNREFUSED)
			break;
		sc_sleep_ms(10);
	}
	r2c_check("local.connect", r == 0, "connect %s: errno %d after %d tries", SOCK_PATH, e, tries);
	r2c_printf("sctest: %s: local: connected after %d tries\n", sc_name, tries);
	nb_socklen_t gl = sizeof(got);
	r2c_check("local.peer", getpeername(c, &got, &gl) == 0 && got.sun_family == NB_AF_LOCAL &&
		  !strcmp(got.sun_path, SOCK_PATH), "getpeername: errno %d", errno);
	int big = CHUNK;
	r2c_check("local.sndbuf", setsockopt(c, NB_SOL_SOCKET, NB_SO_SNDBUF, &big, sizeof(big)) == 0,
		  "setsockopt: errno %d", errno);

	uint64_t sent = 0, calls = 0;
	long n = 0;
	while (sent < TOTAL && c >= 0) {
		uint64_t want = TOTAL - sent < CHUNK ? TOTAL - sent : CHUNK;
		for (uint64_t i = 0; i < want; i++)
			buf[i] = (char)pattern(sent + i);
		/* send, write, and sendmsg of two pieces, in turn */
		uint64_t half = want / 2;
		struct nb_iovec v[2] = { { buf, half }, { buf + half, want - half } };
		struct nb_msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
		switch (calls++ % 3) {
		case 0: n = send(c, buf, want, 0); break;
		case 1: n = write(c, buf, want); break;
		default: n = sendmsg(c, &m, 0); break;
		}
		if (n <= 0)
			break;
		sent += (uint64_t)n;	/* a short send: the rest is made again next time */
	}
	r2c_check("local.sent", sent == TOTAL, "%lu bytes of %lu in %lu calls, last %ld (errno %d)",
		  (unsigned long)sent, TOTAL, (unsigned long)calls, n, errno);
	r2c_check("local.shutdown", shutdown(c, NB_SHUT_WR) == 0, "shutdown: errno %d", errno);
	struct reply rep = { { 0 }, 0 };
	long got_n = 0;
	while (got_n < (long)sizeof(rep)) {
		long k = readable(c) ? recv(c, (char *)&rep + got_n, sizeof(rep) - (size_t)got_n, 0) : -2;
		if (k <= 0)
			break;
		got_n += k;
	}
	r2c_check("local.reply", got_n == sizeof(rep) && !memcmp(rep.ok, "received", 8) && rep.bytes == TOTAL,
		  "reply of %ld bytes: %lu received", got_n, (unsigned long)rep.bytes);
	long eof = readable(c) ? recv(c, buf, 1, 0) : -2;
	r2c_check("local.closed", eof == 0 && close(c) == 0, "recv after the listener closed: %ld (errno %d)", eof,
		  errno);
}
