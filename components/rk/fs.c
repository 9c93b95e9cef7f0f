/*
 * rk's file-system interface (include/r2c/rkfs.h). Each client component
 * is a NetBSD process of its own (rump_pub_lwproc_rfork on its first
 * call, with the uid and gid its composition line gives it, as on the
 * system-call path), so descriptors and the current directory are per
 * client; its
 * calls are serialised, its threads take turns on its lwp. That lwp is
 * made the invoking thread's curlwp for the call (curlwp is ours: the
 * hypercall layer keeps it per stack), rather than switched to through
 * rump_pub_lwproc_switch, which from a thread with no lwp allocates and
 * frees a temporary one each time. Nothing a client passes is a pointer:
 * offsets into its shared buffer, checked here before the rump kernel
 * sees them.
 */
#include "r2c.h"
#include "r2c/rkfs.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

R2C_CLIENT_SHM(262144);

struct client {
	word_t token;
	char *buf;
	size_t size;
	struct lwp *lwp;
	struct r2c_mutex lock;
	bool ready;
};

static struct client clients[CINFO_CLIENTS];

static struct client *enter(word_t token)
{
	struct client *c = NULL;
	for (word_t i = 0; i < r2c_env->nclients; i++)
		if (r2c_env->clients[i].token == token)
			c = &clients[i];
	if (!c || !c->buf || rumpuser_stopped)
		return NULL;
	r2c_mutex_lock(&c->lock);
	*rk_ctx() = (struct rk_thread_ctx){ .lwp = c->lwp };
	if (!c->lwp) {
		if (rump_pub_lwproc_rfork(RK_RFCFDG)) {
			r2c_mutex_unlock(&c->lock);
			return NULL;
		}
		/* the client's credentials, as for the system-call path */
		const struct cinfo_client *ci = &r2c_env->clients[c - clients];
		if (rump_sys_setgroups(0, NULL) || rump_sys_setgid((uint32_t)ci->gid) ||
		    rump_sys_setuid((uint32_t)ci->uid)) {
			rump_pub_lwproc_releaselwp();
			*rk_ctx() = (struct rk_thread_ctx){ 0 };
			r2c_mutex_unlock(&c->lock);
			return NULL;
		}
		c->lwp = rump_pub_lwproc_curlwp();
	}
	return c;
}

/* The calling thread gives the client's lwp and lock back. */
static void release(struct client *c)
{
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	r2c_mutex_unlock(&c->lock);
}

static word_t leave(struct client *c, long r)
{
	if (r < 0)
		r = -(long)(rk_ctx()->error ? rk_ctx()->error : EIO);
	release(c);
	return (word_t)r;
}

static void *span(struct client *c, word_t off, word_t len)
{
	if (off > c->size || len > c->size - off)
		return NULL;
	return c->buf + off;
}

static const char *path_at(struct client *c, word_t off)
{
	if (off >= c->size)
		return NULL;
	for (word_t i = off; i < c->size; i++)
		if (!c->buf[i])
			return c->buf + off;
	return NULL;			/* no NUL inside the buffer */
}

/* Argument checks that fail before any rump call. */
static word_t fault(struct client *c)
{
	release(c);
	return (word_t)-EFAULT;
}

#define WITH_CLIENT							\
	struct client *c = enter(inv->token);				\
	if (!c)								\
		return (word_t)(rumpuser_stopped ? -EIO : -EPERM)

static word_t rkfs_open(word_t path, word_t flags, word_t mode, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	WITH_CLIENT;
	const char *p = path_at(c, path);
	if (!p)
		return fault(c);
	return leave(c, rump_sys_open(p, (int)flags, (int)mode));
}
R2C_ENTRY(rkfs_open);

static word_t rkfs_close(word_t fd, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	WITH_CLIENT;
	return leave(c, rump_sys_close((int)fd));
}
R2C_ENTRY(rkfs_close);

/* read, write, pread, pwrite: fd, a span of the buffer, a position
 * (< 0: the descriptor's own). */
enum data_op { DATA_READ, DATA_WRITE };

static word_t data_call(struct r2c_inv *inv, enum data_op op, word_t fd, word_t off, word_t len, int64_t pos)
{
	WITH_CLIENT;
	void *b = span(c, off, len);
	if (!b)
		return fault(c);
	long r;
	if (op == DATA_READ)
		r = pos < 0 ? rump_sys_read((int)fd, b, len) : rump_sys_pread((int)fd, b, len, pos);
	else
		r = pos < 0 ? rump_sys_write((int)fd, b, len) : rump_sys_pwrite((int)fd, b, len, pos);
	return leave(c, r);
}

static word_t rkfs_read(word_t fd, word_t off, word_t len, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	return data_call(inv, DATA_READ, fd, off, len, -1);
}
R2C_ENTRY(rkfs_read);

static word_t rkfs_write(word_t fd, word_t off, word_t len, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	return data_call(inv, DATA_WRITE, fd, off, len, -1);
}
R2C_ENTRY(rkfs_write);

static word_t rkfs_pread(word_t fd, word_t off, word_t len, word_t pos, struct r2c_inv *inv)
{
	return (int64_t)pos < 0 ? (word_t)-EINVAL : data_call(inv, DATA_READ, fd, off, len, (int64_t)pos);
}
R2C_ENTRY(rkfs_pread);

