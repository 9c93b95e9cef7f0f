/* See string.h. memcpy and memset move 8-byte words with x86-64 string
 * instructions (rep movsq / rep stosq) and the last 0-7 bytes with the
 * byte forms: under QEMU's TCG every repetition is one instruction, so
 * words cost an eighth of bytes, and real CPUs do well with either. No
 * SSE is needed (the kernel is built with -mno-sse). Nothing here changes
 * the direction flag: an interrupt taken in the middle must find DF clear
 * for the kernel's own copies. */
#include "string.h"
#include <stdint.h>

void *memset(void *d, int c, size_t n)
{
	void *r = d;
	uint64_t w = (uint64_t)(unsigned char)c * 0x0101010101010101ull;
	size_t words = n >> 3, tail = n & 7;
	__asm__ volatile("rep stosq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(words)
			 : "a"(w), [tail] "r"(tail)
			 : "memory");
	return r;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *r = d;
	size_t words = n >> 3, tail = n & 7;
	__asm__ volatile("rep movsq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(s), "+c"(words)
			 : [tail] "r"(tail)
			 : "memory");
	return r;
}

/* An 8-byte load or store at any alignment, allowed to alias anything. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);	/* forward copy is safe */
	/* The destination overlaps the end of the source: copy from the
	 * top down, words first, then the 0-7 bytes at the bottom. */
	while (n >= 8) {
		n -= 8;
		*(unaligned_word *)(dp + n) = *(const unaligned_word *)(sp + n);
	}
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}
