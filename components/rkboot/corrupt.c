/*
 * rkboot arg=corrupt-...: corrupted disk images against rk (compose/test-rk-corrupt.comp,
 * suite rk-corrupt). Why: a corrupted image is the real-world way to crash
 * a file system, and a crash in rk must cost the system one micro-reboot,
 * not the system: the mount (or the first lookup) gets an error, rk's own
 * arg= mounts come back, and another client goes on with only a pause.
 *
 * arg=corrupt-ffs or corrupt-ext2 (uid=0): mounts each corrupted image of
 * that set (made on the host by tools/corrupt-image, one host disk each,
 * rd2 on; ffs-size in the ffs set and ffs-mode in the ext2 set are made
 * from an FFS with files) with rk_mount_disk on /cN, looks a name up in it
 * when the mount succeeds (a bad directory entry or inode is only read
 * then) and reads what it names if the lookup succeeds, and checks what
 * really happens in this NetBSD
 * revision (the table below: a panic and a reboot, the watchdog ending a
 * mount that spins, or only an error), that rk serves again with /ffs
 * (log) and /ext mounted and their files intact. Then it writes /ffs/stop.
 *
 * arg=corrupt-busy: another client. Before the first crash it writes and fsyncs
 * /ffs/b/busy (in a directory the mounter made for it); then, until /ffs/stop appears, it reads the file through a
 * descriptor kept open throughout and through one opened each round, and
 * stats it. Those calls are safe to make again (docs/reboot.md), so the
 * client library's recovery must hide every reboot: no error at all.
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"	/* rk_wait_serving */
#include "rkclient/mount.h"
#include "fmt/fmt.h"
#include "corrupt.h"
#include <string.h>

#define BUSY_BYTES 16384

/* What a kind does in NetBSD 7.99.34 (seen, not wished): the mount
 * spins (the watchdog ends it: the mount gets EIO); or the mount
 * succeeds and the first lookup in it panics NetBSD (the open, made again
 * after the reboot, finds no mount there: ENOENT); or the first create
 * does (the create, not made again, gets EIO). */
enum outcome { PANIC_ON_LOOKUP, PANIC_ON_CREATE, WATCHDOG_ON_MOUNT };

static const struct kind {
	const char *set, *name, *type, *dev;
	const char *lookup;	/* the name looked up in the mount */
	enum outcome what;
} kinds[] = {	/* a boot's damaged disks are rd2 on (rk imports at most 48 entry points) */
	{ "ffs", "ffs-dirent", "ffs", "/dev/rd2", "x", PANIC_ON_LOOKUP },	/* "bad dir ino 2 at offset 0" */
	{ "ffs", "ffs-cg", "ffs", "/dev/rd3", "x", PANIC_ON_CREATE },	/* a page fault at the wild offset */
	{ "ffs", "ffs-ncg", "ffs", "/dev/rd4", "x", WATCHDOG_ON_MOUNT },
	{ "ffs", "ffs-size", "ffs", "/dev/rd5", "small", PANIC_ON_LOOKUP },	/* loading the inode: KASSERT newsize >= 0 */
	{ "ext2", "ext2-icount", "ext2fs", "/dev/rd2", "x", PANIC_ON_LOOKUP },	/* ext2fs_dirbadentry: inode out of bounds */
	{ "ext2", "ext2-itable", "ext2fs", "/dev/rd3", "x", PANIC_ON_LOOKUP },	/* "ifree: range ... ino = 2" */
	{ "ext2", "ext2-dirent", "ext2fs", "/dev/rd4", "x", PANIC_ON_LOOKUP },	/* ext2fs_dirbadentry: reclen too small */
	{ "ext2", "ffs-mode", "ffs", "/dev/rd5", "small/x", PANIC_ON_LOOKUP },	/* the file read as a directory */
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static char busy_pattern(size_t i) { return (char)('A' + (i * 7 + i / 97) % 26); }

static bool explore;	/* arg=corrupt-xffs, -xext2: print what happens, check nothing */

/* The file each arg= mount held before the crashes. */
static bool write_file(const char *path, char c)
{
	static char buf[4096];
	memset(buf, c, sizeof(buf));
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, buf, sizeof(buf)) == (long)sizeof(buf) && fsync(fd) == 0;
	if (fd >= 0)
		ok &= close(fd) == 0;
	return ok;
}

