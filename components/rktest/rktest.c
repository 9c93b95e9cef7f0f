/*
 * rktest: the NetBSD tier's checks, run by two instances at once
 * (compose/test-netbsd.comp): arg=ffs:/dev/rd0:/ffs or ext2fs:/dev/rd1:/ext
 * says what this one mounts. Each is its own process in the rump kernel:
 * it checks its own descriptor table, file data, directories, errors with
 * NetBSD's numbers, and that bad pointers get EFAULT from NetBSD while rk
 * keeps serving; it leaves its file system unmounted. Everything goes
 * through NetBSD's system calls (lib/rkclient/syscall.h), mount(2) with
 * the file system's own arguments. With a fourth field
 * ":stay" it leaves it mounted and unsynced, for rk's shutdown to unmount
 * when the system halts; with ":again" (compose/test-netbsd-again.comp, a
 * second boot on the same host disks, where rk mounted both file systems
 * itself from its arg=) it checks instead that everything the first boot
 * left is still there, and leaves the unmount to rk's shutdown; with ":pressure" it moves a file
 * several times larger than the rump kernel's memory limit through the
 * page cache and checks every byte (compose/test-netbsd-pressure.comp);
 * with ":many", ":churn", ":fill" or ":paths" it runs the checks of crowd.c or paths.c on the
 * file systems rk mounted (compose/test-netbsd-clients.comp).
 */
#include "r2c.h"
#include "rkclient/syscall.h"
#include "rkclient/mount.h"
#include "fmt/fmt.h"
#include "crowd.h"

#define FILES 40
#define FILE_BYTES 8192

static char fields[4][R2C_ARG_FIELD];	/* TYPE:DEVICE:DIR[:MODE] */
static char *const type = fields[0], *const dev = fields[1], *const dir = fields[2], *const mode = fields[3];
static char name[16];
static char data[FILE_BYTES], back[FILE_BYTES];

#define check(...) r2c_check_in(name, __VA_ARGS__)	/* name.what */

static bool parse_arg(void)
{
	if (r2c_arg_fields(r2c_env->arg, fields, 4) || !type[0] || !dir[0]) {
		r2c_printf("rktest: arg=%s: expected TYPE:DEVICE:DIR[:stay|:again|:pressure|:many|:churn|:fill|:paths]\n",
			   r2c_env->arg);
		return false;
	}
	memcpy(name, type, sizeof(name) - 1);
	return true;
}

static void fill(int i)
{
	for (int k = 0; k < FILE_BYTES; k++)
		data[k] = (char)(i * 31 + k * 7 + name[0]);
}

/* Did a call fail (-1) with errno e? */
static bool failed(long r, int e)
{
	return r == -1 && errno == e;
}

static void test_files(void)
{
	char path[64];
	int e, ok = 0;
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		fill(i);
		int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_EXCL, 0644);
		if (fd < 0 || write(fd, data, FILE_BYTES) != FILE_BYTES) {
			check("write_files", false, "%s: fd %d, errno %d", path, fd, errno);
			return;
		}
		close(fd);
		r2c_sched_yield();	/* let the other instance in between */
	}
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		fill(i);
		int fd = open(path, NB_O_RDONLY, 0);
		memset(back, 0, sizeof(back));
		if (fd >= 0 && read(fd, back, FILE_BYTES) == FILE_BYTES && !memcmp(back, data, FILE_BYTES))
			ok++;
		if (fd >= 0)
			close(fd);
	}
	check("files_read_back", ok == FILES, "%d of %d files intact", ok, FILES);
	struct nb_stat st = { 0 };
	fmt_snprintf(path, sizeof(path), "%s/d/f3", dir);
	e = stat(path, &st);
	check("stat", e == 0 && st.st_size == FILE_BYTES && (st.st_mode & NB_S_IFMT) == NB_S_IFREG,
	      "stat %d (errno %d): size %ld mode 0%o", e, errno, (long)st.st_size, st.st_mode);
	char to[64];
	fmt_snprintf(to, sizeof(to), "%s/d/renamed", dir);
	check("rename", rename(path, to) == 0 && stat(to, &st) == 0 && failed(stat(path, &st), ENOENT),
	      "rename failed");
	check("unlink", unlink(to) == 0 && failed(unlink(to), ENOENT), "unlink failed");
	fmt_snprintf(path, sizeof(path), "%s/d", dir);
	check("rmdir_not_empty", failed(rmdir(path), ENOTEMPTY), "expected ENOTEMPTY (66), errno %d", errno);
	check("mkdir_exists", failed(mkdir(path, 0755), EEXIST), "expected EEXIST (17), errno %d", errno);
}

