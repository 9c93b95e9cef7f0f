/*
 * Every wrapper of lib/rkclient/syscall.h once, each with a short
 * functional check whose values a wrong number or structure layout in
 * include/r2c/netbsd.h would spoil: sizes, modes and inode numbers that
 * must agree between stat, fstat and getdents; times set with utimes and
 * read back to the nanosecond; the file-system type statvfs names; the
 * descriptor, filter, data and user word a kevent carries; a pollfd's
 * revents; a high descriptor's bit in an fd_set; msg_flags after a
 * truncated datagram; a descriptor passed in a control message; the name
 * getsockname gives back. Checks are named call.WHAT.
 */
#include "sctest.h"
#include "rkclient/dir.h"
#include "rkclient/mount.h"

/* sys/socket.h: a control message header and SCM_RIGHTS, which only this
 * test needs (passing a descriptor checks msg_control/msg_controllen). */
struct nb_cmsghdr {
	nb_socklen_t cmsg_len;
	int32_t cmsg_level, cmsg_type;
};
#define NB_SCM_RIGHTS	1
#define NB_CMSG_ASIZE	16	/* CMSG_ALIGN(sizeof(struct cmsghdr)): 8-byte alignment on amd64 */
#define NB_EFTYPE	79	/* open(2) of a symbolic link with O_NOFOLLOW */

static char data[8192], buf[8192];
static char big[1 << 20], big_back[1 << 20];
#define FAR 0x100000000ll	/* 4 GiB: an offset that does not fit 32 bits */
/* Receives here never wait (MSG_DONTWAIT, or a poll with a time-out
 * first): a send that a wrong number or layout broke must show as a
 * failed check, not as a boot that hangs. */

