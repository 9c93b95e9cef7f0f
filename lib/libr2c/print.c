/* Console output: through the console server when the component may
 * invoke it (console_write, 24 bytes a call; the server assembles lines
 * per thread), otherwise straight through a MACHINE capability. Output
 * longer than the format buffer is cut and marked, never dropped
 * silently. */
#include "r2c.h"
#include "fmt/fmt.h"

word_t r2c_console_slot = 1;
static word_t console_write;

void r2c_console_init(void)
{
	r2c_console_slot = r2c_env->machine_slot;
	console_write = r2c_import("console_write");
}

void r2c_puts(const char *s, size_t n)
{
	while (console_write && n) {
		word_t w[3] = { 0 };
		size_t k = n < sizeof(w) ? n : sizeof(w);
		memcpy(w, s, k);
		r2c_call(console_write, k, w[0], w[1], w[2]);
		s += k;
		n -= k;
	}
	while (r2c_console_slot && n) {
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
