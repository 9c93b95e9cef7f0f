/*
 * rumpuser: the platform's file name space, which holds the RAM disks the
 * composition lets this component use: a server named NAME that exports
 * ramdisk_read is the block device NAME (e.g. "rd0"). The server lends
 * us the whole disk (ramdisk_map), so a transfer is one copy between the
 * rump kernel's buffer and the disk's memory, with no invocation and
 * nothing to flush: the disk is memory (the server's own, or a host file
 * mapped from a device), and the server keeps it, so it outlives us. A
 * server that lends nothing is used the old way, through the buffer we
 * share with it, one chunk at a time (two copies and two invocations).
 */
#include "rumpuser_int.h"
#include "r2c/ramdisk.h"

#define MAX_DISKS 8

struct disk {
	char name[16];
	word_t geometry, read, write, flush;
	char *mem;			/* the disk, lent to us; or NULL: through buf */
	char *buf;
	size_t buf_size;
	uint64_t bytes;
	uint64_t pos;			/* where iovread/iovwrite with off -1 go on */
	int open;
	struct r2c_mutex lock;		/* one transfer at a time through buf */
};

static struct disk disks[MAX_DISKS];
static int ndisks = -1;

static void find_disks(void)
{
	ndisks = 0;
	for (word_t i = 0; r2c_env && i < r2c_env->nimports && ndisks < MAX_DISKS; i++) {
		const struct cinfo_import *im = &r2c_env->imports[i];
		if (strcmp(im->name, "ramdisk_read"))
			continue;
		struct disk *d = &disks[ndisks];
		const struct cinfo_shm *sh = r2c_shm(im->server);
		if (!sh)
			continue;
		memcpy(d->name, im->server, sizeof(d->name));
		d->read = im->slot;
		d->write = r2c_import_from(im->server, "ramdisk_write");
		d->flush = r2c_import_from(im->server, "ramdisk_flush");
		d->geometry = r2c_import_from(im->server, "ramdisk_geometry");
		d->buf = (char *)sh->vaddr;
		d->buf_size = sh->size;
		long blocks = r2c_call(d->geometry, 0, 0, 0, 0);
		d->bytes = blocks > 0 ? (uint64_t)blocks * RAMDISK_BLOCK : 0;
		word_t map = r2c_import_from(im->server, "ramdisk_map");
		struct r2c_ret m = map ? r2c_invoke(map, 0, 0, 0, 0) : (struct r2c_ret){ -ENOENT, 0, 0, 0 };
		if (m.status == 0 && m.r0 == 0 && m.r2 == d->bytes)
			d->mem = (char *)m.r1;
		else
			r2c_printf("rk: %s: not lent (%ld/%ld): through the shared buffer\n", d->name, m.status,
				   (long)m.r0);
		r2c_mutex_init(&d->lock);
		ndisks++;
	}
}

static struct disk *by_name(const char *name)
{
	if (ndisks < 0)
		find_disks();
	for (int i = 0; i < ndisks; i++)
		if (!strcmp(disks[i].name, name))
			return &disks[i];
	return NULL;
}

static struct disk *by_fd(int fd)
{
	if (fd < 1 || fd > ndisks || !disks[fd - 1].open)
		return NULL;
	return &disks[fd - 1];
}

int rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
	struct disk *d = by_name(name);
	if (!d)
		return ENOENT;
	if (size)
		*size = d->bytes;
	if (type)
		*type = RUMPUSER_FT_BLK;
	return 0;
}

int rumpuser_open(const char *name, int mode, int *fdp)
{
	struct disk *d = by_name(name);
	if (!d)
		return (mode & RUMPUSER_OPEN_CREATE) ? EROFS : ENOENT;
	if ((mode & RUMPUSER_OPEN_CREATE) && (mode & RUMPUSER_OPEN_EXCL))
		return EEXIST;
	if (d->open++ == 0)
		d->pos = 0;
	*fdp = (int)(d - disks) + 1;
	return 0;
}

int rumpuser_close(int fd)
{
	struct disk *d = by_fd(fd);
	if (!d)
		return EBADF;
	d->open--;
	return 0;
}