static void check(const char *what, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(const char *what, bool ok, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r2c_check_in("call", what, ok, "%s (errno %d)", why, errno);
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static struct nb_sockaddr_un un_addr(const char *path, nb_socklen_t *len)
{
	struct nb_sockaddr_un a = { 0 };
	sc_strcpy(a.sun_path, sizeof(a.sun_path), path);
	*len = (nb_socklen_t)(2 + strlen(path) + 1);
	a.sun_len = (uint8_t)*len;
	a.sun_family = NB_AF_LOCAL;
	return a;
}

static void identity(void)
{
	long rv[2] = { 0, 0 };
	int e = rk_syscall_block(NB_SYS_getpid, NULL, 0, rv);
	check("getpid", e == 0 && getpid() == sc_pid && rv[0] == sc_pid && rv[1] == 1, "pid %ld, ppid %ld", rv[0],
	      rv[1]);
	int uid = getuid(), gid = getgid();
	check("getuid", uid >= 0 && geteuid() == uid, "uid %d, euid %d", uid, geteuid());
	check("getgid", gid >= 0 && getegid() == gid, "gid %d, egid %d", gid, getegid());
	int old = umask(077);
	check("umask", old >= 0 && umask(old) == 077, "umask was %x", old);
}

/* read(rfd) of one byte on an empty pipe that should not wait: if it
 * waits after all (a wrong O_NONBLOCK or FIONBIO), a helper thread
 * writes a byte to wfd after two seconds, so the read returns 1 and the
 * check fails instead of the boot hanging. */
static atomic_int read_back;
static int release_fd;
static void releaser(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200 && !atomic_load(&read_back); i++)
		sc_sleep_ms(10);
	if (!atomic_load(&read_back))
		write(release_fd, "!", 1);
	rk_thread_done();
}

static long read_nonblocking(int rfd, int wfd)
{
	char c;
	atomic_store(&read_back, 0);
	release_fd = wfd;
	long tid = r2c_thd_create(releaser, NULL, 16);
	long r = read(rfd, &c, 1);
	int e = errno;
	atomic_store(&read_back, 1);
	if (tid > 0)
		r2c_thd_join((word_t)tid);
	errno = e;
	return r;
}

static void files(void)
{
	char f[96], missing[96];
	sc_path(f, sizeof(f), "file");
	sc_path(missing, sizeof(missing), "missing");
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)(i * 13 + (i >> 8) + 1);
	int umask_now = umask(022);
	umask(umask_now);

	int fd = open(f, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	check("open", fd >= 0, "open %s: %d", f, fd);
	check("write", write(fd, data, 5000) == 5000, "write 5000");
	/* offsets past 4 GiB: the whole 64-bit slot after NetBSD's PAD */
	check("lseek", lseek(fd, 0, NB_SEEK_END) == 5000 && lseek(fd, FAR, NB_SEEK_SET) == FAR &&
	      lseek(fd, 0, NB_SEEK_CUR) == FAR && lseek(fd, 100, NB_SEEK_SET) == 100, "lseek");
	check("read", read(fd, buf, 50) == 50 && !memcmp(buf, data + 100, 50), "read 50 at 100");
	check("pread", pread(fd, buf, 100, 4000) == 100 && !memcmp(buf, data + 4000, 100) && lseek(fd, 0, NB_SEEK_CUR) == 150 &&
	      pread(fd, buf, 100, FAR + 4000) == 0,
	      "pread 100 at 4000, offset left at 150");
	check("pwrite", pwrite(fd, "XYZ", 3, 10) == 3 && pread(fd, buf, 3, 10) == 3 && !memcmp(buf, "XYZ", 3),
	      "pwrite 3 at 10");
	struct nb_iovec wv[3] = { { "ab", 2 }, { "cde", 3 }, { "fghi", 4 } };
	check("writev", lseek(fd, 5000, NB_SEEK_SET) == 5000 && writev(fd, wv, 3) == 9 && pread(fd, buf, 9, 5000) == 9 &&
	      !memcmp(buf, "abcdefghi", 9), "writev of 2+3+4 bytes");
	char r1[4], r2[1], r3[8];
	struct nb_iovec rv[3] = { { r1, 4 }, { r2, 1 }, { r3, 8 } };
	check("readv", lseek(fd, 5000, NB_SEEK_SET) == 5000 && readv(fd, rv, 3) == 9 && !memcmp(r1, "abcd", 4) &&
	      r2[0] == 'e' && !memcmp(r3, "fghi", 4), "readv into 4+1+8 bytes");
	/* a megabyte in one call: the rump kernel's copies go in pieces */
	for (int i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)(i ^ (i >> 9) ^ (i >> 17));
	int bf = open(f, NB_O_RDWR, 0);	/* f itself, at an offset past the data used below */
	check("write_large", bf >= 0 && pwrite(bf, big, sizeof(big), 65536) == sizeof(big) &&
	      pread(bf, big_back, sizeof(big_back), 65536) == sizeof(big_back) && !memcmp(big, big_back, sizeof(big)) &&
	      ftruncate(bf, 5009) == 0 && close(bf) == 0, "1 MiB written and read back");
	check("fsync", fsync(fd) == 0 && fdatasync(fd) == 0, "fsync, fdatasync");
	sync();
	check("sync", sc_served(), "getpid after sync");

	struct nb_stat st = { 0 }, st2 = { 0 };
	int fs = fstat(fd, &st);
	check("fstat", fs == 0 && st.st_size == 5009 && (st.st_mode & NB_S_IFMT) == NB_S_IFREG &&
	      (st.st_mode & 07777) == (0644u & ~(unsigned)umask_now) && st.st_nlink == 1 &&
	      st.st_uid == (uint32_t)geteuid() && pow2(st.st_blksize) && st.st_blocks * 512 >= st.st_size &&
	      st.st_mtim.tv_nsec >= 0 && st.st_mtim.tv_nsec < 1000000000 && st.st_ino != 0,
	      "size %ld mode %x nlink %u uid %u blksize %u blocks %ld", (long)st.st_size, st.st_mode, st.st_nlink,
	      st.st_uid, st.st_blksize, (long)st.st_blocks);
	check("stat", stat(f, &st2) == 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev &&
	      st2.st_size == st.st_size && st2.st_mode == st.st_mode,
	      "ino %lu/%lu size %ld", (unsigned long)st2.st_ino, (unsigned long)st.st_ino, (long)st2.st_size);
	check("ftruncate", ftruncate(fd, 1000) == 0 && fstat(fd, &st2) == 0 && st2.st_size == 1000, "size %ld",
	      (long)st2.st_size);
	memset(buf, 1, 2000);
	check("truncate", truncate(f, 3000) == 0 && stat(f, &st2) == 0 && st2.st_size == 3000 &&
	      pread(fd, buf, 2000, 1000) == 2000 && buf[0] == 0 && buf[1999] == 0, "size %ld", (long)st2.st_size);
	/* each flag's number changes what open does */
	char sl[96];
	sc_path(sl, sizeof(sl), "file-link");
	int ap = open(f, NB_O_WRONLY | NB_O_APPEND, 0);
	bool appended = ap >= 0 && lseek(ap, 0, NB_SEEK_SET) == 0 && write(ap, "END", 3) == 3 && close(ap) == 0 &&
			pread(fd, buf, 4, 3000) == 3 && !memcmp(buf, "END", 3);
	check("open_flags", appended && open(f, NB_O_RDONLY | NB_O_DIRECTORY, 0) == -1 && errno == ENOTDIR &&
	      open(f, NB_O_RDWR | NB_O_CREAT | NB_O_EXCL, 0644) == -1 && errno == EEXIST && symlink("file", sl) == 0 &&
	      open(sl, NB_O_RDONLY | NB_O_NOFOLLOW, 0) == -1 && errno == NB_EFTYPE && unlink(sl) == 0,
	      "O_APPEND %s; O_DIRECTORY, O_EXCL, O_NOFOLLOW", appended ? "appended" : "did not append");
	check("close", close(fd) == 0 && read(fd, buf, 1) == -1 && errno == EBADF, "close, then read: EBADF");

	check("access", access(f, NB_R_OK | NB_W_OK) == 0 && access(missing, NB_F_OK) == -1 && errno == ENOENT,
	      "access");
	check("chmod", chmod(f, 0600) == 0 && stat(f, &st2) == 0 && (st2.st_mode & 07777) == 0600, "mode %x",
	      st2.st_mode);
	fd = open(f, NB_O_RDWR, 0);
	check("fchmod", fchmod(fd, 0640) == 0 && fstat(fd, &st2) == 0 && (st2.st_mode & 07777) == 0640, "mode %x",
	      st2.st_mode);
	check("chown", chown(f, geteuid(), getegid()) == 0 && stat(f, &st2) == 0 && st2.st_uid == (uint32_t)geteuid() &&
	      st2.st_gid == (uint32_t)getegid(), "uid %u gid %u", st2.st_uid, st2.st_gid);
	check("fchown", fchown(fd, -1, -1) == 0 && fstat(fd, &st2) == 0 && st2.st_uid == (uint32_t)geteuid(),
	      "uid %u", st2.st_uid);
	struct nb_timeval tv[2] = { { 1000000000, 250000 }, { 1234567890, 500001 } };
	check("utimes", utimes(f, tv) == 0 && stat(f, &st2) == 0 && st2.st_atim.tv_sec == 1000000000 &&
	      st2.st_atim.tv_nsec == 250000000 && st2.st_mtim.tv_sec == 1234567890 && st2.st_mtim.tv_nsec == 500001000,
	      "atime %ld.%09ld mtime %ld.%09ld", (long)st2.st_atim.tv_sec, st2.st_atim.tv_nsec,
	      (long)st2.st_mtim.tv_sec, st2.st_mtim.tv_nsec);
	struct nb_timeval tv2[2] = { { 1111111111, 1 }, { 1222222222, 999999 } };
	check("futimes", futimes(fd, tv2) == 0 && fstat(fd, &st2) == 0 && st2.st_atim.tv_sec == 1111111111 &&
	      st2.st_atim.tv_nsec == 1000 && st2.st_mtim.tv_sec == 1222222222 && st2.st_mtim.tv_nsec == 999999000,
	      "atime %ld.%09ld mtime %ld.%09ld", (long)st2.st_atim.tv_sec, st2.st_atim.tv_nsec,
	      (long)st2.st_mtim.tv_sec, st2.st_mtim.tv_nsec);
	int d = dup(fd);
	check("dup", d > fd && lseek(fd, 7, NB_SEEK_SET) == 7 && lseek(d, 0, NB_SEEK_CUR) == 7, "dup %d of %d", d, fd);
	close(d);
	check("dup2", dup2(fd, 40) == 40 && fstat(40, &st2) == 0 && st2.st_ino == st.st_ino && close(40) == 0,
	      "dup2 to 40");
	check("fcntl_getfl", (fcntl(fd, NB_F_GETFL, 0) & NB_O_ACCMODE) == NB_O_RDWR, "F_GETFL %d",
	      fcntl(fd, NB_F_GETFL, 0));
	check("fcntl_cloexec", fcntl(fd, NB_F_GETFD, 0) == 0 && fcntl(fd, NB_F_SETFD, NB_FD_CLOEXEC) == 0 &&
	      fcntl(fd, NB_F_GETFD, 0) == NB_FD_CLOEXEC, "F_GETFD %d", fcntl(fd, NB_F_GETFD, 0));
	close(fd);

	int p[2] = { -1, -1 };
	check("fcntl_nonblock", pipe(p) == 0 && fcntl(p[0], NB_F_SETFL, NB_O_NONBLOCK) == 0 &&
	      (fcntl(p[0], NB_F_GETFL, 0) & NB_O_NONBLOCK) && read_nonblocking(p[0], p[1]) == -1 && errno == EAGAIN,
	      "O_NONBLOCK: read on an empty pipe");
	int n = -1;
	check("ioctl_fionread", write(p[1], "12345", 5) == 5 && ioctl(p[0], NB_FIONREAD, &n) == 0 && n == 5,
	      "FIONREAD %d", n);
	close(p[0]);
	close(p[1]);
	int one = 1;
	check("ioctl_fionbio", pipe(p) == 0 && ioctl(p[0], NB_FIONBIO, &one) == 0 &&
	      (fcntl(p[0], NB_F_GETFL, 0) & NB_O_NONBLOCK) && read_nonblocking(p[0], p[1]) == -1 && errno == EAGAIN,
	      "FIONBIO: read on an empty pipe");
	close(p[0]);
	close(p[1]);
}

/* Find name among the records getdents put in b (n bytes): its record, or NULL. */
static const struct nb_dirent *find_dirent(const char *b, long n, const char *name, bool *sane)
{
	const struct nb_dirent *hit = NULL;
	for (long off = 0; off < n;) {
		const struct nb_dirent *de = (const struct nb_dirent *)(b + off);
		if (de->d_reclen < 16 || de->d_reclen % 8 || off + de->d_reclen > n ||
		    de->d_namlen != strlen(de->d_name) || 13 + de->d_namlen + 1 > de->d_reclen) {
			*sane = false;
			return NULL;
		}
		if (!strcmp(de->d_name, name))
			hit = de;
		off += de->d_reclen;
	}
	return hit;
}

/* rk_readdir's callback: which of the names it was shown */
struct seen {
	int names;
	uint64_t alpha_ino;
};
static void saw(void *ctx, const struct nb_dirent *d)
{
	struct seen *s = ctx;
	static const char *const want[] = { ".", "..", "alpha", "beta", "gamma" };
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strcmp(d->d_name, want[i]))
			s->names++;
	if (!strcmp(d->d_name, "alpha"))
		s->alpha_ino = d->d_fileno;
}

