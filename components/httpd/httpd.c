/*
 * httpd: a small HTTP/1.1 server on rk's sockets. GET and HEAD of files
 * under a document root (arg=, default /www) with Content-Length and
 * keep-alive (pipelined requests answered in order); 400, 404, 414, 431,
 * 501 and 505 for what it will not serve. One thread polls the listener
 * and up to MAXCONN connections, none of which can hold up another:
 * sockets are used with MSG_DONTWAIT, a file is sent a piece at a time
 * as the connection takes it (read again at its offset, so no copy is
 * kept per connection), and a connection idle for IDLE_S seconds is
 * closed. What a client sends is parsed by request.c, which trusts none
 * of it; a request head longer than HTTP_HEAD_MAX is answered 431 and
 * the connection closed.
 */
#include "r2c.h"
#include "fmt/fmt.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"
#include "request.h"

#define PORT	80
#define MAXCONN	128
#define IDLE_S	30
#define CHUNK	65536

struct conn {
	int fd;			/* -1: free */
	int file;		/* the file being sent, or -1 */
	bool close_after;	/* close once the answer is out */
	size_t in;		/* bytes of the request in ibuf */
	size_t hlen, hsent;	/* the answer's head in hbuf */
	int64_t off, left;	/* the file's part still to send */
	uint64_t last;		/* TSC of the last progress */
	char ibuf[HTTP_HEAD_MAX];
	char hbuf[512];
};

static struct conn conns[MAXCONN];
static struct nb_pollfd pfd[MAXCONN + 1];
static int slot_of[MAXCONN + 1];
static char chunk[CHUNK];
static char root[48] = "/www";
static unsigned long served;

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

static const char *content_type(const char *path)
{
	size_t n = strlen(path);
	if (n >= 5 && !strcmp(path + n - 5, ".html"))
		return "text/html";
	if (n >= 4 && !strcmp(path + n - 4, ".txt"))
		return "text/plain";
	return "application/octet-stream";
}

static void drop(struct conn *c)
{
	if (c->file >= 0)
		close(c->file);
	close(c->fd);
	c->fd = c->file = -1;
}

/* An error answer with a short body; the connection closes after it. */
static void answer_error(struct conn *c, int status, bool head_only)
{
	char body[64];
	int bl = fmt_snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
	c->hlen = (size_t)fmt_snprintf(c->hbuf, sizeof(c->hbuf),
				       "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
				       "Connection: close\r\n\r\n%s", status, reason(status), bl, head_only ? "" : body);
	c->hsent = 0;
	c->close_after = true;
	c->left = 0;
}

/* Look at the request in ibuf: set up the answer, or wait for more. */
static void take_request(struct conn *c)
{
	struct http_request rq;
	int status;
	size_t used = http_parse(c->ibuf, c->in, &rq, &status);
	if (!used) {
		if (c->in == sizeof(c->ibuf))
			answer_error(c, 431, false);
		return;
	}
	memmove(c->ibuf, c->ibuf + used, c->in - used);	/* a pipelined next request stays */
	c->in -= used;
	served++;
	if (status) {
		answer_error(c, status, false);
		return;
	}
	char path[sizeof(root) + HTTP_PATH_MAX];
	fmt_snprintf(path, sizeof(path), "%s%s", root, rq.path);
	struct nb_stat st;
	int f = open(path, NB_O_RDONLY | NB_O_NOFOLLOW, 0);
	if (f >= 0 && (fstat(f, &st) < 0 || (st.st_mode & NB_S_IFMT) != NB_S_IFREG)) {
		close(f);
		f = -1;
	}
	if (f < 0) {
		answer_error(c, 404, rq.method == HTTP_HEAD);
		c->close_after = !rq.keep_alive;
		if (rq.keep_alive)	/* a 404 keeps the connection when the client asked */
			c->hlen = (size_t)fmt_snprintf(c->hbuf, sizeof(c->hbuf),
						       "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n"
						       "Connection: keep-alive\r\n\r\n%s", rq.method == HTTP_HEAD ? "" : "404 Not Found\n");
		return;
	}
	c->hlen = (size_t)fmt_snprintf(c->hbuf, sizeof(c->hbuf),
				       "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %ld\r\nConnection: %s\r\n\r\n",
				       content_type(rq.path), (long)st.st_size, rq.keep_alive ? "keep-alive" : "close");
	c->hsent = 0;
	c->close_after = !rq.keep_alive;
	c->off = 0;
	c->left = rq.method == HTTP_GET ? st.st_size : 0;
	if (c->left)
		c->file = f;
	else
		close(f);
}

