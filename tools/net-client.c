/*
 * The host's side of the network tier and of the HTTP benchmark: an HTTP
 * and echo client that only ever talks to 127.0.0.1 (QEMU's hostfwd into
 * the guest; the address is fixed here, never an argument). Each check
 * prints "PASS name" or "FAIL name: why" for tools/run-tests.
 *
 *   net-client fetch PORT DIR NAME...     GET each DIR/NAME on one keep-alive connection, byte for byte
 *   net-client http PORT DIR              HEAD, 404, pipelining, malformed requests and what follows them
 *   net-client many PORT CONNS TOTAL DIR NAME   CONNS connections at once, TOTAL requests in all
 *   net-client echo PORT TCPMSGS UDPMSGS  the echo server: TCP messages in order, UDP datagrams
 *   net-client rps PORT CONNS SECONDS     requests per second for "/" (a benchmark: prints, never fails)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port;
static char pad[512];	/* filler of the echo messages */
static int failures;

static void check(const char *name, bool ok, const char *fmt, ...)
{
	if (ok) {
		printf("PASS %s\n", name);
	} else {
		va_list ap;
		va_start(ap, fmt);
		printf("FAIL %s: ", name);
		vprintf(fmt, ap);
		printf("\n");
		va_end(ap);
		failures++;
	}
	fflush(stdout);
}

static struct sockaddr_in loopback(int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* 127.0.0.1, and nothing else, ever */
	return a;
}

static int dial(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = loopback(port);
	struct timeval tv = { .tv_sec = 300 };
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static bool send_all(int s, const void *b, size_t n)
{
	for (size_t d = 0; d < n;) {
		ssize_t k = send(s, (const char *)b + d, n - d, MSG_NOSIGNAL);
		if (k <= 0)
			return false;
		d += (size_t)k;
	}
	return true;
}

/* One answer on a connection: its status, Content-Length and body (for
 * GET). A reader with its own buffer, so pipelined answers can follow. */
struct conn { int s; char buf[65536]; size_t have; };
struct answer { int status; long length; bool close; char *body; };

static bool fill(struct conn *c)
{
	if (c->have == sizeof(c->buf))
		return false;
	ssize_t k = recv(c->s, c->buf + c->have, sizeof(c->buf) - c->have, 0);
	if (k <= 0)
		return false;
	c->have += (size_t)k;
	return true;
}

static bool read_answer(struct conn *c, bool head, struct answer *a)
{
	char *end;
	*a = (struct answer){ .status = -1, .length = -1 };
	while (!(end = memmem(c->buf, c->have, "\r\n\r\n", 4)))
		if (!fill(c))
			return false;
	*end = '\0';
	size_t hl = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.1 %d", &a->status) != 1)
		return false;
	for (char *l = strstr(c->buf, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
		if (!strncasecmp(l + 2, "Content-Length:", 15))
			a->length = strtol(l + 17, NULL, 10);
		if (!strncasecmp(l + 2, "Connection: close", 17))
			a->close = true;
	}
	memmove(c->buf, c->buf + hl, c->have - hl);
	c->have -= hl;
	if (head || a->length < 0)
		return a->length >= 0 || head;
	a->body = malloc((size_t)a->length + 1);
	size_t got = 0;
	while (got < (size_t)a->length) {
		if (!c->have && !fill(c)) {
			free(a->body);
			a->body = NULL;
			return false;
		}
		size_t n = c->have < (size_t)a->length - got ? c->have : (size_t)a->length - got;
		memcpy(a->body + got, c->buf, n);
		memmove(c->buf, c->buf + n, c->have - n);
		c->have -= n;
		got += n;
	}
	return true;
}

static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	fstat(fileno(f), &st);
	char *b = malloc((size_t)st.st_size + 1);
	*len = (long)fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	return b;
}

static bool get(struct conn *c, const char *method, const char *path, struct answer *a)
{
	char req[512];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", method, path);
	return send_all(c->s, req, (size_t)n) && read_answer(c, !strcmp(method, "HEAD"), a);
}

static int cmd_fetch(int argc, char **argv)
{
	const char *dir = argv[0];
	struct conn *c = calloc(1, sizeof(*c));
	c->s = dial();
	check("net.http_connect", c->s >= 0, "connect to 127.0.0.1:%d: %s", port, strerror(errno));
	if (c->s < 0)
		return 1;
	for (int i = 1; i < argc; i++) {
		char path[4096], name[128], uri[300];
		long len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, argv[i]);
		snprintf(name, sizeof(name), "net.http_get_%s", argv[i]);
		snprintf(uri, sizeof(uri), "/%s", argv[i]);
		char *want = slurp(path, &len);
		struct answer a;
		bool ok = get(c, "GET", uri, &a);
		check(name, ok && a.status == 200 && a.length == len && want && !memcmp(a.body, want, (size_t)len),
		      "status %d, Content-Length %ld (the file has %ld bytes), %s", a.status, a.length, len,
		      !ok ? "no complete answer" : a.body && want && a.length == len && memcmp(a.body, want, (size_t)len) ? "bytes differ" : "");
		free(a.body);
		free(want);
	}
	close(c->s);
	return failures != 0;
}