static void names(void)
{
	char d[96], alpha[112], beta[112], gamma[112], delta[112], eps[112], sym[112];
	sc_path(d, sizeof(d), "dir");
	fmt_snprintf(alpha, sizeof(alpha), "%s/alpha", d);
	fmt_snprintf(beta, sizeof(beta), "%s/beta", d);
	fmt_snprintf(gamma, sizeof(gamma), "%s/gamma", d);
	fmt_snprintf(delta, sizeof(delta), "%s/delta", d);
	fmt_snprintf(eps, sizeof(eps), "%s/eps", d);
	fmt_snprintf(sym, sizeof(sym), "%s/sym", d);
	struct nb_stat st = { 0 }, st2 = { 0 };

	check("mkdir", mkdir(d, 0755) == 0 && stat(d, &st) == 0 && (st.st_mode & NB_S_IFMT) == NB_S_IFDIR &&
	      mkdir(d, 0755) == -1 && errno == EEXIST, "mkdir %s, then EEXIST", d);
	int fd = open(alpha, NB_O_WRONLY | NB_O_CREAT, 0644);
	close(fd);
	close(open(beta, NB_O_WRONLY | NB_O_CREAT, 0644));
	mkdir(gamma, 0755);
	stat(alpha, &st);

	struct seen seen = { 0 };
	int dfd = open(d, NB_O_RDONLY | NB_O_DIRECTORY, 0);
	long entries = rk_readdir(dfd, saw, &seen);
	check("rk_readdir", entries == 5 && seen.names == 5 && seen.alpha_ino == st.st_ino,
	      "%ld entries, %d of the 5 names, alpha's inode %lu of %lu", entries, seen.names,
	      (unsigned long)seen.alpha_ino, (unsigned long)st.st_ino);
	lseek(dfd, 0, NB_SEEK_SET);
	long n = getdents(dfd, buf, sizeof(buf));
	bool sane = n > 0;
	const struct nb_dirent *a = find_dirent(buf, n, "alpha", &sane), *g = find_dirent(buf, n, "gamma", &sane);
	bool all = find_dirent(buf, n, ".", &sane) && find_dirent(buf, n, "..", &sane) && find_dirent(buf, n, "beta", &sane);
	check("getdents", sane && all && a && g && a->d_type == NB_DT_REG && g->d_type == NB_DT_DIR &&
	      a->d_fileno == st.st_ino && getdents(dfd, buf, sizeof(buf)) == 0,
	      "%ld bytes, records %s, alpha %s (type %d, ino %lu of %lu)", n, sane ? "sane" : "garbled",
	      a ? "found" : "missing", a ? a->d_type : -1, a ? (unsigned long)a->d_fileno : 0ul,
	      (unsigned long)st.st_ino);
	close(dfd);

	check("rename", rename(alpha, delta) == 0 && stat(alpha, &st2) == -1 && errno == ENOENT &&
	      stat(delta, &st2) == 0 && st2.st_ino == st.st_ino, "rename alpha to delta");
	check("link", link(delta, eps) == 0 && stat(eps, &st2) == 0 && st2.st_ino == st.st_ino && st2.st_nlink == 2,
	      "link: nlink %u", st2.st_nlink);
	check("symlink", symlink("delta", sym) == 0 && lstat(sym, &st2) == 0 &&
	      (st2.st_mode & NB_S_IFMT) == NB_S_IFLNK && st2.st_size == 5 && stat(sym, &st2) == 0 &&
	      st2.st_ino == st.st_ino, "symlink: mode %x size %ld", st2.st_mode, (long)st2.st_size);
	char l[64];
	memset(l, '#', sizeof(l));
	long ln = readlink(sym, l, sizeof(l));
	check("readlink", ln == 5 && !memcmp(l, "delta#", 6) && readlink(sym, l, 3) == 3 && !memcmp(l, "del", 3),
	      "readlink: %ld", ln);
	check("unlink", unlink(eps) == 0 && stat(eps, &st2) == -1 && errno == ENOENT && stat(delta, &st2) == 0 &&
	      st2.st_nlink == 1, "unlink eps: nlink %u", st2.st_nlink);
	check("rmdir", rmdir(d) == -1 && errno == ENOTEMPTY && rmdir(gamma) == 0 && stat(gamma, &st2) == -1 &&
	      errno == ENOENT, "rmdir");

	char cwd[128];
	char *c = (chdir(d) == 0) ? getcwd(cwd, sizeof(cwd)) : NULL;
	fd = open("delta", NB_O_RDONLY, 0);
	check("chdir", c == cwd && !strcmp(cwd, d) && fd >= 0 && fstat(fd, &st2) == 0 && st2.st_ino == st.st_ino,
	      "cwd %s", c ? cwd : "?");
	close(fd);
	check("getcwd_erange", getcwd(cwd, 4) == NULL && errno == ERANGE, "getcwd into 4 bytes");
	dfd = open(sc_dir, NB_O_RDONLY, 0);
	c = fchdir(dfd) == 0 ? getcwd(cwd, sizeof(cwd)) : NULL;
	check("fchdir", c && !strcmp(cwd, sc_dir), "cwd %s", c ? cwd : "?");
	close(dfd);
	c = chdir("/") == 0 ? getcwd(cwd, sizeof(cwd)) : NULL;
	check("getcwd", c && !strcmp(cwd, "/"), "cwd %s", c ? cwd : "?");
}

