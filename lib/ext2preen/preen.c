/*
 * ext2_preen (preen.h): why it exists is said there. How: a first phase
 * only reads. It marks every block the metadata and the in-use inodes
 * hold (refusing a block held twice or off the disk), then reads every
 * directory and counts the names of each inode (refusing a broken entry).
 * It checks the tree (every directory named once, by the directory its
 * ".." names, and reached from the root) and that /lost+found has room
 * for every file no directory names. A second phase writes what differs:
 * directory entries, inodes, the bitmaps, the group and superblock
 * counts, and marks the file system clean. The layout is the public ext2 revision 1 format (1-4 KiB blocks,
 * no extents, no journal, no group checksums); the in-use rule and the
 * fixes are those e2fsck applies, so `e2fsck -fn` finds nothing after it.
 */
#include "preen.h"
#include "fmt/fmt.h"
#include "string/string.h"

#define SB_OFF		1024
#define MAGIC		0xEF53
#define STATE_CLEAN	1
#define ROOT_INO	2
#define RESIZE_INO	7
#define NDIR		12
#define IND		12
#define DIND		13
#define TIND		14

/* features this code knows (others: refused) */
#define COMPAT_KNOWN	(0x0008 | 0x0010 | 0x0020)	/* ext_attr, resize_inode, dir_index */
#define INCOMPAT_FTYPE	0x0002
#define INCOMPAT_KNOWN	INCOMPAT_FTYPE
#define RO_SPARSE	0x0001
#define RO_KNOWN	(RO_SPARSE | 0x0002)		/* sparse_super, large_file */

#define S_IFMT		0xF000
#define S_IFDIR		0x4000
#define S_IFREG		0x8000
#define S_IFLNK		0xA000

/* inode fields (offsets in the on-disk inode) */
#define I_MODE		0
#define I_SIZE		4
#define I_DTIME		20
#define I_LINKS		26
#define I_BLOCKS	28
#define I_FLAGS		32
#define INDEX_FL	0x1000		/* a directory with a hash index */
#define FAST_SYMLINK_MAX 60		/* a shorter symlink's target is in i_block */
#define ORPHAN_ENTRY	20		/* the room an entry "#4294967295" takes */
#define I_BLOCK		40
#define I_FILE_ACL	104
#define I_SIZE_HIGH	108

struct preen {
	const struct ext2_preen_io *io;
	struct ext2_preen_fixes *fix;
	char *why;
	size_t why_size;
	uint8_t sb[1024];
	uint32_t bsize, nblocks, ninodes, first_data, bpg, ipg, isize, first_ino, ngroups, gdt_blocks, reserved_gdt;
	uint32_t ptrs;			/* block numbers per indirect block */
	int filetype, sparse, large_file;
	uint8_t *gd;			/* the group descriptors */
	uint8_t *used, *ea;		/* bit per block: held; held as an extended-attribute block */
	uint16_t *refs;			/* per inode: names found in directories */
	uint8_t *type;			/* per inode: 0 not in use, else its directory-entry type */
	uint8_t *named, *named_twice;	/* bit per inode: a name other than "." and ".."; two */
	uint32_t *parent;		/* per directory: the directory naming it */
	uint32_t *dotdot;		/* per directory: what its ".." names */
	uint8_t *reached;		/* bit per directory: reached from the root */
	uint8_t *ibuf;			/* one inode */
	uint8_t *itab;			/* the inode-table block last read */
	uint32_t itab_block;		/* which (0: none) */
	uint8_t *blk[4];		/* a block per indirection level */
	uint32_t lost_found;		/* its inode, or 0 */
	uint32_t lf_from;		/* the block of lost+found the next name goes in (or after) */
	uint64_t lf_room;		/* names lost+found has room for */
};

static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static int bit(const uint8_t *m, uint32_t i) { return m[i / 8] >> (i % 8) & 1; }
static void set_bit(uint8_t *m, uint32_t i) { m[i / 8] |= (uint8_t)(1 << (i % 8)); }

__attribute__((format(printf, 3, 4)))
static int fail(struct preen *p, int result, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	fmt_vsnprintf(p->why, p->why_size, f, ap);
	va_end(ap);
	return result;
}

static int rd(struct preen *p, uint64_t off, void *buf, size_t len)
{
	return p->io->read(p->io->ctx, off, buf, len) ? fail(p, EXT2_PREEN_IO, "cannot read %zu bytes at %lu",
							      len, (unsigned long)off) : 0;
}

static int wr(struct preen *p, uint64_t off, const void *buf, size_t len)
{
	return p->io->write(p->io->ctx, off, buf, len) ? fail(p, EXT2_PREEN_IO, "cannot write %zu bytes at %lu",
							       len, (unsigned long)off) : 0;
}