/* After something hostile: httpd must still answer a plain GET. */
static bool still_serving(void)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct answer a = { 0 };
	bool ok = (c->s = dial()) >= 0 && get(c, "GET", "/1b", &a) && a.status == 200 && a.length == 1;
	if (c->s >= 0)
		close(c->s);
	free(a.body);
	free(c);
	return ok;
}

/* Send raw bytes, then read until close or an answer: the status, 0 if it closed without one. */
static int raw(const char *bytes, size_t n, bool close_early)
{
	struct conn *c = calloc(1, sizeof(*c));
	int status = -1;
	if ((c->s = dial()) < 0)
		return -2;
	bool sent = send_all(c->s, bytes, n);
	if (close_early) {
		close(c->s);
		free(c);
		return 0;
	}
	shutdown(c->s, SHUT_WR);
	struct answer a;
	if (read_answer(c, true, &a))
		status = a.status;
	else
		status = sent ? 0 : 0;	/* closed (or reset) without an answer: allowed */
	close(c->s);
	free(c);
	return status;
}

static int cmd_http(int argc, char **argv)
{
	(void)argc;
	const char *dir = argv[0];
	char path[4096];
	long len = 0;
	snprintf(path, sizeof(path), "%s/1m", dir);
	free(slurp(path, &len));
	struct conn *c = calloc(1, sizeof(*c));
	c->s = dial();
	struct answer a = { 0 };
	bool ok = c->s >= 0 && get(c, "HEAD", "/1m", &a);
	check("net.http_head", ok && a.status == 200 && a.length == len && c->have == 0,
	      "status %d, Content-Length %ld for a %ld-byte file, %zu bytes after the head", a.status, a.length, len, c->have);
	ok = ok && get(c, "GET", "/no-such-file", &a);
	check("net.http_404", ok && a.status == 404, "status %d", a.status);
	free(a.body);
	ok = ok && get(c, "GET", "/1b", &a);
	check("net.http_keepalive_after_404", ok && a.status == 200 && a.length == 1, "status %d", a.status);
	free(a.body);
	/* three requests in one send, answered in order */
	const char *three = "GET /1b HTTP/1.1\r\n\r\nHEAD /1m HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n";
	struct answer b = { 0 }, d = { 0 };
	ok = ok && send_all(c->s, three, strlen(three)) && read_answer(c, false, &a) && read_answer(c, true, &b) &&
	     read_answer(c, false, &d);
	check("net.http_pipelined", ok && a.status == 200 && a.length == 1 && b.status == 200 && b.length == len &&
	      d.status == 404, "statuses %d %d %d", a.status, b.status, d.status);
	free(a.body);
	free(d.body);
	close(c->s);
	free(c);
	/* traversal: refused, never a file outside the root */
	int st = raw("GET /../www/1b HTTP/1.1\r\n\r\n", 27, false);
	check("net.http_dotdot_refused", st == 400, "status %d", st);
	st = raw("GET /a/./1b HTTP/1.1\r\n\r\n", 24, false);
	check("net.http_dot_refused", st == 400, "status %d", st);
	/* garbage */
	char junk[4096];
	srand(1);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(rand() & 0xff);
	memcpy(junk + 2000, "\r\n\r\n", 4);
	st = raw(junk, sizeof(junk), false);
	check("net.http_garbage", st == 400 || st == 0, "status %d", st);
	check("net.http_serves_after_garbage", still_serving(), "no answer to GET /1b");
	/* a 64 KiB header line */
	size_t big = 65536 + 64;
	char *line = malloc(big);
	int n = snprintf(line, big, "GET /1b HTTP/1.1\r\nX-Long: ");
	memset(line + n, 'a', big - (size_t)n - 4);
	memcpy(line + big - 4, "\r\n\r\n", 4);
	st = raw(line, big, false);
	free(line);
	check("net.http_64k_header_line", st == 431 || st == 400 || st == 0, "status %d", st);
	check("net.http_serves_after_64k_line", still_serving(), "no answer to GET /1b");
	/* half a request, then close */
	for (int i = 0; i < 20; i++)
		raw("GET /1m HTTP/1.1\r\nHost: 127", 27, true);
	check("net.http_serves_after_half_requests", still_serving(), "no answer to GET /1b");
	/* odd but well-formed: HTTP/1.0 closes, unknown method, bad version */
	st = raw("DELETE /1b HTTP/1.1\r\n\r\n", 23, false);
	check("net.http_501", st == 501, "status %d", st);
	st = raw("GET /1b HTTP/2.0\r\n\r\n", 20, false);
	check("net.http_505", st == 505, "status %d", st);
	return failures != 0;
}

