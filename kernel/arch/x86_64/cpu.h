/* x86-64 specifics the rest of the kernel uses: port and MSR access, the
 * per-CPU block, context switch hooks, the local APIC timer. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "../../include/obj.h"
#include "asm.h"

struct cpu {
	struct cpu *self;
	word_t kstack_top;	/* CPU_KSTACK_TOP */
	word_t frame_top;	/* CPU_FRAME_TOP: end of current->regs */
	word_t scratch;		/* CPU_SCRATCH */
	struct thread *current;	/* last thread run (its FPU state is live) */
	bool idle;		/* waiting in cpu_idle_wait for a wake-up */
	word_t cr3;		/* loaded page table (with PCID bits) */
	word_t fsbase;
	struct thread *idle_wake;	/* first thread woken while idle */
	word_t scratch2, scratch3;	/* CPU_SCRATCH2/3: the invocation fast path's spills */
};
extern struct cpu cpu0;
extern bool cpu_has_pcid;
extern word_t tsc_hz;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void write_cr3(word_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline word_t read_cr2(void) { word_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline void invlpg(word_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

#define MSR_EFER		0xC0000080
#define MSR_STAR		0xC0000081
#define MSR_LSTAR		0xC0000082
#define MSR_FMASK		0xC0000084
#define MSR_FS_BASE		0xC0000100
#define MSR_GS_BASE		0xC0000101
#define MSR_KERNEL_GS_BASE	0xC0000102
#define MSR_APIC_BASE		0x1B

/* FPU/SSE state of the running thread (the kernel itself uses none). */
extern const uint8_t fpu_clean[512];	/* x87 and SSE as after reset, exceptions masked */
static inline void fpu_save_to(uint8_t *img) { __asm__ volatile("fxsave64 (%0)" :: "r"(img) : "memory"); }
static inline void fpu_load_from(const uint8_t *img) { __asm__ volatile("fxrstor64 (%0)" :: "r"(img) : "memory"); }
static inline void fpu_reset(void) { fpu_load_from(fpu_clean); }

/* The running thread's FS base is now v. Written unless it is 0 and was
 * 0: user code may have zeroed the register behind cpu0.fsbase (loading
 * a selector into FS takes the descriptor's base, 0, and on Intel and
 * QEMU so does a null one), so a base other than 0 is always written; a
 * user can never make it anything but 0 or what was written. */
static inline bool fsbase_stale(word_t v) { return v || cpu0.fsbase; }

static inline void fsbase_set(struct thread *t, word_t v)
{
	t->fsbase = v;
	if (fsbase_stale(v)) {
		cpu0.fsbase = v;
		wrmsr(MSR_FS_BASE, v);
	}
}

void cpu_init(void);
void cpu_set_kernel_pml4(paddr_t pml4);
struct regs *cpu_resume(struct thread *next);
_Noreturn void cpu_enter_first(struct thread *t);
void cpu_idle_wait(void);

void serial_init(void);
void serial_putc(char c);

uint64_t rtc_epoch_seconds(void);	/* 0 if there is no usable battery clock */
void lapic_init(void);
void lapic_timer_oneshot(uint64_t tsc_delta);
void lapic_eoi(void);
void lapic_timer_stop(void);
uint32_t lapic_id(void);
void ioapic_init(void);
int ioapic_pci_line(unsigned irq);	/* the line of a PCI interrupt-line register, -1 none */
void ioapic_route(int line, int vector);	/* masked */
void ioapic_mask(int line, bool masked);
uint8_t *cpu_io_bitmap(void);
void kernel_pagetable_init(paddr_t top, void *(*alloc_page)(void), bool (*ram)(paddr_t));
extern word_t tsc_hz;

#endif
