#include "r2c.h"
void r2c_main(word_t arg)
{
	const struct bootinfo *bi = (const void *)arg;
	r2c_console_slot = ROOT_SLOT_MACHINE;
	r2c_printf("root: hello, tsc %lu, modules %lu cmd '%s'\n", bi->tsc_hz, bi->n_modules, bi->cmdline);
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_HALT, 0, 0, 0, 0, 0, 0);
}
