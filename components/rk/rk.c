/*
 * rk: an unmodified NetBSD rump kernel as a component. It boots the rump
 * kernel on the hypercall layer (lib/rumpuser), registers each RAM disk
 * the composition gives it as a block device /dev/NAME, and mounts the
 * file systems its arg= names ("ffs:rd0:/mnt,ext2fs:rd1:/ext,tmpfs::/tmp":
 * TYPE:DISK:PATH, a tmpfs with no disk), then serves applications (fs.c).
 */
#include "r2c.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

void rkfs_init(void);

static int rk_errno(void) { return rk_ctx()->error; }

/* Copy field `f` (0-based, ':'-separated) of the entry [e, end) into out;
 * false if it is missing or does not fit. */
static bool field(const char *e, const char *end, int f, char *out, size_t cap)
{
	for (; f > 0 && e < end; e++)
		f -= *e == ':';
	size_t n = 0;
	for (; e < end && *e != ':'; e++) {
		if (n + 1 >= cap)
			return false;
		out[n++] = *e;
	}
	out[n] = '\0';
	return f == 0;
}

/* One arg= entry [e, end): DISK registers /dev/DISK; TYPE:DISK:PATH also
 * mounts it; tmpfs::PATH mounts a tmpfs. */
static int mount_one(const char *e, const char *end)
{
	char type[16] = "", disk[16] = "", path[32] = "", dev[32];
	int colons = 0;
	for (const char *q = e; q < end; q++)
		colons += *q == ':';
	bool ok = colons == 0 ? field(e, end, 0, disk, sizeof(disk))
		: colons == 2 && field(e, end, 0, type, sizeof(type)) && field(e, end, 1, disk, sizeof(disk)) &&
			  field(e, end, 2, path, sizeof(path)) && type[0] && path[0];
	if (!ok || (!disk[0] && strcmp(type, "tmpfs"))) {
		char shown[64];
		size_t n = (size_t)(end - e) < sizeof(shown) - 4 ? (size_t)(end - e) : sizeof(shown) - 4;
		memcpy(shown, e, n);
		memcpy(shown + n, "...", 4);
		if ((size_t)(end - e) == n)
			shown[n] = '\0';
		r2c_printf("rk: arg entry \"%s\": expected DISK, TYPE:DISK:PATH or tmpfs::PATH "
			   "(type < 16, disk < 16, path < 32 characters)\n", shown);
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
	}
	if (!path[0])
		return 0;
	rump_sys_mkdir(path, 0777);
	if (rk_mount(type, dev, path, 0) < 0) {
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
	if (rumpuser_stopped)
		return (word_t)-EIO;
	*rk_ctx() = (struct rk_thread_ctx){ 0 };
	return rk_unmount_all() ? (word_t)-EBUSY : 0;
}
R2C_ENTRY(shutdown);

void r2c_main(word_t arg)
{
	(void)arg;
	uint64_t t0 = r2c_tsc();
	r2c_printf("rk: booting the NetBSD rump kernel\n");
	int e = rump_init();
	if (e) {
		r2c_printf("rk: rump_init failed: %d\n", e);
		return;
	}
	r2c_printf("rk: rump kernel up in %lu ms\n", (r2c_tsc() - t0) / r2c_usecs(1000));
	for (const char *p = r2c_env->arg; *p;) {
		const char *end = p;
		while (*end && *end != ',')
			end++;
		mount_one(p, end);
		p = *end ? end + 1 : end;
	}
	rkfs_init();
	r2c_printf("rk: ready after %lu ms, serving %lu clients\n", (r2c_tsc() - t0) / r2c_usecs(1000),
		   r2c_env->nclients - 0);
	r2c_ready();
}
