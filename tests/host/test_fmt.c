/* Host tests of the shared formatter (lib/fmt), against the C library's
 * snprintf where both define the result. */
#include <stdarg.h>
#include <string.h>
#include <stdint.h>
#include "check.h"
#include "fmt/fmt.h"

/* Unchecked formats, to test what the compiler would refuse. */
static int raw(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int r = fmt_vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static void same(const char *name, const char *got, const char *want)
{
	CHECK(name, !strcmp(got, want), "got \"%s\", want \"%s\"", got, want);
}

int main(void)
{
	char b[64], w[64];
	fmt_snprintf(b, sizeof(b), "%d %i %u %x %X", -42, 7, 42u, 0xbeefu, 0xbeefu);
	snprintf(w, sizeof(w), "%d %i %u %x %X", -42, 7, 42u, 0xbeefu, 0xbeefu);
	same("fmt.ints", b, w);
	fmt_snprintf(b, sizeof(b), "%ld %lu %lx %zu", (long)INT64_MIN, (unsigned long)UINT64_MAX,
		     (unsigned long)UINT64_MAX, (size_t)123);
	snprintf(w, sizeof(w), "%ld %lu %lx %zu", (long)INT64_MIN, (unsigned long)UINT64_MAX,
		 (unsigned long)UINT64_MAX, (size_t)123);
	same("fmt.longs", b, w);
	fmt_snprintf(b, sizeof(b), "[%5d][%-5d][%05d][%-6s][%6s][%c%%]", 42, 42, -42, "ab", "cd", 'z');
	snprintf(w, sizeof(w), "[%5d][%-5d][%05d][%-6s][%6s][%c%%]", 42, 42, -42, "ab", "cd", 'z');
	same("fmt.widths", b, w);
	raw(b, sizeof(b), "%s", (char *)0);
	same("fmt.null_string", b, "(null)");
	fmt_snprintf(b, sizeof(b), "%p", (void *)0x1234);
	same("fmt.pointer", b, "0x1234");
	int n = fmt_snprintf(b, 8, "hello, world");
	CHECK("fmt.truncates", n == 12 && !strcmp(b, "hello, "), "n=%d b=\"%s\"", n, b);
	n = fmt_snprintf(b, 0, "abc");
	CHECK("fmt.size_zero", n == 3, "n=%d", n);
	raw(b, sizeof(b), "%q%");
	same("fmt.unknown_conversion", b, "%q");
	return check_failed;
}
