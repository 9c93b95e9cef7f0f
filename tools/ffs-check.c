/*
 * ffs-check: a read-only consistency check of an FFS v2 (UFS2) image, the
 * host-side check of the NetBSD tier (Debian 12 packages no fsck for FFS).
 * Written here from the on-disk format, it checks what fsck's five passes
 * check: every inode's blocks lie in the data area and are claimed once,
 * block counts and sizes agree, directories are well formed with "." and
 * ".." right, every directory is reachable from the root and every link
 * count matches the entries naming it, and each cylinder group's inode
 * and free-fragment maps and summaries (and the summary array) match what
 * the inodes use. A crafted image cannot make it read out of bounds.
 *
 *   ffs-check IMAGE     exit 0: consistent; 1: problems, listed (no FFS v2
 *                       superblock among them); 2: the file cannot be read
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* On-disk layout facts (little-endian, byte offsets). */
#define UFS2_MAGIC	0x19540119u
#define CG_MAGIC	0x090255u
#define SB_SBLKNO	8
#define SB_CBLKNO	12
#define SB_IBLKNO	16
#define SB_DBLKNO	20
#define SB_NCG		44
#define SB_BSIZE	48
#define SB_FSIZE	52
#define SB_FRAG		56
#define SB_NINDIR	116
#define SB_INOPB	120
#define SB_CSSIZE	156
#define SB_IPG		184
#define SB_FPG		188
#define SB_CLEAN	209
#define SB_CSTOTAL	1008	/* int64 ndir, nbfree, nifree, nffree */
#define SB_SIZE		1080
#define SB_CSADDR	1096
#define SB_MAGIC	1372
#define SB_JOURNAL_LOCATION 865	/* uint8: 2 = WAPBL's journal inside the file system */
#define SB_JOURNAL_INODE 896	/* fs_journallocs[UFS_WAPBL_INFS_INO]: its inode */
#define JOURNAL_IN_FS	2
#define CG_MAGIC_OFF	4
#define CG_CGX		12
#define CG_NDBLK	20
#define CG_CS		24	/* int32 ndir, nbfree, nifree, nffree */
#define CG_IUSEDOFF	92
#define CG_FREEOFF	96
#define CG_INITEDIBLK	120
#define DINODE_SIZE	256
#define DI_MODE		0
#define DI_NLINK	2
#define DI_SIZE		16
#define DI_BLOCKS	24	/* in 512-byte sectors */
#define DI_DB		112	/* 12 direct, then 3 indirect int64 block numbers */
#define NDADDR		12
#define NIADDR		3
#define MAXSYMLINKLEN	((NDADDR + NIADDR) * 8)
#define DIRBLKSIZ	512
#define ROOTINO		2
#define IFMT		0170000
#define IFDIR		0040000
#define IFREG		0100000
#define IFLNK		0120000

static const uint8_t *img;
static uint64_t img_size;
static const char *img_name;
static int problems;

/* The file system's geometry. */
static uint64_t sb, bsize, fsize, frag, ncg, ipg, fpg, inopb, nindir, nfrags, ninodes;
static uint64_t sblkno, cblkno, iblkno, dblkno;

static uint8_t *used;		/* per fragment: claimed by metadata or an inode */
static int32_t *links;		/* per inode: directory entries naming it */
static uint32_t *parent;	/* per directory inode: who names it (0: nobody yet) */
static uint8_t *allocated;	/* per inode: mode != 0 */

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	if (problems++ < 40) {
		va_list ap;
		va_start(ap, fmt);
		fprintf(stdout, "ffs-check: %s: ", img_name);
		vfprintf(stdout, fmt, ap);
		fputc('\n', stdout);
		va_end(ap);
	}
}

static bool in_image(uint64_t off, uint64_t len)
{
	return off <= img_size && len <= img_size - off;
}

static uint64_t get(uint64_t off, int bytes)
{
	uint64_t v = 0;
	if (!in_image(off, (uint64_t)bytes))
		return 0;
	memcpy(&v, img + off, (size_t)bytes);
	return v;
}

static int64_t get64s(uint64_t off) { return (int64_t)get(off, 8); }