/* statvfs and mount: what the composition mounted on /tmp, and a tmpfs of
 * my own (a root client may mount; an unprivileged one gets EPERM from
 * NetBSD's own check). */

static void file_systems(void)
{
	static struct nb_statvfs sv, sv2;
	char f[96], m[96];
	sc_path(f, sizeof(f), "file");
	sc_path(m, sizeof(m), "mnt");
	int r = statvfs("/tmp", &sv);
	check("statvfs", r == 0 && !strcmp(sv.f_fstypename, "tmpfs") && !strcmp(sv.f_mntonname, "/tmp") &&
	      !strcmp(sv.f_mntfromname, "tmpfs") && pow2(sv.f_bsize) && sv.f_frsize > 0 && sv.f_blocks > 0 &&
	      sv.f_bfree <= sv.f_blocks && sv.f_namemax == 255 && !(sv.f_flag & NB_MNT_RDONLY),
	      "type %s on %s from %s, bsize %lu, blocks %lu free %lu, namemax %lu", sv.f_fstypename,
	      sv.f_mntonname, sv.f_mntfromname, sv.f_bsize, (unsigned long)sv.f_blocks, (unsigned long)sv.f_bfree,
	      sv.f_namemax);
	int fd = open(f, NB_O_RDONLY, 0);
	check("fstatvfs", fstatvfs(fd, &sv2) == 0 && !strcmp(sv2.f_fstypename, "tmpfs") &&
	      sv2.f_fsidx[0] == sv.f_fsidx[0] && sv2.f_fsidx[1] == sv.f_fsidx[1] && sv2.f_fsid == sv.f_fsid,
	      "type %s", sv2.f_fstypename);
	close(fd);

	mkdir(m, 0755);
	struct nb_tmpfs_args ta = { .ta_version = NB_TMPFS_ARGS_VERSION, .ta_size_max = 1 << 20, .ta_root_mode = 0755 };
	if (geteuid() == 0) {
		r = mount("tmpfs", m, 0, &ta, sizeof(ta));
		check("mount", r == 0 && statvfs(m, &sv2) == 0 && !strcmp(sv2.f_mntonname, m) &&
		      !strcmp(sv2.f_fstypename, "tmpfs") && sv2.f_fsid != sv.f_fsid, "mount tmpfs on %s: %d", m, r);
		r = unmount(m, 0);
		check("unmount", r == 0 && statvfs(m, &sv2) == 0 && !strcmp(sv2.f_mntonname, "/tmp"), "unmount: %d", r);
		r = rk_mount_tmpfs(m, 1 << 20, 0700, 0);
		check("rk_mount_tmpfs", r == 0 && statvfs(m, &sv2) == 0 && !strcmp(sv2.f_mntonname, m) &&
		      unmount(m, 0) == 0, "rk_mount_tmpfs on %s: %d", m, r);
		r = rk_mount_disk("ffs", "/dev/no-such-disk", m, 0);
		check("rk_mount_disk", r == -1 && errno == ENOENT, "ffs from a disk that is not there: %d", r);
	} else {
		r = mount("tmpfs", m, 0, &ta, sizeof(ta));
		check("mount", r == -1 && errno == EPERM, "unprivileged mount: %d", r);
		r = unmount("/tmp", 0);
		check("unmount", r == -1 && errno == EPERM, "unprivileged unmount: %d", r);
		r = rk_mount_tmpfs(m, 1 << 20, 0700, 0);
		check("rk_mount_tmpfs", r == -1 && errno == EPERM, "unprivileged rk_mount_tmpfs: %d", r);
		r = rk_mount_disk("ffs", "/dev/no-such-disk", m, 0);
		check("rk_mount_disk", r == -1 && errno == EPERM, "unprivileged rk_mount_disk: %d", r);
	}
}

