/*
 * NetBSD's system-call interface as rk serves it (components/rk/sysproxy.c,
 * lib/rkclient/syscall.c): system-call numbers, argument layout and the
 * structures the calls take, for x86-64, written from NetBSD's
 * documentation and checked against its headers, so that clients and rk
 * need no NetBSD headers. The argument block of a call is NetBSD's
 * `syscallargs`: each argument in its own 8-byte slot, in order (an
 * `int` in the low half of its slot), at most NB_SYSARGS_MAX slots.
 */
#ifndef R2C_NETBSD_H
#define R2C_NETBSD_H

#include <stdint.h>

#define NB_SYSARGS_MAX	8
/* rk_syscall's a0 is the number, or the number | NB_SYSARGS_IN_REGS(n):
 * then the first n (1 to NB_SYSARGS_REGS) slots are a1..a3 themselves and
 * there is no block to copy (docs/rumpkernel.md). */
#define NB_SYSARGS_REGS	3
#define NB_SYSARGS_IN_REGS(n)	((uint64_t)(n) << 32)

/* System-call numbers (sys/syscall.h). Where NetBSD kept an old
 * number for compatibility, this is the current one (__stat50, ...). */
#define NB_SYS_read		3
#define NB_SYS_write		4
#define NB_SYS_open		5
#define NB_SYS_close		6
#define NB_SYS_link		9
#define NB_SYS_unlink		10
#define NB_SYS_chdir		12
#define NB_SYS_fchdir		13
#define NB_SYS_chmod		15
#define NB_SYS_chown		16
#define NB_SYS_getpid		20	/* retval[0] = pid, retval[1] = parent's pid */
#define NB_SYS_unmount		22	/* path, flags */
#define NB_SYS_setuid		23
#define NB_SYS_getuid		24	/* retval[0] = real uid, retval[1] = effective uid */
#define NB_SYS_geteuid		25
#define NB_SYS_recvmsg		27
#define NB_SYS_sendmsg		28
#define NB_SYS_recvfrom		29
#define NB_SYS_accept		30
#define NB_SYS_getpeername	31
#define NB_SYS_getsockname	32
#define NB_SYS_access		33
#define NB_SYS_sync		36
#define NB_SYS_dup		41
#define NB_SYS_pipe		42	/* retval[0], retval[1] = the read and write ends */
#define NB_SYS_getegid		43
#define NB_SYS_getgid		47	/* retval[0] = real gid, retval[1] = effective gid */
#define NB_SYS_ioctl		54
#define NB_SYS_symlink		57
#define NB_SYS_readlink		58
#define NB_SYS_umask		60
#define NB_SYS_setgroups	80	/* count, const gid_t * */
#define NB_SYS_dup2		90
#define NB_SYS_fcntl		92
#define NB_SYS_fsync		95
#define NB_SYS_connect		98
#define NB_SYS_bind		104
#define NB_SYS_setsockopt	105
#define NB_SYS_listen		106
#define NB_SYS_getsockopt	118
#define NB_SYS_readv		120
#define NB_SYS_writev		121
#define NB_SYS_fchown		123
#define NB_SYS_fchmod		124
#define NB_SYS_rename		128
#define NB_SYS_sendto		133
#define NB_SYS_shutdown		134
#define NB_SYS_socketpair	135
#define NB_SYS_mkdir		136
#define NB_SYS_rmdir		137
#define NB_SYS_pread		173	/* fd, buf, n, PAD, offset */
#define NB_SYS_pwrite		174	/* fd, buf, n, PAD, offset */
#define NB_SYS_setgid		181
#define NB_SYS_lseek		199	/* fd, PAD, offset, whence */
#define NB_SYS_truncate		200	/* path, PAD, length */
#define NB_SYS_ftruncate	201	/* fd, PAD, length */
#define NB_SYS_poll		209
#define NB_SYS_fdatasync	241
#define NB_SYS_fsync_range	354
#define NB_SYS_getcwd		296	/* __getcwd: buf, size -> length with the NUL */
#define NB_SYS_kqueue		344
#define NB_SYS_statvfs1		357	/* path, buf, ST_WAIT or ST_NOWAIT */
#define NB_SYS_fstatvfs1	358
#define NB_SYS_getdents		390	/* __getdents30 */
#define NB_SYS_socket		394	/* __socket30 */
#define NB_SYS_mount		410	/* __mount50: type, path, flags, data, data_len */
#define NB_SYS_select		417	/* __select50 */
#define NB_SYS_gettimeofday	418	/* __gettimeofday50 */
#define NB_SYS_utimes		420	/* __utimes50 */
#define NB_SYS_futimes		423	/* __futimes50 */
#define NB_SYS_clock_gettime	427	/* __clock_gettime50 */
#define NB_SYS_nanosleep	430	/* __nanosleep50 */
#define NB_SYS_kevent		435	/* __kevent50 */
#define NB_SYS_stat		439	/* __stat50 */
#define NB_SYS_fstat		440	/* __fstat50 */
#define NB_SYS_lstat		441	/* __lstat50 */
#define NB_SYS_pipe2		453
#define NB_SYS_dup3		454
#define NB_SYS_paccept		456
#define NB_SYS_NSYSENT		512
#define NB_SYS_exit		1	/* never passed to NetBSD: rk_proc_exit ends a client's process */

