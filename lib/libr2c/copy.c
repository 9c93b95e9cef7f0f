/* Copies between a server and the component that invoked it, of any
 * length: the kernel's SELF_COPY_* move at most SELF_COPY_MAX bytes per
 * call, so one call never holds the CPU long; these loop. */
#include "r2c.h"

static word_t chunk(size_t left) { return left < SELF_COPY_MAX ? left : SELF_COPY_MAX; }

static __attribute__((noinline)) long copy_loop(word_t op, word_t src, word_t dst, size_t len)
{
	for (size_t off = 0; off < len;) {
		word_t n = chunk(len - off);
		long r = r2c_op(CAP_SELF, op, src + off, dst + off, n, 0, 0, 0);
		if (r < 0)
			return r;
		off += n;
	}
	return 0;
}

/* One call for most copies (the rump kernel copies a page at a time),
 * without the loop's frame. */
static inline long copy(word_t op, word_t src, word_t dst, size_t len)
{
	if (len - 1 >= SELF_COPY_MAX)	/* 0, or more than one call moves */
		return len ? copy_loop(op, src, dst, len) : 0;
	long r = r2c_op(CAP_SELF, op, src, dst, len, 0, 0, 0);
	return r < 0 ? r : 0;
}

long r2c_borrow(const void *invoker_va, size_t len, word_t window, bool write)
{
	word_t at = COMP_BORROW_BASE + window * COMP_BORROW_SPAN;
	for (int tries = 0; tries < 4; tries++) {	/* at most three page-table levels to add */
		long w = r2c_op(CAP_SELF, SELF_BORROW, (word_t)invoker_va, len, window, write, 0, 0);
		if (w != -ENXIO)
			return w;
		long e = r2c_self_pgtbl_add(at);
		if (e && e != -EEXIST)
			return e;
	}
	return -ENXIO;
}

long r2c_copyin(const void *invoker_src, void *dst, size_t len)
{
	return copy(SELF_COPY_IN, (word_t)invoker_src, (word_t)dst, len);
}

long r2c_copyout(const void *src, void *invoker_dst, size_t len)
{
	return copy(SELF_COPY_OUT, (word_t)src, (word_t)invoker_dst, len);
}

static long copystr(word_t op, word_t src, word_t dst, size_t len, size_t *done)
{
	size_t off = 0;
	long r = -ENAMETOOLONG;
	while (off < len) {
		word_t n = chunk(len - off);
		r = r2c_op(CAP_SELF, op, src + off, dst + off, n, 0, 0, 0);
		if (r != -ENAMETOOLONG) {
			if (r > 0)
				off += (size_t)r, r = 0;
			break;
		}
		off += n;
	}
	if (done)
		*done = off;
	return r;
}

long r2c_copyinstr(const void *invoker_src, void *dst, size_t len, size_t *done)
{
	return copystr(SELF_COPY_IN_STR, (word_t)invoker_src, (word_t)dst, len, done);
}

long r2c_copyoutstr(const void *src, void *invoker_dst, size_t len, size_t *done)
{
	return copystr(SELF_COPY_OUT_STR, (word_t)src, (word_t)invoker_dst, len, done);
}
