/*
 * The NetBSD rump kernel hypercall interface, version 17, as rump2cos
 * implements it (lib/rumpuser): the names and values of the rumpuser ABI
 * (see ../shared/RUMPUSER.md), written for this project. Every int
 * returned is 0 or a NetBSD errno.
 */
#ifndef R2C_RUMPUSER_H
#define R2C_RUMPUSER_H

#include <stddef.h>
#include <stdint.h>

#define RUMPUSER_VERSION 17

struct lwp;
struct rumpuser_mtx;
struct rumpuser_cv;
struct rumpuser_rw;
typedef int32_t rump_pid_t;

/* Upcalls the rump kernel hands the platform in rumpuser_init. */
struct rumpuser_hyperup {
	void (*hyp_schedule)(void);
	void (*hyp_unschedule)(void);
	void (*hyp_backend_unschedule)(int nlocks, int *countp, void *interlock);
	void (*hyp_backend_schedule)(int nlocks, void *interlock);
	void (*hyp_lwproc_switch)(struct lwp *l);
	void (*hyp_lwproc_release)(void);
	int (*hyp_lwproc_rfork)(void *priv, int flags, const char *comm);
	int (*hyp_lwproc_newlwp)(rump_pid_t pid);
	struct lwp *(*hyp_lwproc_curlwp)(void);
	int (*hyp_syscall)(int num, void *arg, long *retval);
	void (*hyp_lwpexit)(void);
	void (*hyp_execnotify)(const char *comm);
	rump_pid_t (*hyp_getpid)(void);
	void *hyp__extra[8];
};

#define RUMPUSER_OPEN_RDONLY	0x00
#define RUMPUSER_OPEN_WRONLY	0x01
#define RUMPUSER_OPEN_RDWR	0x02
#define RUMPUSER_OPEN_ACCMODE	0x03
#define RUMPUSER_OPEN_CREATE	0x04
#define RUMPUSER_OPEN_EXCL	0x08
#define RUMPUSER_OPEN_BIO	0x10

#define RUMPUSER_FT_OTHER	0
#define RUMPUSER_FT_DIR		1
#define RUMPUSER_FT_REG		2
#define RUMPUSER_FT_BLK		3
#define RUMPUSER_FT_CHR		4

#define RUMPUSER_BIO_READ	0x01
#define RUMPUSER_BIO_WRITE	0x02
#define RUMPUSER_BIO_SYNC	0x04
typedef void (*rump_biodone_fn)(void *arg, size_t bytes, int error);

struct rumpuser_iovec {
	void *iov_base;
	size_t iov_len;
};
#define RUMPUSER_IOV_NOSEEK	-1

#define RUMPUSER_SYNCFD_READ	0x01
#define RUMPUSER_SYNCFD_WRITE	0x02
#define RUMPUSER_SYNCFD_BOTH	0x03
#define RUMPUSER_SYNCFD_BARRIER	0x04
#define RUMPUSER_SYNCFD_SYNC	0x08

enum rumpclock { RUMPUSER_CLOCK_RELWALL, RUMPUSER_CLOCK_ABSMONO };

#define RUMPUSER_PARAM_NCPU	"_RUMPUSER_NCPU"
#define RUMPUSER_PARAM_HOSTNAME	"_RUMPUSER_HOSTNAME"
#define RUMPUSER_PANIC		(-1)
#define RUMPUSER_PID_SELF	(-1)
#define RUMPUSER_RANDOM_HARD	0x01
#define RUMPUSER_RANDOM_NOWAIT	0x02

enum rumplwpop { RUMPUSER_LWP_CREATE, RUMPUSER_LWP_DESTROY, RUMPUSER_LWP_SET, RUMPUSER_LWP_CLEAR };

#define RUMPUSER_MTX_SPIN	0x01
#define RUMPUSER_MTX_KMUTEX	0x02

enum rumprwlock { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };

typedef void (*rump_modinit_fn)(const void *const *, size_t);
typedef int (*rump_symload_fn)(void *, uint64_t, char *, uint64_t);
typedef void (*rump_compload_fn)(const void *);

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

int rumpuser_malloc(size_t size, int alignment, void **memp);
void rumpuser_free(void *mem, size_t size);
int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp);
void rumpuser_unmap(void *addr, size_t size);

int rumpuser_open(const char *name, int mode, int *fdp);
int rumpuser_close(int fd);
int rumpuser_getfileinfo(const char *name, uint64_t *size, int *type);
void rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off, rump_biodone_fn done, void *donearg);
int rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen, int64_t off, size_t *done);
int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen, int64_t off, size_t *done);
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len);

int rumpuser_clock_gettime(int clock, int64_t *sec, long *nsec);
int rumpuser_clock_sleep(int clock, int64_t sec, long nsec);

int rumpuser_getparam(const char *name, void *buf, size_t buflen);
void rumpuser_exit(int value);
int rumpuser_kill(int64_t pid, int sig);
void rumpuser_seterrno(int error);
void rumpuser_putchar(int c);
void rumpuser_dprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);
int rumpuser_daemonize_begin(void);
int rumpuser_daemonize_done(int error);
void rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload, rump_compload_fn compload);

int rumpuser_thread_create(void *(*f)(void *), void *arg, const char *name, int mustjoin, int priority,
			   int cpuidx, void **cookie);
void rumpuser_thread_exit(void) __attribute__((noreturn));
int rumpuser_thread_join(void *cookie);
void rumpuser_curlwpop(int op, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);
void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp);

void rumpuser_rw_init(struct rumpuser_rw **rwp);
void rumpuser_rw_enter(int lk, struct rumpuser_rw *rw);
int rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw);
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw);
void rumpuser_rw_downgrade(struct rumpuser_rw *rw);
void rumpuser_rw_exit(struct rumpuser_rw *rw);
void rumpuser_rw_destroy(struct rumpuser_rw *rw);
void rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *rv);

void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, int64_t sec, int64_t nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waiters);

/* The remote system call proxy (sysproxy): not offered on this platform,
 * every call says ENOSYS, as the contract allows. */
int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease, const char *machine);
int rumpuser_sp_copyin(void *arg, const void *raddr, void *laddr, size_t len);
int rumpuser_sp_copyinstr(void *arg, const void *raddr, void *laddr, size_t *lenp);
int rumpuser_sp_copyout(void *arg, const void *laddr, void *raddr, size_t len);
int rumpuser_sp_copyoutstr(void *arg, const void *laddr, void *raddr, size_t *lenp);
int rumpuser_sp_anonmmap(void *arg, size_t len, void **addr);
int rumpuser_sp_raise(void *arg, int sig);
void rumpuser_sp_fini(void *arg);

#endif