/* Does `path` hold exactly `len` bytes equal to `want`? */
static bool holds(const char *path, const char *want, long len)
{
	int fd = open(path, NB_O_RDONLY, 0);
	if (fd < 0)
		return false;
	memset(back, 0, sizeof(back));
	long n = read(fd, back, sizeof(back));
	close(fd);
	return n == len && !memcmp(back, want, (size_t)len);
}

/* What the first boot left: its files (f3 was renamed and removed) and
 * the file named after this client. */
static void test_persisted(void)
{
	char path[64];
	int ok = 0;
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		fill(i);
		ok += i == 3 ? failed(stat(path, &(struct nb_stat){ 0 }), ENOENT) : holds(path, data, FILE_BYTES);
	}
	check("again.files_intact", ok == FILES, "%d of %d files as the first boot left them", ok, FILES);
	fmt_snprintf(path, sizeof(path), "%s/mine", dir);
	check("again.own_file", holds(path, name, (long)strlen(name)), "%s changed", path);
}

/* A file far larger than rk's page cache may grow: written, synced and
 * read back whole, so the page daemon has to evict as it goes. */
#define PRESSURE_BYTES (64u << 20)
static void pattern(uint64_t off, char *b)
{
	for (int k = 0; k < FILE_BYTES; k += 8) {
		uint64_t v = (off + (uint64_t)k) * 0x9E3779B97F4A7C15ull;
		memcpy(b + k, &v, 8);
	}
}

static void test_pressure(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/big", dir);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	uint64_t off = 0;
	for (; fd >= 0 && off < PRESSURE_BYTES; off += FILE_BYTES) {
		pattern(off, data);
		if (write(fd, data, FILE_BYTES) != FILE_BYTES)
			break;
	}
	check("pressure.write", off == PRESSURE_BYTES && fsync(fd) == 0, "%lu bytes written (fd %d, errno %d)",
	      (unsigned long)off, fd, errno);
	close(fd);
	fd = open(path, NB_O_RDONLY, 0);
	uint64_t good = 0;
	for (off = 0; fd >= 0 && off < PRESSURE_BYTES; off += FILE_BYTES) {
		pattern(off, data);
		if (read(fd, back, FILE_BYTES) != FILE_BYTES || memcmp(back, data, FILE_BYTES))
			break;
		good += FILE_BYTES;
	}
	check("pressure.read_back", good == PRESSURE_BYTES, "%lu of %u bytes read back intact", (unsigned long)good,
	      PRESSURE_BYTES);
	close(fd);
	check("pressure.unlink", unlink(path) == 0, "unlink %s: errno %d", path, errno);
}

/* Two threads of one client at once, each on an lwp of its own in the
 * client's process in rk: each sees its own file. */
#define ROUNDS 40
struct worker { int id; int ok; char buf[64], got[64]; };

static void worker_loop(struct worker *w)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/thread%d", dir, w->id);
	for (int i = 0; i < ROUNDS; i++) {
		int n = fmt_snprintf(w->buf, sizeof(w->buf), "thread %d round %d", w->id, i);
		int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
		bool good = fd >= 0 && write(fd, w->buf, (size_t)n) == n;
		memset(w->got, 0, sizeof(w->got));
		good = good && pread(fd, w->got, sizeof(w->got) - 1, 0) == n && !memcmp(w->got, w->buf, (size_t)n);
		if (fd >= 0)
			close(fd);
		w->ok += good;
		r2c_sched_yield();
	}
}

static void worker_thread(void *arg)
{
	worker_loop(arg);
	rk_thread_done();
}

