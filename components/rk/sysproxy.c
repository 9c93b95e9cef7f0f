/*
 * rk serves NetBSD's own system-call interface to client components, the
 * way a rump kernel serves remote clients (sysproxy): one generic entry,
 * rk_syscall(number, argument block), instead of a hand-written entry per
 * call. Why: the rump kernel itself then checks every pointer and copies
 * arguments in and results out (rumpuser_sp_copyin/out, the kernel's copy
 * to and from the invoker), into its own memory before use, and every
 * system call NetBSD has comes without more code here.
 *
 * A client component is a NetBSD process with a remote vmspace
 * (hyp_lwproc_rfork from pid 1, priv = its token), made on its first
 * call. Each client thread gets an lwp of its own in that process
 * (hyp_lwproc_newlwp) on its first call, kept by (client, tid): a thread
 * blocking in the rump kernel blocks nobody else, and no lock is held
 * across a system call (the table's lock covers only changes to it; a
 * call finds its lwp without it). The lwp is bound as the invoking
 * thread's curlwp for the call.
 * A thread gives its lwp back with rk_thread_done; the lwps of threads
 * that ended without it are taken back when the table needs room (the
 * scheduler says which threads are gone), and one client holds at most
 * SP_THREADS_PER_CLIENT of them.
 *
 * A client's process ends when the client exits or faults (the booter
 * calls client_gone) or asks for it (rk_proc_exit, the client's exit):
 * its lwps are ordered out (hyp_lwpexit, so those blocked in NetBSD wake
 * with EINTR), the lwps of its threads not in a call now and its first
 * lwp are released, and each lwp in a call is released by its own thread
 * when the call returns; NetBSD closes the descriptors and frees the
 * process with its last lwp. The client's next call makes a new process.
 */
#include "r2c.h"
#include "r2c/netbsd.h"
#include "r2c/rkproc.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

#define RK_RFFD_CLEAR	0x02	/* RUMP_RFFD_CLEAR: a clean descriptor table */
#define SP_THREADS	256	/* client threads with an lwp, all clients together */
#define SP_THREADS_PER_CLIENT 64	/* so no one client takes them all */
#define SP_CALLS_MAX	32	/* calls one client may have in rk at once, at most */

struct sp_proc {
	struct r2c_mutex setup;	/* while the process or an lwp of it is made, or it ends */
	int pid;		/* 0: none yet */
	struct lwp *main;	/* the process's first lwp, never used for calls */
};

/* A thread's entry: one word, so that a lookup without the lock reads it
 * whole and one atomic operation changes it, holding KEY(client index,
 * tid) and the state of its lwp: idle, in a call of its thread, or in a
 * call while its process ended (that thread then releases the lwp). An
 * insert (under `table`) stores lwp, then publishes the word with
 * release order; a removal sets the word to 0 and keeps lwp (a tombstone:
 * only a slot never used, lwp NULL, ends a probe), so the probe that found
 * a slot at insert still reaches it. The calling thread finds its own
 * entry without the lock (enter_own) and takes it from idle to in a call
 * by compare-and-swap of the whole word, and back by clearing the
 * in-call bit (thread_idle); removals of entries of live threads
 * (end_proc, rk_thread_done) swap from idle to 0 by compare-and-swap, so
 * exactly one side wins and no lwp is released under a running call. */
struct sp_thread {
	_Atomic word_t word;	/* 0: free */
	_Atomic(struct lwp *) lwp;
};
enum { SP_IDLE, SP_IN_CALL, SP_ENDED };
/* The kernel's thread ids are 32 bits (r9 at an invocation is its
 * zero-extended tid): a key holds one in its low half. */
#define KEY(ci, tid)		((word_t)((ci) + 1) << 32 | (tid))
#define KEY_TID(key)		((key) & 0xffffffffu)
#define KEY_CLIENT(key)		((long)((key) >> 32) - 1)
#define ENTRY(key, state)	((key) | (word_t)(state) << 40)
#define ENTRY_KEY(w)		((w) & ~(3ull << 40))
#define ENTRY_STATE(w)		((int)((w) >> 40 & 3))
_Static_assert(CINFO_CLIENTS < 255, "a client index + 1 fits KEY's 8 bits below the state");

static struct sp_proc procs[CINFO_CLIENTS];
/* What a call needs of its client, together: one load finds it. */
struct sp_client {
	_Atomic int in_flight;	/* its calls inside rk now */
	word_t key;		/* KEY(its index, 0): a thread's key is key | tid */
};
static struct sp_client clients[CINFO_CLIENTS];
static int calls_max;		/* per client: its share of rk's stacks */
static struct sp_thread threads[SP_THREADS];
static struct r2c_mutex table;
static bool boot_failed;	/* this boot will never serve (rump_init or its server failed) */

void rk_sp_boot_failed(void) { boot_failed = true; }

/* rk serves (rk_gate, rumpuser_int.h: its BOOTING bit is cleared once,
 * at the end of rk_sp_init); down: it does not, or NetBSD stopped. */
