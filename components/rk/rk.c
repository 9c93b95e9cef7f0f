/*
 * rk: an unmodified NetBSD rump kernel as a component. It boots the rump
 * kernel on the hypercall layer (lib/rumpuser), registers each RAM disk
 * the composition gives it as a block device /dev/NAME, and mounts the
 * file systems its arg= names ("ffs:rd0:/mnt,ext2fs:rd1:/ext,tmpfs::/tmp":
 * TYPE:DISK:PATH, a tmpfs with no disk) and configures the network
 * interfaces it names ("net:vioif0:10.0.2.15/24:10.0.2.2", net.c), then
 * serves applications NetBSD's system calls (sysproxy.c).
 */
#include "r2c.h"
#include "r2c/netbsd.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

void rk_sp_init(void);
void rk_sp_boot_failed(void);
void rk_preen_ext2(const char *disk);	/* preen.c */
void rk_inject_init(void);
int rk_net_entry(const char *e, const char *end);	/* net.c: a net: entry (1), or not (0) */
void rk_net_init(void);
void rk_net_report(void);

static int rk_errno(void) { return rk_ctx()->error; }

/* This boot's own stamps for rk_counts (RK_COUNT_BOOT): RK_BOOT_MAIN,
 * RK_BOOT_RUMP, RK_BOOT_MOUNTED. In the data segment, which a micro-reboot
 * refills, so they are always the current boot's. */
uint64_t rk_boot_stamps[3];

/* One arg= entry [e, end): DISK registers /dev/DISK; TYPE:DISK:PATH also
 * mounts it; tmpfs::PATH mounts a tmpfs. */
static int mount_one(const char *e, const char *end)
{
	char entry[3 * R2C_ARG_FIELD], f[3][R2C_ARG_FIELD], dev[32];
	size_t len = (size_t)(end - e), cut = sizeof(entry) - 4;
	bool fits = len < sizeof(entry);
	memcpy(entry, e, fits ? len : cut);
	memcpy(entry + (fits ? len : cut), fits ? "" : "...", fits ? 1 : 4);
	int colons = 0;
	for (const char *q = e; q < end; q++)
		colons += *q == ':';
	const char *type = colons ? f[0] : "", *disk = colons ? f[1] : f[0], *path = colons ? f[2] : "";
	if (!fits || r2c_arg_fields(entry, f, 3) || (colons && (colons != 2 || !type[0] || !path[0])) ||
	    strlen(type) >= 16 || strlen(disk) >= 16 || (!disk[0] && strcmp(type, "tmpfs"))) {
		r2c_printf("rk: arg entry \"%s\": expected DISK, TYPE:DISK:PATH or tmpfs::PATH "
			   "(type < 16, disk < 16, path < 32 characters)\n", entry);
		return -EINVAL;
	}
	memcpy(dev, "/dev/", 5);
	memcpy(dev + 5, disk, strlen(disk) + 1);
	if (disk[0]) {
		int err = rump_pub_etfs_register(dev, disk, RK_ETFS_BLK);
		if (err) {
			r2c_printf("rk: cannot register %s as %s: error %d\n", disk, dev, err);
			return -err;
		}
		/* the device is root's alone: rumpfs would let every client read it */
		if (rump_sys_chmod(dev, 0600) < 0)
			r2c_printf("rk: chmod 0600 %s: error %d\n", dev, rk_errno());
	}
	if (!path[0])
		return 0;
	rump_sys_mkdir(path, 0777);
	if (!strcmp(type, "ext2fs"))
		rk_preen_ext2(disk);
	/* FFS with its journal (WAPBL; made on the first such mount): after a
	 * micro-reboot the mount replays it instead of needing fsck */
	if (mount_fs(type, dev, path, strcmp(type, "ffs") ? 0 : NB_MNT_LOG) < 0) {
		r2c_printf("rk: mount %s %s on %s: error %d\n", type, dev, path, rk_errno());
		return -1;
	}
	r2c_printf("rk: mounted %s %s on %s\n", type, disk[0] ? dev : "(no disk)", path);
	return 0;
}

/* The booter's call before the machine halts: unmount everything still
 * mounted, so what the file systems hold is on their disks. */
static word_t shutdown(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	if (inv->token != CINFO_BOOTER_TOKEN)
		return (word_t)-EPERM;
	if (rumpuser_stopped())
		return (word_t)-EIO;
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	return unmount_all_fs() ? (word_t)-EBUSY : 0;
}
R2C_ENTRY(shutdown);

void r2c_main(word_t arg)
{
	(void)arg;
	uint64_t t0 = r2c_tsc();
	rk_boot_stamps[0] = t0;
	if (r2c_env->reboots)
		r2c_printf("rk: booting the NetBSD rump kernel again (micro-reboot %lu)\n", r2c_env->reboots);
	else
		r2c_printf("rk: booting the NetBSD rump kernel\n");
	int e = rump_init();
	if (e) {
		r2c_printf("rk: rump_init failed: %d\n", e);
		rk_sp_boot_failed();	/* its clients get EIO, not a wait */
		return;
	}
	rk_boot_stamps[1] = r2c_tsc();
	r2c_printf("rk: rump kernel up in %lu ms\n", (rk_boot_stamps[1] - t0) / r2c_usecs(1000));
	rk_net_init();
	for (const char *p = r2c_env->arg; *p;) {
		const char *end = p;
		while (*end && *end != ',')
			end++;
		if (!rk_net_entry(p, end))
			mount_one(p, end);
		p = *end ? end + 1 : end;
	}
	rk_net_report();
	rk_sp_init();
	rk_inject_init();
	rk_boot_stamps[2] = r2c_tsc();
	r2c_printf("rk: ready after %lu ms, serving %lu clients\n", (r2c_tsc() - t0) / r2c_usecs(1000),
		   r2c_env->nclients - 0);
	r2c_ready();
}
