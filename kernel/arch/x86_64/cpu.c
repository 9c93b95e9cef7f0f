/*
 * Processor set-up (GDT, TSS, IDT, system-call MSRs, protection features)
 * and the one place that changes which thread and address space a CPU
 * runs: cpu_resume.
 */
#include "cpu.h"

struct cpu cpu0;
bool cpu_has_pcid;

struct tss {
	uint32_t rsvd0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3, iomap;
} __attribute__((packed));

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, flags;
	uint16_t off1;
	uint32_t off2, rsvd;
} __attribute__((packed));

/* The TSS with the I/O permission bitmap right after it (ioport.c): a
 * set bit closes a port, and the byte past the map ends it. */
struct {
	struct tss tss;
	uint8_t io[IOMAP_BYTES + 1];
} __attribute__((packed, aligned(16))) cpu_tss;	/* entry.S stores tss.iomap */
static uint64_t gdt[7];
static struct idt_gate idt[NVEC];
static uint8_t kstack[16384] __attribute__((aligned(16)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));	/* IST 1: double fault, NMI, machine check (each fatal) */
extern const word_t isr_table[NVEC];
extern char syscall_entry[];
extern struct regs *resume_user_from(struct regs *);

_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP, "asm.h");
_Static_assert(offsetof(struct cpu, frame_top) == CPU_FRAME_TOP, "asm.h");
_Static_assert(offsetof(struct cpu, scratch) == CPU_SCRATCH, "asm.h");
_Static_assert(offsetof(struct regs, vec) == REGS_VEC, "asm.h");
_Static_assert(offsetof(struct regs, rip) == REGS_RIP, "asm.h");
_Static_assert(offsetof(struct thread, regs) == 0, "regs first");
#define ASM_OFF(type, field, v) _Static_assert(offsetof(struct type, field) == (v), "asm.h: " #type "." #field)
ASM_OFF(cpu, current, CPU_CURRENT);
ASM_OFF(cpu, cr3, CPU_CR3);
ASM_OFF(cpu, fsbase, CPU_FSBASE);
ASM_OFF(cpu, scratch2, CPU_SCRATCH2);
ASM_OFF(cpu, scratch3, CPU_SCRATCH3);
ASM_OFF(thread, fsbase, T_FSBASE);
ASM_OFF(thread, comp, T_COMP);
ASM_OFF(thread, tid, T_TID);
ASM_OFF(thread, depth, T_DEPTH);
ASM_OFF(thread, inv, T_INV);
ASM_OFF(inv_frame, comp, F_COMP);
ASM_OFF(inv_frame, ip, F_IP);
ASM_OFF(inv_frame, sp, F_SP);
ASM_OFF(inv_frame, fsbase, F_FSBASE);
ASM_OFF(inv_frame, rbx, F_RBX);
ASM_OFF(inv_frame, rbp, F_RBP);
ASM_OFF(inv_frame, r12, F_R12);
ASM_OFF(inv_frame, r13, F_R13);
ASM_OFF(inv_frame, r14, F_R14);
ASM_OFF(inv_frame, r15, F_R15);
ASM_OFF(inv_frame, epoch, F_EPOCH);
ASM_OFF(inv_frame, is_fault, F_IS_FAULT);
ASM_OFF(inv_frame, seq, F_SEQ);
ASM_OFF(thread, calls, T_CALLS);
ASM_OFF(comp, epoch, C_EPOCH);
ASM_OFF(comp, frame, C_FRAME);
ASM_OFF(comp, pml4, C_PML4);
ASM_OFF(comp, pcid, C_PCID);
ASM_OFF(comp, cr3, C_CR3);
ASM_OFF(comp, zero, C_ZERO);
ASM_OFF(comp, needs_flush, C_NEEDS_FLUSH);
ASM_OFF(comp, retired, C_RETIRED);
/* entry.S reads epoch and the four bytes after it as one word (a
 * return), and those four bytes as one (a call) */
_Static_assert(sizeof(((struct comp *)0)->needs_flush) == 1 && sizeof(((struct comp *)0)->retired) == 1 &&
	       C_ZERO == C_EPOCH + 4 && offsetof(struct comp, pad2) == C_ZERO + 3 &&
	       offsetof(struct comp, cr3) == C_EPOCH + 8, "epoch, zero, needs_flush, retired, pad2: one word");
ASM_OFF(comp, nslots, C_NSLOTS);
ASM_OFF(comp, iomap, C_IOMAP);
_Static_assert(offsetof(struct tss, iomap) == TSS_IOMAP && sizeof(struct tss) == IOMAP_OPEN &&
	       sizeof(((struct comp *)0)->iomap) == 2, "asm.h: the TSS's I/O map base");
