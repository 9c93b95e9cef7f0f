/* rumpuser: clocks from the TSC the kernel calibrated at boot; wall time
 * from the battery clock the kernel read then (from boot, if it had
 * none). */
#include "rumpuser_int.h"

static uint64_t tsc_hz(void)
{
	return r2c_env ? r2c_env->tsc_hz : 1000000000ull;
}

uint64_t rk_ns_to_cycles(uint64_t ns)
{
	return rk_muldiv(ns, tsc_hz(), 1000000000u);
}

int rumpuser_clock_gettime(int clock, int64_t *sec, long *nsec)
{
	if (clock != RUMPUSER_CLOCK_RELWALL && clock != RUMPUSER_CLOCK_ABSMONO)
		return EINVAL;
	uint64_t tsc = r2c_tsc(), from = 0, s = 0;	/* monotonic: from TSC zero */
	if (clock == RUMPUSER_CLOCK_RELWALL && r2c_env && r2c_env->wall_seconds) {
		s = r2c_env->wall_seconds;
		from = r2c_env->wall_tsc;
	}
	uint64_t ns = tsc >= from ? rk_muldiv(tsc - from, 1000000000u, tsc_hz()) : 0;
	*sec = (int64_t)(s + ns / 1000000000u);
	*nsec = (long)(ns % 1000000000u);
	return 0;
}

int rumpuser_clock_sleep(int clock, int64_t sec, long nsec)
{
	if (sec < 0 || nsec < 0 || nsec >= 1000000000)
		return EINVAL;
	uint64_t cycles = rk_ns_to_cycles((uint64_t)sec * 1000000000u + (uint64_t)nsec);
	uint64_t until;
	if (clock == RUMPUSER_CLOCK_RELWALL)
		until = r2c_tsc() + cycles;
	else if (clock == RUMPUSER_CLOCK_ABSMONO)
		until = cycles;		/* the monotonic clock counts from TSC zero */
	else
		return EINVAL;
	int n = rk_unschedule(NULL);
	if (until > r2c_tsc())
		r2c_sleep_until(until);
	else		/* late already (the clock thread catching up): let a
			 * thread waiting for the virtual CPU take it, as a
			 * host would, or it never gets it on one core */
		r2c_sched_yield();
	rk_schedule(n, NULL);
	return 0;
}
