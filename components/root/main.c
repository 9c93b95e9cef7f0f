/*
 * The root component: the first user-level code, holding all memory and
 * the boot modules. It is the booter (boot.c), which builds the system the
 * composition file describes and runs its scheduler (sched.c) and shared
 * memory service (shm.c), and halts with the booter's verdict. With the
 * command line "probe" it only proves that it runs (tools/qemu-run's
 * accelerator check). The kernel's own tests and benchmarks are another
 * root image (components/ktest).
 */
#include "root.h"

const struct bootinfo *bi;
struct r2c_mem mem;

const struct boot_module *module(const char *name)
{
	return r2c_boot_module(bi, name);
}

void r2c_main(word_t arg)
{
	bi = (const struct bootinfo *)arg;
	r2c_console_slot = ROOT_SLOT_MACHINE;
	r2c_root_mem_init(&mem, bi);
	int status = 0;
	if (!strcmp(bi->cmdline, "probe"))
		r2c_printf("root: probe\n");
	else
		status = boot();
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_HALT, (word_t)status, 0, 0, 0, 0, 0);
}
