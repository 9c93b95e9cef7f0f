/*
 * What any root image needs (the booter, or the kernel tests): its
 * memory as an r2c_mem that can take frames back, and the boot modules
 * by name. In a file of its own so that only root images carry the
 * bitmap of frames given back.
 */
#include "r2c.h"

#define ROOT_FRAMES_MAX (1u << 20)	/* 4 GiB of frames the root can take back */
static word_t freed[ROOT_FRAMES_MAX / 64];
static struct r2c_slots slots;

void r2c_root_mem_init(struct r2c_mem *m, const struct bootinfo *bi)
{
	r2c_slots_init(&slots, bi->captbl_slots, ROOT_SLOT_FREE);
	*m = (struct r2c_mem){ .ut_slot = ROOT_SLOT_UNTYPED, .count = bi->untyped_frames[0],
			       .self_slot = ROOT_SLOT_COMP, .slots = &slots, .freed = freed,
			       .freed_cap = ROOT_FRAMES_MAX };
}

const struct boot_module *r2c_boot_module(const struct bootinfo *bi, const char *name)
{
	for (word_t i = 0; i < bi->n_modules; i++)
		if (!strcmp(bi->modules[i].name, name))
			return &bi->modules[i];
	return NULL;
}
