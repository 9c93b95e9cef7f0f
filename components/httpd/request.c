/*
 * httpd's request parser (request.h): the request line, the headers it
 * cares about (Connection, and any body it refuses), the target turned
 * into a path that cannot leave the document root. Nothing is trusted:
 * lengths are bounded, bytes outside printable ASCII are refused, and a
 * target with a "." or ".." segment, a backslash or an empty segment
 * is an error, not something to normalise.
 */
#include "request.h"
#include <stdint.h>

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool same_ci(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	for (; i < n && b[i]; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return i == n && !b[i];
}

static bool is_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
	       c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
}

/* The end of the head: the index just past the empty line, or 0. */
static size_t head_end(const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (b[i] != '\n')
			continue;
		if (i + 1 < len && b[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The target [t, t + n) as a path under the root, or an error status. */
static int target_path(const char *t, size_t n, char *path)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] == '?' || t[i] == '#') {
			n = i;
			break;
		}
	if (n == 0 || t[0] != '/')
		return 400;
	if (n + sizeof("index.html") > HTTP_PATH_MAX)
		return 414;
	size_t seg = 1;		/* start of the current segment */
	for (size_t i = 1; i <= n; i++) {
		if (i < n && t[i] != '/') {
			if (t[i] == '\\' || (unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
				return 400;
			continue;
		}
		size_t sl = i - seg;
		if ((sl == 0 && i < n) || (sl == 1 && t[seg] == '.') || (sl == 2 && t[seg] == '.' && t[seg + 1] == '.'))
			return 400;
		seg = i + 1;
	}
	for (size_t i = 0; i < n; i++)
		path[i] = t[i];
	path[n] = '\0';
	if (path[n - 1] == '/') {	/* a directory: its index */
		const char *ix = "index.html";
		for (size_t i = 0; ix[i]; i++)
			path[n++] = ix[i];
		path[n] = '\0';
	}
	return 0;
}

size_t http_parse(const char *b, size_t len, struct http_request *req, int *status)
{
	size_t end = head_end(b, len > HTTP_HEAD_MAX ? HTTP_HEAD_MAX : len);
	if (!end)
		return 0;
	*status = 0;
	req->keep_alive = false;
	req->path[0] = '\0';
	/* the request line: METHOD SP TARGET SP HTTP/x.y */
	size_t i = 0, m0 = 0;
	while (i < end && is_token_char(b[i]))
		i++;
	size_t mlen = i - m0;
	if (mlen == 0 || i >= end || b[i] != ' ') {
		*status = 400;
		return end;
	}
	size_t t0 = ++i;
	while (i < end && b[i] != ' ' && b[i] != '\r' && b[i] != '\n')
		i++;
	size_t tlen = i - t0;
	if (i >= end || b[i] != ' ' || tlen == 0) {
		*status = 400;
		return end;
	}
	size_t v0 = ++i;
	while (i < end && b[i] != '\r' && b[i] != '\n')
		i++;
	size_t vlen = i - v0;
	const char *v = b + v0;
	if (vlen != 8 || v[0] != 'H' || v[1] != 'T' || v[2] != 'T' || v[3] != 'P' || v[4] != '/' || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9') {
		*status = 400;
		return end;
	}
	bool http11 = v[5] == '1' && v[7] == '1';
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) {
		*status = 505;
		return end;
	}
	req->keep_alive = http11;
	if (b[i] == '\r')
		i++;
	i++;	/* the line's '\n' */
	/* the headers, up to the empty line */
	while (i < end) {
		size_t l0 = i;
		while (i < end && b[i] != '\n')
			i++;
		size_t l1 = i++;	/* [l0, l1) without '\n' */
		if (l1 > l0 && b[l1 - 1] == '\r')
			l1--;
		if (l1 == l0)
			break;		/* the empty line */
		size_t c = l0;
		while (c < l1 && is_token_char(b[c]))
			c++;
		if (c == l0 || c >= l1 || b[c] != ':') {
			*status = 400;
			return end;
		}
		size_t n0 = l0, nlen = c - l0, x = c + 1;
		for (size_t k = x; k < l1; k++)
			if ((unsigned char)b[k] < 0x20 && b[k] != '\t') {
				*status = 400;
				return end;
			}
		while (x < l1 && (b[x] == ' ' || b[x] == '\t'))
			x++;
		size_t y = l1;
		while (y > x && (b[y - 1] == ' ' || b[y - 1] == '\t'))
			y--;
		if (same_ci(b + n0, nlen, "connection")) {
			if (same_ci(b + x, y - x, "close"))
				req->keep_alive = false;
			else if (same_ci(b + x, y - x, "keep-alive"))
				req->keep_alive = true;
		} else if (same_ci(b + n0, nlen, "transfer-encoding")) {
			*status = 400;		/* no request bodies here */
			return end;
		} else if (same_ci(b + n0, nlen, "content-length")) {
			if (y - x != 1 || b[x] != '0') {
				*status = 400;
				return end;
			}
		}
	}
	if (mlen == 3 && b[0] == 'G' && b[1] == 'E' && b[2] == 'T')
		req->method = HTTP_GET;
	else if (mlen == 4 && b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D')
		req->method = HTTP_HEAD;
	else {
		*status = 501;
		return end;
	}
	*status = target_path(b + t0, tlen, req->path);
	return end;
}