/* Send what the connection takes: false if it is to be dropped. */
static bool push(struct conn *c)
{
	while (c->hsent < c->hlen || c->left > 0) {
		size_t n = 0;
		if (c->hsent < c->hlen) {	/* the head, and the file's start in the same send */
			n = c->hlen - c->hsent;
			memcpy(chunk, c->hbuf + c->hsent, n);
		}
		size_t want = c->left > (int64_t)(CHUNK - n) ? CHUNK - n : (size_t)c->left;
		if (want) {
			long r = pread(c->file, chunk + n, want, c->off);
			if (r <= 0)
				return false;	/* the file shrank or failed: the length said can no longer be kept */
			n += (size_t)r;
		}
		long s = send(c->fd, chunk, n, NB_MSG_DONTWAIT | NB_MSG_NOSIGNAL);
		if (s < 0)
			return errno == EAGAIN;
		c->last = r2c_tsc();
		size_t h = c->hlen - c->hsent < (size_t)s ? c->hlen - c->hsent : (size_t)s;
		c->hsent += h;
		c->off += s - (long)h;
		c->left -= s - (long)h;
		if ((size_t)s < n)
			return true;	/* full: wait for POLLOUT */
	}
	if (c->file >= 0) {
		close(c->file);
		c->file = -1;
	}
	return !c->close_after;
}

/* The connection is readable: read, and answer what is complete. */
static bool pull(struct conn *c)
{
	long n = recv(c->fd, c->ibuf + c->in, sizeof(c->ibuf) - c->in, NB_MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN))
		return false;	/* closed by the client (a half-sent request included), or reset */
	if (n > 0) {
		c->in += (size_t)n;
		c->last = r2c_tsc();
	}
	return true;
}

static void serve(struct conn *c, short revents)
{
	bool keep = true;
	if (revents & (NB_POLLIN | NB_POLLHUP | NB_POLLERR))
		keep = pull(c);
	/* answer each complete request in turn while the socket takes it */
	while (keep) {
		if (c->hsent == c->hlen && c->left == 0)
			take_request(c);
		if (c->hsent == c->hlen && c->left == 0)
			break;		/* nothing complete to answer */
		keep = push(c);
		if (c->hsent < c->hlen || c->left > 0)
			break;		/* the socket is full */
	}
	if (!keep)
		drop(c);
}

void r2c_main(word_t arg)
{
	(void)arg;
	if (r2c_env->arg[0]) {
		if (r2c_env->arg[0] != '/' || strlen(r2c_env->arg) >= sizeof(root)) {
			r2c_printf("httpd: arg=%s: expected the document root, an absolute path\n", r2c_env->arg);
			return;
		}
		memcpy(root, r2c_env->arg, strlen(r2c_env->arg) + 1);
	}
	if (rk_wait_serving("rk", 60)) {
		r2c_printf("httpd: rk does not serve (not in the composition, or not up in 60 s)\n");
		return;
	}
	int ls = rk_tcp_listen(PORT, MAXCONN);
	if (ls < 0) {
		r2c_printf("httpd: cannot listen on port %d: errno %d%s\n", PORT, errno,
			   errno == 13 ? " (NetBSD keeps ports below 1024 for root: uid=0 on httpd's line)" : "");
		return;
	}
	for (int i = 0; i < MAXCONN; i++)
		conns[i].fd = conns[i].file = -1;
	r2c_printf("httpd: serving %s on port %d\n", root, PORT);
	r2c_ready();
	for (;;) {
		unsigned n = 0, open_conns = 0;
		uint64_t now = r2c_tsc(), idle = r2c_usecs(IDLE_S * 1000000ull);
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			if (c->fd < 0)
				continue;
			if (now - c->last > idle) {
				drop(c);
				continue;
			}
			open_conns++;
			slot_of[n] = i;
			pfd[n++] = (struct nb_pollfd){ .fd = c->fd,
						       .events = c->hsent < c->hlen || c->left > 0 ? NB_POLLOUT : NB_POLLIN };
		}
		if (open_conns < MAXCONN)	/* full: new connections wait in the listen queue */
			pfd[n++] = (struct nb_pollfd){ .fd = ls, .events = NB_POLLIN };
		int r = poll(pfd, n, 1000);
		if (r < 0) {
			r2c_printf("httpd: poll: errno %d\n", errno);
			return;
		}
		for (unsigned k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (pfd[k].fd == ls) {
				int s = accept(ls, NULL, NULL), i = 0;
				while (s >= 0 && conns[i].fd >= 0)
					i++;	/* there is a free one: the listener is polled only then */
				if (s >= 0)
					conns[i] = (struct conn){ .fd = s, .file = -1, .last = r2c_tsc() };
			} else {
				serve(&conns[slot_of[k]], pfd[k].revents);
			}
		}
	}
}
