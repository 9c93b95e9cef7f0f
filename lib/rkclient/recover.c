/* The client's side of rk's micro-reboot. Why here: rk's memory goes back
 * to its boot image when it is rebooted, so the only one who still knows
 * which files a client had open, where, and what it wrote since its last
 * fsync is the client; this library runs in it. It keeps, per descriptor
 * opened by path, the path, the flags, the offset and whether there are
 * writes since the last fsync; when a call meets the reboot (INV_REBOOTED,
 * or rk's RK_EREBOOTED on a fresh client's call), one thread, holding the
 * write side of a lock every call holds the read side of, waits until rk
 * serves again, says it is putting the client back (RK_PROC_RECOVERING:
 * rk serves that thread alone), restores the working directory, re-opens
 * every file at its old number and offset and puts placeholders on the
 * rest (sockets: ECONNRESET; pipes, kqueues: EBADF), then lets the others
 * call (RK_PROC_RECOVERED): no other call of the client reaches the new
 * NetBSD process before that. The rule (docs/reboot.md): fsynced data
 * is there; data written since the last fsync is there or the
 * application gets an error (the interrupted call, or the descriptor's
 * next fsync or close): nothing is lost silently.
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "rkclient/syscall.h"
#include "rkclient/recover.h"
#include "string/string.h"
#include "fmt/fmt.h"

#define RK_FDS		128	/* descriptors kept (a higher one is EBADF after a reboot) */
#define RK_PATH_MAX	128	/* a longer path is not kept: its descriptor is lost (EIO) */
#define WAIT_USECS	60000000	/* how long a recovery waits for rk to serve again */

enum fd_kind {
	FD_NONE,
	FD_FILE,		/* opened by path: re-opened */
	FD_LOST_PATH,		/* opened by a path not kept (too long, relative to an unknown cwd) */
	FD_SOCK, FD_PIPE,	/* not re-openable: a placeholder after a reboot */
	FD_DEAD_SOCK,		/* placeholders: ECONNRESET */
	FD_DEAD_PIPE,		/* EBADF */
	FD_DEAD_FILE,		/* the file could not be opened again: EIO */
};

struct rkfd {
	uint8_t kind;
	bool append;		/* O_APPEND: the offset is the end */
	bool lost;		/* writes since the last fsync met a reboot: EIO on the next fsync, close */
	int flags;
	/* Threads of the client may share a descriptor, under the read side
	 * of the lock: the offset moves by atomic adds, and writes are
	 * counted, an fsync covering those counted before it began, so a
	 * write that ends while an fsync runs stays unsynced. */
	int64_t off;
	uint32_t writes, synced;	/* writes counted; how many of them an fsync covered */
	uint32_t opened;		/* which open of this number (an fsync's end checks it) */
	char path[RK_PATH_MAX];
};

static struct rkfd fds[RK_FDS];
static char cwd[RK_PATH_MAX];		/* the last absolute chdir; "" none */
static bool cwd_unknown;		/* a relative chdir or fchdir since */
static struct r2c_rwlock lock;
static _Atomic int lock_ready;		/* 0, 1 initialising, 2 ready */
unsigned long rk_rec_epochs;		/* recoveries done (changed under the write side) */
static bool gone;			/* rk is gone for good (INV_GONE) */

static void lock_init(void)
{
	int z = 0;
	if (atomic_load(&lock_ready) == 2)
		return;
	if (atomic_compare_exchange_strong(&lock_ready, &z, 1)) {
		r2c_rw_init(&lock);
		atomic_store(&lock_ready, 2);
	}
	while (atomic_load(&lock_ready) != 2)
		r2c_sched_yield();
}

unsigned long rk_rec_enter(void)
{
	lock_init();
	r2c_rw_rdlock(&lock);
	return rk_rec_epochs;
}

void rk_rec_leave(void)
{
	r2c_rw_unlock(&lock);
}


unsigned long rk_recoveries(void)
{
	return rk_rec_epochs;
}

