/* The kernel console: formatted output on the serial port, panic, halt. */
#include "include/kernel.h"
#include "arch/x86_64/cpu.h"
#include "../lib/fmt/fmt.h"

static void con_out(char c, void *ctx)
{
	(void)ctx;
	serial_putc(c);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vformat(con_out, NULL, fmt, ap);
	va_end(ap);
}

_Noreturn void machine_halt(int status)
{
	/* isa-debug-exit first: QEMU exits (status << 1) | 1 at once. The
	 * ACPI power-off is only a request that QEMU's main loop carries out
	 * later; made first, under -icount it could win and end QEMU with
	 * status 0 before the status was written. */
	outb(0xf4, (uint8_t)status);
	outw(0x604, 0x2000);		/* ACPI off on machines without debug-exit */
	for (;;)
		__asm__ volatile("cli; hlt");
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printk("\nKERNEL PANIC: ");
	fmt_vformat(con_out, NULL, fmt, ap);
	va_end(ap);
	printk("\n");
	machine_halt(STATUS_PANIC);
}