static inline bool serving(void)
{
	return !(atomic_load_explicit(&rk_gate, memory_order_acquire) & RK_GATE_BOOTING);
}
static inline bool down(void)
{
	return atomic_load_explicit(&rk_gate, memory_order_acquire) & (RK_GATE_BOOTING | RK_GATE_STOPPED);
}

/* What a client's call gets when rk does not serve it: RK_EREBOOTED while
 * NetBSD boots, at first or again (the client library waits and
 * recovers); EIO when this boot failed, or NetBSD stopped (a panic) in a
 * first boot (a later one is rebooted again, or rk is retired). */
static word_t not_serving(void)
{
	if (boot_failed)
		return EIO;
	return !serving() || r2c_env->reboots ? RK_EREBOOTED : EIO;
}
/* After a micro-reboot (r2c_env->reboots > 0) each client is "fresh"
 * until it says it has recovered (rk_proc_exit with RK_PROC_RECOVERED):
 * every call of a fresh client is answered RK_EREBOOTED and not run, so
 * a thread that was not in rk when it crashed learns of the reboot too,
 * and no call lands in the new process (a new descriptor on an old
 * number) before the client library has put its descriptors back
 * (lib/rkclient/recover.c, docs/reboot.md). */
static _Atomic bool fresh[CINFO_CLIENTS];
static _Atomic word_t restoring[CINFO_CLIENTS];	/* the tid putting a fresh client back (RK_PROC_RECOVERING) */

/* Client by token, for the tokens the booter gives (component ids,
 * small numbers): one load per call instead of a scan of the client list.
 * NULL: not a client. Filled once in rk_sp_init, before serving. */
#define TOKENS_DIRECT	256
static struct sp_client *client_at[TOKENS_DIRECT];

static __attribute__((noinline)) struct sp_client *client_past(word_t token)
{
	for (word_t i = 0; i < r2c_env->nclients; i++)	/* a token past the table, if ever */
		if (r2c_env->clients[i].token == token)
			return &clients[i];
	return NULL;
}

static inline struct sp_client *client_of(word_t token)
{
	if (__builtin_expect(token < TOKENS_DIRECT, 1))
		return client_at[token];
	return client_past(token);
}

/* Its index, or -1. */
static long client_index(word_t token)
{
	struct sp_client *c = client_of(token);
	return c ? c - clients : -1;
}

/* A key's first slot. (Not the tid's low bits, though the kernel gives
 * tids in sequence: one long-lived entry would push every later thread
 * with the same bits, and those after it, off their first slot.) */
static word_t slot_of(word_t key)
{
	return key * 0x9e3779b97f4a7c15ull >> 56 & (SP_THREADS - 1);
}

/* The entry for key, or NULL. Called with the table locked. */
static struct sp_thread *find(word_t key)
{
	word_t s = slot_of(key);
	for (word_t n = 0; n < SP_THREADS; n++, s = (s + 1) & (SP_THREADS - 1)) {
		struct sp_thread *t = &threads[s];
		word_t w = atomic_load_explicit(&t->word, memory_order_relaxed);
		if (w && ENTRY_KEY(w) == key)
			return t;
		if (!w && !atomic_load_explicit(&t->lwp, memory_order_relaxed))	/* never used: the probe ends */
			return NULL;
	}
	return NULL;
}

/* The calling thread's own entry, taken from idle to in a call, or NULL
 * (none, or not idle: the slow path sorts it out), without the lock (see
 * struct sp_thread for why that is safe). Each probe is the
 * compare-and-swap itself: it changes only a word that is this thread's
 * idle entry, and a failed one reads the word for the probe to go on.
 * The first probe, where a thread's entry almost always is, is inline;
 * the others are enter_probe's. */
static __attribute__((noinline)) struct sp_thread *enter_probe(word_t key, word_t s, word_t w)
{
	for (word_t n = 1;; n++) {
		if (ENTRY_KEY(w) == key)	/* its own, not idle */
			return NULL;
		if (!w && !atomic_load_explicit(&threads[s].lwp, memory_order_relaxed))
			return NULL;
		if (n == SP_THREADS)
			return NULL;
		s = (s + 1) & (SP_THREADS - 1);
		w = ENTRY(key, SP_IDLE);
		if (atomic_compare_exchange_strong_explicit(&threads[s].word, &w, ENTRY(key, SP_IN_CALL),
							    memory_order_acquire, memory_order_acquire))
			return &threads[s];
	}
}

static inline struct sp_thread *enter_own(word_t key)
{
	word_t s = slot_of(key), w = ENTRY(key, SP_IDLE);
	if (__builtin_expect(atomic_compare_exchange_strong_explicit(&threads[s].word, &w, ENTRY(key, SP_IN_CALL),
								     memory_order_acquire, memory_order_acquire), 1))
		return &threads[s];
	return enter_probe(key, s, w);
}

/* Remove an idle entry: its lwp, or NULL if it was not idle (its thread is
 * in a call, or the entry went meanwhile). */
static struct lwp *take_idle(struct sp_thread *t, word_t key)
{
	word_t idle = ENTRY(key, SP_IDLE);
	if (!atomic_compare_exchange_strong(&t->word, &idle, 0))
		return NULL;
	return atomic_load_explicit(&t->lwp, memory_order_relaxed);
}

