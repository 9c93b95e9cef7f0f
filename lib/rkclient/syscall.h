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
 * retval[0], or -1 with errno set. */
long rk_syscall(int num, int nargs, ...);
/* The raw form: block is the argument block (bytes a multiple of 8);
 * answers NetBSD's errno (0: success) with retval[0..1] in rv; a failed
 * invocation (rk faulted, no stack free, ...) is EIO, EAGAIN when rk had
 * no stack free. */
int rk_syscall_block(int num, const void *block, size_t bytes, long rv[2]);
/* The calling thread is going away: rk gives its lwp back to NetBSD.
 * Call it before a thread that has used rk ends; rk cannot see a
 * thread end (see docs/rumpkernel.md). */
void rk_thread_done(void);

int getpid(void);
int open(const char *path, int flags, int mode);
long read(int fd, void *buf, size_t n);
long write(int fd, const void *buf, size_t n);
int close(int fd);
int64_t lseek(int fd, int64_t off, int whence);
int unlink(const char *path);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int poll(struct nb_pollfd *fds, unsigned nfds, int timeout_ms);
int dup(int fd);
int dup2(int from, int to);
int ftruncate(int fd, int64_t len);

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
