/* Host tests of the ELF reader (lib/elf) on images built here: a good
 * one, each kind of malformation, and random corruption (which must be
 * refused or accepted, never crash: run under ASan/UBSan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "elf/elf.h"
#include "r2c/errno.h"

struct image {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	struct phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } ph[10];
	unsigned char data[8192];
};

static void good(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->ident, "\177ELF\2\1\1", 7);
	im->type = 2;
	im->machine = 62;
	im->entry = 0x400010;
	im->phoff = offsetof(struct image, ph);
	im->phentsize = sizeof(im->ph[0]);
	im->phnum = 2;
	im->ph[0] = (struct phdr){ 1, 5, offsetof(struct image, data), 0x400000, 0, 4096, 4096, 4096 };
	im->ph[1] = (struct phdr){ 1, 6, offsetof(struct image, data) + 4096, 0x401000, 0, 100, 9000, 4096 };
}

static int parse(struct image *im, const char **why)
{
	struct elf_image e;
	return elf_parse(im, sizeof(*im), 0x80000000ull, &e, why);
}

int main(void)
{
	struct image im;
	struct elf_image e;
	const char *why = "";
	good(&im);
	int r = elf_parse(&im, sizeof(im), 0x80000000ull, &e, &why);
	CHECK("elf.good", r == 0 && e.nseg == 2 && e.entry == 0x400010 && e.seg[1].memsz == 9000 &&
	      e.seg[0].flags == (ELF_R | ELF_X), "r=%d (%s)", r, why);

	good(&im); im.ident[1] = 'X';
	CHECK("elf.bad_magic", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.ident[4] = 1;
	CHECK("elf.32bit", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.type = 3;
	CHECK("elf.not_exec", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.phoff = sizeof(im) - 8;
	CHECK("elf.phdrs_outside", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.phnum = 0xFFFF;
	CHECK("elf.phnum_huge", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.ph[1].filesz = 10000;
	CHECK("elf.filesz_gt_memsz", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.ph[1].offset = ~0ull - 10;
	CHECK("elf.offset_overflow", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.ph[1].vaddr = 0x7FFFF000; im.ph[1].memsz = 0x2000;
	CHECK("elf.beyond_limit", parse(&im, &why) == -EFAULT, "%s", why);
	good(&im); im.ph[1].vaddr = 0x1000; im.ph[1].memsz = ~0ull;
	CHECK("elf.size_overflow", parse(&im, &why) == -EFAULT, "%s", why);
	good(&im); im.entry = 0x401000;
	CHECK("elf.entry_not_exec", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.ph[1].vaddr = 0x400800;
	CHECK("elf.shared_page", parse(&im, &why) == -ENOEXEC, "%s", why);
	good(&im); im.phnum = 10;
	for (int i = 0; i < 10; i++)
		im.ph[i] = (struct phdr){ 1, 5, 0, 0x400000 + i * 0x1000ull, 0, 0, 16, 4096 };
	CHECK("elf.too_many_segments", parse(&im, &why) == -E2BIG, "%s", why);
	good(&im);
	CHECK("elf.short_file", elf_parse(&im, 10, 0x80000000ull, &e, &why) == -ENOEXEC, "%s", why);
	uint64_t v;
	CHECK("elf.no_symbols", elf_symbol(&im, sizeof(im), "main", &v) == -ENOENT, "symbol found");

	/* Random corruption: refused or accepted, never out of bounds. */
	srand(1);
	int accepted = 0;
	for (int i = 0; i < 200000; i++) {
		good(&im);
		for (int k = 0; k < 1 + rand() % 4; k++)
			((unsigned char *)&im)[rand() % 512] = (unsigned char)rand();
		if (parse(&im, &why) == 0) {
			accepted++;
			elf_symbol(&im, sizeof(im), "x", &v);
		}
	}
	CHECK("elf.random_corruption", accepted > 0, "no corrupted image was accepted (%d)", accepted);
	return check_failed;
}
