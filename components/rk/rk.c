/*
 * rk: an unmodified NetBSD rump kernel as a component. It boots the rump
 * kernel on the hypercall layer (lib/rumpuser), registers each RAM disk
 * the composition gives it as a block device /dev/NAME, and mounts the
 * file systems its arg= names ("ffs:rd0:/mnt,ext2fs:rd1:/ext"), then
 * serves applications (fs.c).
 */
#include "r2c.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

void rkfs_init(void);

struct ufs_args { const char *fspec; };

static int rk_errno(void) { return rk_ctx()->error; }

/* One arg= entry: DISK registers /dev/DISK; TYPE:DISK:PATH also mounts it. */
static int mount_one(const char *spec)
{
	char type[16] = "", disk[16], path[32] = "", dev[32];
	const char *p = spec;
	char *out[3] = { type, disk, path };
	size_t cap[3] = { sizeof(type), sizeof(disk), sizeof(path) };
	int fields = 1;
	for (const char *q = spec; *q && *q != ','; q++)
		fields += *q == ':';
	for (int f = fields == 1 ? 1 : 0; f < (fields == 1 ? 2 : 3); f++) {
		size_t n = 0;
		while (*p && *p != ':' && *p != ',' && n + 1 < cap[f])
			out[f][n++] = *p++;
		out[f][n] = '\0';
		if (*p == ':')
			p++;
	}
	memcpy(dev, "/dev/", 5);
	memcpy(dev + 5, disk, strlen(disk) + 1);
	int e = rump_pub_etfs_register(dev, disk, RK_ETFS_BLK);
	if (e) {
		r2c_printf("rk: cannot register %s as %s: error %d\n", disk, dev, e);
		return -e;
	}
	if (!path[0])
		return 0;
	rump_sys_mkdir(path, 0777);
	struct ufs_args args = { dev };
	if (rump_sys_mount(type, path, 0, &args, sizeof(args)) < 0) {
		r2c_printf("rk: mount %s %s on %s: error %d\n", type, dev, path, rk_errno());
		return -1;
	}
	r2c_printf("rk: mounted %s %s on %s\n", type, dev, path);
	return 0;
}

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
		mount_one(p);
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	rkfs_init();
	r2c_printf("rk: ready after %lu ms, serving %lu clients\n", (r2c_tsc() - t0) / r2c_usecs(1000),
		   r2c_env->nclients - 0);
	r2c_ready();
}
