/*
 * corrupt-image: damage a copy of a good FFS v2 or ext2 image in one
 * known way, for the rk-corrupt suite (tools/run-tests). Why: a corrupted
 * disk is the real-world way to crash a file system, and the test must be
 * reproducible without committing binary images; so the damage is made on
 * the host from the images the build makes, at offsets computed from the
 * image's own superblock (little-endian, byte offsets below).
 *
 *   corrupt-image KIND FILE      (FILE is changed in place)
 *
 * FFS v2 (superblock at 65536 or, as Debian's makefs puts it, 8192, found
 * by its magic at +1372; fs_ncg +44, fs_fpg +188, fs_iblkno +16,
 * fs_cblkno +12, fs_fsize +52; inode N at
 * ((N / ipg) * fpg + iblkno) * fsize + (N % ipg) * 256, di_db[0] at +112;
 * cylinder group c's header at (c * fpg + cblkno) * fsize):
 *   ffs-ncg     fs_ncg = 2^31 (0x80000000)
 *   ffs-cg      cylinder group 0: cg_iusedoff (+92) and cg_freeoff (+96)
 *               set to 0x7ffffff0 and 0x7ffffff8, far past the block
 *   ffs-dirent  the root directory's first entry (".", in the block at
 *               di_db[0] of inode 2): d_namlen (+7) = 200, its d_reclen 12
 *   ffs-mode    the first regular file named in the root directory
 *               (d_type +6 = 8; entries d_ino +0, d_reclen +4, d_namlen +7,
 *               the name at +8): its di_mode (+0, 16 bits) = 040755, a
 *               directory (for an image with files: build/ffs-sample.img)
 *   ffs-size    the same file: its di_size (+16, 64 bits) with the top bit
 *               set, a negative size (off_t is signed)
 * ext2 (superblock at 1024; s_inodes_count +0, s_first_data_block +20,
 * s_log_block_size +24 (block size 1024 << it), s_inode_size +88 (128 if
 * s_rev_level +76 is 0); the group descriptors at block
 * s_first_data_block + 1, bg_inode_table +8; inode N at
 * bg_inode_table * bsize + (N - 1) * inode size, i_block[0] at +40):
 *   ext2-icount s_inodes_count = 0
 *   ext2-itable group 0's bg_inode_table = the superblock's block
 *               (s_first_data_block, or 0 for block sizes above 1024)
 *   ext2-dirent the root directory's first entry ("."): name_len (+6) =
 *               200, its rec_len 12
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *f;
static const char *name;

static void die(const char *what)
{
	fprintf(stderr, "corrupt-image: %s: %s\n", name, what);
	exit(1);
}

static uint64_t get(uint64_t off, int n)
{
	unsigned char b[8];
	if (fseek(f, (long)off, SEEK_SET) || fread(b, 1, (size_t)n, f) != (size_t)n)
		die("short read");
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static void put(uint64_t off, int n, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < n; i++, v >>= 8)
		b[i] = (unsigned char)v;
	if (fseek(f, (long)off, SEEK_SET) || fwrite(b, 1, (size_t)n, f) != (size_t)n)
		die("short write");
	printf("corrupt-image: %s: %d bytes at %llu\n", name, n, (unsigned long long)off);
}

static void ffs(const char *kind)
{
	uint64_t sb = 65536;
	if (get(sb + 1372, 4) != 0x19540119u)
		sb = 8192;
	if (get(sb + 1372, 4) != 0x19540119u)
		die("not FFS v2 (no UFS2 magic at 65536 + 1372 or 8192 + 1372)");
	uint64_t fsize = get(sb + 52, 4), ipg = get(sb + 184, 4), fpg = get(sb + 188, 4);
	uint64_t cblkno = get(sb + 12, 4), iblkno = get(sb + 16, 4);
	if (!strcmp(kind, "ffs-ncg")) {
		put(sb + 44, 4, 0x80000000u);
	} else if (!strcmp(kind, "ffs-cg")) {
		uint64_t cg = cblkno * fsize;
		if (get(cg + 4, 4) != 0x090255u)
			die("no cylinder group 0 magic");
		put(cg + 92, 4, 0x7ffffff0u);
		put(cg + 96, 4, 0x7ffffff8u);
	} else if (!strcmp(kind, "ffs-dirent")) {
		uint64_t ino = 2, di = ((ino / ipg) * fpg + iblkno) * fsize + (ino % ipg) * 256;
		uint64_t dir = get(di + 112, 8) * fsize;
		if (get(dir, 4) != 2 || get(dir + 4, 2) != 12 || get(dir + 7, 1) != 1)
			die("the root directory does not start with \".\"");
		put(dir + 7, 1, 200);
	} else if (!strcmp(kind, "ffs-mode") || !strcmp(kind, "ffs-size")) {
		uint64_t di = ((2 / ipg) * fpg + iblkno) * fsize + (2 % ipg) * 256;
		uint64_t dir = get(di + 112, 8) * fsize, size = get(di + 16, 8), bsize = get(sb + 48, 4);
		uint64_t ino = 0;
		for (uint64_t off = 0; off < size && off < bsize && !ino;) {
			uint64_t reclen = get(dir + off + 4, 2);
			if (reclen == 0)
				break;
			if (get(dir + off, 4) && get(dir + off + 6, 1) == 8)
				ino = get(dir + off, 4);
			off += reclen;
		}
		if (!ino)
			die("no regular file in the root directory's first block");
		uint64_t fi = ((ino / ipg) * fpg + iblkno) * fsize + (ino % ipg) * 256;
		if ((get(fi, 2) & 0170000) != 0100000)
			die("the file's inode is not a regular file");
		if (!strcmp(kind, "ffs-mode"))
			put(fi, 2, 040755);
		else
			put(fi + 16, 8, get(fi + 16, 8) | 1ull << 63);
	} else {
		die("unknown FFS kind");
	}
}

static void ext2(const char *kind)
{
	const uint64_t sb = 1024;
	if (get(sb + 56, 2) != 0xef53)
		die("not ext2 (no magic at 1024 + 56)");
	uint64_t first = get(sb + 20, 4), bsize = 1024ull << get(sb + 24, 4);
	uint64_t isize = get(sb + 76, 4) ? get(sb + 88, 2) : 128;
	uint64_t gd = (first + 1) * bsize;
	if (!strcmp(kind, "ext2-icount")) {
		put(sb + 0, 4, 0);
	} else if (!strcmp(kind, "ext2-itable")) {
		put(gd + 8, 4, first);
	} else if (!strcmp(kind, "ext2-dirent")) {
		uint64_t di = get(gd + 8, 4) * bsize + (2 - 1) * isize;
		uint64_t dir = get(di + 40, 4) * bsize;
		if (get(dir, 4) != 2 || get(dir + 4, 2) != 12 || get(dir + 6, 1) != 1)
			die("the root directory does not start with \".\"");
		put(dir + 6, 1, 200);
	} else {
		die("unknown ext2 kind");
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: corrupt-image ffs-ncg|ffs-cg|ffs-dirent|ffs-mode|ffs-size|ext2-icount|ext2-itable|ext2-dirent FILE\n");
		return 2;
	}
	name = argv[2];
	f = fopen(name, "r+b");
	if (!f) {
		fprintf(stderr, "corrupt-image: %s: %s\n", name, strerror(errno));
		return 1;
	}
	if (!strncmp(argv[1], "ffs-", 4))
		ffs(argv[1]);
	else if (!strncmp(argv[1], "ext2-", 5))
		ext2(argv[1]);
	else
		die("unknown kind");
	if (fclose(f))
		die("cannot write");
	return 0;
}
