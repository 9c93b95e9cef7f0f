/*
 * rktest: the NetBSD tier's checks, run by two instances at once
 * (compose/test-netbsd.comp): arg=ffs:/dev/rd0:/ffs or ext2fs:/dev/rd1:/ext
 * says what this one mounts. Each is its own process in the rump kernel:
 * it checks its own descriptor table, file data, directories, errors with
 * NetBSD's numbers, and that bad offsets get -EFAULT while rk keeps
 * serving; it leaves its file system unmounted. With a fourth field
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
#include "rkclient/rkfs.h"
#include "fmt/fmt.h"
#include "crowd.h"

#define FILES 40
#define FILE_BYTES 8192

static char fields[4][R2C_ARG_FIELD];	/* TYPE:DEVICE:DIR[:MODE] */
static char *const type = fields[0], *const dev = fields[1], *const dir = fields[2], *const mode = fields[3];
static char name[16];
static char data[FILE_BYTES], back[FILE_BYTES];

static void check(const char *what, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(const char *what, bool ok, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	char full[64];
	fmt_snprintf(full, sizeof(full), "%s.%s", name, what);
	r2c_check(full, ok, "%s", why);
}

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

static void test_files(void)
{
	char path[64];
	long e;
	int ok = 0;
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		fill(i);
		long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_EXCL, 0644);
		if (fd < 0 || rk_write((int)fd, data, FILE_BYTES) != FILE_BYTES) {
			check("write_files", false, "%s: %ld", path, fd);
			return;
		}
		rk_close((int)fd);
		r2c_sched_yield();	/* let the other instance in between */
	}
	for (int i = 0; i < FILES; i++) {
		fmt_snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		fill(i);
		long fd = rk_open(path, RKFS_O_RDONLY, 0);
		memset(back, 0, sizeof(back));
		if (fd >= 0 && rk_read((int)fd, back, FILE_BYTES) == FILE_BYTES && !memcmp(back, data, FILE_BYTES))
			ok++;
		if (fd >= 0)
			rk_close((int)fd);
	}
	check("files_read_back", ok == FILES, "%d of %d files intact", ok, FILES);
	struct rkfs_stat st;
	fmt_snprintf(path, sizeof(path), "%s/d/f3", dir);
	e = rk_stat(path, &st);
	check("stat", e == 0 && st.size == FILE_BYTES && (st.mode & RKFS_S_IFMT) == RKFS_S_IFREG,
	      "stat %ld: size %ld mode 0%o", e, (long)st.size, st.mode);
	char to[64];
	fmt_snprintf(to, sizeof(to), "%s/d/renamed", dir);
	check("rename", rk_rename(path, to) == 0 && rk_stat(to, &st) == 0 && rk_stat(path, &st) == -ENOENT,
	      "rename failed");
	check("unlink", rk_unlink(to) == 0 && rk_unlink(to) == -ENOENT, "unlink failed");
	fmt_snprintf(path, sizeof(path), "%s/d", dir);
	check("rmdir_not_empty", rk_rmdir(path) == -ENOTEMPTY, "expected ENOTEMPTY (66)");
	check("mkdir_exists", rk_mkdir(path, 0755) == -EEXIST, "expected EEXIST (17)");
}

/* Does `path` hold exactly `len` bytes equal to `want`? */
static bool holds(const char *path, const char *want, long len)
{
	long fd = rk_open(path, RKFS_O_RDONLY, 0);
	if (fd < 0)
		return false;
	memset(back, 0, sizeof(back));
	long n = rk_read((int)fd, back, sizeof(back));
	rk_close((int)fd);
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
		ok += i == 3 ? rk_stat(path, &(struct rkfs_stat){ 0 }) == -ENOENT : holds(path, data, FILE_BYTES);
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
	long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0644);
	uint64_t off = 0;
	for (; fd >= 0 && off < PRESSURE_BYTES; off += FILE_BYTES) {
		pattern(off, data);
		if (rk_write((int)fd, data, FILE_BYTES) != FILE_BYTES)
			break;
	}
	check("pressure.write", off == PRESSURE_BYTES && rk_fsync((int)fd) == 0, "%lu bytes written (fd %ld)",
	      (unsigned long)off, fd);
	rk_close((int)fd);
	fd = rk_open(path, RKFS_O_RDONLY, 0);
	uint64_t good = 0;
	for (off = 0; fd >= 0 && off < PRESSURE_BYTES; off += FILE_BYTES) {
		pattern(off, data);
		if (rk_read((int)fd, back, FILE_BYTES) != FILE_BYTES || memcmp(back, data, FILE_BYTES))
			break;
		good += FILE_BYTES;
	}
	check("pressure.read_back", good == PRESSURE_BYTES, "%lu of %u bytes read back intact", (unsigned long)good,
	      PRESSURE_BYTES);
	rk_close((int)fd);
	check("pressure.unlink", rk_unlink(path) == 0, "unlink %s", path);
}

/* Two threads of one client at once: their calls take turns on the
 * client's process in rk, and each sees its own file. */
#define ROUNDS 40
struct worker { int id; int ok; char buf[64], got[64]; };

static void worker_loop(struct worker *w)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "%s/thread%d", dir, w->id);
	for (int i = 0; i < ROUNDS; i++) {
		int n = fmt_snprintf(w->buf, sizeof(w->buf), "thread %d round %d", w->id, i);
		long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0644);
		bool good = fd >= 0 && rk_write((int)fd, w->buf, (size_t)n) == n;
		memset(w->got, 0, sizeof(w->got));
		good = good && rk_pread((int)fd, w->got, sizeof(w->got) - 1, 0) == n && !memcmp(w->got, w->buf, (size_t)n);
		if (fd >= 0)
			rk_close((int)fd);
		w->ok += good;
		r2c_sched_yield();
	}
}

