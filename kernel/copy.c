/*
 * Copy between a server and the component that invoked it (SELF_COPY_*):
 * what lets a server read its client's arguments and write its results
 * through the client's own pointers, with nothing shared beforehand. The
 * authority is the invocation itself: only the frame directly below on
 * the calling thread's invocation stack, only while it lasts. Both ranges
 * are checked page by page against their own page tables and reached
 * through the direct map (SMAP stays on: the kernel never dereferences a
 * user address). Every page is checked before a byte moves, so a refused
 * call wrote nothing; one call moves at most SELF_COPY_MAX bytes, so it
 * never holds the CPU for long (libraries loop). The check keeps each
 * page's address in the direct map and the copy uses it, so every page
 * is walked once (a walk is most of a small copy's cost).
 */
#include "include/obj.h"

/* Pages a range of at most SELF_COPY_MAX bytes can touch. */
#define COPY_PAGES (SELF_COPY_MAX / PAGE_SIZE + 1)

static word_t min3(word_t a, word_t b, word_t c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* Every page of [va, va + len) of c is there (and writable for `write`):
 * page[i] is the kernel's address of the i-th one. */
static bool range_ok(struct comp *c, word_t va, word_t len, bool write, char **page)
{
	if (len == 0)
		return true;
	if (va >= USER_TOP || len > USER_TOP - va)
		return false;
	for (word_t p = va & ~(PAGE_SIZE - 1); p < va + len; p += PAGE_SIZE)
		if (!(*page++ = pgtbl_user_ptr(c, p, write)))
			return false;
	return true;
}

/* Both ranges already checked: their pages from range_ok. */
static void move(char **fp, word_t from, char **tp, word_t to, word_t len)
{
	word_t fo = from & (PAGE_SIZE - 1), too = to & (PAGE_SIZE - 1);	/* offsets in *fp, *tp */
	while (len) {
		word_t n = min3(len, PAGE_SIZE - fo, PAGE_SIZE - too);
		memmove(*tp + too, *fp + fo, n);
		len -= n;
		if ((fo += n) == PAGE_SIZE)
			fp++, fo = 0;
		if ((too += n) == PAGE_SIZE)
			tp++, too = 0;
	}
}

/* Length of the string at va in c with its NUL; bound + 1 if the first
 * `bound` bytes hold none; 0 if a page it reaches is bad. page[] as
 * range_ok leaves it, for the pages it read. */
static word_t str_len(struct comp *c, word_t va, word_t bound, char **page)
{
	word_t n = 0;
	while (n < bound) {
		const char *p = pgtbl_user_ptr(c, va + n, false);
		if (!p)
			return 0;
		*page++ = (char *)p - ((va + n) & (PAGE_SIZE - 1));
		word_t chunk = PAGE_SIZE - ((va + n) & (PAGE_SIZE - 1));
		chunk = chunk < bound - n ? chunk : bound - n;
		for (word_t i = 0; i < chunk; i++)
			if (!p[i])
				return n + i + 1;
		n += chunk;
	}
	return bound + 1;
}

long self_copy(struct thread *t, word_t op, struct regs *r)
{
	word_t src = r->rdi, dst = r->rsi, len = r->rdx;
	long err;
	const struct inv_frame *inv = inv_invoker(t, &err);
	if (!inv)
		return err;
	if (len > SELF_COPY_MAX)
		return -EINVAL;
	bool in = op == SELF_COPY_IN || op == SELF_COPY_IN_STR;
	struct comp *from = in ? inv->comp : t->comp;
	struct comp *to = in ? t->comp : inv->comp;
	bool str = op == SELF_COPY_IN_STR || op == SELF_COPY_OUT_STR;
	if (!str && len && len <= PAGE_SIZE) {
		/* at most a page (argument blocks, structures, and each page the
		 * rump kernel's page cache copies in or out): one or two pages a
		 * side, walked without loops (the first page's walk checks its
		 * address, so the second's cannot wrap) */
		word_t fsplit = PAGE_SIZE - (src & (PAGE_SIZE - 1)), dsplit = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		char *f = pgtbl_user_ptr(from, src, false), *d = pgtbl_user_ptr(to, dst, true);
		if (!f || !d)
			return -EFAULT;
		if (len <= fsplit && len <= dsplit) {
			memmove(d, f, len);
			return 0;
		}
		char *fp[2] = { f - (src & (PAGE_SIZE - 1)), NULL }, *tp[2] = { d - (dst & (PAGE_SIZE - 1)), NULL };
		if ((len > fsplit && !(fp[1] = pgtbl_user_ptr(from, src + fsplit, false))) ||
		    (len > dsplit && !(tp[1] = pgtbl_user_ptr(to, dst + dsplit, true))))
			return -EFAULT;
		move(fp, src, tp, dst, len);
		return 0;
	}
	long ret = 0;
	char *fp[COPY_PAGES], *tp[COPY_PAGES];
	if (str) {
		word_t n = str_len(from, src, len, fp);
		if (n == 0)
			return -EFAULT;
		ret = n > len ? -ENAMETOOLONG : (long)n;
		len = n > len ? len : n;
	} else if (!range_ok(from, src, len, false, fp)) {
		return -EFAULT;
	}
	if (!range_ok(to, dst, len, true, tp))
		return -EFAULT;
	move(fp, src, tp, dst, len);
	return ret;
}
