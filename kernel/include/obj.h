/*
 * Kernel objects and the capabilities that name them. Objects live in
 * frames that user level retyped from untyped memory; the frame table
 * (frame.c) keeps each frame's type and reference count.
 */
#ifndef OBJ_H
#define OBJ_H

#include "kernel.h"

/* Saved user registers; layout fixed by entry.S (asm.h offsets). */
struct regs {
	word_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	word_t rax, rcx, rdx, rsi, rdi;
	word_t vec, err;
	word_t rip, cs, rflags, rsp, ss;
};

struct cap {
	uint8_t type;		/* enum cap_type */
	uint8_t rights;
	uint16_t uncached;	/* devmem: map with caching off */
	uint32_t pad1;
	void *obj;		/* comp, thread; NULL for untyped/timer/machine */
	word_t d0, d1;		/* untyped: first pfn, count; sinv: ip, token */
};

struct comp {
	char name[16];
	struct frame *frame;	/* its first frame: the reference count an invocation holds */
	paddr_t pml4;
	uint16_t pcid;
	uint16_t faults_reported;
	uint32_t nslots;
	uint16_t iomap;		/* the TSS's I/O map base while it runs (ioport.c) */
	uint16_t pad1;
	uint32_t faults_quiet;
	uint32_t epoch;		/* micro-reboots so far: frames that return here record it */
	/* The four bytes after epoch: entry.S's fast return compares epoch
	 * and them, as one word, with a frame's epoch and is_fault, so a
	 * return into a component that needs a flush or is retired, or from
	 * a fault handler's frame (is_fault 1 lies over `zero`), is not fast;
	 * the fast call tests them as one 32-bit word. zero and pad2 stay 0. */
	uint8_t zero;
	uint8_t needs_flush;	/* a mapping was removed while not loaded */
	uint8_t retired;	/* COMP_RETIRED: INV_GONE; COMP_DOWN: INV_REBOOTED (reboot.c) */
	uint8_t pad2;
	word_t cr3;		/* pml4 | pcid | bit 63 (keep the TLB) if pcid: what entry.S's
				 * fast path loads (it never runs with needs_flush) and
				 * cpu0.cr3's form, so one compare tells it is loaded */
	struct cap fault;	/* SINV to its fault handler, or empty */
	struct cap slots[];
};
#define COMP_TABLE_BYTES ((COMP_FRAMES - 1) * PAGE_SIZE)	/* struct comp and its slots */
#define COMP_SLOTS ((COMP_TABLE_BYTES - sizeof(struct comp)) / sizeof(struct cap))

struct inv_frame {		/* one invocation, to be undone by return */
	struct comp *comp;	/* component to return to */
	word_t ip, sp, fsbase;
	word_t rbx, rbp, r12, r13, r14, r15;
	uint32_t epoch;		/* comp->epoch at the call: a return needs it unchanged */
	/* The four bytes after epoch lie over the client's zero,
	 * needs_flush, retired and pad2 in entry.S's fast return (struct
	 * comp): a fault handler's frame or one with a borrowed window takes
	 * the general return. A call stores them 0 with epoch. */
	uint8_t is_fault;	/* pushed by the kernel for a fault handler */
	uint8_t zero1, zero2;
	uint8_t borrowed;	/* pages of the invoker mapped at borrow_slot (borrow.c) */
	uint32_t seq;		/* the thread's calls count at this call: a watchdog
				 * tells one long call from many short ones */
	uint32_t borrow_slot;	/* read only when borrowed */
};
#define COMP_RETIRED	1
#define COMP_DOWN	2	/* between COMP_REBOOT and COMP_UP */
/* The component a frame returns into was micro-rebooted since the call. */
static inline bool inv_stale(const struct inv_frame *f) { return f->comp->epoch != f->epoch; }

struct event { uint32_t tid, type; };
#define EV_RING 32

