/* See elf.h. Only the fields a static executable needs are read. */
#include "elf.h"
#include "../../include/r2c/errno.h"
#include "../string/string.h"

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1

static int fail(const char **why, const char *msg, int err)
{
	if (why)
		*why = msg;
	return err;
}

int elf_parse(const void *img, size_t size, uint64_t limit, struct elf_image *out, const char **why)
{
	const struct ehdr *eh = img;
	if (size < sizeof(*eh))
		return fail(why, "shorter than an ELF header", -ENOEXEC);
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' || eh->ident[3] != 'F')
		return fail(why, "not an ELF file", -ENOEXEC);
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != 62)
		return fail(why, "not a little-endian x86-64 ELF", -ENOEXEC);
	if (eh->type != 2)
		return fail(why, "not a static executable (ET_EXEC)", -ENOEXEC);
	if (eh->phentsize != sizeof(struct phdr) || eh->phoff > size ||
	    (uint64_t)eh->phnum * sizeof(struct phdr) > size - eh->phoff)
		return fail(why, "program headers outside the file", -ENOEXEC);
	if (eh->phoff % 8)
		return fail(why, "misaligned program headers", -ENOEXEC);

	out->entry = eh->entry;
	out->nseg = 0;
	int entry_ok = 0;
	const struct phdr *ph = (const void *)((const char *)img + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		if (out->nseg == ELF_SEG_MAX)
			return fail(why, "too many loadable segments", -E2BIG);
		const struct phdr *p = &ph[i];
		if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset)
			return fail(why, "segment data outside the file", -ENOEXEC);
		if (p->vaddr >= limit || p->memsz > limit - p->vaddr)
			return fail(why, "segment outside the user address range", -EFAULT);
		for (int j = 0; j < out->nseg; j++) {
			const struct elf_seg *q = &out->seg[j];
			uint64_t a0 = p->vaddr & ~0xFFFull, a1 = (p->vaddr + p->memsz + 0xFFF) & ~0xFFFull;
			uint64_t b0 = q->vaddr & ~0xFFFull, b1 = (q->vaddr + q->memsz + 0xFFF) & ~0xFFFull;
			if (a0 < b1 && b0 < a1)
				return fail(why, "segments share a page", -ENOEXEC);
		}
		unsigned f = (p->flags & 1 ? ELF_X : 0) | (p->flags & 2 ? ELF_W : 0) | (p->flags & 4 ? ELF_R : 0);
		out->seg[out->nseg++] = (struct elf_seg){ p->vaddr, p->memsz, p->offset, p->filesz, f };
		if ((f & ELF_X) && eh->entry >= p->vaddr && eh->entry < p->vaddr + p->memsz)
			entry_ok = 1;
	}
	if (!out->nseg)
		return fail(why, "no loadable segment", -ENOEXEC);
	if (!entry_ok)
		return fail(why, "entry point outside executable segments", -ENOEXEC);
	return 0;
}

struct shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

#define SHT_SYMTAB 2

static int in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/* Call fn for every defined symbol whose name starts with `prefix`;
 * stops early when fn returns non-zero. 0, or -ENOEXEC when malformed. */
int elf_each_symbol(const void *img, size_t size, const char *prefix,
		    int (*fn)(void *ctx, const char *name, size_t len, uint64_t value), void *ctx)
{
	const struct ehdr *eh = img;
	const char *base = img;
	if (size >= sizeof(*eh) && eh->shnum == 0)
		return 0;
	if (size < sizeof(*eh) || eh->shentsize != sizeof(struct shdr) || eh->shoff % 8 ||
	    !in_file(eh->shoff, (uint64_t)eh->shnum * sizeof(struct shdr), size))
		return -ENOEXEC;
	size_t plen = strlen(prefix);
	const struct shdr *sh = (const void *)(base + eh->shoff);
	for (unsigned i = 0; i < eh->shnum; i++) {
		if (sh[i].type != SHT_SYMTAB || sh[i].link >= eh->shnum)
			continue;
		const struct shdr *st = &sh[sh[i].link];
		if (!in_file(sh[i].offset, sh[i].size, size) || sh[i].offset % 8 ||
		    !in_file(st->offset, st->size, size))
			return -ENOEXEC;
		const struct sym *s = (const void *)(base + sh[i].offset);
		const char *strs = base + st->offset;
		for (uint64_t k = 0; k < sh[i].size / sizeof(*s); k++) {
			uint64_t off = s[k].name, len = 0;
			if (off >= st->size || s[k].shndx == 0)
				continue;
			while (off + len < st->size && strs[off + len])
				len++;
			if (off + len == st->size || len < plen || memcmp(strs + off, prefix, plen))
				continue;
			if (fn(ctx, strs + off, len, s[k].value))
				return 0;
		}
	}
	return 0;
}

struct find { const char *name; size_t len; uint64_t value; int found; };

static int find_one(void *ctx, const char *name, size_t len, uint64_t value)
{
	struct find *f = ctx;
	if (len != f->len || memcmp(name, f->name, len))
		return 0;
	f->value = value;
	f->found = 1;
	return 1;
}

int elf_symbol(const void *img, size_t size, const char *name, uint64_t *value)
{
	struct find f = { name, strlen(name), 0, 0 };
	int err = elf_each_symbol(img, size, name, find_one, &f);
	if (err)
		return err;
	if (!f.found)
		return -ENOENT;
	*value = f.value;
	return 0;
}
