/*
 * The file-system interface of the rk component (the NetBSD rump kernel)
 * as its clients see it. Every path and every byte of data travels in the
 * buffer the client shares with rk (cinfo shm entry named after the rk
 * component); arguments name offsets in it. Results are >= 0 or a
 * negative NetBSD errno; an offset or length outside the buffer, or a
 * path without its NUL inside it, gets -EFAULT.
 *
 * Entry points: rkfs_open(path, flags, mode), rkfs_close(fd),
 * rkfs_read(fd, off, len), rkfs_write(fd, off, len),
 * rkfs_pread(fd, off, len, pos), rkfs_pwrite(fd, off, len, pos),
 * rkfs_lseek(fd, pos, whence), rkfs_fstat(fd, off), rkfs_stat(path, off),
 * rkfs_mkdir(path, mode), rkfs_rmdir(path), rkfs_unlink(path),
 * rkfs_rename(from, to), rkfs_getdents(fd, off, len), rkfs_fsync(fd),
 * rkfs_sync(), rkfs_mount(type, dev, path, flags), rkfs_unmount(path,
 * flags), rkfs_getpid().
 */
#ifndef R2C_RKFS_H
#define R2C_RKFS_H

#include <stdint.h>

#define RKFS_BUFFER	(256 * 1024)

/* NetBSD's open flags, whence values and modes */
#define RKFS_O_RDONLY	0x0000
#define RKFS_O_WRONLY	0x0001
#define RKFS_O_RDWR	0x0002
#define RKFS_O_APPEND	0x0008
#define RKFS_O_CREAT	0x0200
#define RKFS_O_TRUNC	0x0400
#define RKFS_O_EXCL	0x0800
#define RKFS_O_DIRECTORY 0x00200000
#define RKFS_SEEK_SET	0
#define RKFS_SEEK_CUR	1
#define RKFS_SEEK_END	2
#define RKFS_S_IFMT	0170000
#define RKFS_S_IFDIR	0040000
#define RKFS_S_IFREG	0100000
#define RKFS_MNT_RDONLY	0x00000001
#define RKFS_MNT_FORCE	0x00080000

/* NetBSD's struct stat (amd64) */
struct rkfs_stat {
	uint64_t dev;
	uint32_t mode;
	uint32_t pad0;
	uint64_t ino;
	uint32_t nlink, uid, gid, pad1;
	uint64_t rdev;
	int64_t atime[2], mtime[2], ctime[2], birthtime[2];
	int64_t size, blocks;
	uint32_t blksize, flags, gen, spare[2];
	uint32_t pad2;
};

/* NetBSD's struct dirent: records of d_reclen bytes */
struct rkfs_dirent {
	uint64_t fileno;
	uint16_t reclen, namlen;
	uint8_t type;
	char name[];
};

#endif