static void worker_thread(void *arg)
{
	worker_loop(arg);
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
	long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0600);
	/* a fresh process of my own: my first descriptor is 0, whatever the
	 * other client holds */
	check("own_descriptor_table", fd == 0, "first descriptor %ld", fd);
	rk_write((int)fd, name, strlen(name));
	r2c_sched_yield();
	char b[16] = { 0 };
	long n = rk_pread((int)fd, b, sizeof(b) - 1, 0);
	check("own_file_behind_fd", n == (long)strlen(name) && !strcmp(b, name), "read \"%s\"", b);
	check("foreign_fd", rk_close(9) == -EBADF && rk_read(7, b, 4) == -EBADF, "descriptors 7/9 exist");
	check("lseek", rk_lseek((int)fd, 0, RKFS_SEEK_END) == (long)strlen(name), "lseek");
	check("fsync", rk_fsync((int)fd) == 0, "fsync");
	rk_close((int)fd);
}

/* A tmpfs the composition mounted (/tmp, shared by both instances) and one
 * this client mounts itself. */
static void test_tmpfs(void)
{
	char path[64];
	fmt_snprintf(path, sizeof(path), "/tmp/%s", name);
	long fd = rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT | RKFS_O_TRUNC, 0600);
	bool ok = fd >= 0 && rk_write((int)fd, name, strlen(name)) == (long)strlen(name);
	if (fd >= 0)
		rk_close((int)fd);
	check("tmpfs_from_composition", ok && holds(path, name, (long)strlen(name)), "%s: %ld", path, fd);
	char mnt[48];
	fmt_snprintf(mnt, sizeof(mnt), "%s-tmp", dir);
	rk_mkdir(mnt, 0755);
	long e = rk_mount("tmpfs", "", mnt, 0);
	fmt_snprintf(path, sizeof(path), "%s/x", mnt);
	fd = e ? -1 : rk_open(path, RKFS_O_RDWR | RKFS_O_CREAT, 0600);
	ok = fd >= 0 && rk_write((int)fd, data, FILE_BYTES) == FILE_BYTES;
	if (fd >= 0)
		rk_close((int)fd);
	check("tmpfs_mount", e == 0 && ok && holds(path, data, FILE_BYTES), "mount %ld, open %ld", e, fd);
	check("tmpfs_unmount", rk_unmount(mnt, 0) == 0 && rk_stat(path, &(struct rkfs_stat){ 0 }) == -ENOENT,
	      "unmount, or the file outlived it");
}

static void test_bad_arguments(void)
{
	const struct cinfo_shm *sh = r2c_shm("rk");
	long fd = rk_open("/", RKFS_O_RDONLY, 0);
	check("efault_read_past_buffer", rk_raw("rkfs_read", (uint64_t)fd, sh->size - 10, 100, 0) == -EFAULT, "expected EFAULT");
	check("efault_length_overflow", rk_raw("rkfs_write", (uint64_t)fd, 8, ~0ull, 0) == -EFAULT, "expected EFAULT");
	check("efault_path_offset", rk_raw("rkfs_open", sh->size + 5, 0, 0, 0) == -EFAULT, "expected EFAULT");
	memset((char *)sh->vaddr, 'x', sh->size);		/* a path with no end */
	check("efault_unterminated_path", rk_raw("rkfs_open", 0, 0, 0, 0) == -EFAULT, "expected EFAULT");
	check("efault_misaligned_stat", rk_raw("rkfs_fstat", (uint64_t)fd, 3, 0, 0) == -EFAULT, "expected EFAULT");
	check("enoent", rk_open("/no/such/file", RKFS_O_RDONLY, 0) == -ENOENT, "expected ENOENT");
	check("still_serving", rk_getpid() > 1, "rk stopped answering");
	rk_close((int)fd);
}

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_ready();		/* the other instance starts now and runs beside me */
	if (!parse_arg()) {
		r2c_check("rktest.arg", false, "bad arg=");
		return;
	}
	if (rk_fs_init("rk")) {
		r2c_check("rktest.granted", false, "no rk interface");
		return;
	}
	bool again = !strcmp(mode, "again");	/* the composition mounted it; rk's shutdown unmounts */
	bool many = !strcmp(mode, "many"), churn = !strcmp(mode, "churn"), fill = !strcmp(mode, "fill");
	bool paths = !strcmp(mode, "paths");
	r2c_plan(many ? 2 : churn ? 4 : fill ? 3 : paths ? 5 : again ? 2 : !strcmp(mode, "pressure") ? 6 :
		 !strcmp(mode, "stay") ? 24 : 26);
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
	long e = 0;
	if (!again) {
		rk_mkdir(dir, 0755);
		e = rk_mount(type, dev, dir, 0);
		check("mount", e == 0, "mount %s %s on %s: %ld", type, dev, dir, e);
		if (e)
			return;
	}
	if (again) {
		test_persisted();
	} else if (!strcmp(mode, "pressure")) {
		test_pressure();
	} else {
		fmt_snprintf(d, sizeof(d), "%s/d", dir);
		check("mkdir", rk_mkdir(d, 0755) == 0, "mkdir %s", d);
		test_descriptors();
		test_files();
		test_threads();
		test_tmpfs();
		test_bad_arguments();
	}
	if (strcmp(mode, "stay") && !again) {
		check("sync", rk_sync() == 0, "sync");
		e = rk_unmount(dir, 0);
		check("unmount", e == 0, "unmount %s: %ld", dir, e);
	}
	r2c_printf("rktest: %s: %d passed, %d failed\n", name, r2c_passed, r2c_failed);
}
