/* rumpuser: the sysproxy calls, with which a rump kernel serves system
 * calls to remote clients. NetBSD's own platform does it over sockets;
 * here a client is a component invoking the rump kernel's component, and
 * the copies are the kernel's copy to and from the invoker (SELF_COPY_*,
 * through r2c_copyin and friends): only the component that invoked the
 * calling thread, only during that invocation.
 *
 * priv names the client: it must be the token of the invocation the
 * calling thread serves (the client's component id, what the booter puts
 * in its SINVs). A copy for another client, or from a thread not serving
 * an invocation (a rump kernel thread of its own), is refused with
 * EFAULT: the rump kernel can never reach a client that is not calling.
 * rumpuser_sp_init names the server: the url is rk's entry point, and
 * clients are not connected through it but made by rk as they call
 * (components/rk/sysproxy.c). */
#include "rumpuser_int.h"

static bool sp_serving;

int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease, const char *machine)
{
	if (!url || sp_serving)
		return EINVAL;
	sp_serving = true;
	r2c_printf("rumpuser: serving %s %s/%s system calls at %s\n", ostype, osrelease, machine, url);
	return 0;
}

/* The calling thread serves an invocation by the client priv names. */
static bool invoked_by(void *priv)
{
	const struct r2c_inv *inv = r2c_inv_self();
	return inv && inv->token == (word_t)priv;
}

/* A string copy's answer: bytes copied in *lenp; running out of room
 * before a NUL is no error here (the rump kernel decides). */
static int string_copied(long r, size_t done, size_t *lenp)
{
	if (r && r != -ENAMETOOLONG)
		return EFAULT;
	*lenp = done;
	return 0;
}

int rumpuser_sp_copyin(void *priv, const void *raddr, void *laddr, size_t len)
{
	if (!invoked_by(priv) || r2c_copyin(raddr, laddr, len))
		return EFAULT;
	return 0;
}

/* At most *lenp bytes up to and with the NUL; *lenp = bytes copied. As
 * NetBSD's platform does, a string with no NUL in the first *lenp bytes
 * is copied that far and is not an error: the rump kernel looks for the
 * NUL itself and says ENAMETOOLONG. */
int rumpuser_sp_copyinstr(void *priv, const void *raddr, void *laddr, size_t *lenp)
{
	size_t done = 0;
	if (!invoked_by(priv))
		return EFAULT;
	long r = r2c_copyinstr(raddr, laddr, *lenp, &done);
	return string_copied(r, done, lenp);
}

int rumpuser_sp_copyout(void *priv, const void *laddr, void *raddr, size_t len)
{
	if (!invoked_by(priv) || r2c_copyout(laddr, raddr, len))
		return EFAULT;
	return 0;
}

/* *lenp is the string's length with its NUL (the rump kernel measured
 * it); no more than that is written, and *lenp = bytes copied. */
int rumpuser_sp_copyoutstr(void *priv, const void *laddr, void *raddr, size_t *lenp)
{
	size_t done = 0;
	if (!invoked_by(priv))
		return EFAULT;
	long r = r2c_copyoutstr(laddr, raddr, *lenp, &done);
	return string_copied(r, done, lenp);
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