/* Move len bytes at byte offset off between data and the disk, in
 * chunks through the shared buffer; partial blocks are read, patched and
 * written back. 0 or a NetBSD errno; *moved says how far it got. */
static int transfer(struct disk *d, bool write, char *data, size_t len, uint64_t off, size_t *moved)
{
	*moved = 0;
	if (off > d->bytes || len > d->bytes - off)
		return EIO;
	if (d->mem) {		/* NetBSD orders transfers to one block itself */
		if (write)
			memcpy(d->mem + off, data, len);
		else
			memcpy(data, d->mem + off, len);
		*moved = len;
		return 0;
	}
	r2c_mutex_lock(&d->lock);
	int err = 0;
	while (*moved < len) {
		uint64_t pos = off + *moved;
		uint64_t first = pos / RAMDISK_BLOCK, skip = pos % RAMDISK_BLOCK;
		size_t chunk = len - *moved;
		if (chunk > d->buf_size - skip)
			chunk = d->buf_size - skip;
		word_t blocks = (skip + chunk + RAMDISK_BLOCK - 1) / RAMDISK_BLOCK;
		bool partial = skip || (skip + chunk) % RAMDISK_BLOCK;
		if ((!write || partial) && r2c_call(d->read, first, blocks, 0, 0) != (long)(blocks * RAMDISK_BLOCK)) {
			err = EIO;
			break;
		}
		if (write) {
			memcpy(d->buf + skip, data + *moved, chunk);
			if (r2c_call(d->write, first, blocks, 0, 0) != (long)(blocks * RAMDISK_BLOCK)) {
				err = EIO;
				break;
			}
		} else {
			memcpy(data + *moved, d->buf + skip, chunk);
		}
		*moved += chunk;
	}
	r2c_mutex_unlock(&d->lock);
	return err;
}

/* Written data is on the disk once it is in its memory: a lent disk needs
 * only the stores ordered; otherwise the server is asked. 0 or EIO. */
static int flush(struct disk *d)
{
	if (d->mem) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return 0;
	}
	return r2c_call(d->flush, 0, 0, 0, 0) ? EIO : 0;
}

volatile bool rumpuser_inject_bio;

/* Synchronous: done() runs before we return, with the CPU still held. */
void rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off, rump_biodone_fn done, void *donearg)
{
	if (__builtin_expect(rumpuser_inject_bio, 0)) {	/* tests only: a fault in a hypercall */
		rumpuser_inject_bio = false;
		*(volatile char *)0x7eae0000 = *(volatile char *)data;
	}
	struct disk *d = by_fd(fd);
	size_t moved = 0;
	int err = EBADF;
	if (d && off >= 0) {
		err = 0;
		if (op & (RUMPUSER_BIO_READ | RUMPUSER_BIO_WRITE))
			err = transfer(d, op & RUMPUSER_BIO_WRITE, data, dlen, (uint64_t)off, &moved);
		if (!err && (op & RUMPUSER_BIO_SYNC))
			err = flush(d);
	} else if (d) {
		err = EINVAL;
	}
	done(donearg, moved, err);
}

static int iov(int fd, bool write, const struct rumpuser_iovec *v, size_t n, int64_t off, size_t *done)
{
	struct disk *d = by_fd(fd);
	*done = 0;
	if (!d)
		return EBADF;
	if (off < -1)
		return EINVAL;
	uint64_t at = off == -1 ? d->pos : (uint64_t)off;	/* -1: no seek, go on */
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		size_t moved;
		err = transfer(d, write, v[i].iov_base, v[i].iov_len, at + *done, &moved);
		*done += moved;
	}
	d->pos = at + *done;
	return err;
}

int rumpuser_iovread(int fd, struct rumpuser_iovec *v, size_t n, int64_t off, size_t *done)
{
	return iov(fd, false, v, n, off, done);
}

int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *v, size_t n, int64_t off, size_t *done)
{
	return iov(fd, true, v, n, off, done);
}

int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	(void)start, (void)len;
	struct disk *d = by_fd(fd);
	if (!d)
		return EBADF;
	return (flags & RUMPUSER_SYNCFD_WRITE) ? flush(d) : 0;
}
