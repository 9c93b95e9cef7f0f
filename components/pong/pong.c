/*
 * pong: a small server used by the kernel tests and benchmarks. Each
 * handler is an entry point (R2C_ENTRY) the loader exports by name.
 */
#include "r2c.h"
#include "pong.h"

/* r0 = sum of the arguments, r1 = 2 * a0, r2 = the invocation token. */
static word_t pong_echo(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	inv->r1 = a0 * 2;
	inv->r2 = inv->token;
	return a0 + a1 + a2 + a3;
}
R2C_ENTRY(pong_echo);

/* Invoke the next component with a0 + 1; its answer plus 1000, or its
 * error minus 1000 (so the caller sees that this component went on). */
static word_t pong_nest(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	long r = r2c_call(PONG_SLOT_NEXT, a0 + 1, 0, 0, 0);
	return r < 0 ? (word_t)(r - 1000) : (word_t)r + 1000;
}
R2C_ENTRY(pong_nest);

/* Invoke myself a0 more times: 0 at the bottom, or the first error. */
static word_t pong_recurse(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return a0 == 0 ? 0 : (word_t)r2c_call(PONG_SLOT_SELF, a0 - 1, 0, 0, 0);
}
R2C_ENTRY(pong_recurse);

/* Read the word at address a0 (which may well not be mapped here). */
static word_t pong_peek(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return *(volatile word_t *)a0;
}
R2C_ENTRY(pong_peek);

/* Write a1 at address a0. */
static word_t pong_poke(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	*(volatile word_t *)a0 = a1;
	return 0;
}
R2C_ENTRY(pong_poke);

/* Divide a0 by a1 (a1 = 0: divide error). */
static word_t pong_div(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	word_t q;
	__asm__ volatile("xor %%edx, %%edx; divq %2" : "=a"(q) : "a"(a0), "r"(a1) : "rdx");
	return q;
}
R2C_ENTRY(pong_div);

/* r2c_set_prio(a0, a1), asked from here (for the priority ceiling test). */
static word_t pong_set_prio(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	return (word_t)r2c_set_prio(a0, (int)a1);
}
R2C_ENTRY(pong_set_prio);

/* Park the calling thread here until pong_wake wakes it (for the
 * scheduler's authority tests): returns 0 once woken. */
static word_t pong_park(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	return (word_t)r2c_block(0);
}
R2C_ENTRY(pong_park);

/* r2c_wakeup(a0), asked from here: allowed only for a thread of mine or
 * one that has entered me. */
static word_t pong_wake(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return (word_t)r2c_wakeup(a0);
}
R2C_ENTRY(pong_wake);

/* A byte in from port a0, or a1 out to it when a2 != 0 (the port may
 * well not be granted here: the kernel tests' I/O port grants). */
static word_t pong_port(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a3, (void)inv;
	uint16_t port = (uint16_t)a0;
	uint8_t v = (uint8_t)a1;
	if (a2)
		__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
	else
		__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return a2 ? 0 : v;
}
R2C_ENTRY(pong_port);

/* Port a0 read by the next component (PONG_SLOT_NEXT: its pong_port),
 * then by me: what I may use must not depend on whom I invoked. */
static word_t pong_port_after(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	long r = r2c_call(PONG_SLOT_NEXT, a0, 0, 0, 0);
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)a0));
	return r < 0 ? (word_t)r : v;
}
R2C_ENTRY(pong_port_after);

static word_t pong_ud(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	__asm__ volatile("ud2");
	return 0;
}
R2C_ENTRY(pong_ud);

/* --- copy to and from the invoker (the kernel tests' SELF_COPY_*) ------ */

#define PONG_COPYBUF (SELF_COPY_MAX + 2 * 4096)
static unsigned char pong_copybuf[PONG_COPYBUF] __attribute__((aligned(4096)));

/* The address of pong_copybuf, first filled with bytes a0 + i (a0 != 0). */
static word_t pong_buf(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	for (word_t i = 0; a0 && i < PONG_COPYBUF; i++)
		pong_copybuf[i] = (unsigned char)(a0 + i);
	return (word_t)pong_copybuf;
}
R2C_ENTRY(pong_buf);

/* FNV-1a of pong_copybuf[a0, a0 + a1). */
static word_t pong_sum(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3, (void)inv;
	word_t h = 14695981039346656037ull;
	for (word_t i = a0; i < a0 + a1 && i < PONG_COPYBUF; i++)
		h = (h ^ pong_copybuf[i]) * 1099511628211ull;
	return h;
}
R2C_ENTRY(pong_sum);

