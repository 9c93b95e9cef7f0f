/*
 * The byte stream the lo0 tests and benchmarks move (components/lotest
 * in the guest, bench/rump_lo0.c in a Linux process): 64-bit word k of the
 * stream holds k * 8, its own offset, so the receiver checks every byte's
 * order however the stack splits the stream. One definition for both
 * sides, guest and host.
 */
#ifndef R2C_WORDSTREAM_H
#define R2C_WORDSTREAM_H

#include <stdint.h>

/* The receiver: a call delivered n bytes at (char *)buf + *got % 8 (the
 * partial word of the last call stays at buf's front). Checks the whole
 * words, records the first wrong one's offset in *bad (left alone while
 * it is ~0 and all are right), keeps the new partial word at the front,
 * and advances *got. */
static inline void wordstream_received(uint64_t *buf, uint64_t *got, uint64_t n, uint64_t *bad)
{
	uint64_t start = *got - *got % 8, end = *got + n;
	for (uint64_t w = start; w + 8 <= end && *bad == ~0ull; w += 8)
		if (buf[(w - start) / 8] != w)
			*bad = w;
	if (end % 8)
		buf[0] = buf[(end - end % 8 - start) / 8];
	*got = end;
}

#endif