static void test_threads(void)
{
	static struct worker a = { .id = 1 }, b = { .id = 2 };
	long t = r2c_thd_create(worker_thread, &b, 16);
	worker_loop(&a);
	long j = t < 0 ? t : r2c_thd_join((word_t)t);
	check("two_threads", t >= 0 && j == 0 && a.ok == ROUNDS && b.ok == ROUNDS, "thread %ld, join %ld, %d and %d of %d rounds",
	      t, j, a.ok, b.ok, ROUNDS);
}

static void test_descriptors(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/mine", dir);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0600);
	/* a fresh process of my own: 0, 1 and 2 are the rump kernel's console,
	 * so my first descriptor is 3, whatever the other client holds */
	check("own_descriptor_table", fd == 3, "first descriptor %d (errno %d)", fd, errno);
	write(fd, name, strlen(name));
	r2c_sched_yield();
	char b[16] = { 0 };
	long n = pread(fd, b, sizeof(b) - 1, 0);
	check("own_file_behind_fd", n == (long)strlen(name) && !strcmp(b, name), "read \"%s\"", b);
	check("foreign_fd", failed(close(9), EBADF) && failed(read(7, b, 4), EBADF), "descriptors 7/9 exist");
	check("lseek", lseek(fd, 0, NB_SEEK_END) == (long)strlen(name), "lseek");
	check("fsync", fsync(fd) == 0, "fsync: errno %d", errno);
	close(fd);
}

/* A tmpfs the composition mounted (/tmp, shared by both instances) and one
 * this client mounts itself. */
static void test_tmpfs(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "/tmp/%s", name);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0600);
	bool ok = fd >= 0 && write(fd, name, strlen(name)) == (long)strlen(name);
	if (fd >= 0)
		close(fd);
	check("tmpfs_from_composition", ok && holds(path, name, (long)strlen(name)), "%s: %d", path, fd);
	char mnt[48];
	fmt_snprintf(mnt, sizeof(mnt), "%s-tmp", dir);
	mkdir(mnt, 0755);
	/* no size limit asked for (0): rk gives it the limit of its own tmpfs */
	int e = rk_mount_tmpfs(mnt, 0, 0755, 0), mount_errno = errno;
	fmt_snprintf(path, sizeof(path), "%s/x", mnt);
	fd = e ? -1 : open(path, NB_O_RDWR | NB_O_CREAT, 0600);
	ok = fd >= 0 && write(fd, data, FILE_BYTES) == FILE_BYTES;
	if (fd >= 0)
		close(fd);
	check("tmpfs_mount", e == 0 && ok && holds(path, data, FILE_BYTES), "mount %d (errno %d), open %d", e,
	      mount_errno, fd);
	struct nb_statvfs sv;
	uint64_t bytes = statvfs(mnt, &sv) ? 0 : sv.f_blocks * sv.f_frsize, rk_mem = 96ull << 20;	/* compose/test-netbsd.comp */
	check("tmpfs_limited", bytes > 0 && bytes <= rk_mem / 4, "%lu KiB (rk has %lu MiB)", (unsigned long)(bytes >> 10),
	      (unsigned long)(rk_mem >> 20));
	check("tmpfs_unmount", unmount(mnt, 0) == 0 && failed(stat(path, &(struct nb_stat){ 0 }), ENOENT),
	      "unmount, or the file outlived it");
}

/* A page of my own with nothing mapped after it, for buffers that run
 * off the end of mapped memory; NULL if it cannot be had. */
#define EDGE_VA 0x300000000000ull
static char *edge_page(void)
{
	return r2c_map(&r2c_self_mem, r2c_self_mem.self_slot, EDGE_VA, MAP_WRITE) ? NULL : (char *)EDGE_VA;
}

/* Pointers NetBSD must refuse with EFAULT when it copies, while rk goes on
 * serving; a stat buffer needs no alignment (NetBSD copies bytes). */
