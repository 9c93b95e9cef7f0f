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

/* System-call numbers (sys/syscall.h) */
#define NB_SYS_read		3
#define NB_SYS_write		4
#define NB_SYS_open		5
#define NB_SYS_close		6
#define NB_SYS_unlink		10
#define NB_SYS_getpid		20	/* retval[0] = pid, retval[1] = parent's pid */
#define NB_SYS_dup		41
#define NB_SYS_pipe		42	/* retval[0], retval[1] = the read and write ends */
#define NB_SYS_dup2		90
#define NB_SYS_fsync		95
#define NB_SYS_mkdir		136
#define NB_SYS_lseek		199	/* fd, PAD, offset, whence */
#define NB_SYS_ftruncate	201	/* fd, PAD, length */
#define NB_SYS_poll		209
#define NB_SYS_pipe2		453
#define NB_SYS_NSYSENT		512
/* credentials, exit */
#define NB_SYS_exit		1	/* never passed to NetBSD: rk_proc_exit ends a client's process */
#define NB_SYS_unmount		22	/* path, flags */
#define NB_SYS_setuid		23
#define NB_SYS_getuid		24	/* retval[0] = real uid, retval[1] = effective uid */
#define NB_SYS_geteuid		25
#define NB_SYS_getegid		43
#define NB_SYS_getgid		47	/* retval[0] = real gid, retval[1] = effective gid */
#define NB_SYS_setgroups	80	/* count, const gid_t * */
#define NB_SYS_setgid		181
#define NB_SYS_mount		410	/* __mount50: type, path, flags, data, data_len */

/* open(2) flags */
#define NB_O_RDONLY	0x0000
#define NB_O_WRONLY	0x0001
#define NB_O_RDWR	0x0002
#define NB_O_APPEND	0x0008
#define NB_O_NONBLOCK	0x0004
#define NB_O_CREAT	0x0200
#define NB_O_TRUNC	0x0400
#define NB_O_EXCL	0x0800

#define NB_SEEK_SET	0
#define NB_SEEK_CUR	1
#define NB_SEEK_END	2

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

struct nb_timespec {
	int64_t tv_sec;
	long tv_nsec;
};

#endif
