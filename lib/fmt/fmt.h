/* printf-style formatting without libc, shared by the kernel, the user
 * runtime and the host tests. */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_out_fn)(char c, void *ctx);

/* Formats %d %i %u %x %X %p %s %c %% with flags '-' '0', a width and the
 * length modifiers l, ll, z. Returns the number of characters produced. */
int fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap);
/* Like vsnprintf: always NUL-terminates when n > 0, returns the length
 * the whole output would have had. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