struct thread {
	struct regs regs;	/* first: entry.S saves into it */
	uint8_t fpu[512] __attribute__((aligned(16)));
	word_t fsbase;
	struct comp *comp;	/* component it executes in now */
	struct thread *sched;	/* who schedules it; NULL for the root */
	uint32_t tid;
	uint8_t state;		/* enum thd_state */
	uint8_t in_fault;	/* fault_regs hold a fault being handled */
	uint8_t activated;	/* got an event or send since it last ran */
	uint8_t yielding;	/* waits in SELF_YIELD for its scheduler: dispatch sets rax */
	uint32_t depth;		/* invocation depth (32 bits: entry.S multiplies it in memory) */
	uint32_t pending;	/* sends not yet received */
	uint32_t ev_head, ev_count, ev_lost;
	uint64_t ev_seq;	/* activations so far: the dispatch token */
	struct event ev[EV_RING];
	struct inv_frame inv[INV_DEPTH_MAX];
	struct regs fault_regs;
	uint8_t fault_fpu[512] __attribute__((aligned(16)));	/* with fault_regs */
	uint32_t calls;		/* invocations made so far (inv_frame.seq) */
};

/* The component frame i of t's invocation stack returns from: the one
 * the next frame was called from, or where t runs now. */
static inline struct comp *inv_server(const struct thread *t, uint32_t i)
{
	return i + 1 < t->depth ? t->inv[i + 1].comp : t->comp;
}

/* The invocation SELF_COPY_* and SELF_BORROW reach through: the frame
 * directly below t's current one, whose component invoked it. NULL with
 * *err = -EPERM outside any invocation and in a fault handler (the
 * faulted component invoked nothing), -EFAULT when that invoker was
 * micro-rebooted since (what is at its addresses now is its next
 * life's). */
static inline struct inv_frame *inv_invoker(struct thread *t, long *err)
{
	struct inv_frame *f = t->depth ? &t->inv[t->depth - 1] : NULL;
	*err = !f || f->is_fault ? -EPERM : inv_stale(f) ? -EFAULT : 0;
	return *err ? NULL : f;
}

/* Frame table. */
enum frame_type {		/* the numbers UT_FRAME reports (abi.h) */
	F_RESERVED = FRAME_RESERVED,	/* kernel, boot modules, not RAM */
	F_UNTYPED = FRAME_UNTYPED,	/* free, in some untyped range */
	F_USER = FRAME_USER,		/* user memory; refs = mappings */
	F_PGTBL = FRAME_PGTBL,		/* page-table page; refs = 1 while linked */
	F_COMPONENT = FRAME_COMP,	/* first frame of a component; refs = references (not F_COMP:
				 * asm.h has that name for an offset) */
	F_COMP_TAIL = FRAME_COMP_TAIL,	/* the component's other frames */
	F_THD = FRAME_THD,		/* a thread; refs = references */
	F_BOOT = FRAME_BOOT,		/* given at boot to the root, never returned */
};

struct frame {
	uint8_t type;
	uint8_t orphan;		/* F_USER lent in a window when its owner was micro-rebooted */
	uint16_t lent;		/* windows it is mapped in now (borrow.c), counted in refs too */
	uint32_t refs;
};

extern struct frame *frames;	/* the table, one per frame below nframes: */
extern word_t nframes;		/* read them through frame_of */
void frame_init(paddr_t top, void *(*alloc)(size_t));
/* Inline: every page of every copy and mapping asks. */
static inline struct frame *frame_of(paddr_t pa)
{
	word_t pfn = pa >> PAGE_SHIFT;
	return pfn < nframes ? &frames[pfn] : NULL;
}
/* A user mapping of f went. An orphan is nobody's to map (a server may
 * still write to it through a window): a frame its owner had lent when
 * micro-rebooted (reboot.c), or one that only windows map any more.
 * Once nothing maps it, it is free memory of its range again, zeroed
 * when next used. */
static inline void frame_unmapped(struct frame *f)
{
	if (--f->refs && f->refs == f->lent && f->type == F_USER)
		f->orphan = 1;
	if (f->refs == 0 && f->orphan) {
		f->orphan = 0;
		f->type = F_UNTYPED;
	}
}
struct frame *frame_of_obj(const void *obj);
void frame_set_untyped(paddr_t base, word_t count);
word_t frame_count(void);
void obj_get(const void *obj);
void obj_put(const void *obj);

/* Capability tables. */
struct cap *cap_lookup(struct comp *c, word_t slot, int type, unsigned right, long *err);
struct cap *cap_slot_free(struct comp *c, word_t slot, long *err);
void cap_install(struct cap *dst, const struct cap *src, unsigned rights);
void cap_clear(struct cap *c);