_Static_assert(IOMAP_CLOSED > IOMAP_OPEN + IOMAP_BYTES, "closed: past the TSS's limit");
_Static_assert(VEC_IRQ0 > VEC_TIMER && VEC_IRQ0 + IRQ_LINES <= VEC_SPURIOUS && VEC_SPURIOUS < NVEC, "vectors");
ASM_OFF(comp, slots, C_SLOTS);
ASM_OFF(cap, type, CAP_TYPE);
ASM_OFF(cap, obj, CAP_OBJ);
ASM_OFF(cap, d0, CAP_D0);
ASM_OFF(cap, d1, CAP_D1);
ASM_OFF(frame, refs, FRAME_REFS);
_Static_assert(sizeof(struct inv_frame) == F_SIZE, "asm.h: F_SIZE");
_Static_assert(sizeof(struct cap) == 1 << CAP_SHIFT, "asm.h: CAP_SHIFT");
_Static_assert(CAP_SINV == CAP_SINV_ASM, "asm.h: CAP_SINV_ASM");
_Static_assert(MSR_FS_BASE == MSR_FS_BASE_ASM, "asm.h: MSR_FS_BASE_ASM");
_Static_assert(RFLAGS_CLEAN == RFLAGS_CLEAN_ASM, "asm.h: RFLAGS_CLEAN_ASM");
_Static_assert(sizeof(((struct thread *)0)->depth) == 4 && sizeof(((struct thread *)0)->tid) == 4 &&
	       sizeof(((struct comp *)0)->pcid) == 2 && sizeof(((struct comp *)0)->nslots) == 4 &&
	       sizeof(((struct frame *)0)->refs) == 4 && sizeof(((struct inv_frame *)0)->is_fault) == 1 &&
	       offsetof(struct inv_frame, borrowed) == F_IS_FAULT + 3 &&
	       sizeof(((struct inv_frame *)0)->epoch) == 4 && sizeof(((struct comp *)0)->epoch) == 4 &&
	       F_IS_FAULT == F_EPOCH + 4,
	       "field widths entry.S assumes");
_Static_assert(SELF_RETURN == 0 && CAP_SELF == 0, "entry.S: rax == 0 is SELF_RETURN");
_Static_assert(sizeof(struct regs) % 16 == 0, "frame top aligned");
/* The switch fast path (entry.S). */
ASM_OFF(regs, rax, REGS_RAX);
_Static_assert(sizeof(struct regs) == REGS_SIZE, "asm.h: REGS_SIZE");
ASM_OFF(thread, fpu, T_FPU);
ASM_OFF(thread, sched, T_SCHED);
ASM_OFF(thread, state, T_STATE);
ASM_OFF(thread, activated, T_ACTIVATED);
ASM_OFF(thread, yielding, T_YIELDING);
ASM_OFF(thread, pending, T_PENDING);
ASM_OFF(thread, ev_head, T_EV_HEAD);
ASM_OFF(thread, ev_count, T_EV_COUNT);
ASM_OFF(thread, ev_seq, T_EV_SEQ);
ASM_OFF(thread, ev, T_EV);
ASM_OFF(cap, rights, CAP_RIGHTS);
ASM_OFF(tss, rsp0, TSS_RSP0);
_Static_assert(CAP_THD == CAP_THD_ASM && CAP_ASND == CAP_ASND_ASM && RIGHT_ADMIN == RIGHT_ADMIN_ASM &&
	       THD_DISPATCH == THD_DISPATCH_ASM && SELF_YIELD == SELF_YIELD_ASM && ASND_SEND == ASND_SEND_ASM &&
	       ASND_SWITCH == ASND_SWITCH_ASM && THD_READY == THD_READY_ASM && THD_BLOCKED == THD_BLOCKED_ASM &&
	       EV_WOKEN == EV_WOKEN_ASM && EV_YIELDED == EV_YIELDED_ASM && EV_RING == EV_RING_ASM &&
	       (EV_RING & (EV_RING - 1)) == 0, "asm.h: the switch fast path's constants");
_Static_assert(sizeof(((struct thread *)0)->state) == 1 && sizeof(((struct thread *)0)->pending) == 4 &&
	       sizeof(((struct thread *)0)->ev_head) == 4 && sizeof(((struct thread *)0)->ev_count) == 4 &&
	       sizeof(((struct thread *)0)->ev_seq) == 8 && sizeof(struct event) == 8 &&
	       sizeof(((struct thread *)0)->sched) == 8 && T_YIELDING == T_ACTIVATED + 1 &&
	       sizeof(((struct thread *)0)->activated) == 1 && sizeof(((struct thread *)0)->yielding) == 1 &&
	       sizeof(((struct cap *)0)->rights) == 1, "field widths the switch fast path assumes");
_Static_assert(sizeof(struct thread) <= PAGE_SIZE, "thread fits a frame");

static struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr, idtr;