static void test_bad_arguments(void)
{
	char *edge = edge_page(), *end = edge + 4096, path[64];
	if (!edge) {
		check("edge_page", false, "cannot map a page at %#llx", EDGE_VA);
		return;
	}
	fmt_snprintf(path, sizeof(path), "%s/d/f0", dir);
	int fd = open(path, NB_O_RDONLY, 0);	/* FILE_BYTES of data */
	fmt_snprintf(path, sizeof(path), "%s/d/efault", dir);
	int wfd = open(path, NB_O_WRONLY | NB_O_CREAT | NB_O_TRUNC, 0644);
	long r = read(fd, end - 10, 100);
	check("efault_read_past_buffer", failed(r, EFAULT), "read into the last 10 bytes: %ld, errno %d", r, errno);
	r = write(wfd, end - 10, 1 << 20);
	check("efault_length_overflow", failed(r, EFAULT), "write of 1 MiB from the last 10 bytes: %ld, errno %d", r,
	      errno);
	r = open(end, NB_O_RDONLY, 0);
	check("efault_path_offset", failed(r, EFAULT), "a path in no mapped page: %ld, errno %d", r, errno);
	memset(end - 100, 'x', 100);		/* a path with no end before the edge */
	r = open(end - 100, NB_O_RDONLY, 0);
	check("efault_unterminated_path", failed(r, EFAULT), "a path running off the page: %ld, errno %d", r, errno);
	r = fstat(fd, (struct nb_stat *)(end - 100));
	check("efault_stat_past_buffer", failed(r, EFAULT), "stat into the last 100 bytes: %ld, errno %d", r, errno);
	struct nb_stat *odd = (struct nb_stat *)(edge + 3);
	r = fstat(fd, odd);
	check("misaligned_stat", r == 0 && odd->st_size == FILE_BYTES, "fstat into an odd address: %ld, errno %d", r,
	      errno);
	check("enoent", failed(open("/no/such/file", NB_O_RDONLY, 0), ENOENT), "expected ENOENT, errno %d", errno);
	check("still_serving", getpid() > 1, "rk stopped answering");
	close(fd);
	close(wfd);
	unlink(path);
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_ready();		/* the other instance starts now and runs beside me */
	if (!parse_arg()) {
		r2c_check("rktest.arg", false, "bad arg=");
		return;
	}
	if (rk_sys_init("rk")) {
		r2c_check("rktest.granted", false, "no rk interface");
		return;
	}
	bool again = !strcmp(mode, "again");	/* the composition mounted it; rk's shutdown unmounts */
	bool many = !strcmp(mode, "many"), churn = !strcmp(mode, "churn"), fill = !strcmp(mode, "fill");
	bool paths = !strcmp(mode, "paths");
	r2c_plan(many ? 2 : churn ? 4 : fill ? 3 : paths ? 7 : again ? 2 : !strcmp(mode, "pressure") ? 6 :
		 !strcmp(mode, "stay") ? 26 : 28);
	if (many || churn || fill || paths) {	/* on the composition's mounts */
		memcpy(name, r2c_env->name, sizeof(name) - 1);
		if (many)
			crowd_many();
		else if (churn)
			crowd_churn();
		else if (fill)
			crowd_fill();
		else
			paths_mount_and_leave();
		r2c_printf("rktest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
		return;
	}
	char d[48];
	int e = 0;
	if (!again) {
		mkdir(dir, 0755);
		e = rk_mount_disk(type, dev, dir, 0);
		check("mount", e == 0, "mount %s %s on %s: errno %d", type, dev, dir, errno);
		if (e)
			return;
	}
	if (again) {
		test_persisted();
	} else if (!strcmp(mode, "pressure")) {
		test_pressure();
	} else {
		fmt_snprintf(d, sizeof(d), "%s/d", dir);
		check("mkdir", mkdir(d, 0755) == 0, "mkdir %s: errno %d", d, errno);
		test_descriptors();
		test_files();
		test_threads();
		test_tmpfs();
		test_bad_arguments();
	}
	if (strcmp(mode, "stay") && !again) {
		/* sync(2) as the raw call: POSIX's sync() has no result, NetBSD's errno is in it */
		check("sync", rk_syscall(NB_SYS_sync, 0) == 0, "sync: errno %d", errno);
		e = unmount(dir, 0);
		check("unmount", e == 0, "unmount %s: errno %d", dir, errno);
	}
	r2c_printf("rktest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
}
