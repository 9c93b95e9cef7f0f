/* See syscall.h. The client half of rk's system-call interface: passes
 * up to NB_SYSARGS_REGS arguments in the invocation's registers, or
 * builds NetBSD's argument block on the caller's stack and passes its
 * address (rk copies the block in); the rump kernel copies whatever the
 * arguments point to. So there is no staging buffer and no lock here:
 * each thread calls on its own, with its own lwp inside rk, and its own
 * errno (indexed by the stack it runs on, one per thread). */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/recover.h"

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

/* The invocation's status folded into an errno (recover.h). */
static inline int fold(struct r2c_ret r)
{
	switch (r.status) {
	case INV_DONE: return (int)r.r0;
	case INV_REBOOTED: return RK_EMET;
	case INV_NO_STACK: return EAGAIN;
	case INV_GONE: return ENXIO;
	}
	return EIO;
}

/* rk_syscall's a0 is the number (a negative one stays out of the bits
 * above, which say how many arguments come in registers); a[0..n-1] are
 * the NetBSD argument slots (in registers if n <= NB_SYSARGS_REGS, else
 * passed as the block). */
static inline int invoke_raw(int num, const uint64_t *a, int n, bool block, long rv[2])
{
	struct r2c_ret r;
	if (!block && n <= NB_SYSARGS_REGS)
		r = r2c_invoke(sys_slot, (uint32_t)num | (n ? NB_SYSARGS_IN_REGS(n) : 0),
			       n > 0 ? a[0] : 0, n > 1 ? a[1] : 0, n > 2 ? a[2] : 0);
	else
		r = r2c_invoke(sys_slot, (uint32_t)num, (word_t)a, (word_t)n * 8, 0);
	rv[0] = (long)r.r1;
	rv[1] = (long)r.r2;
	return fold(r);
}

int rk_sys_raw(int num, const uint64_t *a, int n, long rv[2])
{
	if (!sys_slot)
		return ENOSYS;
	int e = invoke_raw(num, a, n, false, rv);
	return e == RK_EMET ? RK_EREBOOTED : e;
}

/* The way of a call the recovery has to see (recover.c): the descriptor
 * table, for the calls it follows, kept under the read side of its lock;
 * a call that meets a reboot recovers, then is made again if that is
 * safe, else EIO. first: the answer of a first attempt made without the
 * table (RK_EREBOOTED or RK_EMET), or 0 if none was made. block: a is the
 * caller's argument block, passed as it is and never read here (rk
 * copies it in; a bad one is EFAULT from rk), so the table learns nothing
 * from its arguments. */
static __attribute__((noinline)) int invoke_slow(int num, const uint64_t *a, int n, bool block, long rv[2],
						 int first, unsigned long first_ep)
{
	const uint64_t *ta = block ? NULL : a;
	int tn = block ? 0 : n;
	if (first) {
		int r = rk_recover(first_ep);
		if (r)
			return r;
		if (first == RK_EMET && !rk_rec_retry_safe(num, ta, tn))
			return EIO;
	}
	for (;;) {
		unsigned long ep = rk_rec_enter();
		int e = rk_rec_before(num, ta, tn);
		if (e < 0) {
			e = invoke_raw(num, a, n, block, rv);
			if (e != RK_EREBOOTED && e != RK_EMET)
				e = rk_rec_after(num, ta, tn, e, rv);
		}
		rk_rec_leave();
		if (e != RK_EREBOOTED && e != RK_EMET)
			return e;
		/* RK_EREBOOTED: not run (a fresh client's call, or rk booting
		 * again); RK_EMET: it met the reboot */
		int r = rk_recover(ep);
		if (!r && e == RK_EMET && !rk_rec_retry_safe(num, ta, tn))
			r = EIO;
		if (r) {
			rk_rec_abandon();
			return r;
		}
	}
}

/* A call: the ones the table does not follow (getpid, stat, mkdir, ...)
 * go straight to rk, without the lock or the table, and take the slow
 * way only when they meet a reboot; the others always take it. */
static inline __attribute__((always_inline)) int invoke(int num, const uint64_t *a, int n, bool block, long rv[2])
{
	if (!sys_slot)
		return ENOSYS;
	if (rk_rec_follows(num))
		return invoke_slow(num, a, n, block, rv, 0, 0);
	unsigned long ep = rk_rec_epoch();
	int e = invoke_raw(num, a, n, block, rv);
	if (__builtin_expect(e != RK_EREBOOTED && e != RK_EMET, 1))
		return e;
	return invoke_slow(num, a, n, block, rv, e, ep);
}

