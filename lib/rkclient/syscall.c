/* See syscall.h. The client half of rk's system-call interface: builds
 * NetBSD's argument block on the caller's stack and passes its address;
 * rk copies the block in and the rump kernel copies whatever the
 * arguments point to. So there is no staging buffer and no lock here:
 * each thread calls on its own, with its own lwp inside rk, and its own
 * errno (indexed by the stack it runs on, one per thread). */
#include <stdarg.h>
#include "r2c.h"
#include "rkclient/syscall.h"

static word_t sys_slot, done_slot;
static int errnos[R2C_STACKS_MAX];

int *rk_errno_loc(void)
{
	return &errnos[r2c_stack_index() % R2C_STACKS_MAX];
}

int rk_sys_init(const char *server)
{
	sys_slot = r2c_import_from(server, "rk_syscall");
	done_slot = r2c_import_from(server, "rk_thread_done");
	return sys_slot && done_slot ? 0 : -ENOENT;
}

int rk_syscall_block(int num, const void *block, size_t bytes, long rv[2])
{
	if (!sys_slot)
		return ENOSYS;
	struct r2c_ret r = r2c_invoke(sys_slot, (word_t)num, (word_t)block, bytes, 0);
	if (r.status)
		return r.status == INV_NO_STACK ? EAGAIN : EIO;
	rv[0] = (long)r.r1;
	rv[1] = (long)r.r2;
	return (int)r.r0;
}

long rk_syscall(int num, int nargs, ...)
{
	uint64_t a[NB_SYSARGS_MAX] = { 0 };
	long rv[2];
	va_list ap;
	if (nargs < 0 || nargs > NB_SYSARGS_MAX) {
		errno = EINVAL;
		return -1;
	}
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		a[i] = va_arg(ap, uint64_t);
	va_end(ap);
	int e = rk_syscall_block(num, a, (size_t)nargs * 8, rv);
	if (e) {
		errno = e;
		return -1;
	}
	return rv[0];
}

void rk_thread_done(void)
{
	if (done_slot)
		r2c_invoke(done_slot, 0, 0, 0, 0);
}

#define A(x) ((uint64_t)(x))

int getpid(void) { return (int)rk_syscall(NB_SYS_getpid, 0); }
int open(const char *path, int flags, int mode) { return (int)rk_syscall(NB_SYS_open, 3, A(path), A(flags), A(mode)); }
long read(int fd, void *buf, size_t n) { return rk_syscall(NB_SYS_read, 3, A(fd), A(buf), A(n)); }
long write(int fd, const void *buf, size_t n) { return rk_syscall(NB_SYS_write, 3, A(fd), A(buf), A(n)); }
int close(int fd) { return (int)rk_syscall(NB_SYS_close, 1, A(fd)); }
int64_t lseek(int fd, int64_t off, int whence) { return rk_syscall(NB_SYS_lseek, 4, A(fd), A(0), A(off), A(whence)); }
int unlink(const char *path) { return (int)rk_syscall(NB_SYS_unlink, 1, A(path)); }
int dup(int fd) { return (int)rk_syscall(NB_SYS_dup, 1, A(fd)); }
int dup2(int from, int to) { return (int)rk_syscall(NB_SYS_dup2, 2, A(from), A(to)); }
int ftruncate(int fd, int64_t len) { return (int)rk_syscall(NB_SYS_ftruncate, 3, A(fd), A(0), A(len)); }
int pipe2(int fds[2], int flags) { return (int)rk_syscall(NB_SYS_pipe2, 2, A(fds), A(flags)); }
int poll(struct nb_pollfd *fds, unsigned nfds, int timeout_ms)
{
	return (int)rk_syscall(NB_SYS_poll, 3, A(fds), A(nfds), A(timeout_ms));
}

/* pipe(2) answers both descriptors in the two result registers. */
int pipe(int fds[2])
{
	long rv[2];
	int e = rk_syscall_block(NB_SYS_pipe, NULL, 0, rv);
	if (e) {
		errno = e;
		return -1;
	}
	fds[0] = (int)rv[0];
	fds[1] = (int)rv[1];
	return 0;
}

/* credentials, exit */
static word_t exit_slot, counts_slot;

int rk_proc_exit(void)
{
	if (!exit_slot)
		exit_slot = r2c_import("rk_proc_exit");
	struct r2c_ret r = exit_slot ? r2c_invoke(exit_slot, 0, 0, 0, 0) : (struct r2c_ret){ .r0 = ENOSYS };
	int e = r.status ? EIO : (int)r.r0;
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

long rk_counts(int what, long id)
{
	if (!counts_slot)
		counts_slot = r2c_import("rk_counts");
	if (!counts_slot)
		return -ENOSYS;
	struct r2c_ret r = r2c_invoke(counts_slot, (word_t)what, (word_t)id, 0, 0);
	return r.status ? -EIO : (long)r.r0;
}
