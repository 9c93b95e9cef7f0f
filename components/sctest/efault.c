/*
 * Every pointer argument of every wrapper (those of rkclient/mount.h too),
 * given four bad pointers: NULL,
 * a kernel address, an unmapped address in my own range (the page after
 * a guarded page, see guard.c), and a buffer that starts in mapped memory
 * and runs off its end into that unmapped page. Each must be answered by
 * NetBSD itself (the rump kernel's copyin/copyout through the kernel's
 * copy from and to the invoker) with -1 and EFAULT, and rk must serve the
 * next call (a getpid). One table, one loop; each case is its own check,
 * efault.CALL.ARG.KIND.
 *
 * Where NetBSD gives a bad pointer a meaning, the table says what it
 * answers instead, from NetBSD's sources (sys/kern):
 * - NULL times for utimes/futimes: "now" (do_sys_utimes), 0;
 * - NULL sets or time-out for select, a NULL time-out for kevent: no set,
 *   no limit (a descriptor is ready, so they return at once);
 * - NULL addresses for accept, getsockname, getpeername, recvfrom,
 *   recvmsg's msg_name: "application not interested" (copyout_sockname);
 * - NULL to for sendto, msg_name and msg_control for sendmsg: none, on a
 *   connected socket: the data goes;
 * - getsockopt with a NULL value: nothing copied, 0; setsockopt with a
 *   NULL value and a length: EINVAL;
 * - gettimeofday's tv and tz may each be NULL;
 * - mount's type: a string that cannot be copied in is taken as a
 *   historic file-system number (mount_get_vfsops), which these
 *   addresses are not: ENODEV for all four (rk's mountguard.c reads the
 *   type first and answers the same);
 * - mount's data NULL: no arguments, EINVAL from tmpfs (EPERM when this
 *   client is not root: NetBSD checks the right before the arguments);
 *   the device name in rk_mount_disk's struct ufs_args likewise: for
 *   root, NULL is "no device", EINVAL (ffs_mount), the others EFAULT; for
 *   anyone else, EPERM.
 * rk reads two things before NetBSD does (components/rk/mountguard.c):
 * mount's type, and a tmpfs's struct tmpfs_args; a bad one is answered
 * by rk, with what NetBSD would answer (ENODEV, EFAULT).
 * Left out: pipe's array (NetBSD answers in two registers; the library,
 * not NetBSD, stores them), rk_readdir's callback (the library calls it,
 * in the client), and fcntl and ioctl commands other than one
 * reading (F_GETLK, FIONBIO) and one writing (FIONREAD) a structure.
 * The argument block itself (rk_syscall_block) is copied by rk, not
 * NetBSD: EFAULT from rk, in the table as "syscall.argblock".
 */
#include "sctest.h"
#include "rkclient/mount.h"

#define KERNEL_ADDR ((char *)0xffff800000000000ull)
enum kind { NUL, KERNEL, UNMAPPED, RUNOFF, KINDS };
static const char *const kind_name[KINDS] = { "null", "kernel", "unmapped", "runoff" };

/* What NetBSD answers: EFAULT unless said */
enum how { A_EFAULT, A_ERR, A_RET, A_FD };
struct answer {
	enum how how;
	long ret;	/* A_RET */
	int err;	/* A_ERR */
};
#define NULL_RET(v)	.null = { A_RET, (v), 0 }
#define NULL_ERR(e)	.null = { A_ERR, 0, (e) }
#define NULL_FD		.null = { A_FD, 0, 0 }
#define ALL_ERR(e)	.null = { A_ERR, 0, (e) }, .bad = { A_ERR, 0, (e) }

struct row {
	const char *call, *arg;
	long (*run)(char *p);
	unsigned span;		/* RUNOFF: bytes of the object still mapped before the unmapped page */
	struct answer null, bad;	/* bad: KERNEL, UNMAPPED and RUNOFF */
};

