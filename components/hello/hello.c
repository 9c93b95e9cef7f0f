/*
 * hello: the demo application of the default composition. It prints
 * through the console server and writes, flushes and reads back a block
 * of the RAM disk through the buffer it shares with it.
 */
#include "r2c.h"
#include "r2c/ramdisk.h"

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_printf("hello from %s, component %lu, thread %lu\n", r2c_env->name, r2c_env->id, r2c_self());
	word_t geo = r2c_import("ramdisk_geometry"), rd = r2c_import("ramdisk_read"),
	       wr = r2c_import("ramdisk_write"), fl = r2c_import("ramdisk_flush");
	const struct cinfo_shm *buf = r2c_shm("ramdisk");
	if (!geo || !rd || !wr || !fl || !buf) {
		r2c_printf("hello: no RAM disk granted\n");
		return;
	}
	long blocks = r2c_call(geo, 0, 0, 0, 0);
	char *b = (char *)buf->vaddr;
	const char msg[] = "rump2cos was here";
	memcpy(b, msg, sizeof(msg));
	long w = r2c_call(wr, 7, 1, 0, 0), f = r2c_call(fl, 0, 0, 0, 0);
	memset(b, 0, RAMDISK_BLOCK);
	long r = r2c_call(rd, 7, 1, 0, 0);
	r2c_printf("hello: disk of %ld blocks; wrote %ld, flushed %ld, read back %ld bytes: \"%s\"\n",
		   blocks, w, f, r, b);
	r2c_printf("hello: %s\n", !strcmp(b, msg) ? "done" : "FAILED: the block did not come back");
}