/* The kernel's answer to SELF_COPY_* operation a0 with a1..a3 (source,
 * destination, length), asked from here. */
static word_t pong_copy(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)inv;
	return (word_t)r2c_op(CAP_SELF, a0, a1, a2, a3, 0, 0, 0);
}
R2C_ENTRY(pong_copy);

/* SELF_BORROW of the invoker's [a0, a0 + a1) at window a3, then through
 * the window: a2 = 0 reads it (-> FNV-1a of its bytes); 1 writes bytes
 * 7 + i (-> the window's address); 2 borrows a second time (-> that
 * answer); 3 reads it, then faults; 4 aliases the window's first page
 * elsewhere in me (PONG_SLOT_DEV: a COMP capability to myself) and 5
 * has PONG_SLOT_NEXT (my own pong_borrow) borrow it on into window
 * a3 + 1 (-> those answers); 6 ends the thread in here (SELF_EXIT),
 * 7 spins in here for ever.
 * A refused borrow -> its error. */
static word_t pong_borrow(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)inv;
	long w = r2c_op(CAP_SELF, SELF_BORROW, a0, a1, a3, a2 == 1, 0, 0);
	if (w >= 0 && a2 == 4)
		return (word_t)r2c_op(PONG_SLOT_DEV, COMP_ALIAS, (word_t)w & ~4095ull, PONG_SLOT_DEV, 0x30000000, 0, 0, 0);
	if (w >= 0 && a2 == 5)
		return (word_t)r2c_call(PONG_SLOT_NEXT, (word_t)w, a1, 0, a3 + 1);
	if (w >= 0 && a2 == 6)
		r2c_op(CAP_SELF, SELF_EXIT, 0, 0, 0, 0, 0, 0);
	while (w >= 0 && a2 == 7)
		__asm__ volatile("pause");
	if (w < 0 || a2 == 2)
		return a2 == 2 && w >= 0 ? (word_t)r2c_op(CAP_SELF, SELF_BORROW, a0, a1, a3, 0, 0, 0) : (word_t)w;
	volatile unsigned char *p = (volatile unsigned char *)w;
	if (a2 == 1) {
		for (word_t i = 0; i < a1; i++)
			p[i] = (unsigned char)(7 + i);
		return (word_t)w;
	}
	word_t h = 14695981039346656037ull;
	for (word_t i = 0; i < a1; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	if (a2 == 3)
		*(volatile word_t *)0 = h;
	return h;
}
R2C_ENTRY(pong_borrow);

/* The same asked by the next component (PONG_SLOT_NEXT: its pong_copy),
 * invoked from here: its invoker is me, not my caller. */
static word_t pong_fwd(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)inv;
	return (word_t)r2c_call(PONG_SLOT_NEXT, a0, a1, a2, a3);
}
R2C_ENTRY(pong_fwd);

void r2c_main(word_t arg)
{
	if (r2c_env)		/* started by the booter: nothing to do but serve */
		return;
	r2c_console_slot = PONG_SLOT_CONSOLE;
	if (arg == PONG_ROLE_HELLO)
		r2c_printf("pong: thread %ld started in its own component\n", r2c_tid());
	else if (arg == PONG_ROLE_SPIN)
		for (;;)
			__asm__ volatile("pause");
}

/* --- raw entries for the kernel's invocation-boundary tests --------------
 * These take no stack from the pool (the kernel's rsp = 0) and look at
 * the registers exactly as the kernel hands them over, or leave garbage
 * in all of them on the way back. One caller at a time. */

#define CLIENT_MARK 0xC11E17u	/* top half of every value the test client plants */
word_t pong_seen[16];		/* rax rbx rcx rdx rsi rdi rbp r8..r15, rflags */
uint8_t pong_fx[512] __attribute__((aligned(16)));
word_t pong_out[3];
char pong_raw_stack[4096] __attribute__((aligned(16)));
/* What pong_dirty leaves in x87/SSE: xmm0-15 all 0x5e, MXCSR round
 * toward zero, x87 in single precision. */
const uint8_t pong_dirty_fx[512] __attribute__((aligned(16))) = {
	[0] = 0x7F, [1] = 0x00, [24] = 0x80, [25] = 0x7F, [160 ... 415] = 0x5e,
};
_Static_assert(R2C_SYSCALL(CAP_SELF, SELF_SET_FSBASE) == 0x500000000ull, "pong_dirty");