static struct rkfd *fd_at(uint64_t fd)
{
	return fd < RK_FDS ? &fds[fd] : NULL;
}



/* A close takes its descriptor out of the table before rk closes it: the
 * moment rk has, another thread's open may get the same number, and its
 * entry must not be wiped by this close's bookkeeping afterwards. What the
 * close owes its caller (EIO for writes a reboot lost) waits here, per
 * thread (the stack it runs on), until its answer; a close that met a
 * reboot is answered from it, the descriptor being gone either way. */
static struct { bool pending, lost; } closing[R2C_STACKS_MAX];
static struct sync_start { uint32_t opened, writes; } sync_from[R2C_STACKS_MAX];	/* per thread: when its fsync began */
static uint32_t opens;		/* opens counted, to tell one file at a number from the next */

void rk_rec_abandon(void)
{
	closing[r2c_stack_index() % R2C_STACKS_MAX].pending = false;
}

int rk_rec_before(int num, const uint64_t *a, int n)
{
	if (gone)
		return ENXIO;
	if (num == NB_SYS_close && n >= 1) {
		word_t me = r2c_stack_index() % R2C_STACKS_MAX;
		if (closing[me].pending) {	/* made again after a reboot */
			closing[me].pending = false;
			return closing[me].lost ? EIO : 0;
		}
		struct rkfd *f = fd_at(a[0]);
		if (f) {
			closing[me].pending = true;
			closing[me].lost = f->lost || f->kind == FD_DEAD_FILE;
			memset(f, 0, sizeof(*f));
		}
		return -1;
	}
	if (n < 1 || !rk_rec_takes_fd(num))
		return -1;
	struct rkfd *f = fd_at(a[0]);
	if (!f)
		return -1;
	switch (f->kind) {
	case FD_DEAD_SOCK: return ECONNRESET;
	case FD_DEAD_PIPE: return EBADF;
	case FD_DEAD_FILE: return EIO;
	}
	if ((num == NB_SYS_fsync || num == NB_SYS_fdatasync) && f->lost) {
		f->lost = false;	/* told once; what is written from now on counts again */
		return EIO;
	}
	if (num == NB_SYS_fsync || num == NB_SYS_fdatasync) {
		word_t me = r2c_stack_index() % R2C_STACKS_MAX;
		sync_from[me].opened = __atomic_load_n(&f->opened, __ATOMIC_ACQUIRE);
		sync_from[me].writes = __atomic_load_n(&f->writes, __ATOMIC_ACQUIRE);
	}
	return -1;
}

/* The length of the path an open just used, read without running off
 * its page: the application may rewrite its buffer while or after rk
 * copied it (sctest's race: the NUL on a page's last byte, the next page
 * unmapped), and this library cannot tell a mapped page from an unmapped
 * one. A path that goes on past the end of its first page is not kept
 * (RK_PATH_MAX, as if too long). */
static size_t path_len(const char *path)
{
	size_t room = 4096 - ((uintptr_t)path & 4095);
	size_t bound = room < RK_PATH_MAX ? room : RK_PATH_MAX;
	for (size_t i = 0; i < bound; i++)
		if (!path[i])
			return i;
	return RK_PATH_MAX;
}

static void keep_path(struct rkfd *f, const char *path, int flags)
{
	size_t len = path_len(path);
	f->kind = FD_FILE;
	if (len >= RK_PATH_MAX) {
		f->kind = FD_LOST_PATH;
	} else if (path[0] == '/') {
		if (len >= RK_PATH_MAX)
			f->kind = FD_LOST_PATH;
		else
			memcpy(f->path, path, len), f->path[len] = 0;
	} else if (cwd_unknown || strlen(cwd) + 1 + len >= RK_PATH_MAX) {
		f->kind = FD_LOST_PATH;
	} else {
		fmt_snprintf(f->path, RK_PATH_MAX, "%s/%.*s", cwd[0] ? cwd : "", (int)len, path);
	}
	f->flags = flags;
	f->append = flags & NB_O_APPEND;
	f->off = 0;
	f->lost = false;
	/* a file made or emptied is a change not yet fsynced */
	f->writes = (flags & (NB_O_CREAT | NB_O_TRUNC)) != 0;
	f->synced = 0;
	f->opened = __atomic_add_fetch(&opens, 1, __ATOMIC_RELAXED);
}