static bool find_superblock(void)
{
	static const uint64_t where[] = { 65536, 8192 };
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (get(where[i] + SB_MAGIC, 4) == UFS2_MAGIC) {
			sb = where[i];
			return true;
		}
	}
	return false;
}

static bool pow2(uint64_t v) { return v && !(v & (v - 1)); }

static bool read_geometry(void)
{
	bsize = get(sb + SB_BSIZE, 4);
	fsize = get(sb + SB_FSIZE, 4);
	frag = get(sb + SB_FRAG, 4);
	ncg = get(sb + SB_NCG, 4);
	ipg = get(sb + SB_IPG, 4);
	fpg = get(sb + SB_FPG, 4);
	inopb = get(sb + SB_INOPB, 4);
	nindir = get(sb + SB_NINDIR, 4);
	nfrags = get(sb + SB_SIZE, 8);
	sblkno = get(sb + SB_SBLKNO, 4);
	cblkno = get(sb + SB_CBLKNO, 4);
	iblkno = get(sb + SB_IBLKNO, 4);
	dblkno = get(sb + SB_DBLKNO, 4);
	ninodes = ncg * ipg;
	if (!pow2(bsize) || bsize < 4096 || bsize > 65536 || !pow2(fsize) || fsize < 512 ||
	    fsize > bsize || frag != bsize / fsize || frag > 8 || inopb != bsize / DINODE_SIZE ||
	    nindir != bsize / 8 || ncg == 0 || ipg == 0 || fpg == 0 || fpg % frag || ipg % inopb ||
	    nfrags == 0 || ncg > UINT32_MAX / fpg || nfrags > ncg * fpg || nfrags <= (ncg - 1) * fpg ||
	    !(sblkno < cblkno && cblkno < iblkno && iblkno < dblkno) ||
	    dblkno > fpg || ipg * DINODE_SIZE > (dblkno - iblkno) * fsize) {
		problem("superblock at %lu: implausible geometry (bsize %lu, fsize %lu, frag %lu, ncg %lu, ipg %lu, "
			"fpg %lu, size %lu)", (unsigned long)sb, (unsigned long)bsize, (unsigned long)fsize,
			(unsigned long)frag, (unsigned long)ncg, (unsigned long)ipg, (unsigned long)fpg,
			(unsigned long)nfrags);
		return false;
	}
	if (nfrags > img_size / fsize) {
		problem("the file system (%lu fragments of %lu bytes) is larger than the image (%lu bytes)",
			(unsigned long)nfrags, (unsigned long)fsize, (unsigned long)img_size);
		return false;
	}
	return true;
}

static uint64_t cgbase(uint64_t c) { return c * fpg; }
static uint64_t cg_off(uint64_t c) { return (cgbase(c) + cblkno) * fsize; }
static uint64_t inode_off(uint64_t ino) { return (cgbase(ino / ipg) + iblkno) * fsize + ino % ipg * DINODE_SIZE; }

/* Fragments [f, f + n) now belong to `what`; each may be claimed once. */
static void claim(uint64_t f, uint64_t n, const char *what, uint64_t ino)
{
	if (f >= nfrags || n > nfrags - f) {
		problem("inode %lu: %s block %lu out of range", (unsigned long)ino, what, (unsigned long)f);
		return;
	}
	for (uint64_t i = f; i < f + n; i++) {
		if (used[i]) {
			problem("inode %lu: %s fragment %lu is claimed twice", (unsigned long)ino, what, (unsigned long)i);
			return;
		}
		used[i] = 1;
	}
}

/* Pass 0: what the format itself occupies. */
static void claim_metadata(void)
{
	for (uint64_t c = 0; c < ncg; c++) {
		uint64_t from = c == 0 ? 0 : cgbase(c) + sblkno, to = cgbase(c) + dblkno;
		for (uint64_t f = from; f < to && f < nfrags; f++)
			used[f] = 1;
	}
	uint64_t csaddr = get(sb + SB_CSADDR, 8), cssize = get(sb + SB_CSSIZE, 4);
	claim(csaddr, (cssize + fsize - 1) / fsize, "summary", 0);
}

