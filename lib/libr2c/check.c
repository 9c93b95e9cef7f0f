/* In-guest test reporting: one line per check, "PASS name" or
 * "FAIL name: why", which the host runner (tools/run-tests) counts. */
#include "r2c.h"
#include "fmt/fmt.h"

int r2c_passed, r2c_failed;

static void report(const char *name, bool ok, const char *fmt, va_list ap)
{
	if (ok) {
		r2c_passed++;
		r2c_printf("PASS %s\n", name);
		return;
	}
	r2c_failed++;
	char why[256];
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	r2c_printf("FAIL %s: %s\n", name, why);
}

void r2c_check(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(name, ok, fmt, ap);
	va_end(ap);
}

void r2c_check_in(const char *prefix, const char *what, bool ok, const char *fmt, ...)
{
	char name[64];
	fmt_snprintf(name, sizeof(name), "%s.%s", prefix, what);
	va_list ap;
	va_start(ap, fmt);
	report(name, ok, fmt, ap);
	va_end(ap);
}

void r2c_plan(int checks)
{
	r2c_printf("PLAN %d checks\n", checks);
}

struct r2c_capacity r2c_capacity_now(void)
{
	return (struct r2c_capacity){ r2c_sched_capacity(SCHED_CAP_RECORDS), r2c_sched_capacity(SCHED_CAP_SLOTS),
				      r2c_sched_capacity(SCHED_CAP_FRAMES) };
}

/* The capacity is the whole system's, so threads of other components that
 * end meanwhile (rk's own, the booter's) change it too: wait a while for
 * it to come back to `before` exactly, then ask only that nothing is
 * missing. A leak of the caller's shows as less left, however long the
 * wait; more left is others giving back what they held before. */
void r2c_check_capacity_back(const char *prefix, const struct r2c_capacity *before)
{
	struct r2c_capacity now = r2c_capacity_now();
	for (int ms = 0; ms < 2000 && (now.records != before->records || now.slots != before->slots ||
				       now.frames != before->frames); ms += 10) {
		r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
		now = r2c_capacity_now();
	}
	const char *what[] = { "records", "slots", "frames" };
	long was[] = { before->records, before->slots, before->frames }, is[] = { now.records, now.slots, now.frames };
	for (int i = 0; i < 3; i++) {
		char name[64];
		fmt_snprintf(name, sizeof(name), "%s.%s_back", prefix, what[i]);
		r2c_check(name, is[i] >= was[i], "%ld %s left, %ld before", is[i], what[i], was[i]);
	}
}