static void set_kind(uint64_t fd, int kind)
{
	struct rkfd *f = fd_at(fd);
	if (f) {
		memset(f, 0, sizeof(*f));
		f->kind = (uint8_t)kind;
	}
}

static void copy_fd(uint64_t from, uint64_t to)
{
	struct rkfd *f = fd_at(from), *t = fd_at(to);
	if (t && from != to)
		*t = f ? *f : (struct rkfd){ 0 };
}

int rk_rec_after(int num, const uint64_t *a, int n, int e, const long rv[2])
{
	struct rkfd *f = n >= 1 && rk_rec_takes_fd(num) ? fd_at(a[0]) : NULL;
	if (num == NB_SYS_close) {	/* its entry went in rk_rec_before */
		word_t me = r2c_stack_index() % R2C_STACKS_MAX;
		bool lost = closing[me].pending && closing[me].lost;
		closing[me].pending = false;
		return e == 0 && lost ? EIO : e;
	}
	if (e)
		return e;
	/* a call through rk_syscall_block: its arguments unread (n = 0) */
	static const signed char need[NB_SYS_NSYSENT] = {
		[NB_SYS_open] = 2, [NB_SYS_dup2] = 2, [NB_SYS_fcntl] = 2, [NB_SYS_socketpair] = 4,
		[NB_SYS_pipe2] = 1, [NB_SYS_chdir] = 1, [NB_SYS_dup] = 1,
	};
	if (num >= 0 && num < NB_SYS_NSYSENT && n < need[num])
		return 0;
	switch (num) {
	case NB_SYS_open:
		if (fd_at((uint64_t)rv[0]))
			keep_path(fd_at((uint64_t)rv[0]), (const char *)a[0], (int)a[1]);
		break;
	case NB_SYS_read: case NB_SYS_readv:
		if (f)
			__atomic_fetch_add(&f->off, rv[0], __ATOMIC_RELAXED);
		break;
	case NB_SYS_write: case NB_SYS_writev:
		if (f)
			__atomic_fetch_add(&f->off, rv[0], __ATOMIC_RELAXED);
		/* fall through */
	case NB_SYS_pwrite: case NB_SYS_ftruncate:
		if (f)
			__atomic_fetch_add(&f->writes, 1, __ATOMIC_RELEASE);
		break;
	case NB_SYS_lseek:
		if (f)
			__atomic_store_n(&f->off, rv[0], __ATOMIC_RELAXED);
		break;
	case NB_SYS_fsync: case NB_SYS_fdatasync: {
		/* it covers the writes counted when it began, not those since, and
		 * not a file opened at this number since */
		const struct sync_start *b = &sync_from[r2c_stack_index() % R2C_STACKS_MAX];
		if (f && f->opened == b->opened) {
			uint32_t from = b->writes;
			uint32_t was = __atomic_load_n(&f->synced, __ATOMIC_RELAXED);
			while ((int32_t)(from - was) > 0 &&
			       !__atomic_compare_exchange_n(&f->synced, &was, from, false, __ATOMIC_RELEASE,
							    __ATOMIC_RELAXED))
				;
		}
		break;
	}
	case NB_SYS_dup:
		copy_fd(a[0], (uint64_t)rv[0]);
		break;
	case NB_SYS_dup2:
		copy_fd(a[0], a[1]);
		break;
	case NB_SYS_fcntl:
		if (a[1] == NB_F_DUPFD || a[1] == NB_F_DUPFD_CLOEXEC)
			copy_fd(a[0], (uint64_t)rv[0]);
		break;
	case NB_SYS_socket: case NB_SYS_accept:
		set_kind((uint64_t)rv[0], FD_SOCK);
		break;
	case NB_SYS_socketpair:
		set_kind((uint64_t)((int *)a[3])[0], FD_SOCK);
		set_kind((uint64_t)((int *)a[3])[1], FD_SOCK);
		break;
	case NB_SYS_pipe:
		set_kind((uint64_t)rv[0], FD_PIPE);
		set_kind((uint64_t)rv[1], FD_PIPE);
		break;
	case NB_SYS_pipe2:
		set_kind((uint64_t)((int *)a[0])[0], FD_PIPE);
		set_kind((uint64_t)((int *)a[0])[1], FD_PIPE);
		break;
	case NB_SYS_kqueue:
		set_kind((uint64_t)rv[0], FD_PIPE);
		break;
	case NB_SYS_chdir: {
		const char *p = (const char *)a[0];
		size_t len = path_len(p);
		if (len < RK_PATH_MAX && p[0] == '/') {
			memcpy(cwd, p, len), cwd[len] = 0;
			cwd_unknown = false;
		} else {
			cwd_unknown = true;
		}
		break;
	}
	case NB_SYS_fchdir:
		if (f && f->kind == FD_FILE) {
			memcpy(cwd, f->path, RK_PATH_MAX);
			cwd_unknown = false;
		} else {
			cwd_unknown = true;
		}
		break;
	}
	return 0;
}

