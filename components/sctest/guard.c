/*
 * Pages followed by an unmapped page, for sctest's bad pointers: a
 * buffer that runs off the end of mapped memory, and a path whose NUL
 * is the last byte before nothing. Why here and not the heap: the heap
 * maps its pages on demand and would, sooner or later, map the page
 * after any of its own. These pages sit just below the shared-memory
 * area (COMP_SHM_BASE, 256 MiB), far above anywhere the heap can reach
 * with the few MiB the composition gives this component, and only the
 * page itself is mapped: the one after it stays unmapped for good.
 */
#include "sctest.h"

#define GUARDED_BASE (COMP_SHM_BASE - 0x100000)	/* page i at BASE + i * 64 KiB */

char *guarded_page(int i)
{
	return (char *)(GUARDED_BASE + (word_t)i * 0x10000);
}

bool guarded_init(void)
{
	for (int i = 0; i < GUARDED_PAGES; i++)
		if (r2c_map(&r2c_self_mem, r2c_self_mem.self_slot, (word_t)guarded_page(i), MAP_WRITE))
			return false;
	return true;
}
