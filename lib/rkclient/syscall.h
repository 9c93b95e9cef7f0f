/* NetBSD system calls served by rk (components/rk/sysproxy.c): one
 * generic call with NetBSD's numbers and argument layout, and POSIX-named
 * wrappers over it. Pointers are plain pointers into the caller's own
 * memory: the rump kernel copies from and to them itself, and a bad one
 * is EFAULT from NetBSD. The wrappers return -1 and set errno (per
 * thread) on failure, as POSIX has it. */
#ifndef RKCLIENT_SYSCALL_H
#define RKCLIENT_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include "r2c/netbsd.h"

/* Import rk's generic entry from the server named (0, or -ENOENT). */
int rk_sys_init(const char *server);

/* The calling thread's errno. */
int *rk_errno_loc(void);
#define errno (*rk_errno_loc())

/* System call num with nargs 8-byte arguments (each cast to uint64_t):
 * retval[0], or -1 with errno set. A macro, so that no va_list is built
 * on the way: nargs and the arguments become an array on the caller's
 * stack (slots not given are 0; more than NB_SYSARGS_MAX do not compile),
 * and rk_syscall_args passes up to NB_SYSARGS_REGS of them in registers
 * and more as the block rk copies in. */
#define rk_syscall(num, ...) \
	rk_syscall_args((num), (const uint64_t[1 + NB_SYSARGS_MAX]){ __VA_ARGS__ })
/* a[0] = nargs, a[1..nargs] = the arguments */
long rk_syscall_args(int num, const uint64_t a[1 + NB_SYSARGS_MAX]);
/* The raw form: block is the argument block (bytes a multiple of 8);
 * answers NetBSD's errno (0: success) with retval[0..1] in rv; EAGAIN
 * when rk had no stack free, ENXIO when rk is gone for good, EIO for a
 * call that met a micro-reboot of rk and was not safe to make again
 * (after the client's descriptors were put back: docs/reboot.md). */
int rk_syscall_block(int num, const void *block, size_t bytes, long rv[2]);
/* How many times this client has recovered from a micro-reboot of rk
 * (lib/rkclient/recover.c, docs/reboot.md "What a client sees"). */
unsigned long rk_recoveries(void);
/* The calling thread is going away: rk gives its lwp back to NetBSD.
 * Call it before a thread that has used rk ends; rk cannot see a
 * thread end (see docs/rumpkernel.md). */
void rk_thread_done(void);

/* Files */
int open(const char *path, int flags, int mode);
int close(int fd);
long read(int fd, void *buf, size_t n);
long write(int fd, const void *buf, size_t n);
long pread(int fd, void *buf, size_t n, int64_t off);
long pwrite(int fd, const void *buf, size_t n, int64_t off);
long readv(int fd, const struct nb_iovec *iov, int n);
long writev(int fd, const struct nb_iovec *iov, int n);
int64_t lseek(int fd, int64_t off, int whence);
int ftruncate(int fd, int64_t len);
int truncate(const char *path, int64_t len);
int fsync(int fd);
int fdatasync(int fd);
void sync(void);
int stat(const char *path, struct nb_stat *st);
int lstat(const char *path, struct nb_stat *st);
int fstat(int fd, struct nb_stat *st);
int statvfs(const char *path, struct nb_statvfs *st);
int fstatvfs(int fd, struct nb_statvfs *st);
int access(const char *path, int mode);
int chmod(const char *path, int mode);
int fchmod(int fd, int mode);
int chown(const char *path, int uid, int gid);
int fchown(int fd, int uid, int gid);
int utimes(const char *path, const struct nb_timeval tv[2]);
int futimes(int fd, const struct nb_timeval tv[2]);
int umask(int mask);
int dup(int fd);
int dup2(int from, int to);
int fcntl(int fd, int cmd, long arg);
int ioctl(int fd, unsigned long cmd, void *arg);

/* Names */
int unlink(const char *path);
int mkdir(const char *path, int mode);
int rmdir(const char *path);
int rename(const char *from, const char *to);
int link(const char *from, const char *to);
int symlink(const char *target, const char *path);
long readlink(const char *path, char *buf, size_t n);
int chdir(const char *path);
int fchdir(int fd);
char *getcwd(char *buf, size_t n);
/* Directory entries of fd into buf (struct nb_dirent records): bytes, 0 at the end. */
long getdents(int fd, void *buf, size_t n);
int mount(const char *type, const char *path, int flags, void *data, size_t len);
int unmount(const char *path, int flags);

/* Waiting */
int poll(struct nb_pollfd *fds, unsigned nfds, int timeout_ms);
int select(int nfds, struct nb_fd_set *in, struct nb_fd_set *out, struct nb_fd_set *ex,
	   struct nb_timeval *timeout);
int kqueue(void);
int kevent(int kq, const struct nb_kevent *changes, size_t nchanges, struct nb_kevent *events,
	   size_t nevents, const struct nb_timespec *timeout);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);

/* Sockets */
int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int bind(int s, const void *addr, nb_socklen_t len);
int listen(int s, int backlog);
int accept(int s, void *addr, nb_socklen_t *len);
int connect(int s, const void *addr, nb_socklen_t len);
long send(int s, const void *buf, size_t n, int flags);
long recv(int s, void *buf, size_t n, int flags);
long sendto(int s, const void *buf, size_t n, int flags, const void *to, nb_socklen_t tolen);
long recvfrom(int s, void *buf, size_t n, int flags, void *from, nb_socklen_t *fromlen);
long sendmsg(int s, const struct nb_msghdr *msg, int flags);
long recvmsg(int s, struct nb_msghdr *msg, int flags);
int shutdown(int s, int how);
int getsockname(int s, void *addr, nb_socklen_t *len);
int getpeername(int s, void *addr, nb_socklen_t *len);
int getsockopt(int s, int level, int name, void *val, nb_socklen_t *len);
int setsockopt(int s, int level, int name, const void *val, nb_socklen_t len);

/* Process and time */
int getpid(void);
int getuid(void);
int geteuid(void);
int getgid(void);
int getegid(void);
int gettimeofday(struct nb_timeval *tv, void *tz);
int clock_gettime(int clock, struct nb_timespec *ts);

/* credentials, exit */
#include "r2c/rkproc.h"
/* The client's exit, as far as rk goes: its NetBSD process ends (its
 * descriptors close, its threads waiting in rk come back with EINTR)
 * and its next call gets a new one, with a new pid and no descriptors.
 * 0, or -1 with errno. NetBSD's own exit (NB_SYS_exit) is refused. */
int rk_proc_exit(void);
/* One of rk's figures (RK_COUNT_* in r2c/rkproc.h), for tests; id is a
 * client's component id where the figure is per client: the figure, or
 * -errno. */
long rk_counts(int what, long id);

#endif
