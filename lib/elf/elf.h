/* Validating reader of static x86-64 ELF executables: the kernel loads
 * the root component with it, the root loads every other component.
 * Nothing in an image is trusted until elf_parse accepted it. */
#ifndef ELF_H
#define ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_SEG_MAX 8
#define ELF_X 1
#define ELF_W 2
#define ELF_R 4

struct elf_seg {
	uint64_t vaddr, memsz, offset, filesz;
	unsigned flags;		/* ELF_X | ELF_W | ELF_R */
};

struct elf_image {
	uint64_t entry;
	int nseg;
	struct elf_seg seg[ELF_SEG_MAX];
};

/* 0, or a negative NetBSD errno (-ENOEXEC malformed, -E2BIG too many
 * segments, -EFAULT an address outside [0, limit)); `why` names the
 * problem. */
int elf_parse(const void *img, size_t size, uint64_t limit, struct elf_image *out, const char **why);



/* Value of the defined symbol `name` in the image's symbol table:
 * 0, -ENOENT, or -ENOEXEC when the tables are malformed. */
int elf_symbol(const void *img, size_t size, const char *name, uint64_t *value);
/* Call fn for every defined symbol whose name starts with prefix (name is
 * not NUL-terminated: len bytes); a non-zero return stops the walk.
 * 0, or -ENOEXEC when the tables are malformed. */
int elf_each_symbol(const void *img, size_t size, const char *prefix,
		    int (*fn)(void *ctx, const char *name, size_t len, uint64_t value), void *ctx);

#endif