static uint64_t block_off(struct preen *p, uint32_t b) { return (uint64_t)b * p->bsize; }
static uint8_t *group(struct preen *p, uint32_t g) { return p->gd + 32 * g; }

static uint64_t inode_off(struct preen *p, uint32_t ino)
{
	uint32_t g = (ino - 1) / p->ipg, i = (ino - 1) % p->ipg;
	return block_off(p, get32(group(p, g) + 8)) + (uint64_t)i * p->isize;
}

/* Inodes are read a table block at a time (and written through). */
static int read_inode(struct preen *p, uint32_t ino)
{
	uint64_t off = inode_off(p, ino);
	uint32_t b = (uint32_t)(off / p->bsize);
	if (b != p->itab_block) {
		int e = rd(p, block_off(p, b), p->itab, p->bsize);
		p->itab_block = e ? 0 : b;
		if (e)
			return e;
	}
	memcpy(p->ibuf, p->itab + off % p->bsize, p->isize);
	return 0;
}

static int write_inode(struct preen *p, uint32_t ino)
{
	uint64_t off = inode_off(p, ino);
	if (off / p->bsize == p->itab_block)
		memcpy(p->itab + off % p->bsize, p->ibuf, p->isize);
	return wr(p, off, p->ibuf, p->isize);
}

static int is_power(uint32_t g, uint32_t base)
{
	uint32_t n = base;
	while (n < g)
		n *= base;
	return n == g;
}

static int has_super(struct preen *p, uint32_t g)
{
	return !p->sparse || g <= 1 || is_power(g, 3) || is_power(g, 5) || is_power(g, 7);
}

/* --- the superblock and the groups ------------------------------------- */

static int load_super(struct preen *p)
{
	uint8_t *s = p->sb;
	int e = rd(p, SB_OFF, s, sizeof(p->sb));
	if (e)
		return e;
	if (get16(s + 56) != MAGIC)
		return fail(p, EXT2_PREEN_REFUSED, "not ext2 (magic 0x%x)", get16(s + 56));
	uint32_t log = get32(s + 24), rev = get32(s + 76);
	uint32_t compat = get32(s + 92), incompat = get32(s + 96), ro = get32(s + 100);
	if (log > 2)
		return fail(p, EXT2_PREEN_REFUSED, "block size 2^%u KiB", log);
	if (rev == 1 && ((compat & ~COMPAT_KNOWN) || (incompat & ~INCOMPAT_KNOWN) || (ro & ~RO_KNOWN)))
		return fail(p, EXT2_PREEN_REFUSED, "features 0x%x/0x%x/0x%x it does not know", compat, incompat, ro);
	if (rev > 1)
		return fail(p, EXT2_PREEN_REFUSED, "revision %u", rev);
	p->bsize = 1024u << log;
	p->nblocks = get32(s + 4);
	p->ninodes = get32(s + 0);
	p->first_data = get32(s + 20);
	p->bpg = get32(s + 32);
	p->ipg = get32(s + 40);
	p->isize = rev ? get16(s + 88) : 128;
	p->first_ino = rev ? get32(s + 84) : 11;
	p->filetype = rev && (incompat & INCOMPAT_FTYPE);
	p->sparse = rev && (ro & RO_SPARSE);
	p->large_file = rev && (ro & 0x0002);
	p->reserved_gdt = rev && (compat & 0x0010) ? get16(s + 206) : 0;
	p->ptrs = p->bsize / 4;
	if (p->first_data != (p->bsize == 1024) || !p->bpg || p->bpg > 8 * p->bsize || !p->ipg ||
	    p->ipg > 8 * p->bsize || p->nblocks <= p->first_data || p->isize < 128 || p->isize > p->bsize ||
	    (p->isize & (p->isize - 1)) || p->first_ino <= RESIZE_INO || p->first_ino > p->ipg)
		return fail(p, EXT2_PREEN_REFUSED, "a superblock that does not add up");
	if ((uint64_t)p->nblocks * p->bsize > p->io->bytes)
		return fail(p, EXT2_PREEN_REFUSED, "%u blocks of %u bytes on a disk of %lu bytes", p->nblocks, p->bsize,
			    (unsigned long)p->io->bytes);
	if (p->nblocks > UINT32_MAX - p->bpg)	/* every block number and group end below fits 32 bits */
		return fail(p, EXT2_PREEN_REFUSED, "%u blocks", p->nblocks);
	uint64_t ngroups = ((uint64_t)p->nblocks - p->first_data + p->bpg - 1) / p->bpg;
	if (!ngroups || ngroups * p->ipg != p->ninodes || p->ninodes > UINT32_MAX - 1)
		return fail(p, EXT2_PREEN_REFUSED, "%u inodes in %lu groups of %u", p->ninodes,
			    (unsigned long)ngroups, p->ipg);
	p->ngroups = (uint32_t)ngroups;
	uint64_t gdt = (32 * ngroups + p->bsize - 1) / p->bsize;
	if (1 + gdt + p->reserved_gdt >= p->bpg)
		return fail(p, EXT2_PREEN_REFUSED, "group descriptors larger than a group");
	p->gdt_blocks = (uint32_t)gdt;
	return 0;
}

