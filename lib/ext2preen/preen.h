/* An ext2 file system that was not unmounted, made consistent again
 * before it is mounted: ext2 has no journal, so a server that crashed in
 * the middle of writes leaves allocation bitmaps, counts and link counts
 * behind its inodes and directories (docs/reboot.md). ext2_preen does
 * what `fsck -p` would: it rebuilds the bitmaps and counts from the
 * inodes, puts right each inode's block count, size and link count, and
 * clears directory entries that name a freed inode; a file no directory
 * names goes to /lost+found. Anything it cannot be sure of (a block used
 * twice, a pointer off the disk, a broken directory, a directory named
 * twice or by the wrong parent, no room in /lost+found, a feature it
 * does not know) it refuses, before it has written anything. Shared by rk
 * (before it mounts an ext2 of its arg=) and the host tool that tests it
 * (tools/ext2-preen.c). */
#ifndef EXT2PREEN_H
#define EXT2PREEN_H

#include <stddef.h>
#include <stdint.h>

struct ext2_preen_io {
	void *ctx;
	/* byte-addressed transfers on the disk: 0, or an error */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	void *(*alloc)(void *ctx, size_t bytes);	/* zeroed, or NULL */
	void (*release)(void *ctx, void *p, size_t bytes);
	uint64_t bytes;					/* the disk's size */
	uint32_t now;					/* seconds since 1970, for dtime */
	int force;					/* check a file system marked clean too */
};

/* What was put right (each a count). */
struct ext2_preen_fixes {
	unsigned block_bits, inode_bits, group_counts, super_counts;
	unsigned iblocks, sizes, links, dtimes, entries, types, lost_found;
};

enum ext2_preen_result {
	EXT2_PREEN_CLEAN = 0,		/* marked clean: not looked at */
	EXT2_PREEN_CHECKED = 1,		/* looked at: consistent, or made so */
	EXT2_PREEN_REFUSED = -1,	/* left as it was (why says why) */
	EXT2_PREEN_IO = -2,		/* a transfer failed: may be half done (why) */
};

enum ext2_preen_result ext2_preen(const struct ext2_preen_io *io, struct ext2_preen_fixes *fixes,
				  char *why, size_t why_size);
unsigned ext2_preen_total(const struct ext2_preen_fixes *f);

#endif
