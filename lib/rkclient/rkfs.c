/* See rkfs.h. One buffer per component, so calls from its threads take
 * turns on it (the rk side serialises them anyway). */
#include "r2c.h"
#include "rkclient/rkfs.h"

enum { OPEN, CLOSE, READ, WRITE, PREAD, PWRITE, LSEEK, FSTAT, STAT, MKDIR, RMDIR, UNLINK, RENAME,
       GETDENTS, FSYNC, SYNC, MOUNT, UNMOUNT, GETPID, NCALLS };
static const char *const names[NCALLS] = {
	"rkfs_open", "rkfs_close", "rkfs_read", "rkfs_write", "rkfs_pread", "rkfs_pwrite", "rkfs_lseek",
	"rkfs_fstat", "rkfs_stat", "rkfs_mkdir", "rkfs_rmdir", "rkfs_unlink", "rkfs_rename",
	"rkfs_getdents", "rkfs_fsync", "rkfs_sync", "rkfs_mount", "rkfs_unmount", "rkfs_getpid",
};

static word_t slot[NCALLS];
static char *buf;
static size_t size;
static const char *server_name;
static struct r2c_mutex lock;

int rk_fs_init(const char *server)
{
	const struct cinfo_shm *sh = r2c_shm(server);
	if (!sh)
		return -ENOENT;
	for (int i = 0; i < NCALLS; i++)
		if (!(slot[i] = r2c_import_from(server, names[i])))
			return -ENOENT;
	buf = (char *)sh->vaddr;
	size = sh->size;
	server_name = server;
	r2c_mutex_init(&lock);
	return 0;
}

static long call(int op, word_t a0, word_t a1, word_t a2, word_t a3)
{
	return slot[op] ? r2c_call(slot[op], a0, a1, a2, a3) : -ENOSYS;
}

long rk_raw(const char *entry, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	for (int i = 0; i < NCALLS; i++)
		if (!strcmp(names[i], entry))
			return call(i, a0, a1, a2, a3);
	return -ENOSYS;
}

/* Copy up to three strings into the buffer (at 0, 1/4, 1/2 of it). */
static long with_paths(int op, const char *p0, const char *p1, const char *p2, word_t x, word_t y)
{
	const char *p[3] = { p0, p1, p2 };
	word_t off[3] = { 0, size / 4, size / 2 };
	r2c_mutex_lock(&lock);
	for (int i = 0; i < 3 && p[i]; i++) {
		size_t n = strlen(p[i]) + 1;
		if (n > size / 4) {
			r2c_mutex_unlock(&lock);
			return -ENAMETOOLONG;
		}
		memcpy(buf + off[i], p[i], n);
	}
	long r;
	if (op == MOUNT)
		r = call(op, off[0], off[1], off[2], x);
	else if (op == RENAME)
		r = call(op, off[0], off[1], 0, 0);
	else
		r = call(op, 0, x, y, 0);
	r2c_mutex_unlock(&lock);
	return r;
}

long rk_open(const char *path, int flags, int mode) { return with_paths(OPEN, path, NULL, NULL, (word_t)flags, (word_t)mode); }
long rk_mkdir(const char *path, int mode) { return with_paths(MKDIR, path, NULL, NULL, (word_t)mode, 0); }
long rk_rmdir(const char *path) { return with_paths(RMDIR, path, NULL, NULL, 0, 0); }
long rk_unlink(const char *path) { return with_paths(UNLINK, path, NULL, NULL, 0, 0); }
long rk_rename(const char *from, const char *to) { return with_paths(RENAME, from, to, NULL, 0, 0); }
long rk_unmount(const char *path, int flags) { return with_paths(UNMOUNT, path, NULL, NULL, (word_t)flags, 0); }
long rk_mount(const char *type, const char *dev, const char *path, int flags)
{
	return with_paths(MOUNT, type, dev, path, (word_t)flags, 0);
}

long rk_close(int fd) { return call(CLOSE, (word_t)fd, 0, 0, 0); }
long rk_fsync(int fd) { return call(FSYNC, (word_t)fd, 0, 0, 0); }
long rk_sync(void) { return call(SYNC, 0, 0, 0, 0); }
long rk_getpid(void) { return call(GETPID, 0, 0, 0, 0); }
long rk_lseek(int fd, int64_t pos, int whence) { return call(LSEEK, (word_t)fd, (word_t)pos, (word_t)whence, 0); }

/* Data moves through the buffer a chunk at a time; pos < 0: no position. */
static long io(int op, int fd, char *data, size_t n, int64_t pos, bool out)
{
	size_t done = 0;
	r2c_mutex_lock(&lock);
	while (done < n) {
		size_t chunk = n - done < size ? n - done : size;
		if (out)
			memcpy(buf, data + done, chunk);
		long r = pos < 0 ? call(op, (word_t)fd, 0, chunk, 0)
				 : call(op, (word_t)fd, 0, chunk, (word_t)(pos + (int64_t)done));
		if (r < 0) {
			r2c_mutex_unlock(&lock);
			return done ? (long)done : r;
		}
		if (!out)
			memcpy(data + done, buf, (size_t)r);
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;		/* end of file, or a short write */
	}
	r2c_mutex_unlock(&lock);
	return (long)done;
}

long rk_read(int fd, void *b, size_t n) { return io(READ, fd, b, n, -1, false); }
long rk_write(int fd, const void *b, size_t n) { return io(WRITE, fd, (char *)b, n, -1, true); }
long rk_pread(int fd, void *b, size_t n, int64_t pos) { return io(PREAD, fd, b, n, pos, false); }
long rk_pwrite(int fd, const void *b, size_t n, int64_t pos) { return io(PWRITE, fd, (char *)b, n, pos, true); }

long rk_fstat(int fd, struct rkfs_stat *st)
{
	r2c_mutex_lock(&lock);
	long r = call(FSTAT, (word_t)fd, 0, 0, 0);
	if (r >= 0)
		memcpy(st, buf, sizeof(*st));
	r2c_mutex_unlock(&lock);
	return r;
}

long rk_stat(const char *path, struct rkfs_stat *st)
{
	size_t n = strlen(path) + 1;
	if (n > size / 2)
		return -ENAMETOOLONG;
	r2c_mutex_lock(&lock);
	memcpy(buf, path, n);
	long r = call(STAT, 0, size / 2, 0, 0);
	if (r >= 0)
		memcpy(st, buf + size / 2, sizeof(*st));
	r2c_mutex_unlock(&lock);
	return r;
}

long rk_readdir(int fd, void (*fn)(void *ctx, const char *name, int type), void *ctx)
{
	static char copy[8192];
	long count = 0;
	for (;;) {
		r2c_mutex_lock(&lock);
		long r = call(GETDENTS, (word_t)fd, 0, sizeof(copy), 0);
		if (r > 0)
			memcpy(copy, buf, (size_t)r);
		r2c_mutex_unlock(&lock);
		if (r <= 0)
			return r < 0 ? r : count;
		for (long off = 0; off < r;) {
			const struct rkfs_dirent *d = (const void *)(copy + off);
			if (d->reclen == 0 || off + d->reclen > r)
				return -EIO;
			fn(ctx, d->name, d->type);
			count++;
			off += d->reclen;
		}
	}
}
