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
 * (components/rk/sysproxy.c). Arguments rk checked before a call are
 * pinned for it (rk_sp_pin): NetBSD reads rk's copy, not the client's. */
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

/* Pins live per stack (a client thread makes its whole call on one), at
 * addresses above every user address, where no client memory can be:
 * pin i at PIN_BASE + i * PIN_SPAN. */
#define PIN_BASE 0xfff0000000000000ull
#define PIN_SPAN (1ull << 32)
struct pin {
	const char *copy;	/* NULL: none */
	size_t len;
};
static struct pin pins[R2C_STACKS_MAX][RK_SP_PINS];

void *rk_sp_pin(const void *copy, size_t len)
{
	struct pin *p = pins[r2c_stack_index() % R2C_STACKS_MAX];
	for (word_t i = 0; i < RK_SP_PINS; i++)
		if (!p[i].copy && len < PIN_SPAN) {
			p[i] = (struct pin){ copy, len };
			return (void *)(PIN_BASE + i * PIN_SPAN);
		}
	return NULL;
}

void rk_sp_unpin(void)
{
	memset(pins[r2c_stack_index() % R2C_STACKS_MAX], 0, sizeof(pins[0]));
}

/* The calling thread's pinned bytes at raddr, *avail of them up to the
 * pin's end; NULL if raddr is in none of its pins. */
static const char *pinned(const void *raddr, size_t *avail)
{
	word_t i = ((word_t)raddr - PIN_BASE) / PIN_SPAN, off = ((word_t)raddr - PIN_BASE) % PIN_SPAN;
	if (i >= RK_SP_PINS)
		return NULL;
	const struct pin *p = &pins[r2c_stack_index() % R2C_STACKS_MAX][i];
	if (!p->copy || off >= p->len)
		return NULL;
	*avail = p->len - off;
	return p->copy + off;
}

/* Where [raddr, + len) of process priv lies in the buffer borrowed for
 * this call (its invoker's, so priv is checked too; writable for a copy
 * out), or NULL. */
static char *lent(void *priv, const void *raddr, size_t len, bool out)
{
	const struct rk_thread_ctx *c = rk_ctx_here();
	word_t off = (word_t)raddr - c->lent;
	return off < c->lent_len && len <= c->lent_len - off && (word_t)priv == c->lent_to &&
	       (!out || c->lent_writable) ? c->window + off : NULL;
}

static __attribute__((noinline)) int copyin_slow(void *priv, const void *raddr, void *laddr, size_t len)
{
	if (!invoked_by(priv))
		return EFAULT;
	if ((word_t)raddr >= PIN_BASE) {
		size_t avail;
		const char *src = pinned(raddr, &avail);
		if (!src || len > avail)
			return EFAULT;
		memcpy(laddr, src, len);
		return 0;
	}
	return r2c_copyin(raddr, laddr, len) ? EFAULT : 0;
}

int rumpuser_sp_copyin(void *priv, const void *raddr, void *laddr, size_t len)
{
	const char *w = lent(priv, raddr, len, false);
	if (!w)
		return copyin_slow(priv, raddr, laddr, len);
	memcpy(laddr, w, len);
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
	if ((word_t)raddr >= PIN_BASE) {
		size_t avail;
		const char *src = pinned(raddr, &avail);
		if (!src)
			return EFAULT;
		char *dst = laddr;
		while (done < *lenp && done < avail && (dst[done] = src[done]) != 0)
			done++;
		*lenp = done < *lenp && done < avail ? done + 1 : done;	/* with the NUL, if it came */
		return 0;
	}
	long r = r2c_copyinstr(raddr, laddr, *lenp, &done);
	return string_copied(r, done, lenp);
}

/* The ways other than the window, out of line: the window's way saves
 * no registers. */
static __attribute__((noinline)) int copyout_slow(void *priv, const void *laddr, void *raddr, size_t len)
{
	if (!invoked_by(priv))
		return EFAULT;
	return r2c_copyout(laddr, raddr, len) ? EFAULT : 0;
}

int rumpuser_sp_copyout(void *priv, const void *laddr, void *raddr, size_t len)
{
	char *w = lent(priv, raddr, len, true);
	if (!w)
		return copyout_slow(priv, laddr, raddr, len);
	memcpy(w, laddr, len);
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