/* r0 = rflags at entry; r1 = bit i: register i held a client value, bit
 * 16: rcx is not the entry, bit 17: r11 is not clean rflags, bit 18: a
 * register that should start at 0 did not; r2 = bit i: xmm i not zero,
 * bit 16: MXCSR, bit 17: FCW not as after reset. */
void pong_regs_check(void);
void pong_regs_check(void)
{
	extern char r2c_export_pong_regs[];
	word_t leak = 0, x = 0;
	for (int i = 0; i < 15; i++)
		if (pong_seen[i] >> 32 == CLIENT_MARK)
			leak |= 1ul << i;
	if (pong_seen[2] != (word_t)r2c_export_pong_regs)
		leak |= 1ul << 16;
	if (pong_seen[10] != RFLAGS_CLEAN)
		leak |= 1ul << 17;
	if (pong_seen[0] | pong_seen[1] | pong_seen[6] | pong_seen[11] | pong_seen[12] | pong_seen[13] | pong_seen[14])
		leak |= 1ul << 18;
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 16; b++)
			if (pong_fx[160 + 16 * i + b])
				x |= 1ul << i;
	if ((pong_fx[24] | pong_fx[25] << 8) != 0x1F80)
		x |= 1ul << 16;
	if ((pong_fx[0] | pong_fx[1] << 8) != 0x37F)
		x |= 1ul << 17;
	pong_out[0] = pong_seen[15];
	pong_out[1] = leak;
	pong_out[2] = x;
}

__asm__(".text\n"
	".globl r2c_export_pong_regs\n"
	"r2c_export_pong_regs:\n"
	"	mov %rax, pong_seen+0(%rip)\n"
	"	mov %rbx, pong_seen+8(%rip)\n"
	"	mov %rcx, pong_seen+16(%rip)\n"
	"	mov %rdx, pong_seen+24(%rip)\n"
	"	mov %rsi, pong_seen+32(%rip)\n"
	"	mov %rdi, pong_seen+40(%rip)\n"
	"	mov %rbp, pong_seen+48(%rip)\n"
	"	mov %r8, pong_seen+56(%rip)\n"
	"	mov %r9, pong_seen+64(%rip)\n"
	"	mov %r10, pong_seen+72(%rip)\n"
	"	mov %r11, pong_seen+80(%rip)\n"
	"	mov %r12, pong_seen+88(%rip)\n"
	"	mov %r13, pong_seen+96(%rip)\n"
	"	mov %r14, pong_seen+104(%rip)\n"
	"	mov %r15, pong_seen+112(%rip)\n"
	"	lea pong_raw_stack+4096(%rip), %rsp\n"
	"	pushfq\n"
	"	popq pong_seen+120(%rip)\n"
	"	fxsave64 pong_fx(%rip)\n"
	"	cld\n"
	"	call pong_regs_check\n"
	"	mov pong_out(%rip), %rdi\n"
	"	mov pong_out+8(%rip), %rsi\n"
	"	mov pong_out+16(%rip), %rdx\n"
	"	xor %eax, %eax\n"
	"	syscall\n"
	"	ud2\n"
	/* Return r0..r2 = 1, 2, 3 with FS base 8 (in the register 0: a selector), DF and AC set, x87/SSE
	 * as pong_dirty_fx and every other register holding 0x5e7e... */
	".globl r2c_export_pong_dirty\n"
	"r2c_export_pong_dirty:\n"
	"	lea pong_raw_stack+4096(%rip), %rsp\n"
	"	movabs $0x500000000, %rax\n"		/* SELF_SET_FSBASE */
	"	mov $8, %edi\n"
	"	syscall\n"
	"	mov $0x1b, %eax\n"			/* a selector: the register's base is 0 now */
	"	mov %eax, %fs\n"
	"	fxrstor64 pong_dirty_fx(%rip)\n"
	"	pushfq\n"
	"	orq $0x40400, (%rsp)\n"			/* AC, DF */
	"	popfq\n"
	"	movabs $0x5e7e000000000001, %rbx\n"
	"	movabs $0x5e7e000000000002, %rcx\n"
	"	movabs $0x5e7e000000000003, %rbp\n"
	"	movabs $0x5e7e000000000004, %r8\n"
	"	movabs $0x5e7e000000000005, %r9\n"
	"	movabs $0x5e7e000000000006, %r10\n"
	"	movabs $0x5e7e000000000007, %r11\n"
	"	movabs $0x5e7e000000000008, %r12\n"
	"	movabs $0x5e7e000000000009, %r13\n"
	"	movabs $0x5e7e00000000000a, %r14\n"
	"	movabs $0x5e7e00000000000b, %r15\n"
	"	mov $1, %edi\n"
	"	mov $2, %esi\n"
	"	mov $3, %edx\n"
	"	xor %eax, %eax\n"
	"	syscall\n"
	"	ud2\n"
	/* Take every stack of the pool, or give them all back (nothing may
	 * be inside this component then). */
	".globl r2c_export_pong_hog\n"
	"r2c_export_pong_hog:\n"
	"	movq $0, r2c_stack_free(%rip)\n"	/* a bit set: a free stack */
	"	jmp 1f\n"
	".globl r2c_export_pong_unhog\n"
	"r2c_export_pong_unhog:\n"
	"	mov r2c_stack_count(%rip), %rcx\n"	/* one bitmap word: fewer than 64 stacks */
	"	mov $1, %edi\n"
	"	shl %cl, %rdi\n"
	"	dec %rdi\n"
	"	mov %rdi, r2c_stack_free(%rip)\n"
	"1:	xor %edi, %edi\n"
	"	xor %esi, %esi\n"
	"	xor %edx, %edx\n"
	"	xor %eax, %eax\n"
	"	syscall\n"
	"	ud2\n");