static int claim(struct preen *p, uint32_t b, int ea, uint32_t ino)
{
	if (b < p->first_data || b >= p->nblocks)
		return fail(p, EXT2_PREEN_REFUSED, "inode %u: block %u is off the disk", ino, b);
	uint32_t i = b - p->first_data;
	if (bit(p->used, i)) {
		if (ea && bit(p->ea, i))
			return 0;	/* an attribute block shared by inodes */
		return fail(p, EXT2_PREEN_REFUSED, "block %u is held twice (inode %u)", b, ino);
	}
	set_bit(p->used, i);
	if (ea)
		set_bit(p->ea, i);
	return 0;
}

static int load_groups(struct preen *p)
{
	size_t bytes = (size_t)p->gdt_blocks * p->bsize;
	if (!(p->gd = p->io->alloc(p->io->ctx, bytes)))
		return fail(p, EXT2_PREEN_REFUSED, "no memory for the group descriptors");
	int e = rd(p, block_off(p, p->first_data + 1), p->gd, bytes);
	if (e)
		return e;
	for (uint32_t g = 0; g < p->ngroups; g++) {
		uint64_t base = p->first_data + (uint64_t)g * p->bpg, end = base + p->bpg;
		if (end > p->nblocks)
			end = p->nblocks;
		if (has_super(p, g))
			for (uint64_t b = base; b < base + 1 + p->gdt_blocks + p->reserved_gdt; b++)
				if ((e = claim(p, (uint32_t)b, 0, 0)))
					return e;
		const uint8_t *d = group(p, g);
		uint64_t bb = get32(d), ib = get32(d + 4), it = get32(d + 8);
		uint64_t itb = ((uint64_t)p->ipg * p->isize + p->bsize - 1) / p->bsize;
		if (bb < base || bb >= end || ib < base || ib >= end || it < base || it + itb > end)
			return fail(p, EXT2_PREEN_REFUSED, "group %u: its bitmaps or inode table lie outside it", g);
		if ((e = claim(p, (uint32_t)bb, 0, 0)) || (e = claim(p, (uint32_t)ib, 0, 0)))
			return e;
		for (uint64_t b = it; b < it + itb; b++)
			if ((e = claim(p, (uint32_t)b, 0, 0)))
				return e;
	}
	return 0;
}

/* --- an inode's blocks ------------------------------------------------- */

/* visit(p, ino, lblock, pblock, arg) for each data block in logical order;
 * claim marks the indirect blocks and the data blocks as held. */
typedef int (*visit_fn)(struct preen *p, uint32_t ino, uint32_t lblock, uint32_t pblock, void *arg);

struct walk { uint32_t ino, count, last; int any, claim; visit_fn visit; void *arg; };

static int walk_ptr(struct preen *p, struct walk *w, uint32_t b, int level, uint32_t *lblock)
{
	uint32_t span = 1;
	for (int i = 0; i < level; i++)
		span *= p->ptrs;
	if (!b) {
		*lblock += span;
		return 0;
	}
	int e;
	if (w->claim && (e = claim(p, b, 0, w->ino)))
		return e;
	w->count++;
	if (!level) {
		w->last = *lblock, w->any = 1;
		e = w->visit ? w->visit(p, w->ino, *lblock, b, w->arg) : 0;
		++*lblock;
		return e;
	}
	uint8_t *buf = p->blk[level];
	if ((e = rd(p, block_off(p, b), buf, p->bsize)))
		return e;
	for (uint32_t i = 0; i < p->ptrs; i++)
		if ((e = walk_ptr(p, w, get32(buf + 4 * i), level - 1, lblock)))
			return e;
	return 0;
}

static int has_blocks(const uint8_t *in)
{
	uint16_t t = get16(in + I_MODE) & S_IFMT;
	if (t == S_IFDIR || t == S_IFREG)
		return 1;
	if (t != S_IFLNK)
		return 0;	/* devices, fifos, sockets: i_block holds no block numbers */
	return get32(in + I_SIZE) >= FAST_SYMLINK_MAX;	/* else a fast symlink: its target is in i_block */
}