/* Bytes of logical block lbn of a file of `size` (the last direct block
 * may be a run of fragments). */
static uint64_t lblk_bytes(uint64_t size, uint64_t lbn)
{
	if (lbn >= NDADDR || size >= (lbn + 1) * bsize)
		return bsize;
	return (size - lbn * bsize + fsize - 1) / fsize * fsize;
}

struct file {
	uint64_t ino, size, nblocks;	/* logical blocks in use */
	uint64_t frags;			/* fragments counted */
	uint8_t *data;			/* directory contents, when gathering */
};

static void data_block(struct file *f, uint64_t lbn, uint64_t blk)
{
	if (!blk || lbn >= f->nblocks)
		return;
	uint64_t bytes = lblk_bytes(f->size, lbn);
	if (blk % frag + bytes / fsize > frag) {	/* a run of fragments stays inside one block */
		problem("inode %lu: block %lu of %lu fragments crosses a block boundary", (unsigned long)f->ino,
			(unsigned long)blk, (unsigned long)(bytes / fsize));
		return;
	}
	claim(blk, bytes / fsize, "data", f->ino);
	f->frags += bytes / fsize;
	if (f->data && in_image(blk * fsize, bytes))
		memcpy(f->data + lbn * bsize, img + blk * fsize, bytes);
}

/* An indirect block at `level` (1: pointers to data) covering logical
 * blocks from `first`. */
static void indirect(struct file *f, uint64_t blk, int level, uint64_t first)
{
	if (!blk)
		return;
	if (first >= f->nblocks || blk % frag || blk >= nfrags) {
		problem("inode %lu: indirect block %lu %s", (unsigned long)f->ino, (unsigned long)blk,
			first >= f->nblocks ? "past its size" : "misplaced");
		return;
	}
	claim(blk, frag, "indirect", f->ino);
	f->frags += frag;
	uint64_t span = 1;
	for (int l = 1; l < level; l++)
		span *= nindir;
	for (uint64_t i = 0; i < nindir; i++) {
		uint64_t b = (uint64_t)get64s(blk * fsize + i * 8), lbn = first + i * span;
		if (lbn >= f->nblocks) {
			if (b)
				problem("inode %lu: a block past its size (%lu bytes)", (unsigned long)f->ino,
					(unsigned long)f->size);
			break;
		}
		if (level == 1)
			data_block(f, lbn, b);
		else
			indirect(f, b, level - 1, lbn);
	}
}

static void walk_blocks(struct file *f, uint64_t di)
{
	f->nblocks = (f->size + bsize - 1) / bsize;
	for (uint64_t lbn = 0; lbn < NDADDR; lbn++) {
		uint64_t b = (uint64_t)get64s(di + DI_DB + lbn * 8);
		if (b && lbn >= f->nblocks)
			problem("inode %lu: direct block %lu past its size", (unsigned long)f->ino, (unsigned long)lbn);
		data_block(f, lbn, b);
	}
	uint64_t first = NDADDR, span = nindir;
	for (int level = 1; level <= NIADDR; level++, first += span, span *= nindir)
		indirect(f, (uint64_t)get64s(di + DI_DB + (NDADDR + (uint64_t)level - 1) * 8), level, first);
}

