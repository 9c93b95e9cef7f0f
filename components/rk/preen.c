/*
 * rk's ext2 preen: before rk mounts an ext2 of its arg= that was not
 * unmounted (a micro-reboot, or a machine stopped without shutdown), it
 * makes the file system consistent again with lib/ext2preen, as `fsck -p`
 * would at boot. Why: ext2 has no journal, and what a crash leaves
 * behind (an inode in use but free in the bitmap) made NetBSD panic at a
 * later create ("dup alloc": docs/reboot.md). The disk is reached through
 * the platform's own block hypercalls, before NetBSD has it mounted.
 * A file system it refuses is mounted as it is, and the console says why.
 */
#include "r2c.h"
#include "r2c/rumpuser.h"
#include "ext2preen/preen.h"
#include "fmt/fmt.h"

static int transfer(void *ctx, uint64_t off, void *buf, size_t len, bool write)
{
	struct rumpuser_iovec v = { buf, len };
	size_t done = 0;
	int fd = *(int *)ctx;
	int e = write ? rumpuser_iovwrite(fd, &v, 1, (int64_t)off, &done) : rumpuser_iovread(fd, &v, 1, (int64_t)off, &done);
	return e || done != len ? -1 : 0;
}

static int rd(void *ctx, uint64_t off, void *buf, size_t len) { return transfer(ctx, off, buf, len, false); }
static int wr(void *ctx, uint64_t off, const void *buf, size_t len) { return transfer(ctx, off, (void *)buf, len, true); }

static void *take(void *ctx, size_t bytes)
{
	(void)ctx;
	void *p = r2c_malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

static void give(void *ctx, void *p, size_t bytes) { (void)ctx, (void)bytes; r2c_free(p); }

void rk_preen_ext2(const char *disk)
{
	int fd;
	uint64_t bytes = 0;
	if (rumpuser_getfileinfo(disk, &bytes, NULL) || rumpuser_open(disk, RUMPUSER_OPEN_RDWR, &fd)) {
		r2c_printf("rk: ext2 on %s: cannot open it to check it\n", disk);
		return;
	}
	int64_t sec = 0;
	long nsec = 0;
	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	struct ext2_preen_io io = { &fd, rd, wr, take, give, bytes, (uint32_t)sec, 0 };
	struct ext2_preen_fixes f;
	char why[120];
	uint64_t t0 = r2c_tsc();
	enum ext2_preen_result r = ext2_preen(&io, &f, why, sizeof(why));
	uint64_t us = (r2c_tsc() - t0) / r2c_usecs(1);
	rumpuser_close(fd);
	if (r == EXT2_PREEN_CHECKED) {
		const struct { const char *what; unsigned n; } kinds[] = {
			{ "block bits", f.block_bits }, { "inode bits", f.inode_bits },
			{ "counts", f.group_counts + f.super_counts }, { "block counts", f.iblocks }, { "sizes", f.sizes },
			{ "links", f.links }, { "dtimes", f.dtimes }, { "entries cleared", f.entries },
			{ "entry types", f.types }, { "to lost+found", f.lost_found },
		};
		char list[96] = "";
		size_t at = 0;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (kinds[i].n && at < sizeof(list))
				at += (size_t)fmt_snprintf(list + at, sizeof(list) - at, "%s%u %s", at ? ", " : ": ",
							   kinds[i].n, kinds[i].what);
		r2c_printf("rk: ext2 on %s was not unmounted: checked in %lu us, %u put right%s\n", disk, us,
			   ext2_preen_total(&f), list);
	}
	else if (r != EXT2_PREEN_CLEAN)
		r2c_printf("rk: ext2 on %s was not unmounted and is not checked: %s; mounted as it is\n", disk, why);
}
