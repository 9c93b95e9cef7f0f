/*
 * echo: a TCP and UDP echo server (RFC 862) on rk's sockets, port 7 or
 * the one its arg= names. One thread polls the TCP listener, the UDP
 * socket and up to MAXCONN connections; what a connection sends is
 * sent back in order, and while some of it is still waiting to go out
 * that connection is not read (so a client that does not read stalls
 * only itself). Each UDP datagram goes back to whoever sent it.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"

#define MAXCONN	32
#define BUF	16384

struct conn {
	int fd;
	size_t have, sent;	/* bytes in buf, of which sent so far */
	char buf[BUF];
};

static struct conn conns[MAXCONN];
static struct nb_pollfd pfd[MAXCONN + 2];
static char dgram[65536];

static void drop(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
}

/* The connection is readable or writable: move what can move. */
static void serve(struct conn *c, short revents)
{
	if (c->have == c->sent && (revents & (NB_POLLIN | NB_POLLHUP | NB_POLLERR))) {
		long n = recv(c->fd, c->buf, BUF, NB_MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			drop(c);
			return;
		}
		c->have = n > 0 ? (size_t)n : 0;
		c->sent = 0;
	}
	if (c->sent < c->have) {
		long n = send(c->fd, c->buf + c->sent, c->have - c->sent, NB_MSG_DONTWAIT | NB_MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN) {
			drop(c);
			return;
		}
		c->sent += n > 0 ? (size_t)n : 0;
	}
}

void r2c_main(word_t arg)
{
	(void)arg;
	unsigned port = 7;
	if (r2c_env->arg[0]) {
		port = 0;
		for (const char *p = r2c_env->arg; *p; p++)
			port = *p >= '0' && *p <= '9' && port < 65536 ? port * 10 + (unsigned)(*p - '0') : 65536;
		if (port == 0 || port > 65535) {
			r2c_printf("echo: arg=%s: expected a port number (1 to 65535)\n", r2c_env->arg);
			return;
		}
	}
	if (rk_wait_serving("rk", 60)) {
		r2c_printf("echo: rk does not serve (not in the composition, or not up in 60 s)\n");
		return;
	}
	int tcp = rk_tcp_listen((uint16_t)port, 16), udp = rk_udp_bind((uint16_t)port);
	if (tcp < 0 || udp < 0) {
		r2c_printf("echo: cannot listen on port %u: errno %d\n", port, errno);
		return;
	}
	for (int i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;
	r2c_printf("echo: serving TCP and UDP on port %u\n", port);
	r2c_ready();
	for (;;) {
		unsigned n = 0;
		pfd[n++] = (struct nb_pollfd){ .fd = tcp, .events = NB_POLLIN };
		pfd[n++] = (struct nb_pollfd){ .fd = udp, .events = NB_POLLIN };
		int at[MAXCONN] = { 0 };
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			if (c->fd < 0)
				continue;
			at[i] = (int)n;
			pfd[n++] = (struct nb_pollfd){ .fd = c->fd, .events = c->sent < c->have ? NB_POLLOUT : NB_POLLIN };
		}
		if (poll(pfd, n, -1) < 0) {
			r2c_printf("echo: poll: errno %d\n", errno);
			return;
		}
		for (int i = 0; i < MAXCONN; i++)
			if (conns[i].fd >= 0 && pfd[at[i]].revents)
				serve(&conns[i], pfd[at[i]].revents);
		if (pfd[1].revents & NB_POLLIN) {
			struct nb_sockaddr_in from;
			nb_socklen_t len = sizeof(from);
			long k = recvfrom(udp, dgram, sizeof(dgram), NB_MSG_DONTWAIT, &from, &len);
			if (k >= 0)
				sendto(udp, dgram, (size_t)k, NB_MSG_DONTWAIT, &from, len);
		}
		if (pfd[0].revents & NB_POLLIN) {
			int s = accept(tcp, NULL, NULL), i = 0;
			while (s >= 0 && i < MAXCONN && conns[i].fd >= 0)
				i++;
			if (s >= 0 && i == MAXCONN)
				close(s);	/* full: the client sees the connection closed */
			else if (s >= 0) {
				conns[i].fd = s;
				conns[i].have = conns[i].sent = 0;
			}
		}
	}
}