int rk_syscall_block(int num, const void *block, size_t bytes, long rv[2])
{
	return invoke(num, block, (int)(bytes / 8), true, rv);
}

/* rk_syscall_args, inlined into the wrappers below (see rk_syscall there) */
static inline __attribute__((always_inline)) long syscall_args(int num, const uint64_t a[1 + NB_SYSARGS_MAX])
{
	long rv[2];
	uint64_t nargs = a[0];
	int e;
	if (nargs > NB_SYSARGS_MAX) {
		errno = EINVAL;
		return -1;
	}
	e = invoke(num, &a[1], (int)nargs, false, rv);	/* more than 3: the block is the array itself */
	if (e) {
		errno = e;
		return -1;
	}
	return rv[0];
}

long rk_syscall_args(int num, const uint64_t a[1 + NB_SYSARGS_MAX])
{
	return syscall_args(num, a);
}

/* The wrappers of this file inline the call: with the number and the
 * argument count known, what is left is the invocation and the checks. */
#undef rk_syscall
#define rk_syscall(num, ...) syscall_args((num), (const uint64_t[1 + NB_SYSARGS_MAX]){ __VA_ARGS__ })

/* sys_small's way when rk did not answer success: NetBSD's errno, a
 * reboot to recover from, or a failed invocation. The answer comes in
 * registers (status, r0, r1; r2 is no small call's), so that the common
 * way keeps no frame for it. */
static __attribute__((noinline)) long sys_small_slow(int num, int n, long status, word_t r0, word_t r1,
						     unsigned long ep, uint64_t a0, uint64_t a1, uint64_t a2)
{
	long rv[2] = { (long)r1, 0 };
	int e = fold((struct r2c_ret){ status, r0, r1, 0 });
	if (e == RK_EREBOOTED || e == RK_EMET)
		e = invoke_slow(num, (const uint64_t[3]){ a0, a1, a2 }, n, false, rv, e, ep);
	if (e) {
		errno = e;
		return -1;
	}
	return rv[0];
}

/* A call of at most three arguments the descriptor table does not follow
 * (getpid, stat, mkdir, ...): its arguments go in the invocation's
 * registers, and success, by far the common answer, takes no more than
 * the invocation and a test. The others take syscall_args's way. */
static inline __attribute__((always_inline)) long sys_small(int num, int n, uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (rk_rec_follows(num))
		return syscall_args(num, (const uint64_t[1 + NB_SYSARGS_MAX]){ (uint64_t)n, a0, a1, a2 });
	if (__builtin_expect(!sys_slot, 0)) {
		errno = ENOSYS;
		return -1;
	}
	unsigned long ep = rk_rec_epoch();
	struct r2c_ret r = r2c_invoke(sys_slot, (uint32_t)num | (n ? NB_SYSARGS_IN_REGS(n) : 0), a0, a1, a2);
	if (__builtin_expect(r.status == INV_DONE && r.r0 == 0, 1))
		return (long)r.r1;
	return sys_small_slow(num, n, r.status, r.r0, r.r1, ep, a0, a1, a2);
}

void rk_thread_done(void)
{
	if (done_slot)
		r2c_invoke(done_slot, 0, 0, 0, 0);
}

#define A(x) ((uint64_t)(x))
#define SYS0(n)			sys_small(NB_SYS_##n, 0, 0, 0, 0)
#define SYS1(n, a)		sys_small(NB_SYS_##n, 1, A(a), 0, 0)
#define SYS2(n, a, b)		sys_small(NB_SYS_##n, 2, A(a), A(b), 0)
#define SYS3(n, a, b, c)	sys_small(NB_SYS_##n, 3, A(a), A(b), A(c))
#define SYS4(n, a, b, c, d)	rk_syscall(NB_SYS_##n, 4, A(a), A(b), A(c), A(d))
#define SYS5(n, a, b, c, d, e)	rk_syscall(NB_SYS_##n, 5, A(a), A(b), A(c), A(d), A(e))
#define SYS6(n, a, b, c, d, e, f) rk_syscall(NB_SYS_##n, 6, A(a), A(b), A(c), A(d), A(e), A(f))