/* Walk the inode in p->ibuf. */
static int walk_inode(struct preen *p, uint32_t ino, struct walk *w)
{
	w->ino = ino, w->count = 0, w->last = 0, w->any = 0;
	if (ino == RESIZE_INO)	/* its double-indirect block alone: the rest is reserved descriptors */
		return w->claim && get32(p->ibuf + I_BLOCK + 4 * DIND) ?
			claim(p, get32(p->ibuf + I_BLOCK + 4 * DIND), 0, ino) : 0;
	if (!has_blocks(p->ibuf))
		return 0;
	uint8_t ptr[60];
	memcpy(ptr, p->ibuf + I_BLOCK, sizeof(ptr));	/* the walk's buffers may not alias it */
	uint32_t lblock = 0;
	int e;
	for (int i = 0; i < 15; i++)
		if ((e = walk_ptr(p, w, get32(ptr + 4 * i), i < NDIR ? 0 : i - NDIR + 1, &lblock)))
			return e;
	return 0;
}

static int in_use(const uint8_t *in) { return get16(in + I_LINKS) != 0; }

static uint8_t entry_type(const uint8_t *in)
{
	static const uint8_t by_mode[16] = { 0, 5, 3, 0, 2, 0, 4, 0, 1, 0, 7, 0, 6, 0, 0, 0 };
	return by_mode[get16(in + I_MODE) >> 12];
}

/* Phase 1a: every in-use inode's blocks held, its type noted. */
static int scan_inodes(struct preen *p)
{
	int e;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++) {
		if ((e = read_inode(p, ino)))
			return e;
		if (ino < p->first_ino && ino != ROOT_INO && ino != RESIZE_INO) {
			/* reserved: the bad-blocks inode's blocks are held; the others hold none */
			if (ino == 1 && !in_use(p->ibuf)) {
				struct walk w = { .claim = 1 };
				int regular = (get16(p->ibuf + I_MODE) & S_IFMT) == S_IFREG || !get16(p->ibuf + I_MODE);
				if (!regular)
					return fail(p, EXT2_PREEN_REFUSED, "the bad-blocks inode: mode 0x%x",
						    get16(p->ibuf + I_MODE));
				put16(p->ibuf + I_MODE, S_IFREG);	/* walked as a file (in ibuf only) */
				if ((e = walk_inode(p, ino, &w)))
					return e;
				continue;
			}
			if (!in_use(p->ibuf)) {
				int any = get32(p->ibuf + I_BLOCKS) != 0;
				for (int i = 0; i < 15; i++)
					any |= get32(p->ibuf + I_BLOCK + 4 * i) != 0;
				if (any)
					return fail(p, EXT2_PREEN_REFUSED, "reserved inode %u holds blocks", ino);
				continue;
			}
		}
		if (!in_use(p->ibuf))
			continue;
		if (!entry_type(p->ibuf))
			return fail(p, EXT2_PREEN_REFUSED, "inode %u: mode 0x%x", ino, get16(p->ibuf + I_MODE));
		p->type[ino] = entry_type(p->ibuf);
		struct walk w = { .claim = 1 };
		if ((e = walk_inode(p, ino, &w)))
			return e;
		uint32_t acl = get32(p->ibuf + I_FILE_ACL);
		if (acl && (e = claim(p, acl, 1, ino)))
			return e;
	}
	if (p->type[ROOT_INO] != 2)
		return fail(p, EXT2_PREEN_REFUSED, "the root is not a directory");
	return 0;
}

/* --- directories ------------------------------------------------------- */

struct dirscan { int apply; uint32_t next; };	/* next: the logical block expected */

static uint32_t name_len(struct preen *p, const uint8_t *d) { return p->filetype ? d[6] : get16(d + 6); }

/* One directory block: the entries must tile it. Counting: each name of
 * an in-use inode counts; applying: a name of an inode not in use is
 * cleared and a wrong type put right, and the block written. */
