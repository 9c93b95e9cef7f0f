/* C side of the entry stubs in crt.S. */
#include "r2c.h"

void r2c_component_start(word_t arg)
{
	r2c_main(arg);
}

void r2c_thread_start(struct r2c_thread *t)
{
	t->fn(t->arg);
}

_Noreturn void r2c_exit(void)
{
	r2c_op(CAP_SELF, SELF_EXIT, 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}
