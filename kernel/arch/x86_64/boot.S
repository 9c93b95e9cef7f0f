/*
 * Multiboot entry: QEMU's -kernel starts us in 32-bit protected mode at
 * a physical address. Build a temporary page table (identity for the low
 * 1 GiB, plus the -2 GiB kernel window), enter long mode and jump to the
 * linked virtual address. kmain then builds the real page table.
 */
#define KERNEL_VMA 0xFFFFFFFF80000000
#define PHYS(x) ((x) - KERNEL_VMA)
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003	/* page-aligned modules, memory map, a.out kludge */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long PHYS(mb_header)
	.long PHYS(_kernel_start)
	.long PHYS(_edata)
	.long PHYS(_kernel_end)
	.long PHYS(_start32)

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	mov %eax, %edi			/* multiboot magic */
	mov %ebx, %esi			/* multiboot info (physical) */
	mov $PHYS(boot_stack_top), %esp

	/* pml4[0], [256] and [511] -> PDPTs sharing one PD of 2 MiB pages */
	mov $PHYS(boot_pdpt_lo), %eax
	or $3, %eax
	mov %eax, PHYS(boot_pml4)
	mov %eax, PHYS(boot_pml4) + 256 * 8	/* early direct map of 1 GiB */
	mov $PHYS(boot_pdpt_hi), %eax
	or $3, %eax
	mov %eax, PHYS(boot_pml4) + 511 * 8
	mov $PHYS(boot_pd), %eax
	or $3, %eax
	mov %eax, PHYS(boot_pdpt_lo)
	mov %eax, PHYS(boot_pdpt_hi) + 510 * 8
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax			/* present, writable, 2 MiB */
	mov %eax, PHYS(boot_pd)(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b

	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx		/* EFER: long mode + NX */
	rdmsr
	or $0x900, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax		/* paging, write-protect, protected */
	mov %eax, %cr0
	lgdt PHYS(boot_gdt_ptr)
	ljmp $0x08, $PHYS(start64_low)

	.code64
start64_low:
	movabs $start64, %rax
	jmp *%rax
start64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $boot_stack_top, %rsp
	/* edi = magic, esi = info: already the first two SysV arguments */
	call kmain
2:	hlt
	jmp 2b

	.section .rodata
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF		/* 64-bit code */
	.quad 0x00CF92000000FFFF		/* data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long PHYS(boot_gdt)

	.section .bss
	.align 4096
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4096
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
