/* Console output through the kernel's MACHINE capability, formatted into
 * one buffer and sent in MACHINE_PUTS_MAX-byte pieces. Lines longer than
 * the buffer are cut and marked, never dropped silently. */
#include "r2c.h"
#include "fmt/fmt.h"

word_t r2c_console_slot = 1;

void r2c_puts(const char *s, size_t n)
{
	while (n) {
		word_t w[5] = { 0 };
		size_t k = n < MACHINE_PUTS_MAX ? n : MACHINE_PUTS_MAX;
		memcpy(w, s, k);
		r2c_op(r2c_console_slot, MACHINE_PUTS, k, w[0], w[1], w[2], w[3], w[4]);
		s += k;
		n -= k;
	}
}

int r2c_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	r2c_puts(buf, len);
	if (len < (size_t)n)
		r2c_puts("...[cut]\n", 9);
	return n;
}

int r2c_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = r2c_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