/* The new process of client ci, its only lwp current, takes the client's
 * credentials from the composition (NetBSD's own calls, integer arguments
 * only): no supplementary groups, its gid, then its uid, after which an
 * unprivileged process cannot change them back. */
static int set_credentials(long ci)
{
	const struct cinfo_client *c = &r2c_env->clients[ci];
	uint64_t groups[2] = { 0, 0 }, gid[1] = { c->gid }, uid[1] = { c->uid };
	long rv[2];
	int err = rumpuser_hyp->hyp_syscall(NB_SYS_setgroups, groups, rv);
	if (!err)
		err = rumpuser_hyp->hyp_syscall(NB_SYS_setgid, gid, rv);
	if (!err)
		err = rumpuser_hyp->hyp_syscall(NB_SYS_setuid, uid, rv);
	return err;
}

/* The client's process, made from pid 1 on its first call, with the
 * client's credentials; p->setup is held. The calling thread has no
 * curlwp: hyp_schedule lends it a temporary lwp of pid 1. */
static int make_proc(long ci)
{
	struct sp_proc *p = &procs[ci];
	int err = 0;
	if (!p->pid) {
		*rk_ctx() = (struct rk_thread_ctx){ 0 };
		rumpuser_hyp->hyp_schedule();
		err = rumpuser_hyp->hyp_lwproc_rfork((void *)r2c_env->clients[ci].token, RK_RFFD_CLEAR,
						     r2c_env->clients[ci].name);
		if (!err && (err = set_credentials(ci))) {
			r2c_printf("rk: client %s: cannot take uid %lu, gid %lu (error %d)\n",
				   r2c_env->clients[ci].name, r2c_env->clients[ci].uid, r2c_env->clients[ci].gid, err);
			rumpuser_hyp->hyp_lwproc_release();	/* never a process with pid 1's root */
		} else if (!err) {
			p->main = rumpuser_hyp->hyp_lwproc_curlwp();
			p->pid = rumpuser_hyp->hyp_getpid();
			rumpuser_hyp->hyp_lwproc_switch(NULL);
		}
		rumpuser_hyp->hyp_unschedule();
		*rk_ctx() = (struct rk_thread_ctx){ 0 };
	}
	return err;
}

/* Give an lwp back to NetBSD (freed when it unschedules). */
static void release_lwp(struct lwp *l)
{
	*rk_ctx() = (struct rk_thread_ctx){ .lwp = l };
	rumpuser_hyp->hyp_schedule();
	rumpuser_hyp->hyp_lwproc_release();
	rumpuser_hyp->hyp_unschedule();
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
}

/* Take back the lwps of client threads that have ended without saying
 * so (of client ci, or of all with -1); returns how many. */
static int reclaim_gone(long only_ci)
{
	static word_t seen[SP_THREADS];	/* under `reclaiming` */
	static struct r2c_mutex reclaiming;
	int n = 0, back = 0;
	r2c_mutex_lock(&reclaiming);
	r2c_mutex_lock(&table);
	for (word_t s = 0; s < SP_THREADS; s++) {
		word_t k = ENTRY_KEY(atomic_load_explicit(&threads[s].word, memory_order_relaxed));
		if (k && (only_ci < 0 || KEY_CLIENT(k) == only_ci))
			seen[n++] = k;
	}
	r2c_mutex_unlock(&table);
	for (int i = 0; i < n; i++) {
		if (r2c_thd_alive(KEY_TID(seen[i])) != 0)
			continue;
		r2c_mutex_lock(&table);
		struct sp_thread *t = find(seen[i]);
		struct lwp *l = t ? take_idle(t, seen[i]) : NULL;
		r2c_mutex_unlock(&table);
		if (l) {
			release_lwp(l);
			back++;
		}
	}
	r2c_mutex_unlock(&reclaiming);
	return back;
}

/* Entries of client ci (-1: of all clients). */
static int held_by(long ci)
{
	int n = 0;
	for (word_t s = 0; s < SP_THREADS; s++) {
		word_t k = ENTRY_KEY(atomic_load_explicit(&threads[s].word, memory_order_relaxed));
		n += k && (ci < 0 || KEY_CLIENT(k) == ci);
	}
	return n;
}

static int new_thread_lwp(long ci, word_t key, struct sp_thread **tp);

/* The calling thread's entry in a call when enter_own found none: its lwp
 * made on its first call (key = KEY(ci, tid)). Out of line, so that the
 * call path stays small. */
static __attribute__((noinline)) int thread_lwp(long ci, word_t key, struct sp_thread **tp)
{
	if (atomic_load_explicit(&fresh[ci], memory_order_acquire) &&
	    KEY_TID(key) != atomic_load_explicit(&restoring[ci], memory_order_relaxed))
		return RK_EREBOOTED;	/* see fresh: no lwp before it recovered, but for the restoring thread */
	r2c_mutex_lock(&table);
	struct sp_thread *t = find(key);
	word_t idle = ENTRY(key, SP_IDLE);
	bool mine = t && atomic_compare_exchange_strong(&t->word, &idle, ENTRY(key, SP_IN_CALL));
	r2c_mutex_unlock(&table);
	if (mine) {
		*tp = t;
		return 0;
	}
	if (t)		/* in a call already: not a thread's own call */
		return EAGAIN;
	return new_thread_lwp(ci, key, tp);
}

