/* Capability tables: lookup with the checks every operation needs (range,
 * presence, type, right), and the reference counting of what slots name. */
#include "include/obj.h"

struct cap *cap_lookup(struct comp *c, word_t slot, int type, unsigned right, long *err)
{
	if (slot >= c->nslots) {
		*err = -ERANGE;
		return NULL;
	}
	struct cap *cap = &c->slots[slot];
	if (cap->type == CAP_NONE) {
		*err = -ENOENT;
		return NULL;
	}
	if (type != CAP_NONE && cap->type != type) {
		*err = -EBADF;
		return NULL;
	}
	if ((cap->rights & right) != right) {
		*err = -EPERM;
		return NULL;
	}
	return cap;
}

/* An empty slot to fill, or NULL with *err set. Slot 0 is never free. */
struct cap *cap_slot_free(struct comp *c, word_t slot, long *err)
{
	if (slot == CAP_SELF || slot >= c->nslots) {
		*err = -ERANGE;
		return NULL;
	}
	if (c->slots[slot].type != CAP_NONE) {
		*err = -EEXIST;
		return NULL;
	}
	return &c->slots[slot];
}

void cap_install(struct cap *dst, const struct cap *src, unsigned rights)
{
	*dst = *src;
	dst->rights = src->rights & rights;
	if (dst->obj)
		obj_get(dst->obj);
}

void cap_clear(struct cap *c)
{
	if (c->type == CAP_PCIDEV)	/* the one capability to a device: give the device back */
		pcidev_release(c);
	if (c->obj)
		obj_put(c->obj);
	memset(c, 0, sizeof(*c));
}