/* Components and their page tables. */
long comp_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
void comp_init(struct comp *c, paddr_t pml4, const char name[16]);
word_t comp_cr3(struct comp *c);
#define KMAP_UNCACHED 0x100	/* pgtbl_map/lookup flag beside MAP_*: caching off */
long pgtbl_map(struct comp *c, word_t va, paddr_t pa, word_t flags);
long pgtbl_add(struct comp *c, word_t va, paddr_t table);
long pgtbl_lookup(struct comp *c, word_t va, paddr_t *pa, word_t *flags);
long pgtbl_unmap(struct comp *c, word_t va);
long pgtbl_borrow_map(struct comp *c, word_t va, const paddr_t *pa, word_t n, bool write);
void pgtbl_borrow_unmap(struct comp *c, word_t va, word_t n);
void *pgtbl_user_ptr(struct comp *c, word_t va, bool write);
bool pgtbl_user_frames(struct comp *c, word_t va, word_t n, bool write, paddr_t *pa);
void pgtbl_destroy(struct comp *c);
void comp_destroy(struct comp *c);

/* Untyped memory. */
long untyped_op(struct thread *t, struct cap *c, word_t op, struct regs *r);

/* Threads, scheduling events, asynchronous end-points. */
void thread_init(struct thread *t, struct comp *c, struct thread *sched, word_t ip, word_t arg);
struct thread *thread_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
struct thread *self_op(struct thread *t, word_t op, struct regs *r);
struct thread *asnd_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
struct thread *asnd_deliver(struct thread *cur, struct thread *rcv, bool direct);
struct thread *thread_stopped(struct thread *t, int ev);
void thread_kill(struct thread *x);

/* Micro-reboot (reboot.c). */
long comp_reboot(struct thread *t, struct comp *c, word_t op, struct regs *r);
long thread_unwind(struct thread *t, struct thread *x, struct regs *r);
void pgtbl_clear_range(struct comp *c, word_t lo, word_t hi);
word_t pgtbl_orphan_lent(struct comp *c, word_t lo, word_t hi);
void thread_destroy(struct thread *t);

/* Invocation and faults. */
struct thread *inv_call(struct thread *t, struct cap *c, struct regs *r);
struct thread *inv_return(struct thread *t, struct regs *r);
struct thread *fault_raise(struct thread *t, struct regs *r, word_t addr);
struct thread *fault_return(struct thread *t, struct regs *r, const struct inv_frame *f);
struct thread *fault_unwind(struct thread *t, struct regs *r);
struct inv_frame *inv_pop(struct thread *t, struct regs *r);
void inv_pop_regs(struct regs *r, const struct inv_frame *f);
struct thread *inv_unwind(struct thread *t, struct regs *r, long status);
struct thread *inv_no_stack(struct thread *t, struct regs *r);
bool thread_in_comp(const struct thread *t, const struct comp *c);
long self_copy(struct thread *t, word_t op, struct regs *r);
long self_borrow(struct thread *t, struct regs *r);
void borrow_end(struct comp *server, struct inv_frame *f);

/* Timer and machine. */
long timer_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
struct thread *timer_fire(struct thread *cur);
bool timer_armed(void);
long machine_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
long devmem_create(struct comp *me, struct regs *r);
long pci_config_read(struct regs *r);
long pci_bar_size(struct regs *r);

/* PCI functions granted to components (pcidev.c), their interrupt lines
 * (irq.c) and I/O ports (arch/x86_64/ioport.c). */
#define PCI_CMD_IO	0x1
#define PCI_CMD_MEMORY	0x2
#define PCI_CMD_MASTER	0x4
#define PCIDEV_MAX	16	/* functions granted at once */
struct bar { paddr_t base; uint64_t bytes; bool prefetchable, io, wide; };
uint32_t pci_in(word_t bdf, word_t reg);
void pci_out(word_t bdf, word_t reg, uint32_t v);
long pci_bar(word_t bdf, word_t bar, struct bar *out);
long pcidev_grant(struct comp *me, struct regs *r);
long pcidev_op(struct thread *t, struct cap *c, word_t op, struct regs *r);
void pcidev_release(struct cap *c);
int irq_line(word_t bdf);			/* the function's interrupt line, -1 none */
long irq_bind(int dev, int line, struct thread *rcv);	/* rcv NULL: unbind */
long irq_ack(int dev);
struct thread *irq_fire(struct thread *cur, int line);
bool irq_armed(void);				/* a line may still interrupt */
long io_open(struct comp *c, uint16_t base, uint16_t len);
void io_close(struct comp *c, uint16_t base, uint16_t len);
bool io_claim(struct comp *c);
int io_fault_port(struct comp *c, const struct regs *r);

#endif
