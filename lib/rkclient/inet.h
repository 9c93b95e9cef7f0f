/*
 * IPv4 sockets on rk in one call each: the byte-order helpers and the
 * listening, bound and connected sockets that httpd, echo and the TCP
 * tests and benchmarks all open the same way (NetBSD's sockaddr_in with
 * its length byte).
 */
#ifndef RKCLIENT_INET_H
#define RKCLIENT_INET_H

#include <stdint.h>
#include "r2c/netbsd.h"

static inline uint16_t rk_htons(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }
static inline uint32_t rk_htonl(uint32_t v) { return __builtin_bswap32(v); }
#define rk_ntohs rk_htons
#define rk_ntohl rk_htonl
#define RK_INADDR(a, b, c, d) rk_htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define RK_LOOPBACK RK_INADDR(127, 0, 0, 1)

struct nb_sockaddr_in rk_sockaddr_in(uint32_t addr, uint16_t port);	/* addr in network order */
/* A TCP socket listening on port (all addresses, SO_REUSEADDR), a UDP
 * socket bound to port, a TCP socket connected to addr:port: the
 * descriptor, or -1 with errno set (nothing left open). */
int rk_tcp_listen(uint16_t port, int backlog);
int rk_udp_bind(uint16_t port);
int rk_tcp_connect(uint32_t addr, uint16_t port);
/* rk_sys_init(server), then wait until rk serves (ready.c): 0, or -1
 * (no such server, or still not serving after `seconds`). */
int rk_wait_serving(const char *server, unsigned seconds);
/* Send all of buf on a blocking socket: n, or -1 with errno. */
long rk_send_all(int s, const void *buf, size_t n);

#endif
