/* Basic definitions every kernel file uses: types, the direct map,
 * console output and panic. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include "../../include/r2c/abi.h"
#include "../../include/r2c/errno.h"
#include "../../lib/string/string.h"

typedef uint64_t paddr_t;

#define PAGE_SIZE	4096ull
#define PAGE_SHIFT	12
#define DIRECT_MAP	0xFFFF800000000000ull	/* all RAM, 2 MiB pages */
#define KERNEL_VMA	0xFFFFFFFF80000000ull
#define USER_TOP	0x00007FFFFFFFF000ull	/* first address users never map */

#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((word_t)(a) - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define likely(x)	__builtin_expect(!!(x), 1)

static inline void *pa2va(paddr_t pa) { return (void *)(pa + DIRECT_MAP); }
static inline paddr_t va2pa(const void *va)
{
	word_t v = (word_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}


void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void machine_halt(int status);
bool phys_overlaps_ram(paddr_t start, paddr_t end);	/* [start, end) holds RAM of any kind */
#define STATUS_PANIC		0x7f	/* host sees QEMU exit (status << 1) | 1 */
#define STATUS_SYSCALL_BROKEN	0x7e

#define BUG_ON(c) do { if (unlikely(c)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

#endif