/* The calling thread's call is over and its process ended meanwhile
 * (SP_ENDED): the lwp is the thread's to give back. */
static __attribute__((noinline)) void thread_ended(struct sp_thread *t)
{
	r2c_mutex_lock(&table);		/* only this thread changes the entry now */
	struct lwp *l = atomic_load_explicit(&t->lwp, memory_order_relaxed);
	atomic_store_explicit(&t->word, 0, memory_order_relaxed);	/* lwp stays: a tombstone */
	r2c_mutex_unlock(&table);
	release_lwp(l);
}

/* The calling thread's call is over. In a call (SP_IN_CALL) goes to idle
 * by clearing its bit; SP_ENDED, the only other state the entry can be in
 * now, does not have it: one test and clear, no key to compare. */
static inline void thread_idle(struct sp_thread *t)
{
	_Static_assert(ENTRY(0, SP_IN_CALL) == 1ull << 40 && !(ENTRY(0, SP_ENDED) & 1ull << 40), "thread_idle");
	if (__builtin_expect(!(atomic_fetch_and_explicit(&t->word, ~ENTRY(0, SP_IN_CALL), memory_order_release) &
			       ENTRY(0, SP_IN_CALL)), 0))
		thread_ended(t);
}

/* A new lwp of the client's process (made first if need be) for the
 * calling thread, entered in the table in a call. The client's setup lock
 * is held throughout, so its process cannot end in between. */
static int new_thread_lwp(long ci, word_t key, struct sp_thread **tp)
{
	r2c_mutex_lock(&table);
	int mine = held_by(ci);
	r2c_mutex_unlock(&table);
	if (mine >= SP_THREADS_PER_CLIENT && !reclaim_gone(ci))
		return EAGAIN;
	struct sp_proc *p = &procs[ci];
	r2c_mutex_lock(&p->setup);
	int err = make_proc(ci);
	if (err) {
		r2c_mutex_unlock(&p->setup);
		return err;
	}
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	rumpuser_hyp->hyp_schedule();
	err = rumpuser_hyp->hyp_lwproc_newlwp(procs[ci].pid);
	struct lwp *l = err ? NULL : rumpuser_hyp->hyp_lwproc_curlwp();
	if (l)
		rumpuser_hyp->hyp_lwproc_switch(NULL);
	rumpuser_hyp->hyp_unschedule();
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	if (err) {
		r2c_mutex_unlock(&p->setup);
		return err;
	}

	for (int attempt = 0; attempt < 2; attempt++) {
		r2c_mutex_lock(&table);
		word_t s = slot_of(key);
		for (word_t n = 0; n < SP_THREADS; n++, s = (s + 1) & (SP_THREADS - 1)) {
			struct sp_thread *t = &threads[s];
			if (!atomic_load_explicit(&t->word, memory_order_relaxed)) {
				/* lwp first, then the word that makes the entry visible */
				atomic_store_explicit(&t->lwp, l, memory_order_relaxed);
				atomic_store_explicit(&t->word, ENTRY(key, SP_IN_CALL), memory_order_release);
				r2c_mutex_unlock(&table);
				r2c_mutex_unlock(&p->setup);
				*tp = t;
				return 0;
			}
		}
		r2c_mutex_unlock(&table);
		if (!reclaim_gone(-1))	/* full: the lwps of threads that are gone come back */
			break;
	}
	r2c_mutex_unlock(&p->setup);
	release_lwp(l);		/* no room: give it back */
	return EAGAIN;
}

/* End client ci's process, if it has one: from now on its calls make a
 * new one. What NetBSD still runs for it (a call in progress) keeps its
 * lwp, and so the process, until it returns; nothing is freed under it. */
static int end_proc(long ci)
{
	struct sp_proc *p = &procs[ci];
	r2c_mutex_lock(&p->setup);
	struct lwp *main = p->main;
	if (!p->pid) {
		r2c_mutex_unlock(&p->setup);
		return 0;
	}
	p->pid = 0;
	p->main = NULL;
	/* Its threads' lwps leave the table, all of them before any is told to
	 * exit (so no thread of it can start a call in the dying process:
	 * without an entry, its next call waits for this setup lock and makes
	 * a new process): those in a call are marked for their threads to
	 * release, the idle ones are released here, outside the table's lock. */
	struct lwp *idle[SP_THREADS];
	int n = 0;
	r2c_mutex_lock(&table);
	for (word_t s = 0; s < SP_THREADS; s++) {
		struct sp_thread *t = &threads[s];
		word_t w = atomic_load_explicit(&t->word, memory_order_relaxed);
		if (!w || KEY_CLIENT(ENTRY_KEY(w)) != ci || ENTRY_STATE(w) == SP_ENDED)
			continue;
		struct lwp *l = NULL;
		if (ENTRY_STATE(w) == SP_IN_CALL ?
		    !atomic_compare_exchange_strong(&t->word, &w, ENTRY(ENTRY_KEY(w), SP_ENDED)) :
		    !(l = take_idle(t, ENTRY_KEY(w))))
			s--;	/* its thread entered or left a call meanwhile: again */
		else if (l)
			idle[n++] = l;
	}
	r2c_mutex_unlock(&table);
	/* every lwp of the process but the first is told to exit: one asleep
	 * in NetBSD (read on a pipe, poll) wakes with EINTR */
	*rk_ctx() = (struct rk_thread_ctx){ .lwp = main };
	rumpuser_hyp->hyp_schedule();
	rumpuser_hyp->hyp_lwpexit();
	rumpuser_hyp->hyp_unschedule();
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	for (int i = 0; i < n; i++)
		release_lwp(idle[i]);
	release_lwp(main);	/* with the last lwp go the descriptors and the process */
	r2c_mutex_unlock(&p->setup);
	return 0;
}