static word_t rkfs_pwrite(word_t fd, word_t off, word_t len, word_t pos, struct r2c_inv *inv)
{
	return (int64_t)pos < 0 ? (word_t)-EINVAL : data_call(inv, DATA_WRITE, fd, off, len, (int64_t)pos);
}
R2C_ENTRY(rkfs_pwrite);

static word_t rkfs_lseek(word_t fd, word_t pos, word_t whence, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	WITH_CLIENT;
	return leave(c, (long)rump_sys_lseek((int)fd, (int64_t)pos, (int)whence));
}
R2C_ENTRY(rkfs_lseek);

static word_t rkfs_fstat(word_t fd, word_t off, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	WITH_CLIENT;
	void *b = span(c, off, sizeof(struct rkfs_stat));
	if (!b || off % 8)
		return fault(c);
	return leave(c, rump_sys_fstat((int)fd, b));
}
R2C_ENTRY(rkfs_fstat);

static word_t rkfs_stat(word_t path, word_t off, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	WITH_CLIENT;
	const char *p = path_at(c, path);
	void *b = span(c, off, sizeof(struct rkfs_stat));
	if (!p || !b || off % 8)
		return fault(c);
	return leave(c, rump_sys_stat(p, b));
}
R2C_ENTRY(rkfs_stat);

static word_t rkfs_mkdir(word_t path, word_t mode, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	WITH_CLIENT;
	const char *p = path_at(c, path);
	if (!p)
		return fault(c);
	return leave(c, rump_sys_mkdir(p, (uint32_t)mode));
}
R2C_ENTRY(rkfs_mkdir);

/* The calls that take one path and nothing else. */
static word_t path_call(struct r2c_inv *inv, word_t path, int (*call)(const char *))
{
	WITH_CLIENT;
	const char *p = path_at(c, path);
	if (!p)
		return fault(c);
	return leave(c, call(p));
}

static word_t rkfs_rmdir(word_t path, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	return path_call(inv, path, rump_sys_rmdir);
}
R2C_ENTRY(rkfs_rmdir);

static word_t rkfs_unlink(word_t path, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	return path_call(inv, path, rump_sys_unlink);
}
R2C_ENTRY(rkfs_unlink);

static word_t rkfs_rename(word_t from, word_t to, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	WITH_CLIENT;
	const char *f = path_at(c, from), *t = path_at(c, to);
	if (!f || !t)
		return fault(c);
	return leave(c, rump_sys_rename(f, t));
}
R2C_ENTRY(rkfs_rename);

static word_t rkfs_getdents(word_t fd, word_t off, word_t len, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	WITH_CLIENT;
	void *b = span(c, off, len);
	if (!b || off % 8)
		return fault(c);
	return leave(c, rump_sys_getdents((int)fd, b, len));
}
R2C_ENTRY(rkfs_getdents);

static word_t rkfs_fsync(word_t fd, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	WITH_CLIENT;
	return leave(c, rump_sys_fsync((int)fd));
}
R2C_ENTRY(rkfs_fsync);

static word_t rkfs_sync(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	WITH_CLIENT;
	rump_sys_sync();
	return leave(c, 0);
}
R2C_ENTRY(rkfs_sync);

static word_t rkfs_mount(word_t type, word_t dev, word_t path, word_t flags, struct r2c_inv *inv)
{
	WITH_CLIENT;
	const char *t = path_at(c, type), *d = path_at(c, dev), *p = path_at(c, path);
	if (!t || !d || !p)
		return fault(c);
	return leave(c, mount_fs(t, d, p, (int)flags));
}
R2C_ENTRY(rkfs_mount);

static word_t rkfs_unmount(word_t path, word_t flags, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	WITH_CLIENT;
	const char *p = path_at(c, path);
	if (!p)
		return fault(c);
	return leave(c, unmount_fs(p, (int)flags));
}
R2C_ENTRY(rkfs_unmount);

/* The null system call: what a round trip into the rump kernel costs. */
static word_t rkfs_getpid(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	WITH_CLIENT;
	return leave(c, rump_sys_getpid());
}
R2C_ENTRY(rkfs_getpid);

/* Client ci is gone (sysproxy.c's client_gone): its process here goes
 * too, and NetBSD closes its descriptors; a later call makes a new one. */
void rkfs_client_gone(long ci)
{
	struct client *c = &clients[ci];
	if (!c->buf || rumpuser_stopped)
		return;
	r2c_mutex_lock(&c->lock);
	if (c->lwp) {
		*rk_ctx() = (struct rk_thread_ctx){ .lwp = c->lwp };
		rump_pub_lwproc_releaselwp();	/* its only lwp: freed as it unschedules */
		*rk_ctx() = (struct rk_thread_ctx){ 0 };
		c->lwp = NULL;
	}
	r2c_mutex_unlock(&c->lock);
}

void rkfs_init(void)
{
	for (word_t i = 0; i < r2c_env->nclients; i++) {
		clients[i].token = r2c_env->clients[i].token;
		clients[i].buf = (char *)r2c_env->clients[i].vaddr;
		clients[i].size = r2c_env->clients[i].size;
		r2c_mutex_init(&clients[i].lock);
	}
}