static void waiting(void)
{
	int p[2] = { -1, -1 }, q[2] = { -1, -1 };
	struct nb_stat st = { 0 };
	check("pipe", pipe(p) == 0 && p[0] >= 0 && p[1] >= 0 && p[0] != p[1] && fstat(p[0], &st) == 0 &&
	      (st.st_mode & NB_S_IFMT) == NB_S_IFIFO, "pipe %d %d mode %x", p[0], p[1], st.st_mode);
	check("pipe2", pipe2(q, NB_O_NONBLOCK | NB_O_CLOEXEC) == 0 && q[0] >= 0 && q[1] >= 0 &&
	      (fcntl(q[0], NB_F_GETFL, 0) & NB_O_NONBLOCK) && fcntl(q[1], NB_F_GETFD, 0) == NB_FD_CLOEXEC,
	      "pipe2 %d %d", q[0], q[1]);
	close(q[0]);
	close(q[1]);

	struct nb_pollfd pf[2] = { { p[0], NB_POLLIN, 0x5555 }, { p[1], NB_POLLOUT, 0x5555 } };
	int n1 = poll(pf, 2, 0);
	bool empty = n1 == 1 && pf[0].revents == 0 && pf[1].revents == NB_POLLOUT && pf[0].fd == p[0];
	write(p[1], "x", 1);
	int n2 = poll(pf, 2, 0);
	check("poll", empty && n2 == 2 && (pf[0].revents & NB_POLLIN) && (pf[1].revents & NB_POLLOUT),
	      "poll: %d then %d, revents %x %x", n1, n2, pf[0].revents, pf[1].revents);

	/* descriptor 70: bit 6 of the fd_set's third word */
	struct nb_fd_set in, out;
	struct nb_timeval zero = { 0, 0 };
	int hi = dup2(p[0], 70);
	NB_FD_ZERO(&in);
	NB_FD_SET(70, &in);
	int s1 = select(71, &in, NULL, NULL, &zero);
	bool s1ok = s1 == 1 && NB_FD_ISSET(70, &in) && in.fds_bits[2] == 1u << 6;
	char c;
	read(p[0], &c, 1);
	NB_FD_ZERO(&in);
	NB_FD_SET(70, &in);
	NB_FD_ZERO(&out);
	NB_FD_SET(p[1], &out);
	int s2 = select(71, &in, &out, NULL, &zero);
	check("select", hi == 70 && s1ok && s2 == 1 && !NB_FD_ISSET(70, &in) && NB_FD_ISSET(p[1], &out),
	      "select: %d then %d", s1, s2);
	close(70);

	int kq = kqueue();
	struct nb_stat kst = { 0 };
	check("kqueue", kq >= 0 && fstat(kq, &kst) == 0, "kqueue %d", kq);
	struct nb_kevent ch = { .ident = (uint64_t)p[0], .filter = NB_EVFILT_READ, .flags = NB_EV_ADD,
				.udata = 0x1122334455667788 };
	struct nb_kevent ev[2];
	memset(ev, 0x5a, sizeof(ev));
	struct nb_timespec zts = { 0, 0 };
	int k1 = kevent(kq, &ch, 1, NULL, 0, &zts);
	int k2 = kevent(kq, NULL, 0, ev, 2, &zts);
	write(p[1], "abc", 3);
	int k3 = kevent(kq, NULL, 0, ev, 2, &zts);
	check("kevent", k1 == 0 && k2 == 0 && k3 == 1 && ev[0].ident == (uint64_t)p[0] && ev[0].filter == NB_EVFILT_READ &&
	      ev[0].data == 3 && ev[0].udata == 0x1122334455667788 && !(ev[0].flags & NB_EV_ERROR),
	      "kevent: %d %d %d; ident %lu filter %u data %ld udata %lx", k1, k2, k3, (unsigned long)ev[0].ident,
	      ev[0].filter, (long)ev[0].data, (unsigned long)ev[0].udata);
	read(p[0], buf, 3);	/* the pipe is not ready any more: only the timer is */
	struct nb_kevent tm = { .ident = 7, .filter = NB_EVFILT_TIMER, .flags = NB_EV_ADD | NB_EV_ONESHOT, .data = 10 };
	struct nb_timespec two = { 2, 0 };
	int k4 = kevent(kq, &tm, 1, ev, 1, &two);
	check("kevent_timer", k4 == 1 && ev[0].ident == 7 && ev[0].filter == NB_EVFILT_TIMER && ev[0].data >= 1,
	      "kevent: %d; ident %lu filter %u data %ld", k4, (unsigned long)ev[0].ident, ev[0].filter, (long)ev[0].data);
	close(kq);
	close(p[0]);
	close(p[1]);
}

