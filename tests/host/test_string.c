/* lib/string's memcpy, memset and memmove (8-byte string instructions
 * with byte tails, a word loop backwards for overlap) against byte-by-
 * byte references: random sizes, alignments and overlaps, with guard
 * bytes around every destination. The library is compiled in here under
 * other names so the host's libc stays the reference. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define memset r2c_memset
#define memcpy r2c_memcpy
#define memmove r2c_memmove
#define memcmp r2c_memcmp
#define strlen r2c_strlen
#define strcmp r2c_strcmp
#define strncmp r2c_strncmp
#include "string/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

#define AREA (2 * 65536 + 256)	/* room for two 64 KiB blocks side by side */
#define CASES 4000

static unsigned char area[AREA], want[AREA];
static uint64_t seed = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
	return seed;
}

/* Mostly small sizes (every tail and word count), some up to 64 KiB. */
static size_t rnd_size(void)
{
	switch (rnd() % 4) {
	case 0: return rnd() % 16;
	case 1: return rnd() % 300;
	case 2: return rnd() % 4100;
	default: return rnd() % 65537;
	}
}

/* Random bytes in area[0, end) (end: the case's last byte plus a guard
 * of 64) and the same in want; first_diff compares that much. */
static size_t end;

static void fill(size_t last)
{
	end = last + 64 < AREA ? last + 64 : AREA;
	for (size_t i = 0; i < end; i++)
		area[i] = (unsigned char)rnd();
	memcpy(want, area, end);
}

/* First byte where area differs from want, or -1. */
static long first_diff(void)
{
	for (size_t i = 0; i < end; i++)
		if (area[i] != want[i])
			return (long)i;
	return -1;
}

int main(void)
{
	char why[200] = "";
	int bad = 0;
	for (int k = 0; k < CASES && !bad; k++) {	/* memcpy, disjoint */
		size_t n = rnd_size(), s = rnd() % 16, d = s + n + rnd() % 64;
		fill(d + n);
		for (size_t i = 0; i < n; i++)
			want[d + i] = want[s + i];
		void *r = r2c_memcpy(area + d, area + s, n);
		long at = first_diff();
		if (r != area + d || at >= 0)
			bad = 1, snprintf(why, sizeof why, "n=%zu src+%zu dst+%zu: %s at %ld", n, s % 8, d % 8,
					  r != area + d ? "wrong return" : "byte differs", at);
	}
	CHECK("string.memcpy", !bad, "%s", why);

	bad = 0;
	for (int k = 0; k < CASES && !bad; k++) {
		size_t n = rnd_size(), d = rnd() % 16 + rnd() % 64;
		fill(d + n);
		int c = (int)(rnd() % 512) - 128;	/* only the low byte counts */
		for (size_t i = 0; i < n; i++)
			want[d + i] = (unsigned char)c;
		void *r = r2c_memset(area + d, c, n);
		long at = first_diff();
		if (r != area + d || at >= 0)
			bad = 1, snprintf(why, sizeof why, "n=%zu dst+%zu c=%d: %s at %ld", n, d % 8, c,
					  r != area + d ? "wrong return" : "byte differs", at);
	}
	CHECK("string.memset", !bad, "%s", why);

	bad = 0;
	static unsigned char tmp[AREA];
	for (int k = 0; k < CASES && !bad; k++) {	/* memmove, overlapping either way */
		size_t n = rnd_size(), s = 100 + rnd() % 16;
		size_t shift = rnd() % 3 ? rnd() % 24 : rnd() % (n + 1);	/* often less than a word */
		size_t d = rnd() % 2 ? s + shift : (s >= shift ? s - shift : 0);
		fill((d > s ? d : s) + n);
		memcpy(tmp, want + s, n);
		memcpy(want + d, tmp, n);
		void *r = r2c_memmove(area + d, area + s, n);
		long at = first_diff();
		if (r != area + d || at >= 0)
			bad = 1, snprintf(why, sizeof why, "n=%zu src=%zu dst=%zu: %s at %ld", n, s, d,
					  r != area + d ? "wrong return" : "byte differs", at);
	}
	CHECK("string.memmove", !bad, "%s", why);
	return check_failed;
}