/* The fixture: files, descriptors and sockets the cases use. */
static char dir[96], file[112], ren[112], lnkto[112], link_[112], mnt[112], lsock[112];
static const char target[] = "a-symbolic-link-target-long-enough-to-run-off";
static int ffd = -1, dfd = -1, kq = -1, ls = -1, bs = -1, cs = -1, pc = -1, pa = -1;
static int rp[2] = { -1, -1 }, np[2] = { -1, -1 }, ss[2] = { -1, -1 }, ds[2] = { -1, -1 };
static struct nb_sockaddr_un laddr;
static nb_socklen_t laddr_len;
static char scratch[256];
static const struct nb_timespec zts = { 0, 0 };
static struct nb_timeval ztv = { 0, 0 };
static struct nb_tmpfs_args ta = { .ta_version = NB_TMPFS_ARGS_VERSION, .ta_size_max = 1 << 20, .ta_root_mode = 0755 };

static bool in_page(const char *p)
{
	const char *g = guarded_page(0);
	return p >= g && p < g + 4096;
}

/* Receives in these cases never wait (MSG_DONTWAIT; the data is sent
 * just before): a send that fails must not hang the boot. */

/* Empty a socket's receive buffer (errno as the case left it). */
static void drain(int s)
{
	int e = errno;
	while (recv(s, scratch, sizeof(scratch), NB_MSG_DONTWAIT) > 0)
		;
	errno = e;
}

/* A connection waiting on the listener: the client end (closed by the caller). */
static int pending(void)
{
	int c = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	connect(c, &laddr, laddr_len);
	return c;
}

/* --- files ---------------------------------------------------------------- */
static long r_open(char *p)
{
	long r = open(p, NB_O_RDONLY, 0);
	if (r >= 0)
		close((int)r);
	return r;
}
static long r_read(char *p) { lseek(ffd, 0, NB_SEEK_SET); return read(ffd, p, 64); }
static long r_write(char *p) { lseek(ffd, 0, NB_SEEK_SET); return write(ffd, p, 64); }
static long r_pread(char *p) { return pread(ffd, p, 64, 0); }
static long r_pwrite(char *p) { return pwrite(ffd, p, 64, 0); }
/* an iovec array whose first element (if mapped) is good */
static void good_iov(char *p)
{
	if (in_page(p))
		*(struct nb_iovec *)p = (struct nb_iovec){ scratch, 8 };
}
static long r_readv_iov(char *p) { good_iov(p); lseek(ffd, 0, NB_SEEK_SET); return readv(ffd, (void *)p, 2); }
static long r_readv_base(char *p)
{
	struct nb_iovec v = { p, 64 };
	lseek(ffd, 0, NB_SEEK_SET);
	return readv(ffd, &v, 1);
}
static long r_writev_iov(char *p) { good_iov(p); lseek(ffd, 0, NB_SEEK_SET); return writev(ffd, (void *)p, 2); }
static long r_writev_base(char *p)
{
	struct nb_iovec v = { p, 64 };
	lseek(ffd, 0, NB_SEEK_SET);
	return writev(ffd, &v, 1);
}
static long r_truncate(char *p) { return truncate(p, 0); }
static long r_stat_path(char *p) { struct nb_stat st; return stat(p, &st); }
static long r_stat_buf(char *p) { return stat(file, (void *)p); }
static long r_lstat_path(char *p) { struct nb_stat st; return lstat(p, &st); }
static long r_lstat_buf(char *p) { return lstat(file, (void *)p); }
static long r_fstat_buf(char *p) { return fstat(ffd, (void *)p); }
static long r_statvfs_path(char *p) { static struct nb_statvfs sv; return statvfs(p, &sv); }
static long r_statvfs_buf(char *p) { return statvfs(file, (void *)p); }
static long r_fstatvfs_buf(char *p) { return fstatvfs(ffd, (void *)p); }
static long r_access(char *p) { return access(p, NB_F_OK); }
static long r_chmod(char *p) { return chmod(p, 0644); }
static long r_chown(char *p) { return chown(p, -1, -1); }
static long r_utimes_path(char *p) { return utimes(p, (struct nb_timeval[2]){ { 1, 0 }, { 2, 0 } }); }
static long r_utimes_times(char *p) { return utimes(file, (void *)p); }
static long r_futimes_times(char *p) { return futimes(ffd, (void *)p); }
#define NB_F_GETLK 7	/* sys/fcntl.h: arg is a struct flock (24 bytes), copied in and out */
static long r_fcntl_flock(char *p) { return fcntl(ffd, NB_F_GETLK, (long)p); }
static long r_ioctl_out(char *p) { return ioctl(rp[0], NB_FIONREAD, p); }
static long r_ioctl_in(char *p) { return ioctl(np[0], NB_FIONBIO, p); }