/* The generic entry: a0 = NetBSD system call number, a1 = the client's
 * pointer to its argument block (8-byte slots), a2 = the block's size in
 * bytes (at most NB_SYSARGS_MAX slots). Answer: r0 = NetBSD errno (0 on
 * success), r1 = retval[0], r2 = retval[1]. */
/* The calls a client may make through this entry: those the client
 * library wraps (lib/rkclient/syscall.h). A client runs with the
 * credentials its composition gives it (unprivileged by default), so
 * NetBSD's own checks refuse it mount, unmount and raw devices. Calls
 * that make no sense for a client component (fork, exec; exit is rk's
 * own, rk_proc_exit), or that act on the whole rump kernel beyond what
 * credentials guard (reboot, modctl, settimeofday, ktrace, sysctl
 * writes, ...), stay out. A number
 * outside the table, negative or past NetBSD's table included, is ENOSYS
 * before it reaches NetBSD, whose own check is signed. */
static bool allowed(word_t num)
{
	switch (num) {
	/* files */
	case NB_SYS_open: case NB_SYS_close: case NB_SYS_read: case NB_SYS_write:
	case NB_SYS_pread: case NB_SYS_pwrite: case NB_SYS_readv: case NB_SYS_writev:
	case NB_SYS_lseek: case NB_SYS_ftruncate: case NB_SYS_truncate: case NB_SYS_fsync:
	case NB_SYS_fdatasync: case NB_SYS_sync: case NB_SYS_stat: case NB_SYS_lstat:
	case NB_SYS_fstat: case NB_SYS_statvfs1: case NB_SYS_fstatvfs1: case NB_SYS_access:
	case NB_SYS_chmod: case NB_SYS_fchmod: case NB_SYS_chown: case NB_SYS_fchown:
	case NB_SYS_utimes: case NB_SYS_futimes: case NB_SYS_umask: case NB_SYS_dup:
	case NB_SYS_dup2: case NB_SYS_fcntl: case NB_SYS_ioctl:
	/* names */
	case NB_SYS_unlink: case NB_SYS_mkdir: case NB_SYS_rmdir: case NB_SYS_rename:
	case NB_SYS_link: case NB_SYS_symlink: case NB_SYS_readlink: case NB_SYS_chdir:
	case NB_SYS_fchdir: case NB_SYS_getcwd: case NB_SYS_getdents: case NB_SYS_mount:
	case NB_SYS_unmount:
	/* waiting */
	case NB_SYS_poll: case NB_SYS_select: case NB_SYS_kqueue: case NB_SYS_kevent:
	case NB_SYS_pipe: case NB_SYS_pipe2:
	/* sockets */
	case NB_SYS_socket: case NB_SYS_socketpair: case NB_SYS_bind: case NB_SYS_listen:
	case NB_SYS_accept: case NB_SYS_connect: case NB_SYS_sendto: case NB_SYS_recvfrom:
	case NB_SYS_sendmsg: case NB_SYS_recvmsg: case NB_SYS_shutdown: case NB_SYS_getsockname:
	case NB_SYS_getpeername: case NB_SYS_getsockopt: case NB_SYS_setsockopt:
	/* process and time */
	case NB_SYS_getpid: case NB_SYS_getuid: case NB_SYS_geteuid: case NB_SYS_getgid:
	case NB_SYS_getegid: case NB_SYS_gettimeofday: case NB_SYS_clock_gettime:
		return true;
	}
	return false;
}

/* What a call of number n takes, made once in rk_sp_init from
 * allowed() (the list to read and change) and the two calls rk adds to:
 * one load per call, and the rare cases off the common way. */
enum { SC_REFUSED, SC_MOUNT, SC_SYNC_AFTER, SC_PLAIN = 0x80 };
_Static_assert(((RK_GATE_BOOTING | RK_GATE_STOPPED | RK_GATE_INJECTING) & SC_PLAIN) == 0,
	       "rk_syscall tests gate | kind == SC_PLAIN");
static uint8_t call_kind[NB_SYS_NSYSENT];

static int call_kind_of(word_t num)
{
	if (!allowed(num))
		return SC_REFUSED;
	if (num == NB_SYS_mount)
		return SC_MOUNT;
	if (num == NB_SYS_fsync || num == NB_SYS_fdatasync || num == NB_SYS_fsync_range)
		return SC_SYNC_AFTER;
	return SC_PLAIN;
}

