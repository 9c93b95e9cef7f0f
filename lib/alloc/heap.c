/* See heap.h. Every block starts with a header that says which kind it
 * is and how big; freed small blocks go back to their class, freed runs
 * are merged with their free neighbours. */
#include "heap.h"
#include "string/string.h"

#define PAGE 4096u
#define CHUNK (64u * 1024u)
#define SMALL_MAX 2048u
#define MAGIC_SMALL 0x5a11b10cu
#define MAGIC_LARGE 0x1a56eb1cu
#define MAGIC_FREE  0xf4eeb10cu

struct heap_block {		/* header of every allocated block: 32 bytes */
	uint32_t magic, cls;
	size_t size;		/* usable bytes */
	char *run;		/* large: the page run holding it */
	size_t run_len;
};
#define HDR sizeof(struct heap_block)

struct heap_run {		/* a free page run, in the run itself */
	size_t len;
	struct heap_run *next;
};

static const uint32_t class_size[HEAP_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048
};

void heap_init(struct heap *h, heap_morecore_fn morecore, void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->morecore = morecore;
	h->ctx = ctx;
}

static int size_class(size_t n)
{
	for (int c = 0; c < HEAP_CLASSES; c++)
		if (n <= class_size[c])
			return c;
	return -1;
}

static void *core(struct heap *h, size_t bytes)
{
	void *p = h->morecore(h->ctx, bytes);
	if (p)
		h->from_core += bytes;
	return p;
}

/* Put a run back on the free list, merging with its neighbours; false
 * (and nothing changed) if it overlaps a run that is free already. */
static bool run_free(struct heap *h, char *p, size_t len)
{
	struct heap_run **pp = &h->runs, *prev = NULL;
	while (*pp && (char *)*pp < p) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if ((prev && (char *)prev + prev->len > p) || (*pp && p + len > (char *)*pp))
		return false;
	struct heap_run *r = (struct heap_run *)p;
	r->len = len;
	r->next = *pp;
	if (r->next && p + len == (char *)r->next) {
		r->len += r->next->len;
		r->next = r->next->next;
	}
	if (prev && (char *)prev + prev->len == p) {
		prev->len += r->len;
		prev->next = r->next;
	} else {
		*pp = r;
	}
	return true;
}

/* A run of at least len bytes (a multiple of PAGE), or NULL. */
static char *run_alloc(struct heap *h, size_t len)
{
	for (struct heap_run **pp = &h->runs; *pp; pp = &(*pp)->next) {
		struct heap_run *r = *pp;
		if (r->len < len)
			continue;
		if (r->len == len) {
			*pp = r->next;
		} else {
			struct heap_run *rest = (struct heap_run *)((char *)r + len);
			rest->len = r->len - len;
			rest->next = r->next;
			*pp = rest;
		}
		return (char *)r;
	}
	size_t grab = len < CHUNK ? CHUNK : len;
	char *p = core(h, grab);
	if (!p)
		return NULL;
	if (grab > len)
		run_free(h, p + len, grab - len);
	return p;
}

static void *alloc_small(struct heap *h, int c)
{
	struct heap_block *b = h->free[c];
	size_t need = HDR + class_size[c];
	if (b) {
		h->free[c] = *(struct heap_block **)(b + 1);
	} else {
		if ((size_t)(h->carve_end - h->carve) < need) {
			if (h->carve_end > h->carve)	/* keep the tail: give it to a smaller class */
				for (int k = c - 1; k >= 0; k--)
					while ((size_t)(h->carve_end - h->carve) >= HDR + class_size[k]) {
						struct heap_block *t = (struct heap_block *)h->carve;
						h->carve += HDR + class_size[k];
						*t = (struct heap_block){ MAGIC_FREE, (uint32_t)k, class_size[k], 0, 0 };
						*(struct heap_block **)(t + 1) = h->free[k];
						h->free[k] = t;
					}
			char *chunk = run_alloc(h, CHUNK);
			if (!chunk)
				return NULL;
			h->carve = chunk;
			h->carve_end = chunk + CHUNK;
		}
		b = (struct heap_block *)h->carve;
		h->carve += need;
	}
	*b = (struct heap_block){ MAGIC_SMALL, (uint32_t)c, class_size[c], 0, 0 };
	return b + 1;
}