static int dir_block(struct preen *p, uint32_t ino, uint32_t lblock, uint32_t pblock, void *arg)
{
	struct dirscan *s = arg;
	if (lblock != s->next++)
		return fail(p, EXT2_PREEN_REFUSED, "directory %u has a hole at block %u", ino, s->next - 1);
	uint8_t *b = p->blk[0];
	int e = rd(p, block_off(p, pblock), b, p->bsize), dirty = 0;
	if (e)
		return e;
	uint8_t *prev = NULL;
	for (uint32_t at = 0; at < p->bsize;) {
		uint8_t *d = b + at;
		if (at + 8 > p->bsize)
			return fail(p, EXT2_PREEN_REFUSED, "directory %u: a broken entry in block %u", ino, lblock);
		uint32_t target = get32(d), rec = get16(d + 4), len = name_len(p, d);
		if (rec < 8 || rec % 4 || at + rec > p->bsize || (target && 8 + len > rec))
			return fail(p, EXT2_PREEN_REFUSED, "directory %u: a broken entry in block %u", ino, lblock);
		if (target > p->ninodes)
			return fail(p, EXT2_PREEN_REFUSED, "directory %u: an entry names inode %u", ino, target);
		int dot = lblock == 0 && at == 0, dotdot = lblock == 0 && prev && prev == b;
		if (!s->apply && (dot || dotdot) &&
		    (!target || len != (uint32_t)(1 + dotdot) || memcmp(d + 8, "..", len)))
			return fail(p, EXT2_PREEN_REFUSED, "directory %u does not begin with '.' and '..'", ino);
		if (target && !p->type[target]) {
			if (dot || dotdot)
				return fail(p, EXT2_PREEN_REFUSED, "directory %u: '%s' names a free inode", ino,
					    dot ? "." : "..");
			if (s->apply) {
				if (prev)	/* the entry before takes its space */
					put16(prev + 4, (uint16_t)(get16(prev + 4) + rec));
				else
					put32(d, 0);
				p->fix->entries++, dirty = 1;
				if (prev) {
					at += rec;
					continue;
				}
			}
		} else if (target) {
			if (!s->apply && p->refs[target] < 0xFFFF)
				p->refs[target]++;
			if (!s->apply && !dot && !dotdot) {
				if (bit(p->named, target))
					set_bit(p->named_twice, target);
				set_bit(p->named, target);
				if (p->type[target] == 2)
					p->parent[target] = ino;
			}
			if (!s->apply && dotdot)
				p->dotdot[ino] = target;
			if (!s->apply && dot && target != ino)
				return fail(p, EXT2_PREEN_REFUSED, "directory %u: '.' names %u", ino, target);
			if (p->filetype && d[7] != p->type[target] && target >= p->first_ino) {
				if (s->apply)
					d[7] = p->type[target], p->fix->types++, dirty = 1;
			}
			if (!s->apply && ino == ROOT_INO && len == 10 && !memcmp(d + 8, "lost+found", 10) &&
			    p->type[target] == 2)
				p->lost_found = target;
		}
		prev = d;
		at += rec;
	}
	return dirty ? wr(p, block_off(p, pblock), b, p->bsize) : 0;
}

static int scan_dirs(struct preen *p, int apply)
{
	int e;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++) {
		if (p->type[ino] != 2)
			continue;
		if ((e = read_inode(p, ino)))
			return e;
		/* an indexed directory's index blocks read as one empty entry each */
		struct dirscan s = { .apply = apply };
		struct walk w = { .visit = dir_block, .arg = &s };
		if ((e = walk_inode(p, ino, &w)))
			return e;
		if (!apply && !w.any)
			return fail(p, EXT2_PREEN_REFUSED, "directory %u has no blocks", ino);
		if (!apply && ino == p->lost_found && (get32(p->ibuf + I_FLAGS) & INDEX_FL))
			p->lost_found = 0;	/* indexed: a name cannot simply be put in it */
	}
	return 0;
}

/* --- the tree ------------------------------------------------------- */

/* Every directory but the root named exactly once, by the directory its
 * ".." names, and reached from the root by following those; the root
 * named by no one and its own "..": what a rename cut short by a crash
 * can break, and a preen cannot mend. */
static int check_tree(struct preen *p)
{
	if (bit(p->named, ROOT_INO) || p->dotdot[ROOT_INO] != ROOT_INO)
		return fail(p, EXT2_PREEN_REFUSED, "the root is named elsewhere, or its '..' is not itself");
	set_bit(p->reached, ROOT_INO);
	uint32_t ndirs = 0;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++)
		ndirs += p->type[ino] == 2;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++) {
		if (p->type[ino] != 2 || ino == ROOT_INO)
			continue;
		if (!bit(p->named, ino) || bit(p->named_twice, ino))
			return fail(p, EXT2_PREEN_REFUSED, "directory %u has %s name", ino,
				    bit(p->named, ino) ? "more than one" : "no");
		if (p->dotdot[ino] != p->parent[ino])
			return fail(p, EXT2_PREEN_REFUSED, "directory %u: '..' names %u, its name is in %u", ino,
				    p->dotdot[ino], p->parent[ino]);
		/* up to a directory reached already; a longer way is a loop */
		uint32_t d = ino, steps = 0;
		while (!bit(p->reached, d) && steps++ <= ndirs)
			d = p->parent[d];
		if (!bit(p->reached, d))
			return fail(p, EXT2_PREEN_REFUSED, "directory %u is not reached from the root", ino);
		for (d = ino; !bit(p->reached, d); d = p->parent[d])
			set_bit(p->reached, d);
	}
	return 0;
}