void rk_inject_syscall(void);

/* A file's fsync puts its data and inode on the disk, but on FFS with
 * WAPBL the inode and its directory entry may stay in the journal's open
 * transaction (ffs_fsync flushes the log only for a vnode with dirty
 * buffers), and on ext2 the bitmaps and group descriptors are written
 * only by sync: a micro-reboot after fsync returned would lose the file
 * or leave ext2 with an inode allocated twice (NetBSD's "dup alloc"
 * panic on the next create). So a client's fsync also syncs every file
 * system (sync(2): the journal flushed, ext2's metadata written), and
 * "fsynced" means on the disk whatever rk does next (docs/reboot.md). */
static int sync_after_fsync(void)
{
	uint64_t none[NB_SYSARGS_MAX] = { 0 };
	long rv[2] = { 0, 0 };
	return rumpuser_hyp->hyp_syscall(NB_SYS_sync, none, rv);
}

/* The calls that are not NetBSD's alone (mount, the fsyncs): out of
 * line, the common way only tests the kind. */
static __attribute__((noinline)) int call_special(int kind, word_t num, uint64_t *args, long *retval)
{
	if (kind == SC_MOUNT)
		return client_mount(args, retval);
	int err = rumpuser_hyp->hyp_syscall((int)num, args, retval);
	return err ? err : sync_after_fsync();
}

/* NetBSD's hypercalls of the call path, copied from rumpuser_hyp in
 * rk_sp_init: one indirect call each instead of a load and one. */
static void (*hyp_schedule)(void), (*hyp_unschedule)(void);
static int (*hyp_syscall)(int, void *, long *);

/* The arguments of a plain call that gives none: NetBSD reads a system
 * call's arguments and never writes them (it takes them const), and a
 * write here would fault, not change them for the next call. */
static const uint64_t no_args[NB_SYSARGS_MAX];

static inline void args_zero(uint64_t *args)
{
	for (int i = 0; i < NB_SYSARGS_MAX; i++)
		args[i] = 0;
}

/* NetBSD writes the call's two results straight into the answer. */
_Static_assert(offsetof(struct r2c_inv, r2) == offsetof(struct r2c_inv, r1) + sizeof(long),
	       "r1, r2: NetBSD's retval[2]");

/* A read or write of RK_LEND_MIN bytes or more borrows the client's
 * buffer for the call (SELF_BORROW, in this stack's window): NetBSD
 * copies file data in and out a page at a time, and through the window
 * each page is a memcpy instead of a kernel copy. A buffer that cannot
 * be borrowed (not mapped, read-only for a read, device memory, longer
 * than SELF_COPY_MAX) is copied as before, with the same errors. */
#define RK_LEND_MIN 8192
_Static_assert(NB_SYS_write == NB_SYS_read + 1 && NB_SYS_pwrite == NB_SYS_pread + 1, "lends()");
_Static_assert(R2C_STACKS_MAX <= COMP_BORROW_SLOTS, "a window per stack");

static inline bool lends(word_t num)
{
	return num - NB_SYS_read < 2 || num - NB_SYS_pread < 2;
}

static __attribute__((noinline)) void lend(struct rk_thread_ctx *ctx, word_t num, const uint64_t *args,
					    word_t token)
{
	word_t buf = args[1], len = args[2];
	if (len > SELF_COPY_MAX)
		return;
	bool into = num == NB_SYS_read || num == NB_SYS_pread;
	long w = r2c_borrow((const void *)buf, len, r2c_stack_index(), into);
	if (w < 0)
		return;
	ctx->lent_writable = into;
	ctx->lent = buf;
	ctx->lent_to = token;	/* the process's priv (hyp_lwproc_rfork) */
	ctx->window = (char *)w;
	ctx->lent_len = len;
}

/* A call, made the same way twice by the compiler: plain, as
 * rk_syscall_plain makes it, for a number rk passes to NetBSD as it is
 * while rk serves with no fault injection (what rk_syscall checked is not
 * tested again), and as rk_syscall_gated makes it, for every other call.
 * The arguments: with nregs (1 to NB_SYSARGS_REGS) the first slots are
 * a1..a3 themselves, so a small call needs no copy; otherwise a1 points
 * to the client's block of a2 bytes. Slots the client did not give are 0,
 * whatever NetBSD then reads. */