static void *alloc_large(struct heap *h, size_t size, size_t align)
{
	if (size > SIZE_MAX - HDR - align - PAGE)
		return NULL;
	size_t len = (HDR + size + (align > 16 ? align : 0) + PAGE - 1) & ~(size_t)(PAGE - 1);
	char *run = run_alloc(h, len);
	if (!run)
		return NULL;
	uintptr_t user = ((uintptr_t)run + HDR + align - 1) & ~(uintptr_t)(align - 1);
	struct heap_block *b = (struct heap_block *)user - 1;
	*b = (struct heap_block){ MAGIC_LARGE, 0, (size_t)(run + len - (char *)user), run, len };
	return (void *)user;
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	if (align == 0)
		align = 16;
	if (align & (align - 1) || align > 65536)
		return NULL;
	if (size == 0)
		size = 1;
	int c = align <= 16 ? size_class(size) : -1;
	void *p = c >= 0 ? alloc_small(h, c) : alloc_large(h, size, align);
	if (p) {
		h->in_use += heap_usable(h, p);
		h->allocations++;
	}
	return p;
}

static struct heap_block *block_of(void *p)
{
	if (!p || (uintptr_t)p % 16)
		return NULL;
	struct heap_block *b = (struct heap_block *)p - 1;
	if (b->magic == MAGIC_SMALL && b->cls < HEAP_CLASSES && b->size == class_size[b->cls])
		return b;
	if (b->magic == MAGIC_LARGE && b->run && (char *)p > b->run && (char *)p < b->run + b->run_len)
		return b;
	return NULL;
}

void heap_free(struct heap *h, void *p)
{
	if (!p)
		return;
	struct heap_block *b = block_of(p);
	if (!b) {
		h->bad_frees++;
		return;
	}
	h->in_use -= b->size;
	h->allocations--;
	if (b->magic == MAGIC_SMALL) {
		b->magic = MAGIC_FREE;
		*(struct heap_block **)(b + 1) = h->free[b->cls];
		h->free[b->cls] = b;
	} else {
		b->magic = MAGIC_FREE;
		run_free(h, b->run, b->run_len);
	}
}

void *heap_alloc_pages(struct heap *h, size_t len, size_t align)
{
	if (len == 0 || len % PAGE || (align & (align - 1)) || len > SIZE_MAX / 2 || align > SIZE_MAX / 4)
		return NULL;
	size_t a = align > PAGE ? align : PAGE, extra = a - PAGE;	/* runs are page-aligned already */
	char *run = run_alloc(h, len + extra);
	if (!run)
		return NULL;
	char *p = (char *)(((uintptr_t)run + a - 1) & ~(uintptr_t)(a - 1));
	if (p > run)				/* give back what aligning skipped */
		run_free(h, run, (size_t)(p - run));
	if (run + len + extra > p + len)
		run_free(h, p + len, (size_t)(run + len + extra - (p + len)));
	h->in_use += len;
	h->allocations++;
	return p;
}

void heap_free_pages(struct heap *h, void *p, size_t len)
{
	if (!p || len == 0 || len % PAGE || (uintptr_t)p % PAGE || !run_free(h, p, len)) {
		h->bad_frees++;		/* a double free is caught here, and not applied */
		return;
	}
	h->in_use -= len;
	h->allocations--;
}

size_t heap_usable(struct heap *h, void *p)
{
	(void)h;
	struct heap_block *b = block_of(p);
	return b ? b->size : 0;
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
	if (!p)
		return heap_alloc(h, size, 0);
	size_t have = heap_usable(h, p);
	if (!have)
		return NULL;
	if (size <= have && size >= have / 4)
		return p;
	void *q = heap_alloc(h, size, 0);
	if (!q)
		return NULL;
	memcpy(q, p, size < have ? size : have);
	heap_free(h, p);
	return q;
}

void heap_stats(struct heap *h, struct heap_stats *s)
{
	*s = (struct heap_stats){ h->in_use, h->from_core, h->allocations, h->bad_frees };
}

bool heap_check(struct heap *h)
{
	for (int c = 0; c < HEAP_CLASSES; c++)
		for (struct heap_block *b = h->free[c]; b; b = *(struct heap_block **)(b + 1))
			if (b->magic != MAGIC_FREE || b->cls != (uint32_t)c)
				return false;
	for (struct heap_run *r = h->runs; r; r = r->next)
		if (r->len % PAGE || (r->next && (char *)r + r->len >= (char *)r->next))
			return false;	/* unsorted, overlapping or unmerged */
	return true;
}