struct worker { int s, requests, errors, n; const char *uri; const char *want; long len; pthread_barrier_t *bar; char why[160]; };

static void *many_worker(void *p)
{
	struct worker *w = p;
	struct conn *c = calloc(1, sizeof(*c));
	c->s = w->s;
	pthread_barrier_wait(w->bar);		/* every connection open, all asking at once */
	for (int i = 0; i < w->n; i++) {
		struct answer a = { 0 };
		if (c->s < 0 || !get(c, "GET", w->uri, &a) || a.status != 200 || a.length != w->len ||
		    memcmp(a.body, w->want, (size_t)w->len)) {
			if (!w->errors++)
				snprintf(w->why, sizeof(w->why), "request %d: status %d, length %ld (%s: %s)", i, a.status,
					 a.length, c->s < 0 ? "connect failed" : "bad or no answer", strerror(errno));
			if (c->s >= 0)
				close(c->s);
			c->have = 0;
			c->s = dial();	/* go on with a new connection */
		} else {
			w->requests++;
		}
		free(a.body);
	}
	if (c->s >= 0)
		close(c->s);
	free(c);
	return NULL;
}

static int cmd_many(int argc, char **argv)
{
	(void)argc;
	int conns = atoi(argv[0]), total = atoi(argv[1]);
	char path[4096], uri[300];
	long len = 0;
	snprintf(path, sizeof(path), "%s/%s", argv[2], argv[3]);
	snprintf(uri, sizeof(uri), "/%s", argv[3]);
	char *want = slurp(path, &len);
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, (unsigned)conns);
	struct worker *w = calloc((size_t)conns, sizeof(*w));
	pthread_t *t = calloc((size_t)conns, sizeof(*t));
	for (int i = 0; i < conns; i++) {
		/* opened one after the other: 64 SYNs at once through QEMU's user
		 * network lose some for good (docs/network.md) */
		w[i] = (struct worker){ .s = dial(), .n = total / conns + (i < total % conns), .uri = uri, .want = want,
					.len = len, .bar = &bar };
		pthread_create(&t[i], NULL, many_worker, &w[i]);
	}
	int ok = 0, errs = 0;
	const char *why = "";
	for (int i = 0; i < conns; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].requests;
		errs += w[i].errors;
		if (w[i].errors && !*why)
			why = w[i].why;
	}
	check("net.http_many_connections", ok == total && errs == 0, "%d of %d requests answered right over %d connections, "
	      "%d errors; first: %s", ok, total, conns, errs, why);
	return failures != 0;
}

