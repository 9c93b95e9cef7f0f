/* See dir.h. The records land in a buffer on the caller's stack, a few
 * at a time: no state outside the call, so threads may read directories
 * at once. */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/dir.h"

#define DIR_BUFFER 2048		/* several records; the largest is 528 bytes */

long rk_readdir(int fd, void (*fn)(void *ctx, const struct nb_dirent *d), void *ctx)
{
	_Alignas(8) char buf[DIR_BUFFER];
	long count = 0;
	for (;;) {
		long n = getdents(fd, buf, sizeof(buf));
		if (n <= 0)
			return n < 0 ? -1 : count;
		for (long off = 0; off < n;) {
			const struct nb_dirent *d = (const void *)(buf + off);
			long left = n - off;
			if (left < (long)offsetof(struct nb_dirent, d_name) || d->d_reclen == 0 || d->d_reclen > left) {
				errno = EIO;
				return -1;
			}
			fn(ctx, d);
			count++;
			off += d->d_reclen;
		}
	}
}