/* --- names ---------------------------------------------------------------- */
static long r_unlink(char *p) { return unlink(p); }
static long r_mkdir(char *p) { return mkdir(p, 0755); }
static long r_rmdir(char *p) { return rmdir(p); }
static long r_rename_from(char *p) { return rename(p, lnkto); }
static long r_rename_to(char *p) { return rename(ren, p); }
static long r_link_from(char *p) { return link(p, lnkto); }
static long r_link_to(char *p) { return link(ren, p); }
static long r_symlink_target(char *p) { return symlink(p, lnkto); }
static long r_symlink_path(char *p) { return symlink("x", p); }
static long r_readlink_path(char *p) { return readlink(p, scratch, 64); }
static long r_readlink_buf(char *p) { return readlink(link_, p, 64); }
static long r_chdir(char *p) { return chdir(p); }
static long r_getcwd(char *p) { return getcwd(p, 256) ? 0 : -1; }
static long r_getdents(char *p) { lseek(dfd, 0, NB_SEEK_SET); return getdents(dfd, p, 4096); }
static long r_mount_type(char *p) { return mount(p, mnt, 0, &ta, sizeof(ta)); }
static long r_mount_path(char *p) { return mount("tmpfs", p, 0, &ta, sizeof(ta)); }
static long r_mount_data(char *p)
{
	long r = mount("tmpfs", mnt, 0, p, sizeof(ta));
	if (r == 0)
		unmount(mnt, 0);
	return r;
}
static long r_unmount(char *p) { return unmount(p, 0); }
static long r_rk_mount_tmpfs(char *p) { return rk_mount_tmpfs(p, 1 << 20, 0700, 0); }
static long r_rk_mount_disk_type(char *p) { return rk_mount_disk(p, "/dev/no-such-disk", mnt, 0); }
static long r_rk_mount_disk_dev(char *p) { return rk_mount_disk("ffs", p, mnt, 0); }
static long r_rk_mount_disk_dir(char *p) { return rk_mount_disk("ffs", "/dev/no-such-disk", p, 0); }

/* --- waiting: rp[0] always has a byte to read ------------------------------ */
static long r_poll(char *p) { return poll((void *)p, 2, 0); }
static struct nb_fd_set s_in, s_out, s_ex;
static void sets(void)
{
	NB_FD_ZERO(&s_in);
	NB_FD_SET(rp[0], &s_in);
	NB_FD_ZERO(&s_out);
	NB_FD_ZERO(&s_ex);
	ztv = (struct nb_timeval){ 0, 0 };
}
/* 64 descriptors: NetBSD copies 8 bytes of each set */
static long r_select_in(char *p) { sets(); return select(64, (void *)p, &s_out, &s_ex, &ztv); }
static long r_select_out(char *p) { sets(); return select(64, &s_in, (void *)p, &s_ex, &ztv); }
static long r_select_ex(char *p) { sets(); return select(64, &s_in, &s_out, (void *)p, &ztv); }
static long r_select_tv(char *p) { sets(); return select(64, &s_in, &s_out, &s_ex, (void *)p); }
static long r_kevent_changes(char *p) { return kevent(kq, (void *)p, 1, NULL, 0, &zts); }
static long r_kevent_events(char *p) { return kevent(kq, NULL, 0, (void *)p, 1, &zts); }
static long r_kevent_timeout(char *p)
{
	struct nb_kevent ev;
	return kevent(kq, NULL, 0, &ev, 1, (void *)p);
}
static long r_pipe2(char *p) { return pipe2((int *)(void *)p, 0); }

