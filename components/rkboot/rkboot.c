/*
 * rkboot: rk after a micro-reboot (compose/test-rk-reboot.comp). Why: a
 * rebooted rk must come back as a file server, not just as a component:
 * NetBSD booted again, the disks registered again (the RAM disks' memory
 * lent again, the old loan taken back), the composition's mounts back,
 * FFS with its journal (WAPBL), and every byte fsynced before the crash
 * on the disk after it. rk is crashed each way fault injection has
 * (inject=call): a wild pointer in the system-call path, a NetBSD panic,
 * a fault inside a hypercall (a disk transfer) and a call that never
 * returns, which only the watchdog (watchdog=2) can end. With
 * arg=corrupt-... the image runs the corrupted-image test instead
 * (corrupt.c: one image for both keeps the boot within BOOT_MODULES_MAX modules).
 */
#include "r2c.h"
#include "r2c/rkproc.h"
#include "rkclient/syscall.h"
#include "rkclient/inet.h"	/* rk_wait_serving */
#include "fmt/fmt.h"
#include "corrupt.h"
#include <string.h>

#define FILE_BYTES 20000
#define ROUNDS 4

static word_t inject_slot;
static const char *const kind_name[] = { "", "wild", "panic", "hypercall", "spin" };
static const char *const mounts[] = { "/ffs", "/ext" };

static char pattern(int round, int m, size_t i)
{
	return (char)('a' + (round * 7 + m * 3 + (int)(i % 23)) % 26);
}

/* The file of round `round` on mount m, written and fsynced. */
static bool write_file(int round, int m)
{
	static char buf[FILE_BYTES];
	char path[40];
	fmt_snprintf(path, sizeof(path), "%s/round%d", mounts[m], round);
	for (size_t i = 0; i < FILE_BYTES; i++)
		buf[i] = pattern(round, m, i);
	int fd = open(path, NB_O_RDWR | NB_O_CREAT | NB_O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, buf, FILE_BYTES) == FILE_BYTES && fsync(fd) == 0;
	if (fd >= 0)
		ok &= close(fd) == 0;
	if (!ok)
		r2c_printf("rkboot: writing %s: errno %d\n", path, errno);
	return ok;
}

static bool file_intact(int round, int m)
{
	static char buf[FILE_BYTES + 1];
	char path[40];
	fmt_snprintf(path, sizeof(path), "%s/round%d", mounts[m], round);
	int fd = open(path, NB_O_RDONLY, 0);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	if (n != FILE_BYTES) {
		r2c_printf("rkboot: %s: read %ld (errno %d)\n", path, n, errno);
		return false;
	}
	for (size_t i = 0; i < FILE_BYTES; i++)
		if (buf[i] != pattern(round, m, i)) {
			r2c_printf("rkboot: %s: byte %lu differs\n", path, i);
			return false;
		}
	return true;
}

void r2c_main(word_t arg)
{
	(void)arg;
	if (!strncmp(r2c_env->arg, "corrupt-", 8)) {	/* corrupt.c */
		corrupt_main(r2c_env->arg + 8);
		return;
	}
	r2c_plan(2 + ROUNDS * 5);
	inject_slot = r2c_import("rk_inject");
	if (rk_sys_init("rk") || !inject_slot) {
		r2c_check("rkboot.granted", false, "no rk interface or no rk_inject");
		return;
	}
	struct nb_statvfs sv;
	r2c_check("rkboot.ffs_logged", statvfs("/ffs", &sv) == 0 && (sv.f_flag & NB_MNT_LOG),
		  "/ffs not mounted with log (errno %d, flags 0x%lx)", errno, sv.f_flag);
	long shares = r2c_shares();
	for (int round = 1; round <= ROUNDS; round++) {
		char name[48];
		const char *kind = kind_name[round];
		bool ok = write_file(round, 0) && write_file(round, 1);
		fmt_snprintf(name, sizeof(name), "rkboot.%s.written", kind);
		r2c_check(name, ok, "the round's files before the crash");
		if (round != RK_INJECT_SPIN)
			r2c_printf("EXPECT-FAULT rk\n");
		long e = r2c_call(inject_slot, (word_t)round, 0, 0, 0);
		/* the call that meets the fault: a hypercall's needs a disk write */
		long r = round == RK_INJECT_HYPERCALL ? (long)(write_file(ROUNDS + 1, 0) ? 0 : -1) : getpid();
		fmt_snprintf(name, sizeof(name), "rkboot.%s.call_answered", kind);
		/* the client library recovers (lib/rkclient/recover.c): getpid
		 * met the fault and is made again; the hypercall's write met it
		 * with data not fsynced, so the write or its fsync says EIO */
		bool answered = round == RK_INJECT_HYPERCALL ? r < 0 && errno == EIO : r > 0;
		r2c_check(name, e == 0 && answered && rk_recoveries() == (unsigned long)round,
			  "inject %ld, the call %ld errno %d, %lu recoveries (expected %s, %d)", e, r, errno,
			  rk_recoveries(), round == RK_INJECT_HYPERCALL ? "EIO" : "a pid", round);
		fmt_snprintf(name, sizeof(name), "rkboot.%s.serving_again", kind);
		r2c_check(name, rk_wait_serving("rk", 60) == 0, "rk did not come back in 60 s");
		bool all = true;
		for (int k = 1; k <= round; k++)
			all &= file_intact(k, 0) && file_intact(k, 1);
		fmt_snprintf(name, sizeof(name), "rkboot.%s.fsynced_intact", kind);
		r2c_check(name, all, "a file fsynced before a crash is not as written");
		fmt_snprintf(name, sizeof(name), "rkboot.%s.no_share_leaked", kind);
		CHECK_EQ(name, r2c_shares(), shares);
	}
	r2c_check("rkboot.ffs_logged_again", statvfs("/ffs", &sv) == 0 && (sv.f_flag & NB_MNT_LOG),
		  "/ffs not mounted with log after the reboots (errno %d)", errno);
	r2c_printf("rkboot: rk reboots: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