static void load_tables(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00AF9A000000FFFFull;	/* kernel code */
	gdt[2] = 0x00CF92000000FFFFull;	/* kernel data */
	gdt[3] = 0x00CFF2000000FFFFull;	/* user data */
	gdt[4] = 0x00AFFA000000FFFFull;	/* user code */
	word_t b = (word_t)&cpu_tss, l = sizeof(cpu_tss) - 1;
	gdt[5] = (l & 0xFFFF) | ((b & 0xFFFFFF) << 16) | (0x89ull << 40) | (((b >> 24) & 0xFF) << 56);
	gdt[6] = b >> 32;
	memset(cpu_tss.io, 0xFF, sizeof(cpu_tss.io));
	cpu_tss.tss.iomap = IOMAP_CLOSED;
	cpu_tss.tss.ist[0] = (word_t)df_stack + sizeof(df_stack);
	gdtr.limit = sizeof(gdt) - 1;
	gdtr.base = (word_t)gdt;
	__asm__ volatile("lgdt %0" :: "m"(gdtr));
	__asm__ volatile("ltr %w0" :: "r"(TSS_SEL));
	__asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:\n"
			 "movw %w1, %%ss; movw %w1, %%ds; movw %w1, %%es"
			 :: "i"(KERNEL_CS), "r"(KERNEL_DS) : "rax", "memory");

	for (int v = 0; v < NVEC; v++) {
		word_t h = isr_table[v];
		idt[v] = (struct idt_gate){ .off0 = h & 0xFFFF, .sel = KERNEL_CS,
			/* a double fault, NMI or machine check may come while rsp is
			 * on a thread object (entry.S's fast paths): a stack of its own */
			.ist = v == 8 || v == 2 || v == 18 ? 1 : 0, .flags = 0x8E,
			.off1 = (h >> 16) & 0xFFFF, .off2 = h >> 32 };
	}
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (word_t)idt;
	__asm__ volatile("lidt %0" :: "m"(idtr));
}

static void enable_features(void)
{
	uint32_t r[4], r7[4];
	cpuid(1, 0, r);
	cpuid(7, 0, r7);
	word_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1ull << 2 | 1ull << 3)) | 1ull << 1 | 1ull << 5;	/* FPU: !EM !TS, MP, NE */
	__asm__ volatile("mov %0, %%cr0" :: "r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 1ull << 7 | 1ull << 9 | 1ull << 10;	/* PGE, OSFXSR, OSXMMEXCPT */
	if (r7[1] & (1u << 7))
		cr4 |= 1ull << 20;			/* SMEP */
	if (r7[1] & (1u << 20))
		cr4 |= 1ull << 21;			/* SMAP: the kernel never touches user memory */
	cpu_has_pcid = r[2] & (1u << 17);
	if (cpu_has_pcid)
		cr4 |= 1ull << 17;
	__asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
	__asm__ volatile("fninit");
}

void cpu_init(void)
{
	load_tables();
	enable_features();
	cpu0.self = &cpu0;
	cpu0.kstack_top = (word_t)kstack + sizeof(kstack);
	wrmsr(MSR_GS_BASE, (word_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);		/* SCE */
	wrmsr(MSR_STAR, ((word_t)(USER_DS - 8) << 48) | ((word_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (word_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700);	/* clear TF, IF, DF, IOPL, NT, AC */
}

void cpu_set_kernel_pml4(paddr_t pml4)
{
	cpu0.cr3 = pml4;
	write_cr3(pml4);
}

const uint8_t fpu_clean[512] __attribute__((aligned(16))) = {
	[0] = 0x7F, [1] = 0x03,		/* FCW 0x37F: all x87 exceptions masked */
	[24] = 0x80, [25] = 0x1F,	/* MXCSR 0x1F80: all SSE exceptions masked */
};

static inline void fpu_save(struct thread *t) { __asm__ volatile("fxsave64 %0" : "=m"(t->fpu)); }
static inline void fpu_load(struct thread *t) { __asm__ volatile("fxrstor64 %0" :: "m"(t->fpu)); }

/* Make `next` the running thread in its current component; returns the
 * frame entry.S restores. */
struct regs *cpu_resume(struct thread *next)
{
	struct thread *prev = cpu0.current;
	if (next != prev) {
		if (prev)
			fpu_save(prev);
		fpu_load(next);
		if (fsbase_stale(next->fsbase)) {
			wrmsr(MSR_FS_BASE, next->fsbase);
			cpu0.fsbase = next->fsbase;
		}
		next->activated = 0;
		next->yielding = 0;	/* a dispatch answered it already, or it runs on another way */
		cpu0.current = next;
		cpu0.frame_top = (word_t)(&next->regs + 1);
		cpu_tss.tss.rsp0 = cpu0.frame_top;
	}
	struct comp *c = next->comp;
	cpu_tss.tss.iomap = c->iomap;	/* its I/O ports, if the bitmap is its (ioport.c) */
	if (unlikely(c->needs_flush) || c->cr3 != cpu0.cr3) {	/* loaded already: nothing to do */
		write_cr3(comp_cr3(c));
		cpu0.cr3 = c->cr3;	/* the form entry.S compares */
	}
	return &next->regs;
}

_Noreturn void cpu_enter_first(struct thread *t)
{
	struct regs *r = cpu_resume(t);
	__asm__ volatile("mov %0, %%rax; jmp resume_user" :: "r"(r) : "rax");
	__builtin_unreachable();
}

uint8_t *cpu_io_bitmap(void)
{
	return cpu_tss.io;
}

/* Sleep until an interrupt; the interrupt handler runs on this stack. */
void cpu_idle_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
