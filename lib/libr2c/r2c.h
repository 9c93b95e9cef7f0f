/*
 * The user-level runtime of rump2cos components: system-call wrappers,
 * invocation, threads, memory from untyped, console output. Everything a
 * component needs to talk to the kernel goes through here.
 */
#ifndef R2C_H
#define R2C_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "r2c/abi.h"
#include "r2c/errno.h"
#include "r2c/cinfo.h"
#include <stdatomic.h>
#include "string/string.h"
#include "crt.h"
#define R2C_STR(x) #x
#define R2C_XSTR(x) R2C_STR(x)

/* --- system calls ----------------------------------------------------- */

struct r2c_ret { long status; word_t r0, r1, r2; };

/* Any slot may be a SINV, and an invocation resets x87/SSE state: every
 * system call declares xmm0-15 clobbered (SysV has them caller-saved). */
static inline struct r2c_ret r2c_sys(word_t slot, word_t op, word_t a0, word_t a1,
				     word_t a2, word_t a3, word_t a4, word_t a5)
{
	register word_t rax __asm__("rax") = R2C_SYSCALL(slot, op);
	register word_t rdi __asm__("rdi") = a0, rsi __asm__("rsi") = a1, rdx __asm__("rdx") = a2;
	register word_t r10 __asm__("r10") = a3, r8 __asm__("r8") = a4, r9 __asm__("r9") = a5;
	__asm__ volatile("syscall"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 :: "rcx", "r11", "memory",
			    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
			    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	return (struct r2c_ret){ (long)rax, rdi, rsi, rdx };
}

static inline long r2c_op(word_t slot, word_t op, word_t a0, word_t a1, word_t a2,
			  word_t a3, word_t a4, word_t a5)
{
	return r2c_sys(slot, op, a0, a1, a2, a3, a4, a5).status;
}

/* Invoke a SINV capability. The kernel's status (INV_DONE, or INV_* of
 * abi.h: the server faulted, had no stack, is gone; the invocation went
 * too deep) comes back apart from the server's answer r0..r2. x87/SSE
 * state and MXCSR do not survive an invocation (the kernel resets them
 * both ways), so r2c_sys declares xmm0-15 clobbered. */
static inline struct r2c_ret r2c_invoke(word_t slot, word_t a0, word_t a1, word_t a2, word_t a3)
{
	/* r2c_sys without r8, r9: an invocation takes nothing from them (the
	 * kernel gives the server the token and thread id there), and they
	 * come back 0, so they are only outputs here. */
	register word_t rax __asm__("rax") = R2C_SYSCALL(slot, 0);
	register word_t rdi __asm__("rdi") = a0, rsi __asm__("rsi") = a1, rdx __asm__("rdx") = a2;
	register word_t r10 __asm__("r10") = a3, r8 __asm__("r8"), r9 __asm__("r9");
	__asm__ volatile("syscall"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "=r"(r8), "=r"(r9)
			 :: "rcx", "r11", "memory",
			    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
			    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	return (struct r2c_ret){ (long)rax, rdi, rsi, rdx };
}

/* Convenience: the kernel's status if the invocation failed, else the
 * server's r0. A server's r0 could be any number, so a client that must
 * tell the server's answer from a kernel status uses r2c_invoke. */
static inline long r2c_call(word_t slot, word_t a0, word_t a1, word_t a2, word_t a3)
{
	struct r2c_ret r = r2c_invoke(slot, a0, a1, a2, a3);
	return r.status ? r.status : (long)r.r0;
}

/* What a handler learns about its invocation, and its extra results. */
struct r2c_inv {
	word_t token;		/* the SINV's token: who is calling */
	word_t tid;		/* the calling thread */
	word_t r1, r2;		/* results besides the return value */
};
typedef word_t r2c_handler_t(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv);

/* Export `fn` (an r2c_handler_t) as an entry point: the symbol
 * r2c_export_<fn> is what COMP_SINV_CREATE points at, and what loaders
 * look up by name. */
#define R2C_EXPORT_PREFIX "r2c_export_"
/* The stub is crt.S's r2c_inv_dispatch with the handler called directly:
 * when the first 64 stacks are all taken it leaves the claim to
 * r2c_inv_dispatch (handler in rax). See crt.S for the stack's layout
 * (R2C_STACK_INV, struct r2c_inv: crt.h). */
#define R2C_ENTRY(fn)							\
	__asm__(".text\n.globl r2c_export_" #fn "\nr2c_export_" #fn ":\n"	\
		"\tbsf r2c_stack_free(%rip), %rbx\n"				\
		"\tjz 1f\n"							\
		"\tlock btr %rbx, r2c_stack_free(%rip)\n"			\
		"\tjnc 1f\n"							\
		"\tmov %r10, %rcx\n"						\
		"\tmov r2c_stack_top(,%rbx,8), %rsp\n"				\
		"\tmov %r9, r2c_stack_tid(,%rbx,8)\n"				\
		"\tpush %rbx\n"							\
		"\tpushq $" R2C_XSTR(R2C_STACK_INV) "\n"				\
		"\tpushq $0\n\tpushq $0\n\tpush %r9\n\tpush %r8\n"		\
		"\tmov %rsp, %r8\n"						\
		"\tcall " #fn "\n"						\
		"\tmov %rax, %rdi\n"						\
		"\tmov " R2C_XSTR(R2C_INV_R1) "(%rsp), %rsi\n"			\
		"\tmov " R2C_XSTR(R2C_INV_R2) "(%rsp), %rdx\n"			\
		"\tlock bts %rbx, r2c_stack_free(%rip)\n"			\
		"\txor %eax, %eax\n\tsyscall\n\tud2\n"				\
		"1:\tlea " #fn "(%rip), %rax\n\tjmp r2c_inv_dispatch\n");	\
	static r2c_handler_t *const fn##_ref __attribute__((used)) = fn;	\
	extern char r2c_export_##fn[]

static inline long r2c_yield(void) { return r2c_op(CAP_SELF, SELF_YIELD, 0, 0, 0, 0, 0, 0); }
static inline long r2c_rcv(word_t flags) { return r2c_op(CAP_SELF, SELF_RCV, flags, 0, 0, 0, 0, 0); }
static inline long r2c_tid(void) { return r2c_op(CAP_SELF, SELF_TID, 0, 0, 0, 0, 0, 0); }
static inline long r2c_asnd(word_t slot, word_t flags) { return r2c_op(slot, ASND_SEND, flags, 0, 0, 0, 0, 0); }
static inline long r2c_dispatch(word_t thd_slot, word_t token)
{
	return r2c_op(thd_slot, THD_DISPATCH, token, 0, 0, 0, 0, 0);
}
/* Dispatch, and have the thread's SELF_YIELD (if it waits in one) return `answer`. */
static inline long r2c_dispatch_answer(word_t thd_slot, word_t token, word_t answer)
{
	return r2c_op(thd_slot, THD_DISPATCH, token, answer, 0, 0, 0, 0);
}
_Noreturn void r2c_exit(void);

struct r2c_event { long left; word_t tid, type, token; };
static inline struct r2c_event r2c_event(void)
{
	struct r2c_ret r = r2c_sys(CAP_SELF, SELF_EVENT, 0, 0, 0, 0, 0, 0);
	return (struct r2c_event){ r.status, r.r0, r.r1, r.r2 };
}

#define R2C_PAGE_UP(x) (((x) + 4095) & ~(word_t)4095)

static inline uint64_t r2c_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* --- the component's start-up ------------------------------------------ */

/* The pool of stacks crt.S takes from (lib/libr2c/stacks.c has the
 * default; a component needing other sizes says R2C_STACK_POOL itself). */
#define R2C_STACKS_MAX 1024
#define R2C_STACK_POOL(count, size) R2C_STACK_POOL_AT(count, size, 16)
/* A pool aligned to its stack size: the base of the stack a thread runs
 * on is its stack pointer and r2c_stack_mask, in one instruction (lib/rumpuser
 * keeps each thread's context there: curlwp is asked for several times
 * per system call). Only such a pool defines r2c_stack_mask, so code that
 * relies on it does not link with another. */
#define R2C_STACK_POOL_ALIGNED(count, size)					\
	const word_t r2c_stack_mask = ~(word_t)((size) - 1);			\
	R2C_STACK_POOL_AT(count, size, size)
#define R2C_STACK_POOL_AT(count, size, align)					\
	_Static_assert((count) > 0 && (count) <= R2C_STACKS_MAX, "stack pool size");	\
	_Static_assert((size) >= 4096 && ((size) & ((size) - 1)) == 0, "stack size: a power of two"); \
	static char r2c_stacks_[count][size] __attribute__((aligned(align), used));	\
	char *r2c_stack_area = &r2c_stacks_[0][0];				\
	/* r2c_stack_top[i]: the top of stack i, for crt.S's invocation stub */ \
	__asm__(".pushsection .data\n.balign 8\n.globl r2c_stack_top\nr2c_stack_top:\n"	\
		".set r2c_stack_i_, 1\n.rept " #count "\n"				\
		".quad r2c_stacks_ + r2c_stack_i_ * (" #size ")\n"			\
		".set r2c_stack_i_, r2c_stack_i_ + 1\n.endr\n.popsection");		\
	word_t r2c_stack_size = (size);						\
	word_t r2c_stack_shift = __builtin_ctzll(size);				\
	word_t r2c_stack_count = (count);					\
	volatile word_t r2c_stack_free[R2C_STACKS_MAX / 64] = {		\
		R2C_FREE_WORD(count, 0), R2C_FREE_WORD(count, 1), R2C_FREE_WORD(count, 2),	\
		R2C_FREE_WORD(count, 3), R2C_FREE_WORD(count, 4), R2C_FREE_WORD(count, 5),	\
		R2C_FREE_WORD(count, 6), R2C_FREE_WORD(count, 7), R2C_FREE_WORD(count, 8),	\
		R2C_FREE_WORD(count, 9), R2C_FREE_WORD(count, 10), R2C_FREE_WORD(count, 11),	\
		R2C_FREE_WORD(count, 12), R2C_FREE_WORD(count, 13), R2C_FREE_WORD(count, 14),	\
		R2C_FREE_WORD(count, 15) };						\
	_Static_assert(R2C_STACKS_MAX == 16 * 64, "r2c_stack_free's initializer");	\
	word_t r2c_stack_tid[count]
/* Word w of the bitmap of free stacks (crt.S) at the start: a bit set
 * for each stack of the pool, none past its end. */
#define R2C_FREE_WORD(count, w)							\
	((w) < (count) / 64 ? ~0ull : (w) == (count) / 64 ? (1ull << ((count) % 64)) - 1 : 0)

/* Each component defines this; it runs on the first thread. */
void r2c_main(word_t arg);

/* --- console ------------------------------------------------------------ */

extern word_t r2c_console_slot;	/* MACHINE capability used to print */
void r2c_puts(const char *s, size_t n);
int r2c_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int r2c_vprintf(const char *fmt, va_list ap);

/* --- memory: frames of an untyped range, slots of a capability table ---- */

#define R2C_SLOTS_MAX 1024	/* covers every capability table the kernel makes */
struct r2c_slots {		/* a capability table's slots: set bits are in use */
	word_t n, inuse, hint;
	word_t used[R2C_SLOTS_MAX / 64];
};

struct r2c_mem {
	word_t ut_slot;		/* untyped range the frames come from */
	word_t next, count;	/* frames [next, count) never handed out yet */
	word_t self_slot;	/* COMP capability for my own page table */
	struct r2c_slots *slots;	/* the table my capability slots come from */
	word_t *freed;		/* bitmap of frames given back (NULL: no giving back) */
	word_t freed_cap;	/* frames the bitmap covers */
	word_t nfreed;
};

void r2c_slots_init(struct r2c_slots *s, word_t nslots, word_t first_free);
word_t r2c_slot_alloc(struct r2c_mem *m);	/* an empty slot, or 0 when the table is full */
void r2c_slot_free(struct r2c_mem *m, word_t slot);	/* an empty slot becomes free again */
long r2c_slot_delete(struct r2c_mem *m, word_t slot);	/* delete my capability there, free the slot */
word_t r2c_slots_free(const struct r2c_mem *m);
long r2c_frame_alloc(struct r2c_mem *m, word_t n);	/* first frame index, or -ENOMEM */
long r2c_frame_free(struct r2c_mem *m, word_t first, word_t n);	/* unreferenced frames back */
word_t r2c_frames_free(const struct r2c_mem *m);
long r2c_map(struct r2c_mem *m, word_t comp_slot, word_t va, word_t flags);	/* new zeroed page */
/* n new zeroed pages from va on -> how many were mapped (n, or fewer if
 * it failed after some: those stay), or the error if the first failed. */
long r2c_map_pages(struct r2c_mem *m, word_t comp_slot, word_t va, word_t n, word_t flags);
/* The first page-table level missing for va in the component, from my
 * frames: 0, or -EEXIST if none is missing. */
long r2c_pgtbl_add(struct r2c_mem *m, word_t comp_slot, word_t va);
long r2c_map_frame(struct r2c_mem *m, word_t comp_slot, word_t va, word_t frame, word_t flags);

/* A kernel thread object made from my frames: the one way to create one.
 * It starts at ip with arg (rsi = its tid) in comp_slot and is scheduled
 * by the calling thread; r2c_kthread_free gives back slot and frame once
 * it has ended. */
struct r2c_kthread { word_t slot, frame, tid; };
long r2c_kthread_new(struct r2c_mem *m, word_t comp_slot, word_t ip, word_t arg, struct r2c_kthread *out);
long r2c_kthread_free(struct r2c_mem *m, const struct r2c_kthread *t);
/* Where such a thread may start in a component built with libr2c:
 * r2c_thread_entry runs fn(arg) of a struct r2c_thread (freed first when
 * owned) on a stack of the pool; _start runs r2c_component_start. */
struct r2c_thread { void (*fn)(void *); void *arg; bool owned; };
extern char r2c_thread_entry[];

/* --- copy to and from the component that invoked me --------------------
 * (SELF_COPY_* in r2c/abi.h). Any length, in calls of SELF_COPY_MAX
 * bytes: 0 or -errno (-EFAULT: a bad page on either side; -EPERM: not in
 * an invocation, or in a fault handler). After a failure, the calls of
 * SELF_COPY_MAX bytes before the bad one have been copied. */
long r2c_copyin(const void *invoker_src, void *dst, size_t len);
long r2c_copyout(const void *src, void *invoker_dst, size_t len);
/* The invoker's [invoker_va, + len) in my window `window` (SELF_BORROW)
 * until this invocation ends, the page tables it needs added from my
 * budget: its address there, or -errno. */
long r2c_borrow(const void *invoker_va, size_t len, word_t window, bool write);
/* A string of at most len bytes with its NUL: 0 and *done = bytes copied
 * with the NUL; -ENAMETOOLONG if the first len bytes hold no NUL (they
 * have been copied, *done = len); -EFAULT/-EPERM (*done = what was). */
long r2c_copyinstr(const void *invoker_src, void *dst, size_t len, size_t *done);
long r2c_copyoutstr(const void *src, void *invoker_dst, size_t len, size_t *done);

/* --- the component's environment (set up before r2c_main) --------------- */

extern const struct cinfo *r2c_env;	/* NULL unless the booter started us */
extern struct r2c_mem r2c_self_mem;	/* my budget, mapped in my own space */
extern char *r2c_stack_area;		/* the pool (R2C_STACK_POOL) */
extern word_t r2c_stack_shift, r2c_stack_count, r2c_stack_tid[];
extern const word_t r2c_stack_mask;	/* R2C_STACK_POOL_ALIGNED only */
/* Which stack of the pool I run on. Inline: it is on hot paths (the rump
 * kernel's curlwp, every mutex operation through r2c_self). */
static inline word_t r2c_stack_index(void)
{
	word_t sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (sp - (word_t)r2c_stack_area) >> r2c_stack_shift;
}
/* My thread id, also inside invocations (the entry stubs record it). */
static inline word_t r2c_self(void)
{
	return r2c_stack_tid[r2c_stack_index()];
}
word_t r2c_stacks_free(void);		/* how many are free now */
/* The invocation I serve on this stack (its token says who invoked me),
 * or NULL on a thread's own stack. */
const struct r2c_inv *r2c_inv_self(void);
word_t r2c_import(const char *name);	/* SINV slot of an entry point, or 0 */
word_t r2c_import_from(const char *server, const char *name);	/* of that server */
const struct cinfo_shm *r2c_shm(const char *name);
/* Split an arg= of the form A:B:C... (or any string) into up to n fields
 * of R2C_ARG_FIELD bytes (missing ones empty): 0, or -ENAMETOOLONG if a
 * field does not fit, -E2BIG if there are more than n. */
#define R2C_ARG_FIELD 32
int r2c_arg_fields(const char *arg, char (*out)[R2C_ARG_FIELD], int n);
long r2c_server_id(const char *server);	/* id of a component I use, or -ENOENT */
/* Lend `bytes` of my own memory at va (page-aligned pages I have mapped
 * writable, e.g. from r2c_alloc_pages) to a component I use or that uses
 * me: 0 and the peer's address in *peer_vaddr, or -errno (-EPERM not
 * related or not mine to lend, -EINVAL, -ENOSPC). The pages stay mine;
 * r2c_unshare takes them back from the peer (then I may free them). */
long r2c_share(word_t peer_id, void *va, word_t bytes, word_t *peer_vaddr);
long r2c_unshare(word_t peer_id, word_t peer_vaddr);
long r2c_shares(void);		/* run-time shares in place, system-wide (leak checks) */
void r2c_console_init(void);

void *r2c_malloc(size_t n);		/* NULL when the budget is exhausted */
void *r2c_aligned_alloc(size_t align, size_t n);
void *r2c_realloc(void *p, size_t n);
void r2c_free(void *p);
/* Whole pages without a header (len a multiple of 4096, page-aligned or
 * more); freed with the same length. */
void *r2c_alloc_pages(size_t len, size_t align);
void r2c_free_pages(void *p, size_t len);
size_t r2c_heap_in_use(void);		/* bytes of the heap given out now (leak checks) */
/* Frames of my budget for device DMA, under the heap's lock (the heap
 * takes frames and page tables from the same budget): n in a row, not
 * mapped (physically contiguous: a budget is one range) -> the first
 * one's index or -ENOMEM; and frames [first, first + n) mapped writable
 * at va (not zeroed if they were mapped before) -> 0 or -errno. */
long r2c_frames_take(word_t n);
long r2c_frames_map(word_t first, word_t n, word_t va);
/* r2c_pgtbl_add on myself, under the heap's lock (r2c_borrow). */
long r2c_self_pgtbl_add(word_t va);

/* --- threads, through the system scheduler --------------------------------- */

long r2c_thd_create(void (*fn)(void *), void *arg, int prio);	/* tid */
long r2c_thd_join(word_t tid);
long r2c_sched_yield(void);
long r2c_block(uint64_t deadline);	/* 0 woken, -ETIMEDOUT (deadline: TSC, 0 none) */
long r2c_wakeup(word_t tid);
long r2c_yield_to(word_t tid);
long r2c_sleep_until(uint64_t deadline);
long r2c_ready(void);			/* initialised: the booter may go on */
long r2c_set_prio(word_t tid, int prio);
long r2c_sched_capacity(int kind);	/* SCHED_CAP_*: what is left, for leak checks */
long r2c_thd_alive(word_t tid);		/* 1 while the thread lives, 0 once it has ended */
uint64_t r2c_usecs(uint64_t us);	/* in TSC cycles */

/* --- synchronisation (sync.c) ---------------------------------------------- */

struct r2c_waiter;
struct r2c_waitq { struct r2c_waiter *head, *tail; };
struct r2c_mutex { _Atomic word_t owner, guard; struct r2c_waitq waiters; };
struct r2c_cond { _Atomic word_t guard; struct r2c_waitq waiters; };
struct r2c_rwlock {
	_Atomic word_t guard;
	word_t writer, readers, writers_waiting;
	struct r2c_waitq waiters;
};

void r2c_mutex_init(struct r2c_mutex *m);
/* r2c_mutex_lock: -EDEADLK if mine already; r2c_mutex_trylock: 0 or
 * -EBUSY; r2c_mutex_unlock: -EPERM if not mine. */
word_t r2c_mutex_owner(struct r2c_mutex *m);	/* tid or 0 */
/* The uncontended ways, inline (the rump kernel takes and releases
 * hundreds of mutexes in a 64 KiB write): the owner word is the owner's
 * tid, with R2C_MUTEX_QUEUED while a waiter may be queued (sync.c). */
#define R2C_MUTEX_QUEUED (1ull << 63)
long r2c_mutex_lock_slow(struct r2c_mutex *m, word_t me);
long r2c_mutex_unlock_slow(struct r2c_mutex *m, word_t me);
static inline long r2c_mutex_trylock(struct r2c_mutex *m)
{
	word_t free = 0;
	return atomic_compare_exchange_strong(&m->owner, &free, r2c_self()) ? 0 : -EBUSY;
}
static inline long r2c_mutex_lock(struct r2c_mutex *m)
{
	word_t me = r2c_self(), free = 0;
	return atomic_compare_exchange_strong(&m->owner, &free, me) ? 0 : r2c_mutex_lock_slow(m, me);
}
static inline long r2c_mutex_unlock(struct r2c_mutex *m)
{
	word_t me = r2c_self(), o = me;
	return atomic_compare_exchange_strong(&m->owner, &o, 0) ? 0 : r2c_mutex_unlock_slow(m, me);
}
void r2c_cond_init(struct r2c_cond *c);
long r2c_cond_wait(struct r2c_cond *c, struct r2c_mutex *m);
long r2c_cond_timedwait(struct r2c_cond *c, struct r2c_mutex *m, uint64_t deadline);	/* -ETIMEDOUT */
/* The same, but returns with m unlocked (the caller relocks in its own order). */
long r2c_cond_timedwait_unlocked(struct r2c_cond *c, struct r2c_mutex *m, uint64_t deadline);
void r2c_cond_signal(struct r2c_cond *c);
void r2c_cond_broadcast(struct r2c_cond *c);
bool r2c_cond_has_waiters(struct r2c_cond *c);
void r2c_rw_init(struct r2c_rwlock *l);
long r2c_rw_rdlock(struct r2c_rwlock *l);
long r2c_rw_wrlock(struct r2c_rwlock *l);
long r2c_rw_tryrdlock(struct r2c_rwlock *l);
long r2c_rw_trywrlock(struct r2c_rwlock *l);
long r2c_rw_unlock(struct r2c_rwlock *l);
long r2c_rw_tryupgrade(struct r2c_rwlock *l);
void r2c_rw_downgrade(struct r2c_rwlock *l);
bool r2c_rw_held_write(struct r2c_rwlock *l);
bool r2c_rw_held_read(struct r2c_rwlock *l);

/* --- in-guest tests ------------------------------------------------------ */

extern int r2c_passed, r2c_failed;
/* Declare, before the first check, how many this run will make: the
 * runner fails a boot that prints fewer (a test that stopped early or
 * skipped some quietly). Whoever adds a check raises the number. */
void r2c_plan(int checks);
/* What the scheduler and the root have left (leak checks): take one
 * before, then check that everything came back: prefix.records_back,
 * .slots_back, .frames_back. */
struct r2c_capacity { long records, slots, frames; };
struct r2c_capacity r2c_capacity_now(void);
void r2c_check_capacity_back(const char *prefix, const struct r2c_capacity *before);
/* Print "PASS name", or "FAIL name: <fmt...>" when !ok. */
void r2c_check(const char *name, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, named "prefix.what": a component's checks under its name. */
void r2c_check_in(const char *prefix, const char *what, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK_EQ(name, got, want)						\
	do {									\
		long g_ = (long)(got), w_ = (long)(want);			\
		r2c_check(name, g_ == w_, "%s = %ld, expected %ld", #got, g_, w_); \
	} while (0)

/* --- a root image (lib/libr2c/root.c) --------------------------------------- */

/* The root's memory: its first untyped range, its table, frames it can
 * give back. */
void r2c_root_mem_init(struct r2c_mem *m, const struct bootinfo *bi);
const struct boot_module *r2c_boot_module(const struct bootinfo *bi, const char *name);	/* or NULL */

/* --- loading components from ELF images --------------------------------- */

struct r2c_comp {
	word_t slot;		/* my COMP capability to it */
	word_t entry;		/* ELF entry: where its threads start */
	word_t top;		/* first page after its image */
	const void *img;	/* the image it came from (for entry points) */
	size_t size;
};

long r2c_comp_load(struct r2c_mem *m, const char *name, const void *img, size_t size,
		   struct r2c_comp *out, const char **why);
/* SINV capability (new slot of mine) to the handler `fn` (R2C_ENTRY(fn)). */
long r2c_comp_export(struct r2c_mem *m, const struct r2c_comp *c, const char *fn, word_t token, word_t *slot);
long r2c_grant(word_t comp_slot, word_t my_slot, word_t their_slot, word_t rights);

#endif