/* open(2) and fcntl(2) */
#define NB_O_RDONLY	0x0000
#define NB_O_WRONLY	0x0001
#define NB_O_RDWR	0x0002
#define NB_O_ACCMODE	0x0003
#define NB_O_NONBLOCK	0x0004
#define NB_O_APPEND	0x0008
#define NB_O_NOFOLLOW	0x0100
#define NB_O_CREAT	0x0200
#define NB_O_TRUNC	0x0400
#define NB_O_EXCL	0x0800
#define NB_O_DIRECTORY	0x00200000
#define NB_O_CLOEXEC	0x00400000
#define NB_F_DUPFD	0
#define NB_F_GETFD	1
#define NB_F_SETFD	2
#define NB_F_GETFL	3
#define NB_F_SETFL	4
#define NB_F_DUPFD_CLOEXEC 12
#define NB_FD_CLOEXEC	1
#define NB_AT_FDCWD	(-100)

#define NB_SEEK_SET	0
#define NB_SEEK_CUR	1
#define NB_SEEK_END	2

/* access(2) */
#define NB_F_OK		0
#define NB_X_OK		1
#define NB_W_OK		2
#define NB_R_OK		4

/* ioctl(2): _IOR('f', 127, int) and _IOW('f', 126, int) */
#define NB_FIONREAD	0x4004667fUL
#define NB_FIONBIO	0x8004667eUL

/* mount(2), unmount(2), statvfs(2) */
#define NB_MNT_RDONLY	0x00000001
#define NB_MNT_UPDATE	0x00010000
#define NB_MNT_LOG	0x02000000	/* FFS: WAPBL, the metadata journal */
#define NB_MNT_FORCE	0x00080000
#define NB_MNT_GETARGS	0x00400000
#define NB_ST_WAIT	1
#define NB_ST_NOWAIT	2

/* mount(2)'s data, per file-system type: "ffs" and "ext2fs" take struct
 * ufs_args (ufs/ufs/ufsmount.h), the block device to mount; "tmpfs"
 * takes struct tmpfs_args (fs/tmpfs/tmpfs_args.h). */
struct nb_ufs_args {
	const char *fspec;
};
_Static_assert(sizeof(struct nb_ufs_args) == 8, "struct ufs_args is 8 bytes");
struct nb_tmpfs_args {
	int32_t ta_version;	/* NB_TMPFS_ARGS_VERSION */
	uint64_t ta_nodes_max;	/* ino_t; 0: the default */
	int64_t ta_size_max;	/* off_t, bytes; 0: the default */
	uint32_t ta_root_uid, ta_root_gid, ta_root_mode;
};
_Static_assert(sizeof(struct nb_tmpfs_args) == 40, "struct tmpfs_args is 40 bytes");
#define NB_TMPFS_ARGS_VERSION 1

/* File types in st_mode */
#define NB_S_IFMT	0170000
#define NB_S_IFIFO	0010000
#define NB_S_IFCHR	0020000
#define NB_S_IFDIR	0040000
#define NB_S_IFBLK	0060000
#define NB_S_IFREG	0100000
#define NB_S_IFLNK	0120000
#define NB_S_IFSOCK	0140000

struct nb_timespec {
	int64_t tv_sec;
	long tv_nsec;
};
_Static_assert(sizeof(struct nb_timespec) == 16, "struct timespec is 16 bytes");

struct nb_timeval {
	int64_t tv_sec;
	int32_t tv_usec;	/* suseconds_t */
};
_Static_assert(sizeof(struct nb_timeval) == 16, "struct timeval is 16 bytes");

#define NB_CLOCK_REALTIME	0
#define NB_CLOCK_MONOTONIC	3

/* struct stat (sys/stat.h) */
struct nb_stat {
	uint64_t st_dev;
	uint32_t st_mode;
	uint64_t st_ino;
	uint32_t st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	struct nb_timespec st_atim, st_mtim, st_ctim, st_birthtim;
	int64_t st_size, st_blocks;
	uint32_t st_blksize, st_flags, st_gen, st_spare[2];
};
_Static_assert(sizeof(struct nb_stat) == 152, "struct stat is 152 bytes");

/* struct dirent (sys/dirent.h): getdents(2) answers records of d_reclen
 * bytes, each name NUL-terminated. */
struct nb_dirent {
	uint64_t d_fileno;
	uint16_t d_reclen, d_namlen;
	uint8_t d_type;
	char d_name[512];
};
#define NB_DT_UNKNOWN	0
#define NB_DT_FIFO	1
#define NB_DT_DIR	4
#define NB_DT_REG	8
#define NB_DT_LNK	10
#define NB_DT_SOCK	12