static inline __attribute__((always_inline)) word_t call(word_t a0, word_t a1, word_t a2, word_t a3,
							 struct r2c_inv *inv, bool plain)
{
	word_t num = (uint32_t)a0;	/* a negative number (any bits above) is not allowed */
	int kind = SC_PLAIN;
	if (!plain) {
		if (down())
			return not_serving();
		if (num >= NB_SYS_NSYSENT || !(kind = call_kind[num]))
			return ENOSYS;
	}
	struct sp_client *c = client_of(inv->token);
	if (!c)
		return EPERM;
	/* A call that blocks (read on a pipe, poll) keeps one of rk's stacks:
	 * no client may hold more than its share of them. */
	if (atomic_fetch_add(&c->in_flight, 1) >= calls_max) {
		atomic_fetch_sub(&c->in_flight, 1);
		return EAGAIN;
	}
	word_t nregs = a0 >> 32;
	uint64_t args[NB_SYSARGS_MAX];
	const uint64_t *argp = args;
	int err = EINVAL;
	if (nregs) {
		if (nregs > NB_SYSARGS_REGS)
			goto out;
		args_zero(args);
		args[0] = a1;
		args[1] = nregs > 1 ? a2 : 0;
		args[2] = nregs > 2 ? a3 : 0;
	} else if (a2) {
		if (a2 > sizeof(args) || a2 % 8)
			goto out;
		args_zero(args);
		err = EFAULT;
		if (r2c_copyin((const void *)a1, args, a2))
			goto out;
	} else if (plain) {
		argp = no_args;	/* NetBSD only reads them */
	} else {
		args_zero(args);	/* mount's guard writes its copy of them */
	}
	/* A fresh client (after a reboot) has no lwps: its calls are refused
	 * on the way to making one (thread_lwp). The tid is 32 bits (see
	 * KEY); the cast keeps the key's client whatever r9 held. */
	word_t key = c->key | (uint32_t)inv->tid;
	struct sp_thread *t = enter_own(key);
	if (__builtin_expect(!t, 0) && (err = thread_lwp(c - clients, key, &t)))
		goto out;
	struct rk_thread_ctx *ctx = rk_ctx_here();	/* this stack's, for the whole call */
	ctx->lwp = atomic_load_explicit(&t->lwp, memory_order_relaxed);
	ctx->lent_len = 0;	/* whatever a stack given back without the end below left */
	if (__builtin_expect(argp[2] >= RK_LEND_MIN, 0) && lends(num))	/* a length there first: 0 for most calls */
		lend(ctx, num, argp, inv->token);
	hyp_schedule();
	if (!plain && (atomic_load_explicit(&rk_gate, memory_order_relaxed) & RK_GATE_INJECTING))
		rk_inject_syscall();
	long *retval = (long *)&inv->r1;	/* 0 until NetBSD writes it (the entry stub clears it) */
	if (plain || kind == SC_PLAIN)
		err = hyp_syscall((int)num, (void *)argp, retval);
	else
		err = call_special(kind, num, (uint64_t *)argp, retval);
	hyp_unschedule();
	ctx->lwp = NULL;
	ctx->lent_len = 0;	/* the window goes with the invocation */
	thread_idle(t);
	if (__builtin_expect_with_probability(err < 0, 0, 0.001))	/* NetBSD's internal ERESTART (-3), EJUSTRETURN (-2), ...: not for a client */
		err = EINTR;
out:
	atomic_fetch_sub(&c->in_flight, 1);
	return (word_t)err;
}

static __attribute__((noinline)) word_t rk_syscall_gated(word_t a0, word_t a1, word_t a2, word_t a3,
							 struct r2c_inv *inv)
{
	return call(a0, a1, a2, a3, inv, false);
}

static __attribute__((noinline)) word_t rk_syscall_plain(word_t a0, word_t a1, word_t a2, word_t a3,
							 struct r2c_inv *inv)
{
	return call(a0, a1, a2, a3, inv, true);
}

/* Two tests and a jump: the common way's registers are saved in
 * rk_syscall_plain, not for every call. */
static word_t rk_syscall(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	/* inv->r1, r2 start at 0 (the entry stub clears them) */
	word_t num = (uint32_t)a0;
	if (__builtin_expect(num >= NB_SYS_NSYSENT ||
			     (atomic_load_explicit(&rk_gate, memory_order_acquire) | call_kind[num]) != SC_PLAIN, 0))
		return rk_syscall_gated(a0, a1, a2, a3, inv);
	return rk_syscall_plain(a0, a1, a2, a3, inv);
}
R2C_ENTRY(rk_syscall);

/* A client thread says it is going away: its lwp goes back to NetBSD
 * (freed when it unschedules). rk cannot see a thread end by itself. */
static word_t rk_thread_done(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	if (down())
		return EIO;
	long ci = client_index(inv->token);
	if (ci < 0 || inv->tid >> 32)
		return 0;	/* it can have no lwp */
	word_t key = KEY(ci, inv->tid);
	r2c_mutex_lock(&table);
	struct sp_thread *t = find(key);
	struct lwp *l = t ? take_idle(t, key) : NULL;
	r2c_mutex_unlock(&table);
	if (l)
		release_lwp(l);
	return 0;
}
R2C_ENTRY(rk_thread_done);

/* The booter says that client a0 (its token) has exited or faulted: its
 * process goes. No client is granted this entry. */
static word_t client_gone(word_t token, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	if (inv->token != CINFO_BOOTER_TOKEN)
		return (word_t)-EPERM;
	if (down())
		return (word_t)-EIO;
	long ci = client_index(token);
	if (ci < 0)
		return (word_t)-ENOENT;
	return (word_t)-end_proc(ci);
}
R2C_ENTRY(client_gone);