/* --- files no directory names ------------------------------------------ */

/* The room in one block of /lost+found: names of ORPHAN_ENTRY bytes it
 * can take (count, when apply is 0), or the name of *orphan put in the
 * first room (apply). */
struct lf_visit { int apply; uint32_t orphan; uint64_t room; };

static int lost_found_block(struct preen *p, uint32_t ino, uint32_t lblock, uint32_t pblock, void *arg)
{
	(void)ino;
	struct lf_visit *v = arg;
	if ((v->apply && !v->orphan) || lblock < p->lf_from)
		return 0;	/* placed already, or no room there before */
	uint8_t *b = p->blk[0];
	int e = rd(p, block_off(p, pblock), b, p->bsize);
	if (e)
		return e;
	char name[16];
	uint32_t len = v->apply ? (uint32_t)fmt_snprintf(name, sizeof(name), "#%u", v->orphan) : 0;
	uint32_t need = (8 + len + 3) & ~3u;
	for (uint32_t at = 0; at + 8 <= p->bsize;) {	/* the entries tile it (checked) */
		uint8_t *d = b + at;
		uint32_t rec = get16(d + 4), have = get32(d) ? (8 + name_len(p, d) + 3) & ~3u : 0;
		if (!v->apply) {
			v->room += (rec - have) / ORPHAN_ENTRY;
		} else if (rec - have >= need) {
			uint8_t *n = d + have;
			if (have)
				put16(d + 4, (uint16_t)have);
			put32(n, v->orphan);
			put16(n + 4, (uint16_t)(rec - have));
			n[6] = (uint8_t)len;
			n[7] = p->filetype ? p->type[v->orphan] : 0;
			memcpy(n + 8, name, len);
			v->orphan = 0;
			p->lf_from = lblock;
			return wr(p, block_off(p, pblock), b, p->bsize);
		}
		at += rec;
	}
	return 0;
}

static int lost_found_walk(struct preen *p, struct lf_visit *v)
{
	int e = read_inode(p, p->lost_found);
	if (e)
		return e;
	struct walk w = { .visit = lost_found_block, .arg = v };
	return walk_inode(p, p->lost_found, &w);
}

/* Before anything is written: a name for each file no directory names
 * must fit in /lost+found as it is (not indexed). */
static int check_orphans(struct preen *p)
{
	uint64_t orphans = 0;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++) {
		if (p->refs[ino] == 0xFFFF)
			return fail(p, EXT2_PREEN_REFUSED, "inode %u: too many names", ino);
		orphans += p->type[ino] && p->type[ino] != 2 && !p->refs[ino] && ino >= p->first_ino;
	}
	if (!orphans)
		return 0;
	struct lf_visit v = { 0 };
	int e = p->lost_found ? lost_found_walk(p, &v) : 0;
	if (e)
		return e;
	if (v.room < orphans)
		return fail(p, EXT2_PREEN_REFUSED, "%lu files in no directory, and %s", (unsigned long)orphans,
			    p->lost_found ? "no room for them in /lost+found" : "no /lost+found (not indexed) for them");
	return 0;
}

/* --- the inodes put right ---------------------------------------------- */

