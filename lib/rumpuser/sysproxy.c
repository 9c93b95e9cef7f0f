/* rumpuser: the sysproxy calls, which serve system calls to remote
 * clients over a socket. rump2cos's clients are components invoking rk
 * (components/rk/fs.c), so there is no proxy: each call says ENOSYS. */
#include "rumpuser_int.h"

int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease, const char *machine)
{
	(void)url, (void)ostype, (void)osrelease, (void)machine;
	return ENOSYS;
}

int rumpuser_sp_copyin(void *arg, const void *raddr, void *laddr, size_t len)
{
	(void)arg, (void)raddr, (void)laddr, (void)len;
	return ENOSYS;
}

int rumpuser_sp_copyinstr(void *arg, const void *raddr, void *laddr, size_t *lenp)
{
	(void)arg, (void)raddr, (void)laddr, (void)lenp;
	return ENOSYS;
}

int rumpuser_sp_copyout(void *arg, const void *laddr, void *raddr, size_t len)
{
	(void)arg, (void)laddr, (void)raddr, (void)len;
	return ENOSYS;
}

int rumpuser_sp_copyoutstr(void *arg, const void *laddr, void *raddr, size_t *lenp)
{
	(void)arg, (void)laddr, (void)raddr, (void)lenp;
	return ENOSYS;
}

int rumpuser_sp_anonmmap(void *arg, size_t len, void **addr)
{
	(void)arg, (void)len, (void)addr;
	return ENOSYS;
}

int rumpuser_sp_raise(void *arg, int sig)
{
	(void)arg, (void)sig;
	return ENOSYS;
}

void rumpuser_sp_fini(void *arg)
{
	(void)arg;
}
