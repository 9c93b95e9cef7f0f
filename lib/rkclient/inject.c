/*
 * One crash of rk, made and waited out (inject.h). Why one place: the
 * call that arms the fault can itself meet the reboot (the fault fires in
 * another thread's system call before the arming call returns, or rk is
 * down already), which is a reboot all the same; only rk's answer
 * refusing it is not. Each test that crashed rk had to learn that.
 */
#include "rkclient/inject.h"
#include "rkclient/syscall.h"

long rk_crash(word_t inject_slot, long kind, long after, uint64_t timeout_us)
{
	unsigned long before = rk_recoveries();
	struct r2c_ret r = r2c_invoke(inject_slot, (word_t)kind, (word_t)after, 0, 0);
	if (!r.status && r.r0)
		return (long)r.r0;	/* refused */
	uint64_t end = r2c_tsc() + r2c_usecs(timeout_us);
	while (rk_recoveries() == before && r2c_tsc() < end)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(1000));
	return rk_recoveries() == before ? -ETIMEDOUT : 0;
}