/* --- sockets --------------------------------------------------------------- */
static long r_socketpair(char *p) { return socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, (int *)(void *)p); }
static long r_bind(char *p) { return bind(bs, p, sizeof(struct nb_sockaddr_un)); }
static long r_connect(char *p) { return connect(cs, p, sizeof(struct nb_sockaddr_un)); }
static long r_accept_addr(char *p)
{
	int c = pending();
	nb_socklen_t len = sizeof(struct nb_sockaddr_un);
	long r = accept(ls, p, &len);
	if (r >= 0)
		close((int)r);
	close(c);
	return r;
}
static long r_accept_len(char *p)
{
	int c = pending();
	struct nb_sockaddr_un a;
	long r = accept(ls, &a, (void *)p);
	if (r >= 0)
		close((int)r);
	close(c);
	return r;
}
static long r_getsockname_addr(char *p)
{
	nb_socklen_t len = sizeof(struct nb_sockaddr_un);
	return getsockname(ls, p, &len);
}
static long r_getsockname_len(char *p) { struct nb_sockaddr_un a; return getsockname(ls, &a, (void *)p); }
static long r_getpeername_addr(char *p)
{
	nb_socklen_t len = sizeof(struct nb_sockaddr_un);
	return getpeername(pc, p, &len);
}
static long r_getpeername_len(char *p) { struct nb_sockaddr_un a; return getpeername(pc, &a, (void *)p); }
static long r_send(char *p) { long r = send(ss[0], p, 64, 0); drain(ss[1]); return r; }
static long r_sendto_buf(char *p) { long r = sendto(ss[0], p, 64, 0, NULL, 0); drain(ss[1]); return r; }
static long r_sendto_to(char *p)
{
	long r = sendto(ds[0], "x", 1, 0, p, sizeof(struct nb_sockaddr_un));
	drain(ds[1]);
	return r;
}
static long r_recv(char *p)
{
	send(ss[0], scratch, 64, 0);
	long r = recv(ss[1], p, 64, NB_MSG_DONTWAIT);
	drain(ss[1]);
	return r;
}
static long r_recvfrom_buf(char *p)
{
	send(ss[0], scratch, 64, 0);
	long r = recvfrom(ss[1], p, 64, NB_MSG_DONTWAIT, NULL, NULL);
	drain(ss[1]);
	return r;
}
static long r_recvfrom_from(char *p)
{
	nb_socklen_t len = sizeof(struct nb_sockaddr_un);
	send(ds[0], "x", 1, 0);
	long r = recvfrom(ds[1], scratch, 64, NB_MSG_DONTWAIT, p, &len);
	drain(ds[1]);
	return r;
}
static long r_recvfrom_len(char *p)
{
	struct nb_sockaddr_un a;
	send(ds[0], "x", 1, 0);
	long r = recvfrom(ds[1], scratch, 64, NB_MSG_DONTWAIT, &a, (void *)p);
	drain(ds[1]);
	return r;
}
static long r_sendmsg_msg(char *p) { long r = sendmsg(ss[0], (void *)p, 0); drain(ss[1]); return r; }
static long r_sendmsg_iov(char *p)
{
	good_iov(p);
	struct nb_msghdr m = { .msg_iov = (void *)p, .msg_iovlen = 2 };
	long r = sendmsg(ss[0], &m, 0);
	drain(ss[1]);
	return r;
}
static long r_sendmsg_base(char *p)
{
	struct nb_iovec v = { p, 64 };
	struct nb_msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	long r = sendmsg(ss[0], &m, 0);
	drain(ss[1]);
	return r;
}
static long r_sendmsg_name(char *p)
{
	struct nb_iovec v = { "x", 1 };
	struct nb_msghdr m = { .msg_name = p, .msg_namelen = sizeof(struct nb_sockaddr_un), .msg_iov = &v,
			       .msg_iovlen = 1 };
	long r = sendmsg(ds[0], &m, 0);
	drain(ds[1]);
	return r;
}
static long r_sendmsg_control(char *p)
{
	struct nb_iovec v = { "x", 1 };
	struct nb_msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = p, .msg_controllen = 16 };
	long r = sendmsg(ss[0], &m, 0);
	drain(ss[1]);
	return r;
}
static long r_recvmsg_msg(char *p)
{
	send(ss[0], "x", 1, 0);
	long r = recvmsg(ss[1], (void *)p, NB_MSG_DONTWAIT);
	drain(ss[1]);
	return r;
}
static long r_recvmsg_iov(char *p)
{
	good_iov(p);
	struct nb_msghdr m = { .msg_iov = (void *)p, .msg_iovlen = 2 };
	send(ss[0], scratch, 64, 0);
	long r = recvmsg(ss[1], &m, NB_MSG_DONTWAIT);
	drain(ss[1]);
	return r;
}
static long r_recvmsg_base(char *p)
{
	struct nb_iovec v = { p, 64 };
	struct nb_msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	send(ss[0], scratch, 64, 0);
	long r = recvmsg(ss[1], &m, NB_MSG_DONTWAIT);
	drain(ss[1]);
	return r;
}
static long r_recvmsg_name(char *p)
{
	struct nb_iovec v = { scratch, 64 };
	struct nb_msghdr m = { .msg_name = p, .msg_namelen = sizeof(struct nb_sockaddr_un), .msg_iov = &v,
			       .msg_iovlen = 1 };
	send(ds[0], "x", 1, 0);
	long r = recvmsg(ds[1], &m, NB_MSG_DONTWAIT);
	drain(ds[1]);
	return r;
}
/* a descriptor in flight (SCM_RIGHTS), received into a bad control buffer */
static long r_recvmsg_control(char *p)
{
	union { char b[24]; uint64_t align; } ctl = { { 0 } };
	uint32_t hdr[3] = { 16 + sizeof(int), NB_SOL_SOCKET, 1 /* SCM_RIGHTS */ };
	memcpy(ctl.b, hdr, sizeof(hdr));
	memcpy(ctl.b + 16, &np[1], sizeof(int));
	struct nb_iovec v = { "x", 1 };
	struct nb_msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	sendmsg(ss[0], &m, 0);
	struct nb_iovec rv = { scratch, 64 };
	struct nb_msghdr rm = { .msg_iov = &rv, .msg_iovlen = 1, .msg_control = p, .msg_controllen = 24 };
	long r = recvmsg(ss[1], &rm, NB_MSG_DONTWAIT);
	drain(ss[1]);
	return r;
}
static long r_getsockopt_val(char *p)
{
	nb_socklen_t len = sizeof(int);
	return getsockopt(ss[0], NB_SOL_SOCKET, NB_SO_TYPE, p, &len);
}
static long r_getsockopt_len(char *p) { int v; return getsockopt(ss[0], NB_SOL_SOCKET, NB_SO_TYPE, &v, (void *)p); }
static long r_setsockopt(char *p) { return setsockopt(ss[0], NB_SOL_SOCKET, NB_SO_RCVBUF, p, sizeof(int)); }