static int fix_inodes(struct preen *p)
{
	int e;
	for (uint32_t ino = 1; ino <= p->ninodes; ino++) {
		if ((e = read_inode(p, ino)))
			return e;
		int dirty = 0;
		if (!p->type[ino]) {
			/* free: e2fsck wants a deleted inode to say when */
			if (ino >= p->first_ino && get16(p->ibuf + I_MODE) && !get32(p->ibuf + I_DTIME))
				put32(p->ibuf + I_DTIME, p->io->now ? p->io->now : 1), p->fix->dtimes++, dirty = 1;
			if (dirty && (e = write_inode(p, ino)))
				return e;
			continue;
		}
		if (ino < p->first_ino && ino != ROOT_INO)
			continue;	/* reserved: the resize inode's counts are its own */
		if (!p->refs[ino]) {	/* a file no directory names (directories refused above) */
			struct lf_visit v = { .apply = 1, .orphan = ino };
			if ((e = lost_found_walk(p, &v)) || (e = read_inode(p, ino)))
				return e;
			if (v.orphan)	/* the room was counted before: cannot be */
				return fail(p, EXT2_PREEN_IO, "no room in /lost+found after all for inode %u", ino);
			p->refs[ino] = 1;	/* a file: lost+found's own count is unchanged */
			p->fix->lost_found++;
		}
		if (get32(p->ibuf + I_DTIME))
			put32(p->ibuf + I_DTIME, 0), p->fix->dtimes++, dirty = 1;
		if (get16(p->ibuf + I_LINKS) != p->refs[ino])
			put16(p->ibuf + I_LINKS, p->refs[ino]), p->fix->links++, dirty = 1;
		struct walk w = { 0 };
		if ((e = walk_inode(p, ino, &w)))
			return e;
		uint32_t acl = get32(p->ibuf + I_FILE_ACL);
		uint32_t sectors = (w.count + (acl != 0)) * (p->bsize / 512);
		if (get32(p->ibuf + I_BLOCKS) != sectors)
			put32(p->ibuf + I_BLOCKS, sectors), p->fix->iblocks++, dirty = 1;
		uint16_t t = get16(p->ibuf + I_MODE) & S_IFMT;
		uint64_t size = get32(p->ibuf + I_SIZE);
		if (t == S_IFREG && p->large_file)
			size |= (uint64_t)get32(p->ibuf + I_SIZE_HIGH) << 32;
		uint64_t end = w.any ? ((uint64_t)w.last + 1) * p->bsize : 0;
		if (t == S_IFDIR && size != end) {	/* a directory is exactly its blocks */
			put32(p->ibuf + I_SIZE, (uint32_t)end), p->fix->sizes++, dirty = 1;
		} else if (t == S_IFREG && w.any && size < (uint64_t)w.last * p->bsize) {
			/* a block beyond the end: the size reaches it, as e2fsck would */
			put32(p->ibuf + I_SIZE, (uint32_t)end);
			if (p->large_file)
				put32(p->ibuf + I_SIZE_HIGH, (uint32_t)(end >> 32));
			p->fix->sizes++, dirty = 1;
		}
		if (dirty && (e = write_inode(p, ino)))
			return e;
	}
	return 0;
}

/* --- bitmaps and counts ------------------------------------------------ */

static int fix_bitmaps(struct preen *p)
{
	uint8_t *b = p->blk[0];
	uint32_t free_blocks = 0, free_inodes = 0;
	int e, gd_dirty = 0;
	for (uint32_t g = 0; g < p->ngroups; g++) {
		uint8_t *d = group(p, g);
		uint32_t base = g * p->bpg, n = p->nblocks - p->first_data - base < p->bpg ?
							 p->nblocks - p->first_data - base : p->bpg;
		uint32_t gfree = 0, ifree = 0, dirs = 0;
		/* blocks: bits beyond the group's last block are set (padding) */
		if ((e = rd(p, block_off(p, get32(d)), b, p->bsize)))
			return e;
		int dirty = 0;
		for (uint32_t i = 0; i < 8 * p->bsize; i++) {
			int want = i >= n || bit(p->used, base + i), have = bit(b, i);
			if (i < n && !want)
				gfree++;
			if (want != have) {
				b[i / 8] ^= (uint8_t)(1 << (i % 8));
				dirty = 1;
				if (i < n)
					p->fix->block_bits++;
			}
		}
		if (dirty && (e = wr(p, block_off(p, get32(d)), b, p->bsize)))
			return e;
		/* inodes: the reserved ones always in use, padding set */
		if ((e = rd(p, block_off(p, get32(d + 4)), b, p->bsize)))
			return e;
		dirty = 0;
		for (uint32_t i = 0; i < 8 * p->bsize; i++) {
			uint32_t ino = g * p->ipg + i + 1;
			int want = i >= p->ipg || ino < p->first_ino || p->type[ino], have = bit(b, i);
			if (i < p->ipg && !want)
				ifree++;
			if (i < p->ipg && p->type[ino] == 2)
				dirs++;
			if (want != have) {
				b[i / 8] ^= (uint8_t)(1 << (i % 8));
				dirty = 1;
				if (i < p->ipg)
					p->fix->inode_bits++;
			}
		}
		if (dirty && (e = wr(p, block_off(p, get32(d + 4)), b, p->bsize)))
			return e;
		if (get16(d + 12) != gfree || get16(d + 14) != ifree || get16(d + 16) != dirs) {
			put16(d + 12, (uint16_t)gfree), put16(d + 14, (uint16_t)ifree), put16(d + 16, (uint16_t)dirs);
			p->fix->group_counts++, gd_dirty = 1;
		}
		free_blocks += gfree, free_inodes += ifree;
	}
	if (gd_dirty && (e = wr(p, block_off(p, p->first_data + 1), p->gd, (size_t)p->gdt_blocks * p->bsize)))
		return e;
	if (get32(p->sb + 12) != free_blocks || get32(p->sb + 16) != free_inodes) {
		put32(p->sb + 12, free_blocks), put32(p->sb + 16, free_inodes);
		p->fix->super_counts++;
	}
	put16(p->sb + 58, STATE_CLEAN);	/* and no longer "errors": checked */
	return wr(p, SB_OFF, p->sb, sizeof(p->sb));
}