/* Files */
int open(const char *path, int flags, int mode) { return (int)SYS3(open, path, flags, mode); }
int close(int fd) { return (int)SYS1(close, fd); }
long read(int fd, void *buf, size_t n) { return SYS3(read, fd, buf, n); }
long write(int fd, const void *buf, size_t n) { return SYS3(write, fd, buf, n); }
long pread(int fd, void *buf, size_t n, int64_t off) { return SYS5(pread, fd, buf, n, 0, off); }
long pwrite(int fd, const void *buf, size_t n, int64_t off) { return SYS5(pwrite, fd, buf, n, 0, off); }
long readv(int fd, const struct nb_iovec *iov, int n) { return SYS3(readv, fd, iov, n); }
long writev(int fd, const struct nb_iovec *iov, int n) { return SYS3(writev, fd, iov, n); }
int64_t lseek(int fd, int64_t off, int whence) { return SYS4(lseek, fd, 0, off, whence); }
int ftruncate(int fd, int64_t len) { return (int)SYS3(ftruncate, fd, 0, len); }
int truncate(const char *path, int64_t len) { return (int)SYS3(truncate, path, 0, len); }
int fsync(int fd) { return (int)SYS1(fsync, fd); }
int fdatasync(int fd) { return (int)SYS1(fdatasync, fd); }
void sync(void) { SYS0(sync); }
int stat(const char *path, struct nb_stat *st) { return (int)SYS2(stat, path, st); }
int lstat(const char *path, struct nb_stat *st) { return (int)SYS2(lstat, path, st); }
int fstat(int fd, struct nb_stat *st) { return (int)SYS2(fstat, fd, st); }
int statvfs(const char *path, struct nb_statvfs *st) { return (int)SYS3(statvfs1, path, st, NB_ST_WAIT); }
int fstatvfs(int fd, struct nb_statvfs *st) { return (int)SYS3(fstatvfs1, fd, st, NB_ST_WAIT); }
int access(const char *path, int mode) { return (int)SYS2(access, path, mode); }
int chmod(const char *path, int mode) { return (int)SYS2(chmod, path, mode); }
int fchmod(int fd, int mode) { return (int)SYS2(fchmod, fd, mode); }
int chown(const char *path, int uid, int gid) { return (int)SYS3(chown, path, uid, gid); }
int fchown(int fd, int uid, int gid) { return (int)SYS3(fchown, fd, uid, gid); }
int utimes(const char *path, const struct nb_timeval tv[2]) { return (int)SYS2(utimes, path, tv); }
int futimes(int fd, const struct nb_timeval tv[2]) { return (int)SYS2(futimes, fd, tv); }
int umask(int mask) { return (int)SYS1(umask, mask); }
int dup(int fd) { return (int)SYS1(dup, fd); }
int dup2(int from, int to) { return (int)SYS2(dup2, from, to); }
int fcntl(int fd, int cmd, long arg) { return (int)SYS3(fcntl, fd, cmd, arg); }
int ioctl(int fd, unsigned long cmd, void *arg) { return (int)SYS3(ioctl, fd, cmd, arg); }

/* Names */
int unlink(const char *path) { return (int)SYS1(unlink, path); }
int mkdir(const char *path, int mode) { return (int)SYS2(mkdir, path, mode); }
int rmdir(const char *path) { return (int)SYS1(rmdir, path); }
int rename(const char *from, const char *to) { return (int)SYS2(rename, from, to); }
int link(const char *from, const char *to) { return (int)SYS2(link, from, to); }
int symlink(const char *target, const char *path) { return (int)SYS2(symlink, target, path); }
long readlink(const char *path, char *buf, size_t n) { return SYS3(readlink, path, buf, n); }
int chdir(const char *path) { return (int)SYS1(chdir, path); }
int fchdir(int fd) { return (int)SYS1(fchdir, fd); }
char *getcwd(char *buf, size_t n) { return SYS2(getcwd, buf, n) < 0 ? NULL : buf; }
long getdents(int fd, void *buf, size_t n) { return SYS3(getdents, fd, buf, n); }
int mount(const char *type, const char *path, int flags, void *data, size_t len)
{
	return (int)SYS5(mount, type, path, flags, data, len);
}
int unmount(const char *path, int flags) { return (int)SYS2(unmount, path, flags); }