/* --- time, and rk's own copy of the argument block -------------------------- */
static long r_gettimeofday_tv(char *p) { return gettimeofday((void *)p, NULL); }
static long r_gettimeofday_tz(char *p) { struct nb_timeval tv; return gettimeofday(&tv, p); }
static long r_clock_gettime(char *p) { return clock_gettime(NB_CLOCK_MONOTONIC, (void *)p); }
static long r_argblock(char *p)
{
	long rv[2];
	int e = rk_syscall_block(NB_SYS_getpid, p, 16, rv);
	if (e) {
		errno = e;
		return -1;
	}
	return rv[0];
}

#define SOCKADDR_UN_SPAN 50	/* half a struct sockaddr_un */
#define R(c, a, fn, ...) { .call = (c), .arg = (a), .run = (fn), .span = __VA_ARGS__ }
static struct row rows[] = {
	R("open", "path", r_open, 8),
	R("read", "buf", r_read, 32),
	R("write", "buf", r_write, 32),
	R("pread", "buf", r_pread, 32),
	R("pwrite", "buf", r_pwrite, 32),
	R("readv", "iov", r_readv_iov, 24),
	R("readv", "iov_base", r_readv_base, 32),
	R("writev", "iov", r_writev_iov, 24),
	R("writev", "iov_base", r_writev_base, 32),
	R("truncate", "path", r_truncate, 8),
	R("stat", "path", r_stat_path, 8),
	R("stat", "buf", r_stat_buf, 64),
	R("lstat", "path", r_lstat_path, 8),
	R("lstat", "buf", r_lstat_buf, 64),
	R("fstat", "buf", r_fstat_buf, 64),
	R("statvfs", "path", r_statvfs_path, 8),
	R("statvfs", "buf", r_statvfs_buf, 1024),
	R("fstatvfs", "buf", r_fstatvfs_buf, 1024),
	R("access", "path", r_access, 8),
	R("chmod", "path", r_chmod, 8),
	R("chown", "path", r_chown, 8),
	R("utimes", "path", r_utimes_path, 8),
	R("utimes", "times", r_utimes_times, 16, NULL_RET(0)),
	R("futimes", "times", r_futimes_times, 16, NULL_RET(0)),
	R("fcntl", "flock", r_fcntl_flock, 8),
	R("ioctl", "out", r_ioctl_out, 2),
	R("ioctl", "in", r_ioctl_in, 2),
	R("unlink", "path", r_unlink, 8),
	R("mkdir", "path", r_mkdir, 8),
	R("rmdir", "path", r_rmdir, 8),
	R("rename", "from", r_rename_from, 8),
	R("rename", "to", r_rename_to, 8),
	R("link", "from", r_link_from, 8),
	R("link", "to", r_link_to, 8),
	R("symlink", "target", r_symlink_target, 8),
	R("symlink", "path", r_symlink_path, 8),
	R("readlink", "path", r_readlink_path, 8),
	R("readlink", "buf", r_readlink_buf, 16),
	R("chdir", "path", r_chdir, 8),
	R("getcwd", "buf", r_getcwd, 4),
	R("getdents", "buf", r_getdents, 8),
	R("mount", "type", r_mount_type, 3, ALL_ERR(ENODEV)),
	R("mount", "path", r_mount_path, 8),
	R("mount", "data", r_mount_data, 16, NULL_ERR(EINVAL)),	/* EPERM unprivileged: set in efault() */
	R("unmount", "path", r_unmount, 8),
	R("rk_mount_tmpfs", "dir", r_rk_mount_tmpfs, 8),
	R("rk_mount_disk", "type", r_rk_mount_disk_type, 3, ALL_ERR(ENODEV)),
	R("rk_mount_disk", "dev", r_rk_mount_disk_dev, 8, NULL_ERR(EINVAL)),	/* EPERM unprivileged: efault() */
	R("rk_mount_disk", "dir", r_rk_mount_disk_dir, 8),
	R("poll", "fds", r_poll, 8),
	R("select", "in", r_select_in, 4, NULL_RET(0)),
	R("select", "out", r_select_out, 4, NULL_RET(1)),
	R("select", "ex", r_select_ex, 4, NULL_RET(1)),
	R("select", "timeout", r_select_tv, 8, NULL_RET(1)),
	R("kevent", "changes", r_kevent_changes, 20),
	R("kevent", "events", r_kevent_events, 20),
	R("kevent", "timeout", r_kevent_timeout, 8, NULL_RET(1)),
	R("pipe2", "fds", r_pipe2, 4),
	R("socketpair", "sv", r_socketpair, 4),
	R("bind", "addr", r_bind, SOCKADDR_UN_SPAN),
	R("connect", "addr", r_connect, SOCKADDR_UN_SPAN),
	R("accept", "addr", r_accept_addr, 1, NULL_FD),
	R("accept", "len", r_accept_len, 2),
	R("getsockname", "addr", r_getsockname_addr, 1, NULL_RET(0)),
	R("getsockname", "len", r_getsockname_len, 2),
	R("getpeername", "addr", r_getpeername_addr, 1, NULL_RET(0)),
	R("getpeername", "len", r_getpeername_len, 2),
	R("send", "buf", r_send, 32),
	R("sendto", "buf", r_sendto_buf, 32),
	R("sendto", "to", r_sendto_to, SOCKADDR_UN_SPAN, NULL_RET(1)),
	R("recv", "buf", r_recv, 32),
	R("recvfrom", "buf", r_recvfrom_buf, 32),
	R("recvfrom", "from", r_recvfrom_from, 1, NULL_RET(1)),
	R("recvfrom", "len", r_recvfrom_len, 2),
	R("sendmsg", "msg", r_sendmsg_msg, 24),
	R("sendmsg", "iov", r_sendmsg_iov, 24),
	R("sendmsg", "iov_base", r_sendmsg_base, 32),
	R("sendmsg", "name", r_sendmsg_name, SOCKADDR_UN_SPAN, NULL_RET(1)),
	R("sendmsg", "control", r_sendmsg_control, 8, NULL_RET(1)),
	R("recvmsg", "msg", r_recvmsg_msg, 24),
	R("recvmsg", "iov", r_recvmsg_iov, 24),
	R("recvmsg", "iov_base", r_recvmsg_base, 32),
	R("recvmsg", "name", r_recvmsg_name, 1, NULL_RET(1)),
	R("recvmsg", "control", r_recvmsg_control, 4, NULL_RET(1)),
	R("getsockopt", "val", r_getsockopt_val, 2, NULL_RET(0)),
	R("getsockopt", "len", r_getsockopt_len, 2),
	R("setsockopt", "val", r_setsockopt, 2, NULL_ERR(EINVAL)),
	R("gettimeofday", "tv", r_gettimeofday_tv, 8, NULL_RET(0)),
	R("gettimeofday", "tz", r_gettimeofday_tz, 4, NULL_RET(0)),
	R("clock_gettime", "ts", r_clock_gettime, 8),
	R("syscall", "argblock", r_argblock, 8),
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

int efault_checks(void)
{
	return NROWS * KINDS + 1;
}

static bool setup(void)
{
	sc_path(dir, sizeof(dir), "ef");
	fmt_snprintf(file, sizeof(file), "%s/data", dir);
	fmt_snprintf(ren, sizeof(ren), "%s/ren", dir);
	fmt_snprintf(lnkto, sizeof(lnkto), "%s/lnk", dir);
	fmt_snprintf(link_, sizeof(link_), "%s/link", dir);
	fmt_snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	fmt_snprintf(lsock, sizeof(lsock), "%s/l.sock", dir);
	static char data[16384];
	memset(data, 'd', sizeof(data));
	memset(scratch, 's', sizeof(scratch));
	bool ok = mkdir(dir, 0755) == 0 && mkdir(mnt, 0755) == 0 && symlink(target, link_) == 0;
	ffd = open(file, NB_O_RDWR | NB_O_CREAT, 0644);
	ok = ok && ffd >= 0 && write(ffd, data, sizeof(data)) == sizeof(data);
	int r = open(ren, NB_O_RDWR | NB_O_CREAT, 0644);
	ok = ok && r >= 0 && close(r) == 0;
	dfd = open(dir, NB_O_RDONLY | NB_O_DIRECTORY, 0);
	ok = ok && dfd >= 0 && chdir(dir) == 0;	/* getcwd: a path longer than the runoff's span */
	ok = ok && pipe(rp) == 0 && write(rp[1], "r", 1) == 1 && pipe(np) == 0;
	kq = kqueue();
	struct nb_kevent ch = { .ident = (uint64_t)rp[0], .filter = NB_EVFILT_READ, .flags = NB_EV_ADD };
	ok = ok && kq >= 0 && kevent(kq, &ch, 1, NULL, 0, &zts) == 0;
	ok = ok && socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, ss) == 0 && socketpair(NB_AF_LOCAL, NB_SOCK_DGRAM, 0, ds) == 0;
	laddr = (struct nb_sockaddr_un){ .sun_family = NB_AF_LOCAL };
	sc_strcpy(laddr.sun_path, sizeof(laddr.sun_path), lsock);
	laddr_len = (nb_socklen_t)(2 + strlen(lsock) + 1);
	laddr.sun_len = (uint8_t)laddr_len;
	ls = socket(NB_AF_LOCAL, NB_SOCK_STREAM | NB_SOCK_NONBLOCK, 0);	/* accept never waits */
	ok = ok && ls >= 0 && bind(ls, &laddr, laddr_len) == 0 && listen(ls, 8) == 0;
	pc = pending();
	pa = accept(ls, NULL, NULL);
	bs = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	cs = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	return ok && pc >= 0 && pa >= 0 && bs >= 0 && cs >= 0;
}