/* --- the whole ---------------------------------------------------------- */

unsigned ext2_preen_total(const struct ext2_preen_fixes *f)
{
	return f->block_bits + f->inode_bits + f->group_counts + f->super_counts + f->iblocks + f->sizes +
	       f->links + f->dtimes + f->entries + f->types + f->lost_found;
}

static void *take(struct preen *p, size_t bytes, int *ok)
{
	void *m = p->io->alloc(p->io->ctx, bytes);
	*ok &= m != NULL;
	return m;
}

static int run(struct preen *p)
{
	int e = load_super(p), ok = 1;
	if (e)
		return e;
	if ((get16(p->sb + 58) & STATE_CLEAN) && !p->io->force)
		return EXT2_PREEN_CLEAN;
	p->used = take(p, (p->nblocks + 7) / 8 + p->bpg / 8 + 1, &ok);
	p->ea = take(p, (p->nblocks + 7) / 8 + 1, &ok);
	p->refs = take(p, ((size_t)p->ninodes + 1) * sizeof(uint16_t), &ok);
	p->type = take(p, (size_t)p->ninodes + 1, &ok);
	p->named = take(p, (size_t)p->ninodes / 8 + 1, &ok);
	p->named_twice = take(p, (size_t)p->ninodes / 8 + 1, &ok);
	p->reached = take(p, (size_t)p->ninodes / 8 + 1, &ok);
	p->parent = take(p, ((size_t)p->ninodes + 1) * sizeof(uint32_t), &ok);
	p->dotdot = take(p, ((size_t)p->ninodes + 1) * sizeof(uint32_t), &ok);
	p->itab = take(p, p->bsize, &ok);
	p->ibuf = take(p, p->isize, &ok);
	for (int i = 0; i < 4; i++)
		p->blk[i] = take(p, p->bsize, &ok);
	if (!ok)
		return fail(p, EXT2_PREEN_REFUSED, "no memory for %u blocks and %u inodes", p->nblocks, p->ninodes);
	/* phase 1: reads only */
	if ((e = load_groups(p)) || (e = scan_inodes(p)) || (e = scan_dirs(p, 0)) || (e = check_tree(p)) ||
	    (e = check_orphans(p)))
		return e;
	/* phase 2: what differs is written */
	if ((e = scan_dirs(p, 1)) || (e = fix_inodes(p)) || (e = fix_bitmaps(p)))
		return e;
	return EXT2_PREEN_CHECKED;
}

enum ext2_preen_result ext2_preen(const struct ext2_preen_io *io, struct ext2_preen_fixes *fixes,
				  char *why, size_t why_size)
{
	struct preen *p = io->alloc(io->ctx, sizeof(*p));
	if (!p) {
		fmt_snprintf(why, why_size, "no memory");
		return EXT2_PREEN_REFUSED;
	}
	memset(fixes, 0, sizeof(*fixes));
	if (why_size)
		why[0] = 0;
	p->io = io, p->fix = fixes, p->why = why, p->why_size = why_size;
	int r = run(p);
	size_t bitmap = (p->nblocks + 7) / 8;
	if (p->gd)
		io->release(io->ctx, p->gd, (size_t)p->gdt_blocks * p->bsize);
	if (p->used)
		io->release(io->ctx, p->used, bitmap + p->bpg / 8 + 1);
	if (p->ea)
		io->release(io->ctx, p->ea, bitmap + 1);
	if (p->refs)
		io->release(io->ctx, p->refs, ((size_t)p->ninodes + 1) * sizeof(uint16_t));
	if (p->type)
		io->release(io->ctx, p->type, (size_t)p->ninodes + 1);
	void *bits[] = { p->named, p->named_twice, p->reached };
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i])
			io->release(io->ctx, bits[i], (size_t)p->ninodes / 8 + 1);
	if (p->parent)
		io->release(io->ctx, p->parent, ((size_t)p->ninodes + 1) * sizeof(uint32_t));
	if (p->dotdot)
		io->release(io->ctx, p->dotdot, ((size_t)p->ninodes + 1) * sizeof(uint32_t));
	if (p->itab)
		io->release(io->ctx, p->itab, p->bsize);
	if (p->ibuf)
		io->release(io->ctx, p->ibuf, p->isize);
	for (int i = 0; i < 4; i++)
		if (p->blk[i])
			io->release(io->ctx, p->blk[i], p->bsize);
	io->release(io->ctx, p, sizeof(*p));
	return (enum ext2_preen_result)r;
}