/* Waiting */
int poll(struct nb_pollfd *fds, unsigned nfds, int timeout_ms) { return (int)SYS3(poll, fds, nfds, timeout_ms); }
int select(int nfds, struct nb_fd_set *in, struct nb_fd_set *out, struct nb_fd_set *ex,
	   struct nb_timeval *timeout)
{
	return (int)SYS5(select, nfds, in, out, ex, timeout);
}
int kqueue(void) { return (int)SYS0(kqueue); }
int kevent(int kq, const struct nb_kevent *changes, size_t nchanges, struct nb_kevent *events,
	   size_t nevents, const struct nb_timespec *timeout)
{
	return (int)SYS6(kevent, kq, changes, nchanges, events, nevents, timeout);
}
int pipe2(int fds[2], int flags) { return (int)SYS2(pipe2, fds, flags); }

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

/* Sockets */
int socket(int domain, int type, int protocol) { return (int)SYS3(socket, domain, type, protocol); }
int socketpair(int domain, int type, int protocol, int sv[2]) { return (int)SYS4(socketpair, domain, type, protocol, sv); }
int bind(int s, const void *addr, nb_socklen_t len) { return (int)SYS3(bind, s, addr, len); }
int listen(int s, int backlog) { return (int)SYS2(listen, s, backlog); }
int accept(int s, void *addr, nb_socklen_t *len) { return (int)SYS3(accept, s, addr, len); }
int connect(int s, const void *addr, nb_socklen_t len) { return (int)SYS3(connect, s, addr, len); }
long send(int s, const void *buf, size_t n, int flags) { return sendto(s, buf, n, flags, NULL, 0); }
long recv(int s, void *buf, size_t n, int flags) { return recvfrom(s, buf, n, flags, NULL, NULL); }
long sendto(int s, const void *buf, size_t n, int flags, const void *to, nb_socklen_t tolen)
{
	return SYS6(sendto, s, buf, n, flags, to, tolen);
}
long recvfrom(int s, void *buf, size_t n, int flags, void *from, nb_socklen_t *fromlen)
{
	return SYS6(recvfrom, s, buf, n, flags, from, fromlen);
}
long sendmsg(int s, const struct nb_msghdr *msg, int flags) { return SYS3(sendmsg, s, msg, flags); }
long recvmsg(int s, struct nb_msghdr *msg, int flags) { return SYS3(recvmsg, s, msg, flags); }
int shutdown(int s, int how) { return (int)SYS2(shutdown, s, how); }
int getsockname(int s, void *addr, nb_socklen_t *len) { return (int)SYS3(getsockname, s, addr, len); }
int getpeername(int s, void *addr, nb_socklen_t *len) { return (int)SYS3(getpeername, s, addr, len); }
int getsockopt(int s, int level, int name, void *val, nb_socklen_t *len)
{
	return (int)SYS5(getsockopt, s, level, name, val, len);
}
int setsockopt(int s, int level, int name, const void *val, nb_socklen_t len)
{
	return (int)SYS5(setsockopt, s, level, name, val, len);
}

/* Process and time */
int getpid(void) { return (int)SYS0(getpid); }
int getuid(void) { return (int)SYS0(getuid); }
int geteuid(void) { return (int)SYS0(geteuid); }
int getgid(void) { return (int)SYS0(getgid); }
int getegid(void) { return (int)SYS0(getegid); }
int gettimeofday(struct nb_timeval *tv, void *tz) { return (int)SYS2(gettimeofday, tv, tz); }
int clock_gettime(int clock, struct nb_timespec *ts) { return (int)SYS2(clock_gettime, clock, ts); }

/* Credentials, exit: rk entries of their own (include/r2c/rkproc.h) */
static word_t exit_slot, counts_slot;

int rk_proc_raw(word_t a0)
{
	if (!exit_slot)
		exit_slot = r2c_import("rk_proc_exit");
	if (!exit_slot)
		return ENOSYS;
	int e = fold(r2c_invoke(exit_slot, a0, 0, 0, 0));
	return e == RK_EMET ? RK_EREBOOTED : e;
}

int rk_proc_exit(void)
{
	unsigned long ep = rk_rec_enter();
	int e = rk_proc_raw(0);
	if (e == 0 || e == RK_EREBOOTED) {	/* no process now (rebooted: none either) */
		rk_rec_forget_all();
		e = 0;
	}
	rk_rec_leave();
	(void)ep;
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