/* The client's exit (NetBSD's exit is not passed to NetBSD): its process
 * goes now, its threads in a call come back (EINTR if they were waiting),
 * and its next call gets a new process, with a new pid and no
 * descriptors. */
static word_t rk_proc_exit(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	if (down())
		return not_serving();
	long ci = client_index(inv->token);
	if (ci < 0)
		return EPERM;
	if (a0 == RK_PROC_RECOVERING) {	/* this thread puts the client back: serve it alone */
		atomic_store(&restoring[ci], (uint32_t)inv->tid);
		return 0;
	}
	if (a0 == RK_PROC_RECOVERED) {	/* the client knows of the reboot: serve it again */
		atomic_store(&fresh[ci], false);
		atomic_store(&restoring[ci], 0);
		return 0;
	}
	return (word_t)end_proc(ci);
}
R2C_ENTRY(rk_proc_exit);

/* RK_COUNT_BOOT: the booter's stamps of the last micro-reboot (in the
 * cinfo page it writes; COMP_UP's comes after rk said it was ready) and
 * rk's own (rk.c). */
extern uint64_t rk_boot_stamps[3];
static word_t boot_stamp(word_t which)
{
	const volatile struct cinfo_reboot *b = &r2c_env->last_reboot;
	switch (which) {
	case RK_BOOT_NUMBER: return r2c_env->reboots;
	case RK_BOOT_FAULT: return b->fault_tsc;
	case RK_BOOT_REBOOT: return b->reboot_tsc;
	case RK_BOOT_RESET: return b->reset_tsc;
	case RK_BOOT_MAIN: case RK_BOOT_RUMP: case RK_BOOT_MOUNTED:
		return rk_boot_stamps[which - RK_BOOT_MAIN];
	case RK_BOOT_UP: return b->up_tsc;
	}
	return (word_t)-EINVAL;
}

/* Figures for tests and diagnostics: a0 = RK_COUNT_*; a1 = a client's
 * component id for the per-client ones. A client reads its own figures
 * and the totals; another client's pid and lwps are for root clients
 * (uid=0) only, as NetBSD would show another user's processes to root. */
static word_t rk_counts(word_t what, word_t id, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	if (!serving())
		return (word_t)-EIO;
	long me = client_index(inv->token);
	bool per_client = what == RK_COUNT_PID || (what == RK_COUNT_LWPS && id != (word_t)-1);
	if (per_client && id != inv->token && (me < 0 || r2c_env->clients[me].uid != 0))
		return (word_t)-EPERM;
	long ci = client_index(id);
	long n = 0;
	switch (what) {
	case RK_COUNT_LWPS:
		r2c_mutex_lock(&table);
		n = id == (word_t)-1 ? held_by(-1) : ci < 0 ? -ENOENT : held_by(ci);
		r2c_mutex_unlock(&table);
		return (word_t)n;
	case RK_COUNT_PID:
		return ci < 0 ? (word_t)-ENOENT : (word_t)procs[ci].pid;
	case RK_COUNT_PROCS:
		return (word_t)rumpns_nprocs;
	case RK_COUNT_HEAP:
		return (word_t)r2c_heap_in_use();
	case RK_COUNT_BOOT:
		return boot_stamp(id);
	}
	return (word_t)-EINVAL;
}
R2C_ENTRY(rk_counts);

void rk_sp_init(void)
{
	for (word_t n = 0; n < NB_SYS_NSYSENT; n++)
		call_kind[n] = (uint8_t)call_kind_of(n);
	hyp_schedule = rumpuser_hyp->hyp_schedule;
	hyp_unschedule = rumpuser_hyp->hyp_unschedule;
	hyp_syscall = rumpuser_hyp->hyp_syscall;
	for (word_t i = 0; i < r2c_env->nclients; i++) {
		clients[i].key = KEY(i, 0);
		if (r2c_env->clients[i].token < TOKENS_DIRECT)
			client_at[r2c_env->clients[i].token] = &clients[i];
	}
	r2c_mutex_init(&table);
	for (word_t i = 0; i < CINFO_CLIENTS; i++)
		r2c_mutex_init(&procs[i].setup);
	int e = rump_init_server("r2c:rk_syscall");
	if (e) {
		r2c_printf("rk: rump_init_server: error %d: no system-call interface\n", e);
		boot_failed = true;
		return;
	}
	/* rk's stacks, less those kept for its own threads and a margin, shared
	 * among its clients */
	word_t nc = r2c_env->nclients ? r2c_env->nclients : 1;
	long share = ((long)r2c_stack_count - 16) / (long)nc;
	calls_max = share < 4 ? 4 : share > SP_CALLS_MAX ? SP_CALLS_MAX : (int)share;
	for (word_t i = 0; i < r2c_env->nclients; i++)
		if (!r2c_env->clients[i].uid)
			r2c_printf("rk: client %s runs as root (uid=0)\n", r2c_env->clients[i].name);
	for (word_t i = 0; i < CINFO_CLIENTS; i++)
		atomic_store(&fresh[i], r2c_env->reboots > 0);
	atomic_fetch_and(&rk_gate, (uint8_t)~RK_GATE_BOOTING);	/* serving */
}