/* One directory's entries: count links, check "." and "..", note parents. */
static void scan_directory(uint64_t ino, const uint8_t *d, uint64_t size)
{
	if (size == 0 || size % DIRBLKSIZ) {
		problem("directory %lu: size %lu is not a whole number of %d-byte blocks", (unsigned long)ino,
			(unsigned long)size, DIRBLKSIZ);
		return;
	}
	int index = 0;
	for (uint64_t blk = 0; blk < size; blk += DIRBLKSIZ) {
		for (uint64_t off = 0; off < DIRBLKSIZ;) {
			if (off + 8 > DIRBLKSIZ) {
				problem("directory %lu: entry header past its block at byte %lu", (unsigned long)ino,
					(unsigned long)(blk + off));
				break;
			}
			const uint8_t *e = d + blk + off;
			uint32_t eino;
			uint16_t reclen;
			memcpy(&eino, e, 4);
			memcpy(&reclen, e + 4, 2);
			uint8_t namlen = e[7];
			if (reclen < 8 || reclen % 4 || off + reclen > DIRBLKSIZ || (eino && 8u + namlen + 1 > reclen)) {
				problem("directory %lu: bad entry at byte %lu", (unsigned long)ino, (unsigned long)(blk + off));
				break;
			}
			const char *name = (const char *)e + 8;
			if (eino) {
				bool dot = namlen == 1 && name[0] == '.', dotdot = namlen == 2 && !memcmp(name, "..", 2);
				if (index == 0 && (!dot || eino != ino))
					problem("directory %lu: first entry is not \".\" naming itself", (unsigned long)ino);
				if (index == 1 && !dotdot)
					problem("directory %lu: second entry is not \"..\"", (unsigned long)ino);
				if (eino >= ninodes || !allocated[eino]) {
					problem("directory %lu: entry \"%.*s\" names unallocated inode %lu", (unsigned long)ino,
						namlen, name, (unsigned long)eino);
				} else {
					links[eino]++;
					bool isdir = (get(inode_off(eino) + DI_MODE, 2) & IFMT) == IFDIR;
					if (isdir && !dot && !dotdot) {
						if (parent[eino])
							problem("directory %lu is named in two directories", (unsigned long)eino);
						parent[eino] = (uint32_t)ino;
					}
				}
				index++;
			}
			off += reclen;
		}
	}
}

/* Passes 1-4: inodes, their blocks, directories, link counts. */
static uint64_t ndirs, nfiles;
static void check_inodes(void)
{
	/* Inodes past a group's initialised ones are unused whatever they hold. */
	for (uint64_t ino = 0; ino < ninodes; ino++)
		allocated[ino] = ino >= ROOTINO && ino % ipg < get(cg_off(ino / ipg) + CG_INITEDIBLK, 4) &&
				 get(inode_off(ino) + DI_MODE, 2) != 0;
	if (!allocated[ROOTINO] || (get(inode_off(ROOTINO) + DI_MODE, 2) & IFMT) != IFDIR) {
		problem("the root inode is not a directory");
		return;
	}
	uint8_t **dirdata = calloc(ninodes, sizeof(*dirdata));
	for (uint64_t ino = ROOTINO; ino < ninodes; ino++) {
		if (!allocated[ino])
			continue;
		uint64_t di = inode_off(ino), mode = get(di + DI_MODE, 2), type = mode & IFMT;
		struct file f = { .ino = ino, .size = get(di + DI_SIZE, 8) };
		if ((int16_t)get(di + DI_NLINK, 2) <= 0)
			problem("inode %lu: allocated with link count %ld", (unsigned long)ino,
				(long)(int16_t)get(di + DI_NLINK, 2));
		bool inline_link = type == IFLNK && f.size < MAXSYMLINKLEN && get(di + DI_BLOCKS, 8) == 0;
		if (type == IFDIR && f.size > nfrags * fsize) {	/* files may be sparse; directories not */
			problem("directory %lu: size %lu is larger than the file system", (unsigned long)ino,
				(unsigned long)f.size);
			continue;
		}
		if (type == IFDIR || type == IFREG || (type == IFLNK && !inline_link)) {
			if (type == IFDIR) {
				f.data = dirdata[ino] = calloc(1, (f.size + bsize - 1) / bsize * bsize + 1);
				ndirs++;
			} else {
				nfiles++;
			}
			walk_blocks(&f, di);
		}
		uint64_t sectors = get(di + DI_BLOCKS, 8);
		if (sectors != f.frags * (fsize / 512))
			problem("inode %lu: %lu sectors recorded, %lu in its blocks", (unsigned long)ino,
				(unsigned long)sectors, (unsigned long)(f.frags * (fsize / 512)));
	}
	for (uint64_t ino = ROOTINO; ino < ninodes; ino++)
		if (dirdata[ino])
			scan_directory(ino, dirdata[ino], get(inode_off(ino) + DI_SIZE, 8));
	/* WAPBL's journal (FFS mounted with log) is an inode of its own that no
	 * directory names: the superblock does */
	uint64_t journal = get(sb + SB_JOURNAL_LOCATION, 1) == JOURNAL_IN_FS ? get(sb + SB_JOURNAL_INODE, 8) : 0;
	for (uint64_t ino = ROOTINO; ino < ninodes; ino++) {
		if (!allocated[ino] || ino == journal)
			continue;
		int64_t nlink = (int16_t)get(inode_off(ino) + DI_NLINK, 2);
		if (links[ino] == 0)
			problem("inode %lu: allocated but in no directory", (unsigned long)ino);
		else if (links[ino] != nlink)
			problem("inode %lu: link count %ld, named %d times", (unsigned long)ino, (long)nlink, links[ino]);
		if (dirdata[ino] && get(inode_off(ino) + DI_SIZE, 8) >= DIRBLKSIZ) {
			/* ".." (the entry after ".") names the directory that names
			 * this one; the root's names the root */
			uint16_t dotlen;
			uint32_t up = 0;
			memcpy(&dotlen, dirdata[ino] + 4, 2);
			if (dotlen >= 8 && dotlen < DIRBLKSIZ)
				memcpy(&up, dirdata[ino] + dotlen, 4);
			uint64_t want = ino == ROOTINO ? ROOTINO : parent[ino];
			if (ino != ROOTINO && !parent[ino])
				problem("directory %lu: no directory names it", (unsigned long)ino);
			else if (up != want)
				problem("directory %lu: \"..\" is %lu, named in %lu", (unsigned long)ino, (unsigned long)up,
					(unsigned long)want);
		}
	}
	/* Every directory leads up to the root: a cycle of directories naming
	 * each other, cut off from it, is not reachable. */
	for (uint64_t ino = ROOTINO + 1; ino < ninodes; ino++) {
		if (!dirdata[ino] || !parent[ino])
			continue;
		uint64_t up = ino, steps = 0;
		while (up != ROOTINO && parent[up] && steps++ < ninodes)
			up = parent[up];
		if (up != ROOTINO)
			problem("directory %lu: not reachable from the root", (unsigned long)ino);
	}
	for (uint64_t ino = 0; ino < ninodes; ino++)
		free(dirdata[ino]);
	free(dirdata);
}

