/* The one formatter of the project (see fmt.h). */
#include "fmt.h"
#include <stdint.h>

static int emit_num(fmt_out_fn out, void *ctx, uint64_t v, unsigned base, int upper,
		    int neg, int width, char pad, int left)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, count = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + neg;
	if (neg && pad == '0') {
		out('-', ctx);
		count++;
		neg = 0;
	}
	for (; !left && width > len; width--, count++)
		out(pad, ctx);
	if (neg) {
		out('-', ctx);
		count++;
	}
	while (n)
		out(tmp[--n], ctx), count++;
	for (; left && width > len; width--, count++)
		out(' ', ctx);
	return count;
}

int fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	int count = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(*fmt, ctx);
			count++;
			continue;
		}
		int left = 0, width = 0, lng = 0;
		char pad = ' ';
		for (;; fmt++) {
			if (fmt[1] == '-')
				left = 1;
			else if (fmt[1] == '0')
				pad = '0';
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			width = width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z') {
			fmt++;
			lng = 1;
		}
		if (left)
			pad = ' ';
		char c = *++fmt;
		switch (c) {
		case 'd': case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
			count += emit_num(out, ctx, u, 10, 0, v < 0, width, pad, left);
			break;
		}
		case 'u': case 'x': case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			count += emit_num(out, ctx, v, c == 'u' ? 10 : 16, c == 'X', 0, width, pad, left);
			break;
		}
		case 'p':
			out('0', ctx);
			out('x', ctx);
			count += 2 + emit_num(out, ctx, (uintptr_t)va_arg(ap, void *), 16, 0, 0, width, pad, left);
			break;
		case 'c':
			out((char)va_arg(ap, int), ctx);
			count++;
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len])
				len++;
			for (; !left && width > len; width--, count++)
				out(' ', ctx);
			for (int i = 0; i < len; i++)
				out(s[i], ctx);
			count += len;
			for (; left && width > len; width--, count++)
				out(' ', ctx);
			break;
		}
		case '%':
			out('%', ctx);
			count++;
			break;
		case '\0':
			return count;
		default:		/* unknown conversion: show it as written */
			out('%', ctx);
			out(c, ctx);
			count += 2;
		}
	}
	return count;
}

struct sbuf { char *buf; size_t n, len; };

static void sbuf_out(char c, void *ctx)
{
	struct sbuf *s = ctx;
	if (s->len + 1 < s->n)
		s->buf[s->len] = c;
	s->len++;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sbuf s = { buf, n, 0 };
	int len = fmt_vformat(sbuf_out, &s, fmt, ap);
	if (n)
		buf[s.len < n ? s.len : n - 1] = '\0';
	return len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
