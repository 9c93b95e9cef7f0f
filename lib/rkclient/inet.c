/*
 * IPv4 socket helpers for applications of rk (inet.h): a listening,
 * bound or connected socket in one call, on NetBSD's system calls.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"

struct nb_sockaddr_in rk_sockaddr_in(uint32_t addr, uint16_t port)
{
	struct nb_sockaddr_in a = { 0 };
	a.sin_len = sizeof(a);
	a.sin_family = NB_AF_INET;
	a.sin_port = rk_htons(port);
	a.sin_addr = addr;
	return a;
}

static int bound(int type, uint16_t port)
{
	int s = socket(NB_AF_INET, type, 0), one = 1;
	if (s < 0)
		return -1;
	struct nb_sockaddr_in a = rk_sockaddr_in(NB_INADDR_ANY, port);
	if (setsockopt(s, NB_SOL_SOCKET, NB_SO_REUSEADDR, &one, sizeof(one)) < 0 || bind(s, &a, sizeof(a)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

int rk_tcp_listen(uint16_t port, int backlog)
{
	int s = bound(NB_SOCK_STREAM, port);
	if (s >= 0 && listen(s, backlog) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

int rk_udp_bind(uint16_t port)
{
	return bound(NB_SOCK_DGRAM, port);
}

int rk_tcp_connect(uint32_t addr, uint16_t port)
{
	int s = socket(NB_AF_INET, NB_SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	struct nb_sockaddr_in a = rk_sockaddr_in(addr, port);
	if (connect(s, &a, sizeof(a)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

long rk_send_all(int s, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		long k = send(s, (const char *)buf + done, n - done, 0);
		if (k < 0)
			return -1;
		done += (size_t)k;
	}
	return (long)n;
}
