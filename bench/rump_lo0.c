/*
 * The POSIX-hypercall side of make bench's lo0 figure: the same NetBSD
 * TCP/IP stack as rk (librumpnet, net, netinet, config), linked into a
 * Linux process on its own POSIX hypercalls, moving data the way
 * components/lotest does in the guest, so the two can be set side by
 * side: two threads, each in a rump process of its own (as rk gives each
 * client component), one listening on 127.0.0.1:PORT, the other
 * connecting and sending MiB mebibytes in 64 KiB sends; the receiver
 * checks every 64-bit word is its own offset (in order, none lost, none
 * twice). Everything stays inside this process: 127.0.0.1 is the rump
 * kernel's own lo0, never the host's network (the rump kernel has no
 * interface to the outside linked in at all).
 *   rump-lo0-bench [--mib N] [--quiet]
 * Prints MB/s (host Linux); --quiet prints nothing unless it fails, for
 * counting instructions under valgrind, where tools/run-bench runs it
 * with --mib 64 and --mib 0 (everything but the transfer) and takes the
 * difference of the two whole-process counts (all threads, the rump
 * kernel's own soft-interrupt threads among them).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <pthread.h>
#include <semaphore.h>
#include <arpa/inet.h>
#include "r2c/wordstream.h"
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/netconfig.h>

#define CALL	65536
#define PORT	5001

/* NetBSD's struct sockaddr_in (it has sin_len; Linux's has not). */
struct nb_sockaddr_in {
	uint8_t sin_len, sin_family;
	uint16_t sin_port;
	uint32_t sin_addr;
	char sin_zero[8];
};

static uint64_t bytes;
static sem_t listening;
static uint64_t t_start, t_end;		/* first send, last byte received */
static uint64_t recv_got, recv_bad = ~0ull;
static const char *failed;
static int fail_errno;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what)
{
	if (!failed)
		failed = what, fail_errno = errno;
}

static struct nb_sockaddr_in loopback(void)
{
	struct nb_sockaddr_in sin = { .sin_len = sizeof(sin), .sin_family = RUMP_AF_INET,
				      .sin_port = htons(PORT), .sin_addr = htonl(INADDR_LOOPBACK) };
	return sin;
}

static void *receiver(void *arg)
{
	static uint64_t buf[CALL / 8];
	(void)arg;
	int e, ls = -1, s = -1;
	if ((e = rump_pub_lwproc_rfork(RUMP_RFCFDG))) {
		errno = e, fail("lwproc_rfork (receiver)");
		sem_post(&listening);
		return NULL;
	}
	struct nb_sockaddr_in sin = loopback();
	if ((ls = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) < 0 ||
	    rump_sys_bind(ls, (void *)&sin, sizeof(sin)) < 0 || rump_sys_listen(ls, 1) < 0) {
		fail("socket/bind/listen");
		sem_post(&listening);
		return NULL;
	}
	sem_post(&listening);
	if ((s = rump_sys_accept(ls, NULL, NULL)) < 0) {
		fail("accept");
		return NULL;
	}
	uint64_t got = 0, bad = ~0ull;
	for (;;) {
		ssize_t n = rump_sys_recvfrom(s, (char *)buf + got % 8, sizeof(buf) - got % 8, 0, NULL, NULL);
		if (n < 0)
			fail("recv");
		if (n <= 0)
			break;
		wordstream_received(buf, &got, (uint64_t)n, &bad);
	}
	t_end = now_ns();
	recv_got = got, recv_bad = bad;
	rump_sys_close(s);
	rump_sys_close(ls);
	return NULL;
}

static void *sender(void *arg)
{
	static uint64_t buf[CALL / 8];
	(void)arg;
	int e, s;
	if ((e = rump_pub_lwproc_rfork(RUMP_RFCFDG))) {
		errno = e, fail("lwproc_rfork (sender)");
		return NULL;
	}
	struct nb_sockaddr_in sin = loopback();
	if ((s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) < 0 ||
	    rump_sys_connect(s, (void *)&sin, sizeof(sin)) < 0) {
		fail("socket/connect");
		if (s >= 0)
			rump_sys_close(s);
		return NULL;
	}
	t_start = now_ns();
	for (uint64_t sent = 0; sent < bytes; sent += CALL) {
		for (unsigned k = 0; k < CALL / 8; k++)
			buf[k] = sent + 8 * k;
		for (size_t off = 0; off < CALL;) {
			ssize_t n = rump_sys_sendto(s, (char *)buf + off, CALL - off, 0, NULL, 0);
			if (n <= 0) {
				fail("send");
				rump_sys_close(s);
				return NULL;
			}
			off += (size_t)n;
		}
	}
	rump_sys_close(s);
	return NULL;
}

int main(int argc, char **argv)
{
	bool quiet = false;
	unsigned long mib = 64;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
			mib = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: rump-lo0-bench [--mib N] [--quiet]\n");
			return 2;
		}
	bytes = (uint64_t)mib << 20;
	int e;
	if ((e = rump_init())) {
		fprintf(stderr, "rump-lo0-bench: rump_init failed: error %d\n", e);
		return 1;
	}
	/* lo0 exists once netinet is attached; bring it up with 127.0.0.1/8. */
	if ((e = rump_pub_netconfig_ifup("lo0")) ||
	    ((e = rump_pub_netconfig_ipv4_ifaddr("lo0", "127.0.0.1", "255.0.0.0")) && e != EEXIST)) {
		fprintf(stderr, "rump-lo0-bench: lo0 up/127.0.0.1 failed: error %d\n", e);
		return 1;
	}
	sem_init(&listening, 0, 0);
	pthread_t r, s;
	pthread_create(&r, NULL, receiver, NULL);
	sem_wait(&listening);
	if (failed) {
		pthread_join(r, NULL);
	} else {
		pthread_create(&s, NULL, sender, NULL);
		pthread_join(s, NULL);
		pthread_join(r, NULL);
	}
	if (failed || recv_got != bytes || recv_bad != ~0ull) {
		fprintf(stderr, "rump-lo0-bench: %s (errno %d); %lu of %lu bytes received, first wrong word at offset %ld\n",
			failed ? failed : "transfer incomplete or out of order", fail_errno, (unsigned long)recv_got,
			(unsigned long)bytes, recv_bad == ~0ull ? -1L : (long)recv_bad);
		return 1;
	}
	if (!quiet) {
		uint64_t ns = t_end - t_start ? t_end - t_start : 1;
		uint64_t tenths = bytes * 10000 / ns;
		printf("bench: TCP app to app over lo0, same NetBSD stack in a Linux process (POSIX hypercalls, two threads), "
		       "%lu MiB in 64 KiB sends: %lu.%lu MB/s  [host Linux]\n", mib, (unsigned long)(tenths / 10),
		       (unsigned long)(tenths % 10));
	}
	return 0;
}
