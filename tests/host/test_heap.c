/* Host tests of the heap (lib/alloc): random alloc/free/realloc and bare
 * page runs against a model of the live blocks, alignment, exhaustion,
 * reuse, and what a page run costs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "alloc/heap.h"

#define ARENA (64u << 20)
static _Alignas(4096) unsigned char arena[ARENA];
static size_t used, budget = ARENA;

static void *morecore(void *ctx, size_t bytes)
{
	(void)ctx;
	if (bytes % 4096 || bytes > budget - used)
		return NULL;
	void *p = arena + used;
	used += bytes;
	return p;
}

struct live { unsigned char *p; size_t n; unsigned char fill; int pages; };
static struct live live[4096];

static int intact(struct live *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] != l->fill)
			return 0;
	return 1;
}

int main(void)
{
	struct heap h;
	heap_init(&h, morecore, NULL);
	void *z = heap_alloc(&h, 0, 0), *z2 = heap_alloc(&h, 0, 0);
	CHECK("heap.zero_size", z && z2 && z != z2, "%p %p", z, z2);
	CHECK("heap.huge", !heap_alloc(&h, SIZE_MAX, 0) && !heap_alloc(&h, SIZE_MAX - 10, 0), "huge sizes allocated");
	CHECK("heap.bad_align", !heap_alloc(&h, 10, 24) && !heap_alloc(&h, 10, 1u << 20), "bad alignment accepted");
	heap_free(&h, (char *)z + 16);
	heap_free(&h, arena + 12345);
	struct heap_stats st;
	heap_stats(&h, &st);
	CHECK("heap.bad_free_counted", st.bad_frees == 2, "%zu bad frees", st.bad_frees);

	srand(7);
	int ok = 1, aligned = 1, nlive = 0;
	for (int op = 0; op < 200000 && ok; op++) {
		int r = rand() % 100;
		if (r < 45 && nlive < 4096) {
			int pages = rand() % 4 == 0;
			size_t n = pages ? (size_t)(1 + rand() % 8) * 4096
				   : rand() % 4 ? (size_t)(rand() % 3000) : (size_t)(rand() % 300000);
			size_t al = rand() % 8 ? 0 : (size_t)16 << (rand() % 13);
			unsigned char *p = pages ? heap_alloc_pages(&h, n, al) : heap_alloc(&h, n, al);
			if (!p)
				continue;
			if ((al && (uintptr_t)p % al) || (pages && (uintptr_t)p % 4096))
				aligned = 0;
			live[nlive] = (struct live){ p, n, (unsigned char)rand(), pages };
			memset(p, live[nlive].fill, n);
			nlive++;
		} else if (r < 85 && nlive) {
			int k = rand() % nlive;
			ok = intact(&live[k]);
			if (live[k].pages)
				heap_free_pages(&h, live[k].p, live[k].n);
			else
				heap_free(&h, live[k].p);
			live[k] = live[--nlive];
		} else if (nlive && !live[nlive - 1].pages) {
			int k = nlive - 1;
			ok = intact(&live[k]);
			size_t n = (size_t)(rand() % 20000);
			unsigned char *p = heap_realloc(&h, live[k].p, n);
			if (!p)
				continue;
			size_t keep = n < live[k].n ? n : live[k].n;
			for (size_t i = 0; i < keep && ok; i++)
				ok = p[i] == live[k].fill;
			memset(p, live[k].fill, n);
			live[k].p = p;
			live[k].n = n;
		}
		if (op % 1000 == 0 && !heap_check(&h))
			ok = 0;
	}
	for (int k = 0; k < nlive && ok; k++)
		ok = intact(&live[k]);
	CHECK("heap.random_ops_keep_data", ok, "a live block was corrupted or the heap is inconsistent");
	CHECK("heap.alignment", aligned, "an aligned allocation was not aligned");
	/* No overlap between live blocks. */
	int overlap = 0;
	for (int a = 0; a < nlive; a++)
		for (int b = a + 1; b < nlive; b++)
			if (live[a].p < live[b].p + live[b].n && live[b].p < live[a].p + live[a].n && live[a].n && live[b].n)
				overlap = 1;
	CHECK("heap.no_overlap", !overlap, "live blocks overlap");
	while (nlive) {
		nlive--;
		if (live[nlive].pages)
			heap_free_pages(&h, live[nlive].p, live[nlive].n);
		else
			heap_free(&h, live[nlive].p);
	}
	CHECK("heap.check_after_free", heap_check(&h), "inconsistent");

	/* Steady state: memory is reused, the core stops growing. */
	heap_stats(&h, &st);
	size_t core = st.bytes_from_core;
	for (int i = 0; i < 10000; i++) {
		void *a = heap_alloc(&h, 100 + i % 5000, 0), *b = heap_alloc(&h, 70000, 4096);
		heap_free(&h, a);
		heap_free(&h, b);
	}
	heap_stats(&h, &st);
	CHECK("heap.reuse", st.bytes_from_core == core && st.bytes_in_use == 32, "core grew %zu -> %zu, in use %zu",
	      core, st.bytes_from_core, st.bytes_in_use);

	/* A page run costs a page a page, however it is aligned. */
	struct heap hp;
	used = 0;
	budget = ARENA;
	heap_init(&hp, morecore, NULL);
	static void *pg[2000];
	for (int i = 0; i < 2000; i++)
		pg[i] = heap_alloc_pages(&hp, 4096, 4096);
	heap_stats(&hp, &st);
	CHECK("heap.pages_one_page_each", st.bytes_from_core <= 2000 * 4096 + (64u << 10), "%zu bytes of core for 2000 pages",
	      st.bytes_from_core);
	for (int i = 0; i < 2000; i += 2)
		heap_free_pages(&hp, pg[i], 4096);
	void *big = heap_alloc_pages(&hp, 8 * 4096, 65536);
	CHECK("heap.pages_aligned_run", big && (uintptr_t)big % 65536 == 0 && heap_check(&hp), "%p", big);
	heap_free_pages(&hp, big, 8 * 4096);
	for (int i = 1; i < 2000; i += 2)
		heap_free_pages(&hp, pg[i], 4096);
	heap_stats(&hp, &st);
	CHECK("heap.pages_all_back", st.bytes_in_use == 0 && st.allocations == 0 && heap_check(&hp),
	      "in use %zu, %zu allocations", st.bytes_in_use, st.allocations);
	size_t core_before = st.bytes_from_core;	/* all of it merged again: one run */
	void *whole = heap_alloc_pages(&hp, core_before, 0);
	heap_stats(&hp, &st);
	CHECK("heap.pages_merge", whole && st.bytes_from_core == core_before, "core %zu -> %zu", core_before,
	      st.bytes_from_core);
	heap_free_pages(&hp, whole, core_before);
	CHECK("heap.pages_bad_args", !heap_alloc_pages(&hp, 100, 0) && !heap_alloc_pages(&hp, 0, 0) &&
	      !heap_alloc_pages(&hp, 4096, 24), "bad page requests accepted");
	heap_free_pages(&hp, (char *)pg[0] + 8, 4096);
	void *twice = heap_alloc_pages(&hp, 4096, 0);
	heap_free_pages(&hp, twice, 4096);
	heap_free_pages(&hp, twice, 4096);		/* double free */
	heap_stats(&hp, &st);
	CHECK("heap.pages_bad_free_counted", st.bad_frees == 2 && heap_check(&hp), "%zu bad frees", st.bad_frees);

	/* Exhaustion, on a fresh heap with a 1 MiB budget: NULL, then
	 * success again after freeing. */
	struct heap h2;
	used = 0;
	budget = 1u << 20;
	heap_init(&h2, morecore, NULL);
	void *blocks[1024];
	int n = 0;
	while (n < 1024 && (blocks[n] = heap_alloc(&h2, 60000, 0)))
		n++;
	CHECK("heap.exhaustion_null", n > 0 && n < 1024, "%d blocks before NULL", n);
	for (int i = 0; i < n; i++)
		heap_free(&h2, blocks[i]);
	void *again = heap_alloc(&h2, 60000, 0);
	CHECK("heap.after_exhaustion", again != NULL, "no memory after freeing");
	heap_free(&h2, again);
	return check_failed;
}