static void sockets(void)
{
	int sv[2] = { -1, -1 }, dv[2] = { -1, -1 };
	char b[64];
	check("socketpair", socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, sv) == 0 && send(sv[0], "hello", 5, 0) == 5 &&
	      recv(sv[1], b, sizeof(b), NB_MSG_DONTWAIT) == 5 && !memcmp(b, "hello", 5) &&
	      recv(sv[1], b, sizeof(b), NB_MSG_DONTWAIT) == -1 && errno == EAGAIN, "stream pair %d %d", sv[0], sv[1]);
	int nbs = socket(NB_AF_LOCAL, NB_SOCK_STREAM | NB_SOCK_NONBLOCK | NB_SOCK_CLOEXEC, 0);
	check("socket_flags", nbs >= 0 && (fcntl(nbs, NB_F_GETFL, 0) & NB_O_NONBLOCK) &&
	      fcntl(nbs, NB_F_GETFD, 0) == NB_FD_CLOEXEC && accept(nbs, NULL, NULL) == -1 && errno == EINVAL,
	      "SOCK_NONBLOCK|SOCK_CLOEXEC: socket %d", nbs);
	close(nbs);
	int v = 0;
	nb_socklen_t vl = sizeof(v);
	check("getsockopt", getsockopt(sv[1], NB_SOL_SOCKET, NB_SO_TYPE, &v, &vl) == 0 && v == NB_SOCK_STREAM &&
	      vl == 4, "SO_TYPE %d, len %u", v, vl);
	int want = 65536;
	v = 0, vl = sizeof(v);
	check("setsockopt", setsockopt(sv[1], NB_SOL_SOCKET, NB_SO_RCVBUF, &want, sizeof(want)) == 0 &&
	      getsockopt(sv[1], NB_SOL_SOCKET, NB_SO_RCVBUF, &v, &vl) == 0 && v == want, "SO_RCVBUF %d", v);
	check("shutdown", shutdown(sv[0], NB_SHUT_WR) == 0 && recv(sv[1], b, sizeof(b), NB_MSG_DONTWAIT) == 0 &&
	      send(sv[0], "x", 1, NB_MSG_NOSIGNAL) == -1 && errno == EPIPE, "after SHUT_WR: EOF and EPIPE");
	close(sv[0]);
	close(sv[1]);

	/* datagrams keep their boundaries; a short buffer says MSG_TRUNC */
	check("socketpair_dgram", socketpair(NB_AF_LOCAL, NB_SOCK_DGRAM, 0, dv) == 0 && send(dv[0], "abc", 3, 0) == 3 &&
	      send(dv[0], "defg", 4, 0) == 4 && recv(dv[1], b, sizeof(b), NB_MSG_DONTWAIT) == 3 &&
	      recv(dv[1], b, sizeof(b), NB_MSG_DONTWAIT) == 4,
	      "datagram pair");
	char m1[4], m2[10];
	struct nb_iovec siov[2] = { { "abc", 3 }, { "defg", 4 } }, riov[2] = { { m1, 4 }, { m2, 10 } };
	struct nb_msghdr sm = { .msg_iov = siov, .msg_iovlen = 2 };
	struct nb_msghdr rm = { .msg_iov = riov, .msg_iovlen = 2, .msg_flags = 0x5555 };
	long sn = sendmsg(dv[0], &sm, 0);
	long rn = sn == 7 ? recvmsg(dv[1], &rm, 0) : -1;	/* flags 0: msg_flags must come back 0 */
	check("sendmsg_recvmsg", sn == 7 && rn == 7 && !memcmp(m1, "abcd", 4) && !memcmp(m2, "efg", 3) &&
	      rm.msg_flags == 0, "sent %ld, received %ld, flags %x", sn, rn, rm.msg_flags);
	struct nb_iovec small = { m1, 4 };
	rm = (struct nb_msghdr){ .msg_iov = &small, .msg_iovlen = 1 };
	long tn = (send(dv[0], "0123456789", 10, 0) == 10) ? recvmsg(dv[1], &rm, NB_MSG_DONTWAIT) : -1;
	check("recvmsg_trunc", tn == 4 && (rm.msg_flags & NB_MSG_TRUNC) && !memcmp(m1, "0123", 4),
	      "received %ld, flags %x", tn, rm.msg_flags);
	close(dv[0]);
	close(dv[1]);

	/* a descriptor passed in a control message: a pipe's write end */
	int p[2] = { -1, -1 };
	socketpair(NB_AF_LOCAL, NB_SOCK_STREAM, 0, sv);
	pipe2(p, NB_O_NONBLOCK);	/* the read below never waits */
	union { char b[NB_CMSG_ASIZE + 8]; uint64_t align; } ctl = { { 0 } }, rctl;
	struct nb_cmsghdr *cm = (struct nb_cmsghdr *)ctl.b;
	cm->cmsg_len = NB_CMSG_ASIZE + sizeof(int);
	cm->cmsg_level = NB_SOL_SOCKET;
	cm->cmsg_type = NB_SCM_RIGHTS;
	memcpy(ctl.b + NB_CMSG_ASIZE, &p[1], sizeof(int));
	struct nb_iovec one = { "R", 1 };
	sm = (struct nb_msghdr){ .msg_iov = &one, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	memset(&rctl, 0, sizeof(rctl));
	struct nb_iovec rone = { b, 1 };
	rm = (struct nb_msghdr){ .msg_iov = &rone, .msg_iovlen = 1, .msg_control = rctl.b,
				 .msg_controllen = sizeof(rctl.b) };
	sn = sendmsg(sv[0], &sm, 0);
	rn = recvmsg(sv[1], &rm, NB_MSG_DONTWAIT);
	struct nb_cmsghdr *rc = (struct nb_cmsghdr *)rctl.b;
	int passed = -1;
	memcpy(&passed, rctl.b + NB_CMSG_ASIZE, sizeof(int));
	bool through = rn == 1 && passed > 2 && passed != p[1] && write(passed, "via", 3) == 3 && read(p[0], b, 3) == 3 &&
		       !memcmp(b, "via", 3);
	check("scm_rights", sn == 1 && rn == 1 && rm.msg_controllen >= NB_CMSG_ASIZE + sizeof(int) &&
	      rc->cmsg_level == NB_SOL_SOCKET && rc->cmsg_type == NB_SCM_RIGHTS && through,
	      "sent %ld, received %ld, controllen %u, level %d type %d, fd %d", sn, rn, rm.msg_controllen,
	      rc->cmsg_level, rc->cmsg_type, passed);
	close(passed);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);

	/* a named stream socket: bind, listen, connect, accept, names */
	char path[96];
	sc_path(path, sizeof(path), "srv.sock");
	nb_socklen_t alen;
	struct nb_sockaddr_un a = un_addr(path, &alen), got;
	int s = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	struct nb_stat st = { 0 };
	check("socket", s >= 0 && fstat(s, &st) == 0 && (st.st_mode & NB_S_IFMT) == NB_S_IFSOCK, "socket %d", s);
	check("bind", bind(s, &a, alen) == 0 && stat(path, &st) == 0 && (st.st_mode & NB_S_IFMT) == NB_S_IFSOCK,
	      "bind %s: mode %x", path, st.st_mode);
	memset(&got, 0x5a, sizeof(got));
	nb_socklen_t gl = sizeof(got);
	check("getsockname", getsockname(s, &got, &gl) == 0 && gl == alen && got.sun_len == alen &&
	      got.sun_family == NB_AF_LOCAL && !strcmp(got.sun_path, path), "len %u sun_len %u family %u path %s",
	      gl, got.sun_len, got.sun_family, got.sun_path);
	check("listen", listen(s, 4) == 0, "listen");
	int c = socket(NB_AF_LOCAL, NB_SOCK_STREAM, 0);
	check("connect", connect(c, &a, alen) == 0, "connect to %s", path);
	memset(&got, 0x5a, sizeof(got));
	gl = sizeof(got);
	struct nb_pollfd lp = { .fd = s, .events = NB_POLLIN };
	int acc = poll(&lp, 1, 5000) == 1 ? accept(s, &got, &gl) : -1;	/* never waits for ever */
	check("accept", acc >= 0 && got.sun_family == NB_AF_LOCAL && gl >= 2, "accept %d: family %u len %u", acc,
	      got.sun_family, gl);
	memset(&got, 0x5a, sizeof(got));
	gl = sizeof(got);
	check("getpeername", getpeername(c, &got, &gl) == 0 && gl == alen && got.sun_family == NB_AF_LOCAL &&
	      !strcmp(got.sun_path, path), "len %u path %s", gl, got.sun_path);
	check("send_recv", send(c, "ping", 4, 0) == 4 && recv(acc, b, sizeof(b), NB_MSG_DONTWAIT) == 4 && !memcmp(b, "ping", 4) &&
	      write(acc, "pong", 4) == 4 && recv(c, b, sizeof(b), NB_MSG_DONTWAIT) == 4 && !memcmp(b, "pong", 4), "ping-pong");
	close(c);
	close(acc);
	close(s);

	/* named datagram sockets: recvfrom says who sent */
	char p1[96], p2[96];
	sc_path(p1, sizeof(p1), "d1.sock");
	sc_path(p2, sizeof(p2), "d2.sock");
	nb_socklen_t l1, l2;
	struct nb_sockaddr_un a1 = un_addr(p1, &l1), a2 = un_addr(p2, &l2);
	int d1 = socket(NB_AF_LOCAL, NB_SOCK_DGRAM, 0), d2 = socket(NB_AF_LOCAL, NB_SOCK_DGRAM, 0);
	bind(d1, &a1, l1);
	bind(d2, &a2, l2);
	long sent = sendto(d1, "dgram", 5, 0, &a2, l2);
	memset(&got, 0x5a, sizeof(got));
	gl = sizeof(got);
	long rcvd = recvfrom(d2, b, sizeof(b), NB_MSG_DONTWAIT, &got, &gl);
	check("sendto_recvfrom", sent == 5 && rcvd == 5 && !memcmp(b, "dgram", 5) && gl == l1 &&
	      got.sun_family == NB_AF_LOCAL && !strcmp(got.sun_path, p1), "sent %ld received %ld from %s (len %u)",
	      sent, rcvd, got.sun_path, gl);
	/* and recvmsg's msg_name, msg_namelen */
	struct nb_iovec v1 = { "named", 5 }, rv1 = { b, sizeof(b) };
	struct nb_msghdr nm = { .msg_name = &a2, .msg_namelen = l2, .msg_iov = &v1, .msg_iovlen = 1 };
	memset(&got, 0x5a, sizeof(got));
	struct nb_msghdr nrm = { .msg_name = &got, .msg_namelen = sizeof(got), .msg_iov = &rv1, .msg_iovlen = 1 };
	sent = sendmsg(d1, &nm, 0);
	rcvd = recvmsg(d2, &nrm, NB_MSG_DONTWAIT);
	check("msg_name", sent == 5 && rcvd == 5 && !memcmp(b, "named", 5) && nrm.msg_namelen == l1 &&
	      got.sun_family == NB_AF_LOCAL && !strcmp(got.sun_path, p1), "sent %ld received %ld from %s (len %u)",
	      sent, rcvd, got.sun_path, nrm.msg_namelen);
	close(d1);
	close(d2);
}