static bool bit(const uint8_t *map, uint64_t i) { return map[i / 8] >> (i % 8) & 1; }

/* Pass 5: the cylinder groups' maps and counts against what was found. */
static void check_groups(void)
{
	int64_t tot[4] = { 0 };		/* ndir, nbfree, nifree, nffree */
	for (uint64_t c = 0; c < ncg; c++) {
		uint64_t off = cg_off(c);
		if (get(off + CG_MAGIC_OFF, 4) != CG_MAGIC || get(off + CG_CGX, 4) != c) {
			problem("cylinder group %lu: bad header", (unsigned long)c);
			continue;
		}
		uint64_t ndblk = get(off + CG_NDBLK, 4), inited = get(off + CG_INITEDIBLK, 4);
		uint64_t want_ndblk = nfrags - cgbase(c) < fpg ? nfrags - cgbase(c) : fpg;
		uint64_t iused = off + get(off + CG_IUSEDOFF, 4), freemap = off + get(off + CG_FREEOFF, 4);
		if (ndblk != want_ndblk || !in_image(iused, (ipg + 7) / 8) || !in_image(freemap, (fpg + 7) / 8)) {
			problem("cylinder group %lu: bad sizes or map offsets", (unsigned long)c);
			continue;
		}
		int64_t ndir = 0, nifree = 0, nbfree = 0, nffree = 0;
		for (uint64_t i = 0; i < ipg; i++) {
			uint64_t ino = c * ipg + i;
			bool inuse = ino < ROOTINO || allocated[ino];
			if (bit(img + iused, i) != inuse)
				problem("inode %lu: the map says %s", (unsigned long)ino, inuse ? "free" : "in use");
			if (inuse && i >= inited)
				problem("inode %lu: in use past the initialised inodes", (unsigned long)ino);
			nifree += !inuse;
			ndir += ino >= ROOTINO && allocated[ino] && (get(inode_off(ino) + DI_MODE, 2) & IFMT) == IFDIR;
		}
		for (uint64_t b = 0; b < ndblk; b += frag) {
			int nfree = 0;
			for (uint64_t j = b; j < b + frag && j < ndblk; j++) {
				bool isfree = bit(img + freemap, j);
				if (isfree == used[cgbase(c) + j])
					problem("fragment %lu: the map says %s", (unsigned long)(cgbase(c) + j),
						isfree ? "free, but it is in use" : "in use, but nothing claims it");
				nfree += isfree;
			}
			if ((uint64_t)nfree == frag)
				nbfree++;
			else
				nffree += nfree;
		}
		int64_t rec[4], arr[4];
		uint64_t csum = get(sb + SB_CSADDR, 8) * fsize + c * 16;	/* the summary array's copy */
		for (int k = 0; k < 4; k++) {
			rec[k] = (int32_t)get(off + CG_CS + 4 * (uint64_t)k, 4);
			arr[k] = (int32_t)get(csum + 4 * (uint64_t)k, 4);
		}
		if (memcmp(rec, arr, sizeof(rec)))
			problem("cylinder group %lu: the summary array at the superblock's csaddr disagrees with the group",
				(unsigned long)c);
		if (rec[0] != ndir || rec[1] != nbfree || rec[2] != nifree || rec[3] != nffree)
			problem("cylinder group %lu: summary says %ld dirs, %ld free blocks, %ld free inodes, %ld free "
				"fragments; the maps say %ld, %ld, %ld, %ld", (unsigned long)c, (long)rec[0], (long)rec[1],
				(long)rec[2], (long)rec[3], (long)ndir, (long)nbfree, (long)nifree, (long)nffree);
		tot[0] += ndir, tot[1] += nbfree, tot[2] += nifree, tot[3] += nffree;
	}
	for (int k = 0; k < 4; k++) {
		static const char *const what[] = { "directories", "free blocks", "free inodes", "free fragments" };
		int64_t sbv = get64s(sb + SB_CSTOTAL + 8 * (uint64_t)k);
		if (sbv != tot[k])
			problem("superblock: %ld %s, the groups add up to %ld", (long)sbv, what[k], (long)tot[k]);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ffs-check IMAGE\n");
		return 2;
	}
	img_name = argv[1];
	FILE *fp = fopen(img_name, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (img_size = (uint64_t)ftell(fp)) == 0 || fseek(fp, 0, SEEK_SET)) {
		fprintf(stderr, "ffs-check: %s: cannot read it\n", img_name);
		return 2;
	}
	uint8_t *buf = malloc(img_size);
	if (!buf || fread(buf, 1, img_size, fp) != img_size) {
		fprintf(stderr, "ffs-check: %s: cannot read it\n", img_name);
		return 2;
	}
	fclose(fp);
	img = buf;
	if (!find_superblock()) {
		printf("ffs-check: %s: no UFS2 superblock at 64 KiB or 8 KiB\n", img_name);
		return 1;
	}
	if (!read_geometry())
		return 1;
	used = calloc(nfrags, 1);
	links = calloc(ninodes, sizeof(*links));
	parent = calloc(ninodes, sizeof(*parent));
	allocated = calloc(ninodes, 1);
	if (!used || !links || !parent || !allocated) {
		fprintf(stderr, "ffs-check: out of memory\n");
		return 2;
	}
	if (!(get(sb + SB_CLEAN, 1) & 1))
		problem("the superblock is not marked clean");
	claim_metadata();
	check_inodes();
	check_groups();
	uint64_t inuse = 0;
	for (uint64_t f = 0; f < nfrags; f++)
		inuse += used[f];
	if (problems) {
		printf("ffs-check: %s: %d problem%s%s\n", img_name, problems, problems == 1 ? "" : "s",
			problems > 40 ? " (the first 40 shown)" : "");
		return 1;
	}
	printf("ffs-check: %s: clean: %lu files, %lu directories, %lu of %lu fragments in use\n", img_name,
	       (unsigned long)nfiles, (unsigned long)ndirs, (unsigned long)inuse, (unsigned long)nfrags);
	free(used), free(links), free(parent), free(allocated), free(buf);
	return 0;
}