bool rk_rec_retry_safe(int num, const uint64_t *a, int n)
{
	switch (num) {
	case NB_SYS_read: case NB_SYS_readv: case NB_SYS_pread:	/* at the kept offset */
	case NB_SYS_stat: case NB_SYS_lstat: case NB_SYS_fstat: case NB_SYS_statvfs1:
	case NB_SYS_fstatvfs1: case NB_SYS_access: case NB_SYS_readlink: case NB_SYS_getcwd:
	case NB_SYS_getpid: case NB_SYS_getuid: case NB_SYS_geteuid: case NB_SYS_getgid:
	case NB_SYS_getegid: case NB_SYS_gettimeofday: case NB_SYS_clock_gettime:
	case NB_SYS_lseek: case NB_SYS_dup: case NB_SYS_dup2: case NB_SYS_umask:
	case NB_SYS_chdir: case NB_SYS_fchdir:
	/* close: the re-opened file closes (EIO if writes were lost); fsync:
	 * EIO if the descriptor had writes since its last fsync, which the
	 * recovery marked lost, else nothing to do */
	case NB_SYS_close: case NB_SYS_fsync: case NB_SYS_fdatasync:
		return true;
	case NB_SYS_open:
		return n >= 2 && !(a[1] & (NB_O_CREAT | NB_O_EXCL | NB_O_TRUNC));
	case NB_SYS_fcntl:
		return n >= 2 && (a[1] == NB_F_DUPFD || a[1] == NB_F_DUPFD_CLOEXEC);
	}
	return false;
}

void rk_rec_forget_all(void)
{
	memset(fds, 0, sizeof(fds));
}

/* Call rk straight: NetBSD's errno, or RK_EREBOOTED, ENXIO, EAGAIN, EIO. */
static int raw(int num, long *r0, int n, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const uint64_t a[4] = { a0, a1, a2, a3 };
	long rv[2] = { 0, 0 };
	int e = rk_sys_raw(num, a, n, rv);
	if (r0)
		*r0 = rv[0];
	return e;
}

/* A placeholder at fd: a descriptor of the new process that keeps the
 * number taken (the root directory, read-only). */
