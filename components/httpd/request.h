/*
 * httpd's request parser: one HTTP/1.x request head, checked before any
 * of it is believed. Pure code (no system calls), so the host unit tests
 * run it on hostile inputs (tests/host/test_http.c).
 */
#ifndef HTTPD_REQUEST_H
#define HTTPD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX	4096	/* a request head (line and headers) longer than this: 431 */
#define HTTP_PATH_MAX	256	/* a target longer than this: 414 */

enum http_method { HTTP_GET, HTTP_HEAD };

struct http_request {
	enum http_method method;
	bool keep_alive;		/* HTTP/1.1 unless "Connection: close"; 1.0 only if asked */
	char path[HTTP_PATH_MAX];	/* "/..." without query, never a "." or ".." segment; "/" + index.html for a directory */
};

/* Parse the head at the start of buf[0, len): 0 if it is not complete
 * yet (more bytes may come; the caller answers 431 once len reaches
 * HTTP_HEAD_MAX); otherwise the head's length, with *status 0 and *req
 * filled, or *status the error to answer (400, 414, 431, 501, 505),
 * after which the connection closes. */
size_t http_parse(const char *buf, size_t len, struct http_request *req, int *status);

#endif
