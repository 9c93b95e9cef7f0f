/*
 * Error numbers, NetBSD's values: the whole system speaks NetBSD errno so
 * the rump kernel's hypercall layer needs no translation. Kernel calls
 * return the negated value.
 */
#ifndef R2C_ERRNO_H
#define R2C_ERRNO_H

#define EPERM		1	/* operation needs a right the capability lacks */
#define ENOENT		2	/* empty capability slot */
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define ENXIO		6	/* a page-table level is missing */
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9	/* capability of the wrong type */
#define ECHILD		10
#define EDEADLK		11	/* invocation nesting too deep */
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14	/* the invoked component faulted */
#define EBUSY		16	/* object or frame in use */
#define EEXIST		17	/* slot or mapping already present */
#define EXDEV		18
#define ENODEV		19
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define EFBIG		27
#define ENOSPC		28
#define ESPIPE		29
#define EROFS		30
#define EMLINK		31
#define EPIPE		32
#define EDOM		33
#define ERANGE		34	/* slot index out of range */
#define EAGAIN		35	/* stale scheduling token */
#define EINPROGRESS	36
#define EALREADY	37
#define ENOTSOCK	38
#define EDESTADDRREQ	39
#define EMSGSIZE	40
#define EPROTOTYPE	41
#define ENOPROTOOPT	42
#define EPROTONOSUPPORT	43
#define EOPNOTSUPP	45
#define EAFNOSUPPORT	47
#define EADDRINUSE	48
#define EADDRNOTAVAIL	49
#define ENETDOWN	50
#define ENETUNREACH	51
#define ECONNABORTED	53
#define ECONNRESET	54
#define ENOBUFS		55
#define EISCONN		56
#define ENOTCONN	57
#define ETIMEDOUT	60
#define ECONNREFUSED	61
#define ELOOP		62
#define ENAMETOOLONG	63
#define EHOSTUNREACH	65
#define ENOTEMPTY	66
#define ENOSYS		78

#endif