/* struct statvfs (sys/statvfs.h) */
struct nb_statvfs {
	unsigned long f_flag, f_bsize, f_frsize, f_iosize;
	uint64_t f_blocks, f_bfree, f_bavail, f_bresvd;
	uint64_t f_files, f_ffree, f_favail, f_fresvd;
	uint64_t f_syncreads, f_syncwrites, f_asyncreads, f_asyncwrites;
	int32_t f_fsidx[2];
	unsigned long f_fsid, f_namemax;
	uint32_t f_owner;
	uint32_t f_spare[4];
	char f_fstypename[32];
	char f_mntonname[1024];
	char f_mntfromname[1024];
};
_Static_assert(sizeof(struct nb_statvfs) == 2256, "struct statvfs is 2256 bytes");

/* readv(2), writev(2), sendmsg(2), recvmsg(2) */
struct nb_iovec {
	void *iov_base;
	uint64_t iov_len;
};

/* poll(2) */
struct nb_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
_Static_assert(sizeof(struct nb_pollfd) == 8, "struct pollfd is 8 bytes");
#define NB_POLLIN	0x0001
#define NB_POLLPRI	0x0002
#define NB_POLLOUT	0x0004
#define NB_POLLERR	0x0008
#define NB_POLLHUP	0x0010
#define NB_POLLNVAL	0x0020
#define NB_POLLRDNORM	0x0040

/* select(2): FD_SETSIZE bits in 32-bit words */
#define NB_FD_SETSIZE	256
struct nb_fd_set {
	uint32_t fds_bits[NB_FD_SETSIZE / 32];
};
#define NB_FD_ZERO(s)		(*(s) = (struct nb_fd_set){ { 0 } })
#define NB_FD_SET(fd, s)	((s)->fds_bits[(fd) / 32] |= 1u << ((fd) % 32))
#define NB_FD_CLR(fd, s)	((s)->fds_bits[(fd) / 32] &= ~(1u << ((fd) % 32)))
#define NB_FD_ISSET(fd, s)	(((s)->fds_bits[(fd) / 32] >> ((fd) % 32)) & 1)

/* kqueue(2), kevent(2) */
struct nb_kevent {
	uint64_t ident;
	uint32_t filter, flags, fflags;
	int64_t data;
	int64_t udata;
};
_Static_assert(sizeof(struct nb_kevent) == 40, "struct kevent is 40 bytes");
#define NB_EVFILT_READ	0u
#define NB_EVFILT_WRITE	1u
#define NB_EVFILT_TIMER	6u
#define NB_EV_ADD	0x0001u
#define NB_EV_DELETE	0x0002u
#define NB_EV_ENABLE	0x0004u
#define NB_EV_ONESHOT	0x0010u
#define NB_EV_CLEAR	0x0020u
#define NB_EV_ERROR	0x4000u
#define NB_EV_EOF	0x8000u

/* Sockets (sys/socket.h, sys/un.h, netinet/in.h): every sockaddr starts
 * with its own length and its family, a byte each. */
typedef uint32_t nb_socklen_t;
struct nb_sockaddr {
	uint8_t sa_len, sa_family;
	char sa_data[14];
};
struct nb_sockaddr_un {
	uint8_t sun_len, sun_family;
	char sun_path[104];
};
struct nb_sockaddr_in {
	uint8_t sin_len, sin_family;
	uint16_t sin_port;	/* network byte order */
	uint32_t sin_addr;	/* network byte order */
	uint8_t sin_zero[8];
};
_Static_assert(sizeof(struct nb_sockaddr_in) == 16, "struct sockaddr_in is 16 bytes");
struct nb_msghdr {
	void *msg_name;
	nb_socklen_t msg_namelen;
	struct nb_iovec *msg_iov;
	int32_t msg_iovlen;
	void *msg_control;
	nb_socklen_t msg_controllen;
	int32_t msg_flags;
};
_Static_assert(sizeof(struct nb_msghdr) == 48, "struct msghdr is 48 bytes");
#define NB_AF_UNSPEC	0
#define NB_AF_LOCAL	1
#define NB_AF_INET	2
#define NB_AF_INET6	24
#define NB_SOCK_STREAM	1
#define NB_SOCK_DGRAM	2
#define NB_SOCK_SEQPACKET 5
#define NB_SOCK_CLOEXEC	0x10000000
#define NB_SOCK_NONBLOCK 0x20000000
#define NB_SOL_SOCKET	0xffff
#define NB_SO_REUSEADDR	0x0004
#define NB_SO_KEEPALIVE	0x0008
#define NB_SO_SNDBUF	0x1001
#define NB_SO_RCVBUF	0x1002
#define NB_SO_ERROR	0x1007
#define NB_SO_TYPE	0x1008
#define NB_SO_SNDTIMEO	0x100b
#define NB_SO_RCVTIMEO	0x100c
#define NB_MSG_PEEK	0x0002
#define NB_MSG_TRUNC	0x0010
#define NB_MSG_WAITALL	0x0040
#define NB_MSG_DONTWAIT	0x0080
#define NB_MSG_NOSIGNAL	0x0400
#define NB_SHUT_RD	0
#define NB_SHUT_WR	1
#define NB_SHUT_RDWR	2
#define NB_IPPROTO_TCP	6
#define NB_IPPROTO_UDP	17
#define NB_TCP_NODELAY	1
#define NB_INADDR_ANY	0u

#endif
