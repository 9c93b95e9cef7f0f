/* rumpuser: memory, from the component's heap (its budget). */
#include "rumpuser_int.h"

int rumpuser_malloc(size_t size, int alignment, void **memp)
{
	size_t align = alignment > 0 ? (size_t)alignment : sizeof(void *);
	if (align < 16)
		align = 16;
	void *p = r2c_aligned_alloc(align, size);
	if (!p)
		return ENOMEM;
	*memp = p;
	return 0;
}

void rumpuser_free(void *mem, size_t size)
{
	(void)size;
	r2c_free(mem);
}

int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp)
{
	(void)prefaddr;
	if (exec)
		return EOPNOTSUPP;
	size_t align = alignbit > 12 && alignbit < 31 ? (size_t)1 << alignbit : 4096;
	void *p = r2c_aligned_alloc(align, size);
	if (!p)
		return ENOMEM;
	memset(p, 0, size);
	*memp = p;
	return 0;
}

void rumpuser_unmap(void *addr, size_t size)
{
	(void)size;
	r2c_free(addr);
}
