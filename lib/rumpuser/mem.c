/* rumpuser: memory, from the component's heap (its budget). The rump
 * kernel gives the size back when it frees, so whole-page requests (every
 * page of its page cache) are bare page runs, a page a page, where a
 * header and alignment padding would triple them; the rest go through
 * the ordinary allocator. The choice depends on the size alone, so a
 * free always finds the path its allocation took. */
#include "rumpuser_int.h"

#define PAGE 4096u

static bool whole_pages(size_t size)
{
	return size && size % PAGE == 0;
}

static void *alloc(size_t size, size_t align)
{
	if (whole_pages(size))
		return r2c_alloc_pages(size, align);
	return r2c_aligned_alloc(align < 16 ? 16 : align, size);
}

static void release(void *p, size_t size)
{
	if (whole_pages(size))
		r2c_free_pages(p, size);
	else
		r2c_free(p);
}

int rumpuser_malloc(size_t size, int alignment, void **memp)
{
	void *p = alloc(size, alignment > 0 ? (size_t)alignment : sizeof(void *));
	if (!p)
		return ENOMEM;
	*memp = p;
	return 0;
}

void rumpuser_free(void *mem, size_t size)
{
	release(mem, size);
}

int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp)
{
	(void)prefaddr;
	if (exec)
		return EOPNOTSUPP;
	size_t align = alignbit > 12 && alignbit < 31 ? (size_t)1 << alignbit : PAGE;
	size = R2C_PAGE_UP(size);
	void *p = alloc(size, align);
	if (!p)
		return ENOMEM;
	memset(p, 0, size);
	*memp = p;
	return 0;
}

void rumpuser_unmap(void *addr, size_t size)
{
	release(addr, R2C_PAGE_UP(size));
}
