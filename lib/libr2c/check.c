/* In-guest test reporting: one line per check, "PASS name" or
 * "FAIL name: why", which the host runner (tools/run-tests) counts. */
#include "r2c.h"
#include "fmt/fmt.h"

int r2c_passed, r2c_failed;

void r2c_check(const char *name, bool ok, const char *fmt, ...)
{
	if (ok) {
		r2c_passed++;
		r2c_printf("PASS %s\n", name);
		return;
	}
	r2c_failed++;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r2c_printf("FAIL %s: %s\n", name, why);
}

void r2c_plan(int checks)
{
	r2c_printf("PLAN %d checks\n", checks);
}
