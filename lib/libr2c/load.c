/*
 * Loading a component from an ELF image in memory (a boot module): a new
 * COMP object, each page of each segment filled through a one-page window
 * in the loader's own address space, then mapped into the new component
 * with the segment's permissions. Entry points are found by symbol name.
 */
#include "r2c.h"
#include "elf/elf.h"

#define LOAD_WINDOW	0x30000000ull	/* loader-side window for one page */
#define COMP_VA_LIMIT	0x80000000ull	/* components live in the low 2 GiB */

long r2c_comp_load(struct r2c_mem *m, const char *name, const void *img, size_t size,
		   struct r2c_comp *out, const char **why)
{
	struct elf_image e;
	long err = elf_parse(img, size, COMP_VA_LIMIT, &e, why);
	if (err)
		return err;
	*why = "out of memory";
	long f = r2c_frame_alloc(m, COMP_FRAMES);
	if (f < 0)
		return f;
	word_t nm[2] = { 0, 0 };
	size_t n = strlen(name);
	memcpy(nm, name, n < 15 ? n : 15);
	*why = "no free capability slot";
	if (!(out->slot = r2c_slot_alloc(m)))
		return -ENOSPC;
	*why = "cannot create the component";
	if ((err = r2c_op(m->ut_slot, UT_RETYPE, (word_t)f, CAP_COMP, out->slot, nm[0], nm[1], 0)))
		return err;
	for (int i = 0; i < e.nseg; i++) {
		const struct elf_seg *s = &e.seg[i];
		word_t flags = (s->flags & ELF_W ? MAP_WRITE : 0) | (s->flags & ELF_X ? MAP_EXEC : 0);
		for (word_t va = s->vaddr & ~0xFFFull; va < s->vaddr + s->memsz; va += 4096) {
			long fr = r2c_frame_alloc(m, 1);
			*why = "out of memory";
			if (fr < 0)
				return fr;
			*why = "cannot map a page";
			if ((err = r2c_map_frame(m, m->self_slot, LOAD_WINDOW, (word_t)fr, MAP_WRITE)))
				return err;
			char *win = (char *)LOAD_WINDOW;
			word_t lo = va < s->vaddr ? s->vaddr : va;
			word_t hi = va + 4096 < s->vaddr + s->filesz ? va + 4096 : s->vaddr + s->filesz;
			if (lo < hi)
				memcpy(win + (lo - va), (const char *)img + s->offset + (lo - s->vaddr), hi - lo);
			if ((err = r2c_op(m->self_slot, COMP_UNMAP, LOAD_WINDOW, 0, 0, 0, 0, 0)))
				return err;
			if ((err = r2c_map_frame(m, out->slot, va, (word_t)fr, flags)))
				return err;
		}
	}
	out->entry = e.entry;
	out->top = 0;
	for (int i = 0; i < e.nseg; i++)
		if (R2C_PAGE_UP(e.seg[i].vaddr + e.seg[i].memsz) > out->top)
			out->top = R2C_PAGE_UP(e.seg[i].vaddr + e.seg[i].memsz);
	out->img = img;
	out->size = size;
	return 0;
}

long r2c_comp_export(struct r2c_mem *m, const struct r2c_comp *c, const char *fn, word_t token, word_t *slot)
{
	char sym[64];
	size_t p = sizeof(R2C_EXPORT_PREFIX) - 1, n = strlen(fn);
	if (p + n + 1 > sizeof(sym))
		return -ENAMETOOLONG;
	memcpy(sym, R2C_EXPORT_PREFIX, p);
	memcpy(sym + p, fn, n + 1);
	uint64_t ip;
	long err = elf_symbol(c->img, c->size, sym, &ip);
	if (err)
		return err;
	if (!(*slot = r2c_slot_alloc(m)))
		return -ENOSPC;
	if ((err = r2c_op(c->slot, COMP_SINV_CREATE, ip, token, *slot, 0, 0, 0)))
		r2c_slot_free(m, *slot);
	return err;
}

long r2c_grant(word_t comp_slot, word_t my_slot, word_t their_slot, word_t rights)
{
	return r2c_op(comp_slot, COMP_CAP_COPY, my_slot, their_slot, rights, 0, 0, 0);
}
