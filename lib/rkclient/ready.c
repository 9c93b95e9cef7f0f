/*
 * Waiting for rk to serve. The booter starts a client once rk's first
 * thread stops running, which with a network device can be before rk
 * serves: NetBSD's driver waits for its device's interrupts during
 * rk's boot (the interrupt binding, vioif's control queue). Until rk
 * serves, a call waits in the client library's recovery (rk answers
 * RK_EREBOOTED while it boots), and is EIO if rk's boot failed or does
 * not end in time. A network application therefore asks until rk
 * answers, for at most a given time.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"

int rk_wait_serving(const char *server, unsigned seconds)
{
	if (rk_sys_init(server))
		return -1;
	uint64_t deadline = r2c_tsc() + r2c_usecs(1000000ull * seconds);
	while (getpid() < 0) {
		if (errno != EIO || r2c_tsc() > deadline)
			return -1;
		r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
	}
	return 0;
}