static void clocks(void)
{
	struct nb_timeval tv0 = { 0, -1 }, tv1 = { 0, -1 };
	struct nb_timespec m0 = { 0, -1 }, m1 = { 0, -1 }, rt = { 0, -1 };
	int g = gettimeofday(&tv0, NULL);
	check("gettimeofday", g == 0 && tv0.tv_sec > 0 && tv0.tv_usec >= 0 && tv0.tv_usec < 1000000, "%ld.%06d",
	      (long)tv0.tv_sec, tv0.tv_usec);
	int c = clock_gettime(NB_CLOCK_MONOTONIC, &m0);
	check("clock_gettime", c == 0 && m0.tv_nsec >= 0 && m0.tv_nsec < 1000000000 &&
	      clock_gettime(NB_CLOCK_REALTIME, &rt) == 0 && rt.tv_sec - tv0.tv_sec <= 1 && rt.tv_sec >= tv0.tv_sec,
	      "monotonic %ld.%09ld, realtime %ld vs gettimeofday %ld", (long)m0.tv_sec, m0.tv_nsec, (long)rt.tv_sec,
	      (long)tv0.tv_sec);
	/* NetBSD's clocks in rk move a tick (10 ms) at a time, when the rump
	 * kernel's clock thread runs: wait until both have moved (for at
	 * most 2 s), asserting only that they do, not how fast. */
	bool tv_later = false, m_later = false;
	for (int i = 0; i < 200 && !(tv_later && m_later); i++) {
		sc_sleep_ms(10);
		gettimeofday(&tv1, NULL);
		clock_gettime(NB_CLOCK_MONOTONIC, &m1);
		tv_later = tv1.tv_sec > tv0.tv_sec || (tv1.tv_sec == tv0.tv_sec && tv1.tv_usec > tv0.tv_usec);
		m_later = m1.tv_sec > m0.tv_sec || (m1.tv_sec == m0.tv_sec && m1.tv_nsec > m0.tv_nsec);
	}
	check("time_advances", tv_later && m_later, "gettimeofday %ld.%06d -> %ld.%06d, monotonic %ld.%09ld -> %ld.%09ld",
	      (long)tv0.tv_sec, tv0.tv_usec, (long)tv1.tv_sec, tv1.tv_usec, (long)m0.tv_sec, m0.tv_nsec,
	      (long)m1.tv_sec, m1.tv_nsec);
}

void functional(void)
{
	int before = r2c_passed + r2c_failed;
	identity();
	files();
	names();
	file_systems();
	waiting();
	sockets();
	clocks();
	if (r2c_passed + r2c_failed - before != FUNCTIONAL_CHECKS)
		r2c_printf("sctest: functional: %d checks made, FUNCTIONAL_CHECKS says %d\n",
			   r2c_passed + r2c_failed - before, FUNCTIONAL_CHECKS);
}