static bool file_intact(const char *path, char c)
{
	static char buf[4097];
	int fd = open(path, NB_O_RDONLY, 0);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	if (n != 4096)
		return false;
	for (int i = 0; i < 4096; i++)
		if (buf[i] != c)
			return false;
	return true;
}

/* set: "ffs" or "ext2", the kinds whose names start so */
static void mounter(const char *set)
{
	int nk = 0;
	for (unsigned k = 0; k < NKINDS; k++)
		nk += !strcmp(kinds[k].set, set);
	r2c_plan(4 + nk * 4);
	r2c_check("corrupt.files_before", write_file("/ffs/kept", 'f') && write_file("/ext/kept", 'e'),
		  "errno %d", errno);
	/* busy (not root) reads in a directory of its own; it starts after
	 * this client first blocks, and must be reading before the crashes */
	struct nb_stat st;
	bool dir = mkdir("/ffs/b", 0777) == 0 && chmod("/ffs/b", 01777) == 0;
	uint64_t end = r2c_tsc() + r2c_usecs(60000000);
	while (dir && stat("/ffs/b/ready", &st) != 0 && r2c_tsc() < end)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
	r2c_check("corrupt.busy_reading", dir && stat("/ffs/b/ready", &st) == 0, "errno %d", errno);
	long shares = r2c_shares();
	for (unsigned k = 0; k < NKINDS; k++) {
		const struct kind *c = &kinds[k];
		char dir[8], path[24], name[64];
		if (strcmp(c->set, set))
			continue;
		fmt_snprintf(dir, sizeof(dir), "/c%u", k);
		fmt_snprintf(path, sizeof(path), "/c%u/%s", k, c->lookup);
		unsigned long before = rk_recoveries();
		if (c->what != WATCHDOG_ON_MOUNT)
			r2c_printf("EXPECT-FAULT rk\n");
		long m = mkdir(dir, 0755);
		int merr = m < 0 ? errno : 0;
		int e = rk_mount_disk(c->type, c->dev, dir, 0) == 0 ? 0 : errno;
		long fd = -2, cfd = -2, rd = -2;
		int lerr = 0, cerr = 0, rerr = 0;
		if (e == 0) {
			fd = open(path, NB_O_RDONLY, 0);
			lerr = fd < 0 ? errno : 0;
			if (fd >= 0) {	/* what it names, read */
				char b[64];
				rd = read((int)fd, b, sizeof(b));
				rerr = rd < 0 ? errno : 0;
				close((int)fd);
			}
		}
		if (e == 0 && rk_recoveries() == before) {	/* still mounted: make a file */
			fmt_snprintf(path, sizeof(path), "/c%u/y", k);
			cfd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_EXCL, 0644);
			cerr = cfd < 0 ? errno : 0;
			if (cfd >= 0)
				close((int)cfd);
		}
		bool served = rk_wait_serving("rk", 60) == 0;
		unsigned long reboots = rk_recoveries() - before;
		r2c_printf("rkcorrupt: %s: mkdir %ld (%d), mount errno %d, lookup %ld errno %d, read %ld errno %d, "
			   "create %ld errno %d, %lu reboots\n", c->name, m, merr, e, fd, lerr, rd, rerr, cfd, cerr,
			   reboots);
		if (explore)
			continue;
		fmt_snprintf(name, sizeof(name), "corrupt.%s.outcome", c->name);
		switch (c->what) {
		case WATCHDOG_ON_MOUNT:
			/* the mount was in rk when it went: not safe to make again */
			r2c_check(name, e == EIO && reboots == 1, "mount errno %d, %lu reboots (expected EIO, 1)", e,
				  reboots);
			break;
		case PANIC_ON_LOOKUP:
			r2c_check(name, e == 0 && fd < 0 && lerr == ENOENT && reboots == 1,
				  "mount errno %d, lookup %ld errno %d, %lu reboots (expected 0, ENOENT, 1)", e, fd,
				  lerr, reboots);
			break;
		case PANIC_ON_CREATE:
			r2c_check(name, e == 0 && fd < 0 && lerr == ENOENT && cfd < 0 && cerr == EIO && reboots == 1,
				  "mount errno %d, lookup errno %d, create %ld errno %d, %lu reboots (expected 0, ENOENT, "
				  "EIO, 1)", e, lerr, cfd, cerr, reboots);
			break;
		}
		fmt_snprintf(name, sizeof(name), "corrupt.%s.serving", c->name);
		r2c_check(name, served, "rk did not serve again in 60 s");
		struct nb_statvfs sv;
		fmt_snprintf(name, sizeof(name), "corrupt.%s.mounts_back", c->name);
		bool back = statvfs("/ffs", &sv) == 0 && (sv.f_flag & NB_MNT_LOG) && !strcmp(sv.f_fstypename, "ffs") &&
			    statvfs("/ext", &sv) == 0 && !strcmp(sv.f_fstypename, "ext2fs");
		r2c_check(name, back, "/ffs (log) or /ext not mounted (errno %d)", errno);
		fmt_snprintf(name, sizeof(name), "corrupt.%s.files_intact", c->name);
		r2c_check(name, file_intact("/ffs/kept", 'f') && file_intact("/ext/kept", 'e'), "errno %d", errno);
	}
	CHECK_EQ("corrupt.no_share_leaked", r2c_shares(), shares);
	char buf[16];
	int n = fmt_snprintf(buf, sizeof(buf), "%lu", rk_recoveries());
	int fd = open("/ffs/stop", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	r2c_check("corrupt.stop_written", fd >= 0 && write(fd, buf, (size_t)n) == n && fsync(fd) == 0 && close(fd) == 0,
		  "errno %d", errno);
	r2c_printf("rkcorrupt: mounter: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

static void busy(void)
{
	static char buf[BUSY_BYTES];
	r2c_plan(4);
	for (size_t i = 0; i < BUSY_BYTES; i++)
		buf[i] = busy_pattern(i);
	struct nb_stat st;
	uint64_t end = r2c_tsc() + r2c_usecs(60000000);
	while (stat("/ffs/b", &st) != 0 && r2c_tsc() < end)
		r2c_sleep_until(r2c_tsc() + r2c_usecs(10000));
	int fd = open("/ffs/b/busy", NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, buf, BUSY_BYTES) == BUSY_BYTES && fsync(fd) == 0 && close(fd) == 0;
	int kept = open("/ffs/b/busy", NB_O_RDONLY, 0);
	fd = open("/ffs/b/ready", NB_O_RDWR | NB_O_CREAT, 0644);
	ok &= kept >= 0 && fd >= 0 && fsync(fd) == 0 && close(fd) == 0;
	r2c_check("busy.written", ok, "errno %d", errno);
	unsigned long rounds = 0, errors = 0, wrong = 0;
	size_t off = 0;
	for (;;) {
		if (stat("/ffs/stop", &st) == 0)
			break;
		if (errno != ENOENT) {
			errors++;
			r2c_printf("rkcorrupt: busy: stat /ffs/stop: errno %d\n", errno);
		}
		/* 1 KiB on through the kept descriptor, wrapping at the end */
		char one[1024];
		if (off == BUSY_BYTES) {
			if (lseek(kept, 0, NB_SEEK_SET) != 0)
				errors++;
			off = 0;
		}
		long n = read(kept, one, sizeof(one));
		if (n != (long)sizeof(one)) {
			errors++;
			r2c_printf("rkcorrupt: busy: kept read at %lu: %ld errno %d\n", (unsigned long)off, n, errno);
		} else {
			for (size_t i = 0; i < sizeof(one); i++)
				wrong += one[i] != busy_pattern(off + i);
		}
		off += sizeof(one);
		/* the whole file through a new descriptor */
		int f = open("/ffs/b/busy", NB_O_RDONLY, 0);
		static char all[BUSY_BYTES + 1];
		n = f >= 0 ? read(f, all, sizeof(all)) : -1;
		if (n != BUSY_BYTES) {
			errors++;
			r2c_printf("rkcorrupt: busy: open/read: %d %ld errno %d\n", f, n, errno);
		} else {
			for (size_t i = 0; i < BUSY_BYTES; i++)
				wrong += all[i] != busy_pattern(i);
		}
		if (f >= 0 && close(f) != 0)
			errors++;
		rounds++;
	}
	char cnt[16] = { 0 };
	int f = open("/ffs/stop", NB_O_RDONLY, 0);
	long n = f >= 0 ? read(f, cnt, sizeof(cnt) - 1) : -1;
	if (f >= 0)
		close(f);
	unsigned long theirs = 0;
	for (long i = 0; i < n; i++)
		theirs = theirs * 10 + (unsigned long)(cnt[i] - '0');
	r2c_printf("rkcorrupt: busy: %lu rounds, %lu recoveries (the mounter: %lu)\n", rounds, rk_recoveries(), theirs);
	r2c_check("busy.no_error", errors == 0 && wrong == 0, "%lu errors, %lu wrong bytes in %lu rounds", errors, wrong,
		  rounds);
	/* it went on through the reboots (recovered at least once, and not
	 * more often than rk was rebooted) */
	r2c_check("busy.recovered", n > 0 && rk_recoveries() >= 1 && rk_recoveries() <= theirs,
		  "%lu recoveries, the mounter saw %lu", rk_recoveries(), theirs);
	r2c_check("busy.kept_open", kept >= 0 && close(kept) == 0, "errno %d", errno);
	r2c_printf("rkcorrupt: busy: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

/* arg=corrupt-gone: rk (restart=2) mounts a damaged FFS itself (arg=
 * ffs:rd1:/bad, ffs-dirent); a lookup in it panics NetBSD, and the
 * client library makes the open again after each reboot, on the mount
 * rk made again, which panics it again: the third fault in 10 s is past
 * the limit, rk stays down, and the open gets ENXIO (INV_GONE), as does
 * every call after it; this client goes on, and the system halts. */
static void gone(void)
{
	r2c_plan(3);
	for (int i = 0; i < 3; i++)
		r2c_printf("EXPECT-FAULT rk\n");
	long fd = open("/bad/x", NB_O_RDONLY, 0);
	int e = fd < 0 ? errno : 0;
	/* three faults met (the library counts each), the third past the limit */
	r2c_check("gone.open_enxio", fd < 0 && e == ENXIO && rk_recoveries() == 3,
		  "open %ld errno %d after %lu faults met (expected ENXIO after 3)", fd, e, rk_recoveries());
	long p = getpid();
	r2c_check("gone.stays_gone", p < 0 && errno == ENXIO, "getpid %ld errno %d", p, errno);
	/* the rest of the system: this client, the console, the scheduler */
	r2c_sleep_until(r2c_tsc() + r2c_usecs(100000));
	r2c_check("gone.still_running", true, "unreachable");
	r2c_printf("rkcorrupt: gone: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

/* arg=corrupt-spin: rk (restart=2 watchdog=6) mounts an FFS whose
 * superblock claims 2^31 cylinder groups in its arg= (ffs-ncg): the mount
 * never ends, so rk never says it is ready, at its first boot or after.
 * The watchdog reboots it after 6 s of booting, twice; the third time is
 * past the limit of reboots in a row, rk stays down, and this client's
 * first call (waiting meanwhile) gets ENXIO. */
static void spin(void)
{
	r2c_plan(2);
	long p = getpid();
	int e = p < 0 ? errno : 0;
	r2c_check("spin.getpid_enxio", p < 0 && e == ENXIO, "getpid %ld errno %d (expected ENXIO)", p, e);
	r2c_sleep_until(r2c_tsc() + r2c_usecs(100000));
	r2c_check("spin.still_running", true, "unreachable");
	r2c_printf("rkcorrupt: spin: %d passed, %d failed\n", r2c_passed, r2c_failed);
}

/* Part of rkboot's image (the boot takes at most BOOT_MODULES_MAX modules). */
void corrupt_main(const char *what)
{
	if (rk_sys_init("rk")) {
		r2c_check("corrupt.setup", false, "no rk interface");
		return;
	}
	explore = what[0] == 'x';
	what += explore;
	if (!strcmp(what, "busy"))
		busy();
	else if (!strcmp(what, "gone"))
		gone();
	else if (!strcmp(what, "spin"))
		spin();
	else if (!strcmp(what, "ffs") || !strcmp(what, "ext2"))
		mounter(what);
	else
		r2c_check("corrupt.setup", false, "arg=corrupt-%s: expected ffs, ext2, busy, gone, spin (x before for explore)", what);
}