static int placeholder(int fd, int kind)
{
	long nfd;
	set_kind((uint64_t)fd, kind);
	int e = raw(NB_SYS_open, &nfd, 2, (uint64_t)"/", NB_O_RDONLY, 0, 0);
	if (e)
		return e;
	if (nfd != fd) {
		e = raw(NB_SYS_dup2, NULL, 2, (uint64_t)nfd, (uint64_t)fd, 0, 0);
		int e2 = raw(NB_SYS_close, NULL, 1, (uint64_t)nfd, 0, 0, 0);
		e = e ? e : e2;
	}
	return e;
}

static int reopen(int fd, struct rkfd *f)
{
	long nfd;
	int e = raw(NB_SYS_open, &nfd, 2, (uint64_t)f->path,
		    (uint64_t)(f->flags & ~(NB_O_CREAT | NB_O_EXCL | NB_O_TRUNC)), 0, 0);
	if (e == RK_EREBOOTED || e == ENXIO)
		return e;
	if (e)	/* gone with the crash (made, not fsynced), or not openable */
		return placeholder(fd, FD_DEAD_FILE);
	if (nfd != fd) {
		e = raw(NB_SYS_dup2, NULL, 2, (uint64_t)nfd, (uint64_t)fd, 0, 0);
		int e2 = raw(NB_SYS_close, NULL, 1, (uint64_t)nfd, 0, 0, 0);
		if (e || e2)
			return e ? e : e2;
	}
	if (f->writes != f->synced) {	/* what was written since the last fsync may be gone */
		f->lost = true;
		f->synced = f->writes;
	}
	if (f->append)
		return raw(NB_SYS_lseek, &f->off, 4, (uint64_t)fd, 0, 0, NB_SEEK_END);
	return f->off ? raw(NB_SYS_lseek, NULL, 4, (uint64_t)fd, 0, (uint64_t)f->off, NB_SEEK_SET) : 0;
}

/* Put the client back in the new rk; the write side held. */
static int restore(void)
{
	uint64_t end = r2c_tsc() + r2c_usecs(WAIT_USECS);
	for (;;) {
		int e = rk_proc_raw(RK_PROC_RECOVERING);
		if (e == ENXIO) {
			gone = true;
			return ENXIO;
		}
		if (e == ENOSYS || e == EPERM)	/* no rk_proc_exit granted: cannot say so */
			return EIO;
		if (e == 0) {
			if (!cwd_unknown && cwd[0])
				e = raw(NB_SYS_chdir, NULL, 1, (uint64_t)cwd, 0, 0, 0);
			for (int fd = 0; fd < RK_FDS && (e == 0 || e == ENOENT); fd++) {
				struct rkfd *f = &fds[fd];
				switch (f->kind) {
				case FD_FILE: e = reopen(fd, f); break;
				case FD_LOST_PATH: case FD_DEAD_FILE: e = placeholder(fd, FD_DEAD_FILE); break;
				case FD_SOCK: case FD_DEAD_SOCK: e = placeholder(fd, FD_DEAD_SOCK); break;
				case FD_PIPE: case FD_DEAD_PIPE: e = placeholder(fd, FD_DEAD_PIPE); break;
				default: e = 0;
				}
			}
			if (e == 0 || e == ENOENT)
				e = rk_proc_raw(RK_PROC_RECOVERED);	/* now the others may call */
			if (e == 0)
				return 0;
			if (e != RK_EREBOOTED && e != EAGAIN)
				return EIO;
			/* rebooted again while we put things back: from the start */
		}
		if (r2c_tsc() >= end)
			return EIO;
		r2c_sleep_until(r2c_tsc() + r2c_usecs(2000));
	}
}

int rk_recover(unsigned long ep)
{
	lock_init();
	r2c_rw_wrlock(&lock);
	int e = 0;
	if (gone)
		e = ENXIO;
	else if (rk_rec_epochs == ep) {
		e = restore();
		__atomic_store_n(&rk_rec_epochs, rk_rec_epochs + 1, __ATOMIC_RELEASE);	/* done, or failed: the next call that
									 * meets a reboot tries again */
	}
	r2c_rw_unlock(&lock);
	return e;
}
