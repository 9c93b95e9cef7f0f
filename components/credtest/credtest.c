/*
 * credtest: the NetBSD tier's checks that a client of rk is the NetBSD
 * user its composition line says (compose/test-netbsd-cred.comp), not
 * root: getuid/geteuid and getgid/getegid answer its uid= and gid= (by
 * default 1000 + its component id), and NetBSD's own permission checks
 * refuse an unprivileged client mount, unmount and the raw disk, while a
 * client with uid=0 may mount, unmount and open the disk. Every call goes
 * through the generic entry (lib/rkclient).
 *
 * arg=user (uid and gid 1000 + id), arg=user:UID:GID, or arg=root.
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/mount.h"
#include "r2c/rkproc.h"
#include "fmt/fmt.h"

static char name[16];
static char prefix[24];		/* cred.NAME: its checks' names */

static long decimal(const char *s)
{
	long v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return *s ? -1 : v;
}

#define check(...) r2c_check_in(prefix, __VA_ARGS__)	/* cred.name.what */

/* A NetBSD call: its errno (0: success), retval[0..1] in rv. */
static int sys(int num, long rv[2], int nargs, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	uint64_t a[5] = { a0, a1, a2, a3, a4 };
	return rk_syscall_block(num, a, (size_t)nargs * 8, rv);
}

static bool refused(int e)
{
	return e == EPERM || e == EACCES;
}

/* mount(2) and unmount(2): their errno (0: success) */
static int mount_tmpfs(const char *path)
{
	return rk_mount_tmpfs(path, 1 << 20, 0755, 0) ? errno : 0;
}

static int unmount_errno(const char *path)
{
	return unmount(path, 0) ? errno : 0;
}

static void ids(long uid, long gid)
{
	long rv[2] = { -1, -1 };
	int e = sys(NB_SYS_getuid, rv, 0, 0, 0, 0, 0, 0);
	check("getuid", !e && rv[0] == uid && rv[1] == uid, "errno %d, uid %ld, euid %ld, expected %ld", e, rv[0],
	      rv[1], uid);
	e = sys(NB_SYS_geteuid, rv, 0, 0, 0, 0, 0, 0);
	check("geteuid", !e && rv[0] == uid, "errno %d, euid %ld, expected %ld", e, rv[0], uid);
	e = sys(NB_SYS_getgid, rv, 0, 0, 0, 0, 0, 0);
	check("getgid", !e && rv[0] == gid && rv[1] == gid, "errno %d, gid %ld, egid %ld, expected %ld", e, rv[0],
	      rv[1], gid);
	e = sys(NB_SYS_getegid, rv, 0, 0, 0, 0, 0, 0);
	check("getegid", !e && rv[0] == gid, "errno %d, egid %ld, expected %ld", e, rv[0], gid);
}

/* An ordinary user: no mount, no unmount, no raw disk; its own files in
 * the composition's /tmp are fine. */
static void user(void)
{
	char dir[48], file[48];
	fmt_snprintf(dir, sizeof(dir), "/tmp/m-%s", name);
	fmt_snprintf(file, sizeof(file), "/tmp/f-%s", name);
	long r = mkdir(dir, 0755);
	check("mkdir_in_tmp", r == 0, "mkdir %s: errno %d", dir, errno);
	int fd = open(file, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	check("file_in_tmp", fd >= 0 && write(fd, "mine", 4) == 4 && close(fd) == 0, "open %s: errno %d", file, errno);

	int e = mount_tmpfs(dir);	/* even on a directory of its own */
	check("mount_refused", refused(e), "mount tmpfs on %s: errno %d, expected EPERM or EACCES", dir, e);
	if (!e)
		unmount_errno(dir);
	e = unmount_errno("/tmp");
	check("unmount_refused", refused(e), "unmount /tmp: errno %d, expected EPERM or EACCES", e);
	fd = open(file, NB_O_RDONLY, 0);
	check("tmp_still_mounted", fd >= 0, "open %s after the refused unmount: errno %d", file, errno);
	close(fd);
	fd = open("/dev/rd0", NB_O_RDWR, 0);
	e = fd < 0 ? errno : 0;
	check("raw_disk_rdwr_refused", fd < 0 && refused(e), "open /dev/rd0 O_RDWR: %d, errno %d", fd, e);
	if (fd >= 0)
		close(fd);
	fd = open("/dev/rd0", NB_O_RDONLY, 0);
	e = fd < 0 ? errno : 0;
	check("raw_disk_read_refused", fd < 0 && refused(e), "open /dev/rd0 O_RDONLY: %d, errno %d", fd, e);
	if (fd >= 0)
		close(fd);
	long r2 = rk_counts(RK_COUNT_PID, (long)r2c_env->id + 1);
	check("others_counts_refused", r2 == -EPERM, "another client's pid from rk_counts: %ld, expected -EPERM", r2);
	check("still_served", getpid() > 1, "getpid: errno %d", errno);
}

/* uid=0: NetBSD lets it mount, unmount and open the disk. */
static void root(void)
{
	const char *dir = "/tmp/m-root";
	long r = mkdir(dir, 0755);
	check("mkdir", r == 0, "mkdir %s: errno %d", dir, errno);
	int e = mount_tmpfs(dir);
	check("mount", e == 0, "mount tmpfs on %s: errno %d", dir, e);
	int fd = open("/tmp/m-root/f", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	check("file_in_mount", fd >= 0 && write(fd, "root", 4) == 4 && close(fd) == 0, "errno %d", errno);
	e = unmount_errno(dir);
	check("unmount", e == 0, "unmount %s: errno %d", dir, e);
	fd = open("/tmp/m-root/f", NB_O_RDONLY, 0);
	check("unmounted", fd < 0 && errno == ENOENT, "the file is still there: %d, errno %d", fd, errno);
	fd = open("/dev/rd0", NB_O_RDWR, 0);
	check("raw_disk_rdwr", fd >= 0, "open /dev/rd0 O_RDWR: errno %d", errno);
	if (fd >= 0)
		close(fd);
	long r2 = rk_counts(RK_COUNT_PID, (long)r2c_env->id + 1);
	check("others_counts", r2 != -EPERM, "another client's pid from rk_counts: %ld", r2);
}

void r2c_main(word_t arg)
{
	(void)arg;
	char f[3][R2C_ARG_FIELD];
	memcpy(name, r2c_env->name, sizeof(name) - 1);
	fmt_snprintf(prefix, sizeof(prefix), "cred.%s", name);
	bool is_root = !strcmp(r2c_env->arg, "root");
	r2c_plan(is_root ? 11 : 13);
	if (rk_sys_init("rk") || r2c_arg_fields(r2c_env->arg, f, 3) || (!is_root && strcmp(f[0], "user"))) {
		r2c_check("cred.setup", false, "no rk, or arg=%s is not user[:UID:GID] or root", r2c_env->arg);
		return;
	}
	long uid = 1000 + (long)r2c_env->id, gid = uid;
	if (is_root)
		uid = gid = 0;
	else if (f[1][0])
		uid = decimal(f[1]), gid = decimal(f[2]);
	ids(uid, gid);
	if (is_root)
		root();
	else
		user();
	r2c_printf("credtest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
}
