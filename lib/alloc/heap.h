/*
 * A general-purpose allocator over memory a callback hands out page-wise:
 * the malloc of components (and, later, of the rump kernel's hypercalls).
 * Small sizes come from per-size-class free lists carved out of 64 KiB
 * chunks; larger or more aligned blocks are page runs, coalesced on free.
 * No global state: everything lives in struct heap.
 */
#ifndef HEAP_H
#define HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef void *(*heap_morecore_fn)(void *ctx, size_t bytes);

#define HEAP_CLASSES 14

struct heap_run;
struct heap_block;

struct heap {
	heap_morecore_fn morecore;
	void *ctx;
	struct heap_block *free[HEAP_CLASSES];	/* small free blocks by class */
	char *carve, *carve_end;		/* rest of the current chunk */
	struct heap_run *runs;			/* free page runs, by address */
	size_t in_use, from_core, allocations, bad_frees;
};

void heap_init(struct heap *h, heap_morecore_fn morecore, void *ctx);
/* align 0 means 16; a power of two up to 65536. NULL when out of memory
 * or on a bad alignment; size 0 gives a unique non-NULL pointer. */
void *heap_alloc(struct heap *h, size_t size, size_t align);
/* NULL is ignored; a pointer this heap did not give out is counted in
 * bad_frees and otherwise ignored. */
void heap_free(struct heap *h, void *p);
void *heap_realloc(struct heap *h, void *p, size_t size);	/* NULL on failure, p intact */
size_t heap_usable(struct heap *h, void *p);
/* Whole pages with no header: len a multiple of 4096, align a power of
 * two (0 or up to a page: page-aligned). For callers that know the size
 * again when they free, as the rump kernel does: its page cache costs
 * one page a page. heap_free_pages takes back exactly what was given; a
 * free of pages that are free already is counted in bad_frees and
 * ignored (a wrong length that overlaps nothing free cannot be seen). */
void *heap_alloc_pages(struct heap *h, size_t len, size_t align);
void heap_free_pages(struct heap *h, void *p, size_t len);

struct heap_stats { size_t bytes_in_use, bytes_from_core, allocations, bad_frees; };
void heap_stats(struct heap *h, struct heap_stats *s);
bool heap_check(struct heap *h);	/* false if the free structures are corrupt */

#endif