static int cmd_echo(int argc, char **argv)
{
	(void)argc;
	int tcpn = atoi(argv[0]), udpn = atoi(argv[1]);
	/* TCP: messages of varying size, a window of them in flight, all back in order */
	int s = dial();
	char msg[600], back[600];
	int sent = 0, got = 0, bad = -1;
	size_t pending = 0;	/* bytes sent not yet read back */
	while (s >= 0 && got < tcpn && bad < 0) {
		while (sent < tcpn && pending < 32768) {
			int n = snprintf(msg, sizeof(msg), "message %d %.*s\n", sent, sent % 500, pad);
			if (!send_all(s, msg, (size_t)n))
				break;
			pending += (size_t)n;
			sent++;
		}
		int want = snprintf(msg, sizeof(msg), "message %d %.*s\n", got, got % 500, pad);
		int have = 0;
		while (have < want) {
			ssize_t k = recv(s, back + have, (size_t)(want - have), 0);
			if (k <= 0)
				break;
			have += (int)k;
		}
		if (have < want || memcmp(back, msg, (size_t)want))
			bad = got;
		else
			got++;
		pending -= (size_t)want;
	}
	check("net.echo_tcp_in_order", s >= 0 && got == tcpn, "%d of %d messages back in order%s%d", got, tcpn,
	      bad >= 0 ? "; wrong or missing: message " : "", bad);
	if (s >= 0)
		close(s);
	if (udpn == 0)
		return failures != 0;	/* UDP: see docs/network.md (restrict=on drops what the guest sends) */
	/* UDP: each datagram answered (a lost one is sent again, at most 5 times) */
	int u = socket(AF_INET, SOCK_DGRAM, 0), okn = 0, resent = 0;
	struct sockaddr_in a = loopback(port);
	struct timeval tv = { .tv_sec = 1 };
	setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	connect(u, (struct sockaddr *)&a, sizeof(a));
	for (int i = 0; i < udpn; i++) {
		int n = snprintf(msg, sizeof(msg), "datagram %d %.*s", i, i % 400, pad);
		for (int attempt = 0; attempt < 5; attempt++) {
			if (attempt)
				resent++;
			send(u, msg, (size_t)n, 0);
			ssize_t k;
			while ((k = recv(u, back, sizeof(back), 0)) > 0 && !(k == n && !memcmp(back, msg, (size_t)n)))
				;	/* an answer to an earlier copy: skip it */
			if (k == n) {
				okn++;
				break;
			}
		}
	}
	close(u);
	check("net.echo_udp", okn == udpn, "%d of %d datagrams came back (%d sent again)", okn, udpn, resent);
	printf("echo: %d UDP datagrams sent again after a second without an answer\n", resent);
	return failures != 0;
}

struct rps { int done; volatile bool *stop; };

static void *rps_worker(void *p)
{
	struct rps *r = p;
	struct conn *c = calloc(1, sizeof(*c));
	c->s = dial();
	while (c->s >= 0 && !*r->stop) {
		struct answer a = { 0 };
		if (!get(c, "GET", "/", &a) || a.status != 200)
			break;
		free(a.body);
		r->done++;
	}
	if (c->s >= 0)
		close(c->s);
	free(c);
	return NULL;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmd_rps(int argc, char **argv)
{
	(void)argc;
	int conns = atoi(argv[0]);
	double secs = atof(argv[1]);
	volatile bool stop = false;
	struct rps *r = calloc((size_t)conns, sizeof(*r));
	pthread_t *t = calloc((size_t)conns, sizeof(*t));
	double t0 = now();
	for (int i = 0; i < conns; i++) {
		r[i].stop = &stop;
		pthread_create(&t[i], NULL, rps_worker, &r[i]);
	}
	usleep((useconds_t)(secs * 1e6));
	stop = true;
	int total = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(t[i], NULL);
		total += r[i].done;
	}
	double el = now() - t0;
	printf("rps: %d requests for / over %d keep-alive connections in %.2f s: %.0f requests/s\n",
	       total, conns, el, total / el);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: net-client fetch|http|many|echo|rps PORT ...\n");
		return 2;
	}
	memset(pad, 'x', sizeof(pad));
	port = atoi(argv[2]);
	if (port < 1 || port > 65535) {
		fprintf(stderr, "net-client: %s: not a port\n", argv[2]);
		return 2;
	}
	const char *cmd = argv[1];
	argc -= 3;
	argv += 3;
	if (!strcmp(cmd, "fetch") && argc >= 2)
		return cmd_fetch(argc, argv);
	if (!strcmp(cmd, "http") && argc == 1)
		return cmd_http(argc, argv);
	if (!strcmp(cmd, "many") && argc == 4)
		return cmd_many(argc, argv);
	if (!strcmp(cmd, "echo") && argc == 2)
		return cmd_echo(argc, argv);
	if (!strcmp(cmd, "rps") && argc == 2)
		return cmd_rps(argc, argv);
	fprintf(stderr, "net-client: bad arguments for %s\n", cmd);
	return 2;
}
