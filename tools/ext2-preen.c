/*
 * ext2-preen: lib/ext2preen on an image file, on the host. Why: the
 * tests damage ext2 images the way a crash leaves them (and worse) and
 * check that what rk would do before mounting leaves them clean for
 * e2fsck, or refuses and leaves them untouched. Also a user's tool for
 * an image rk refused.
 *   ext2-preen [--force] IMAGE
 * Exit status: 0 clean or put right, 1 refused, 2 I/O error or usage.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "ext2preen/preen.h"

static int rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	return pread(*(int *)ctx, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int wr(void *ctx, uint64_t off, const void *buf, size_t len)
{
	return pwrite(*(int *)ctx, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static void *take(void *ctx, size_t bytes) { (void)ctx; return calloc(1, bytes); }
static void give(void *ctx, void *p, size_t bytes) { (void)ctx, (void)bytes; free(p); }

int main(int argc, char **argv)
{
	int force = argc == 3 && !strcmp(argv[1], "--force");
	if (argc != 2 + force) {
		fprintf(stderr, "usage: ext2-preen [--force] IMAGE\n");
		return 2;
	}
	const char *path = argv[1 + force];
	int fd = open(path, O_RDWR);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	struct stat st;
	if (fstat(fd, &st)) {
		perror(path);
		return 2;
	}
	struct ext2_preen_io io = { &fd, rd, wr, take, give, (uint64_t)st.st_size, (uint32_t)time(NULL), force };
	struct ext2_preen_fixes f;
	char why[160];
	enum ext2_preen_result r = ext2_preen(&io, &f, why, sizeof(why));
	close(fd);
	switch (r) {
	case EXT2_PREEN_CLEAN:
		printf("%s: marked clean, not checked (--force checks it)\n", path);
		return 0;
	case EXT2_PREEN_CHECKED:
		printf("%s: %u put right: bits %u blocks, %u inodes; counts %u groups, %u super; inodes: %u blocks, "
		       "%u sizes, %u links, %u dtimes; entries %u cleared, %u types; %u to lost+found\n",
		       path, ext2_preen_total(&f), f.block_bits, f.inode_bits, f.group_counts, f.super_counts,
		       f.iblocks, f.sizes, f.links, f.dtimes, f.entries, f.types, f.lost_found);
		return 0;
	case EXT2_PREEN_REFUSED:
		printf("%s: refused, left as it was: %s\n", path, why);
		return 1;
	default:
		printf("%s: %s\n", path, why);
		return 2;
	}
}