static bool answered(const struct answer *a, long r, int e)
{
	switch (a->how) {
	case A_EFAULT: return r == -1 && e == EFAULT;
	case A_ERR: return r == -1 && e == a->err;
	case A_RET: return r == a->ret;
	case A_FD: return r >= 0;
	}
	return false;
}

void efault(void)
{
	bool ok = setup();
	r2c_check("efault.setup", ok, "the fixture in %s could not be made (errno %d)", dir, errno);
	/* NetBSD checks the right to mount before it reads the file system's
	 * arguments (mount_domount, then VFS_MOUNT): an unprivileged client's
	 * NULL data, and any device name, are EPERM */
	if (geteuid() != 0)
		for (int i = 0; i < NROWS; i++) {
			if (rows[i].run == r_mount_data)
				rows[i].null = (struct answer){ A_ERR, 0, EPERM };
			if (rows[i].run == r_rk_mount_disk_dev)
				rows[i].null = rows[i].bad = (struct answer){ A_ERR, 0, EPERM };
		}
	char *guard = guarded_page(0) + 4096;
	for (int i = 0; i < NROWS; i++) {
		const struct row *w = &rows[i];
		for (int k = 0; k < KINDS; k++) {
			char *p = k == NUL ? NULL : k == KERNEL ? KERNEL_ADDR : k == UNMAPPED ? guard : guard - w->span;
			memset(guarded_page(0), 'a', 4096);	/* a string there has no NUL */
			errno = 0;
			long r = w->run(p);
			int e = errno;
			bool served = sc_served();
			const struct answer *want = k == NUL ? &w->null : &w->bad;
			char name[64];
			fmt_snprintf(name, sizeof(name), "efault.%s.%s.%s", w->call, w->arg, kind_name[k]);
			char wanted[32] = "a descriptor";
			if (want->how == A_RET)
				fmt_snprintf(wanted, sizeof(wanted), "%ld", want->ret);
			else if (want->how != A_FD)
				fmt_snprintf(wanted, sizeof(wanted), "-1, errno %d", want->how == A_ERR ? want->err : EFAULT);
			r2c_check(name, answered(want, r, e) && served, "got %ld, errno %d; expected %s%s", r, e, wanted,
				  served ? "" : "; and rk did not serve the next getpid");
		}
	}
	chdir("/");
	int fds[] = { ffd, dfd, kq, ls, bs, cs, pc, pa, rp[0], rp[1], np[0], np[1], ss[0], ss[1], ds[0], ds[1] };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}