/* FS base in the server: 1 if %fs:X reads X (FS base 0). */
static word_t pong_fs(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	word_t via_fs, plain = *(volatile word_t *)0x400000;
	__asm__ volatile("mov %%fs:0x400000, %0" : "=r"(via_fs));
	return via_fs == plain;
}
R2C_ENTRY(pong_fs);

/* Spin inside this component until pong_stop. */
static volatile word_t spin_stop;
static word_t pong_spin(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	while (!spin_stop)
		__asm__ volatile("pause");
	spin_stop = 0;
	return 7;
}
R2C_ENTRY(pong_spin);

static word_t pong_stop(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	spin_stop = 1;
	return 0;
}
R2C_ENTRY(pong_stop);

/* For micro-reboot's tests, an invoker rebooted while its server works
 * for it. pong_lend_word, in the invoker: with a2 = 0 the address of a
 * word of its data (a page a reboot keeps, as it keeps stacks);
 * otherwise it invokes slot a2 (the server's pong_spin_stale) with a0,
 * a1, that address and a3. pong_spin_stale: lends the invoker's
 * [a0, a0 + 8) in window a1 (a0 = 0: nothing), writable but for call
 * a3 = 3, waits for pong_stale_go, writes PONG_STALE_MARK through a
 * writable window, then tries to write it over the invoker's word at a2
 * and to borrow that word in window a1 + 8. pong_stale_results(i) gives
 * what call a3 = i (0 to 3) got: r0 the write, r1 the borrow, r2 the
 * first borrow (1: not yet). */
static struct { word_t word; char rest[4096 - sizeof(word_t)]; } lend_page __attribute__((aligned(4096))) = {
	PONG_WORD_INIT, { 0 }
};	/* a page of its own: a test may take it away */
static word_t pong_lend_word(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)inv;
	return a2 ? (word_t)r2c_call(a2, a0, a1, (word_t)&lend_page.word, a3) : (word_t)&lend_page.word;
}
R2C_ENTRY(pong_lend_word);

static volatile long stale_lent[4] = { 1, 1, 1, 1 }, stale_copy[4], stale_borrow[4];
static volatile word_t stale_go;
static word_t pong_spin_stale(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)inv;
	static const word_t mark = PONG_STALE_MARK;
	word_t i = a3 % 4;
	bool write = i != 3;
	long w = a0 ? r2c_op(CAP_SELF, SELF_BORROW, a0, 8, a1, write, 0, 0) : 0;
	stale_lent[i] = w;
	while (!stale_go)
		__asm__ volatile("pause");
	if (w > 0 && write)
		*(volatile word_t *)w = mark;
	stale_copy[i] = r2c_op(CAP_SELF, SELF_COPY_OUT, (word_t)&mark, a2, sizeof(mark), 0, 0, 0);
	stale_borrow[i] = r2c_op(CAP_SELF, SELF_BORROW, a2, 8, a1 + 8, 0, 0, 0);
	return 0;
}
R2C_ENTRY(pong_spin_stale);

static word_t pong_stale_go(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	stale_go = a0;
	return 0;
}
R2C_ENTRY(pong_stale_go);

static word_t pong_stale_results(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	word_t i = a0 % 4;
	inv->r1 = (word_t)stale_borrow[i];
	inv->r2 = (word_t)stale_lent[i];
	return (word_t)stale_copy[i];
}
R2C_ENTRY(pong_stale_results);
