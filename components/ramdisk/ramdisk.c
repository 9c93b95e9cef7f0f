/*
 * ramdisk: a block device in its own memory (disk=SIZE of its composition
 * line), optionally preloaded with an image file, or a file of the host's
 * that the booter mapped for it (hostdisk=N). Clients read and write
 * whole 512-byte blocks through the buffer each shares with it; a request
 * outside the disk or the buffer is refused whole, never done in part.
 * A client that moves much data (the rump kernel) may instead borrow the
 * whole disk (ramdisk_map) and copy to and from it directly: one copy
 * instead of two, no invocation per transfer. Being a component of its
 * own, which keeps the memory it lends, its contents outlive a restart of
 * its clients.
 */
#include "r2c.h"

#define BLOCK 512

R2C_CLIENT_SHM(131072);

static char *disk;
static word_t nblocks;

static char *client_buffer(word_t token, word_t off, word_t bytes)
{
	for (word_t i = 0; i < r2c_env->nclients; i++) {
		const struct cinfo_client *c = &r2c_env->clients[i];
		if (c->token != token)
			continue;
		if (off > c->size || bytes > c->size - off)
			return NULL;
		return (char *)c->vaddr + off;
	}
	return NULL;
}

/* The disk bytes of blocks [block, block + count), or NULL. */
static char *extent(word_t block, word_t count)
{
	if (count == 0 || block >= nblocks || count > nblocks - block)
		return NULL;
	return disk + block * BLOCK;
}

/* -> r0 = number of blocks, r1 = block size */
static word_t ramdisk_geometry(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	inv->r1 = BLOCK;
	return nblocks;
}
R2C_ENTRY(ramdisk_geometry);

static long transfer(word_t block, word_t count, word_t off, word_t token, bool write)
{
	if (off % BLOCK)
		return -EINVAL;
	char *d = extent(block, count);
	if (!d)
		return -ERANGE;
	char *buf = client_buffer(token, off, count * BLOCK);
	if (!buf)
		return -EINVAL;
	if (write)
		memcpy(d, buf, count * BLOCK);
	else
		memcpy(buf, d, count * BLOCK);
	return (long)(count * BLOCK);
}

/* a0 = first block, a1 = blocks, a2 = offset in my shared buffer -> bytes */
static word_t ramdisk_read(word_t block, word_t count, word_t off, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	return (word_t)transfer(block, count, off, inv->token, false);
}
R2C_ENTRY(ramdisk_read);

static word_t ramdisk_write(word_t block, word_t count, word_t off, word_t a3, struct r2c_inv *inv)
{
	(void)a3;
	return (word_t)transfer(block, count, off, inv->token, true);
}
R2C_ENTRY(ramdisk_write);

/* The whole disk, lent read-write to the client that asks (the root
 * aliases my pages into a free window of its address space: only a
 * component the composition lets use me, only my own disk). The pages
 * stay mine. -> 0, r1 = the client's address of the disk, r2 = bytes */
static word_t ramdisk_map(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	if (!nblocks)
		return (word_t)-ENODEV;
	word_t at = 0;
	long e = r2c_share(inv->token, disk, R2C_PAGE_UP(nblocks * BLOCK), &at);
	if (e)
		return (word_t)e;
	inv->r1 = at;
	inv->r2 = nblocks * BLOCK;
	return 0;
}
R2C_ENTRY(ramdisk_map);

/* a0 = the client's address of a loan of mine -> 0 (it is gone) */
static word_t ramdisk_unmap(word_t at, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3;
	return (word_t)r2c_unshare(inv->token, at);
}
R2C_ENTRY(ramdisk_unmap);

/* Everything written is in memory already: a barrier with nothing to wait for. */
static word_t ramdisk_flush(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)inv;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}
R2C_ENTRY(ramdisk_flush);

void r2c_main(word_t arg)
{
	(void)arg;
	word_t bytes = r2c_env->disk_bytes;
	if (!bytes || bytes % BLOCK) {
		r2c_printf("ramdisk: no disk=SIZE (a multiple of %d) in the composition\n", BLOCK);
		return;
	}
	nblocks = bytes / BLOCK;
	if (r2c_env->disk_vaddr) {	/* a host disk: the host file's own pages */
		disk = (char *)r2c_env->disk_vaddr;
		r2c_printf("ramdisk: %lu blocks of %d bytes (%lu KiB) on a host disk\n", nblocks, BLOCK,
			   bytes >> 10);
		return;
	}
	word_t pages = (bytes + 4095) / 4096;	/* a size of 512-byte blocks ends inside its last page */
	long e = r2c_map_pages(&r2c_self_mem, r2c_self_mem.self_slot, COMP_DISK_BASE, pages, MAP_WRITE);
	if (e != (long)pages) {
		r2c_printf("ramdisk: mem too small for a %lu KiB disk (%ld)\n", bytes >> 10, e < 0 ? e : -ENOMEM);
		nblocks = 0;
		return;
	}
	disk = (char *)COMP_DISK_BASE;
	if (r2c_env->preload_size)
		memcpy(disk, (const void *)r2c_env->preload_vaddr, r2c_env->preload_size);
	r2c_printf("ramdisk: %lu blocks of %d bytes (%lu KiB), %lu bytes preloaded\n", nblocks, BLOCK,
		   bytes >> 10, r2c_env->preload_size);
}
