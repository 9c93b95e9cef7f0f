/*
 * Micro-reboot, the booter's mechanism: the kernel takes the component
 * down and drops what it acquired at run time (COMP_REBOOT), the
 * scheduler unwinds the threads executing in it (THD_UNWIND), and the
 * booter puts its memory back to the boot image: each page of a writable
 * segment is aliased into a window of mine and refilled from the ELF file
 * (the read-only ones cannot have changed). The component object, its
 * boot-time grants, its cinfo page and the memory it shares with others
 * stay, so the SINVs its clients hold work again once it is up.
 */
#include "root.h"
#include "sched.h"
#include "reboot.h"
#include "elf/elf.h"

#define REBOOT_WINDOW	0x30000000ull	/* the loader's one-page window (load.c) */
#define COMP_VA_LIMIT	0x80000000ull

static long window_alias(word_t comp_slot, word_t va)
{
	long e;
	while ((e = r2c_op(comp_slot, COMP_ALIAS, va, ROOT_SLOT_COMP, REBOOT_WINDOW, MAP_WRITE, 0, 0)) == -ENXIO) {
		long pt = r2c_frame_alloc(&mem, 1);
		if (pt < 0)
			return pt;
		if ((e = r2c_op(ROOT_SLOT_COMP, COMP_PGTBL_ADD, REBOOT_WINDOW, mem.ut_slot, (word_t)pt, 0, 0, 0)))
			return e;
	}
	return e;
}

/* A new frame of mine at va in the component, writable, and then in my
 * window like the others. The old one is untyped again once the window
 * that holds it ends, but not back in my allocator, which does not know
 * which it was: a frame lost for each such page. (Only as many as the
 * reboot took: a page missing for another reason still fails it.) */
static long fresh_page(word_t comp_slot, word_t va, word_t exec)
{
	long f = r2c_frame_alloc(&mem, 1);
	if (f < 0)
		return f;
	long err = r2c_map_frame(&mem, comp_slot, va, (word_t)f, MAP_WRITE | exec);
	if (err) {
		r2c_frame_free(&mem, (word_t)f, 1);
		return err;
	}
	return window_alias(comp_slot, va);
}

long reboot_reset(const struct reboot_target *t, int *unwound)
{
	struct elf_image e;
	const char *why;
	long err = elf_parse(t->img, t->size, COMP_VA_LIMIT, &e, &why);
	if (err)
		return err;
	struct r2c_ret rr = r2c_sys(t->comp_slot, COMP_REBOOT, t->keep_slots, t->heap_lo, COMP_SHM_BASE, 0, 0, 0);
	if (rr.status < 0)
		return rr.status;
	word_t orphans = rr.r0;	/* its pages a server holds in a window, taken away */
	*unwound = sched_unwind(t->comp_slot);
	for (int i = 0; i < e.nseg; i++) {
		const struct elf_seg *s = &e.seg[i];
		if (!(s->flags & ELF_W))
			continue;
		for (word_t va = s->vaddr & ~0xFFFull; va < s->vaddr + s->memsz; va += 4096) {
			err = window_alias(t->comp_slot, va);
			if (err == -ENOENT && orphans) {	/* one of those: a new page */
				orphans--;
				err = fresh_page(t->comp_slot, va, s->flags & ELF_X ? MAP_EXEC : 0);
			}
			if (err)
				return err;
			char *win = (char *)REBOOT_WINDOW;
			memset(win, 0, 4096);
			word_t lo = va < s->vaddr ? s->vaddr : va;
			word_t hi = va + 4096 < s->vaddr + s->filesz ? va + 4096 : s->vaddr + s->filesz;
			if (lo < hi)
				memcpy(win + (lo - va), (const char *)t->img + s->offset + (lo - s->vaddr), hi - lo);
			if ((err = r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, REBOOT_WINDOW, 0, 0, 0, 0, 0)))
				return err;
		}
	}
	return 0;
}
