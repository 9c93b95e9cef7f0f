/*
 * The frame table: a type and a reference count for every physical frame.
 * Every retype and every mapping checks it, which is what keeps a
 * component from mapping a frame that holds a kernel object.
 */
#include "include/obj.h"

struct frame *frames;
word_t nframes;

void frame_init(paddr_t top, void *(*alloc)(size_t))
{
	nframes = top >> PAGE_SHIFT;
	frames = alloc(nframes * sizeof(*frames));
	memset(frames, 0, nframes * sizeof(*frames));	/* all F_RESERVED */
}

word_t frame_count(void) { return nframes; }

struct frame *frame_of_obj(const void *obj)
{
	return frame_of(va2pa(obj));
}

void frame_set_untyped(paddr_t base, word_t count)
{
	for (word_t i = 0; i < count; i++)
		frames[(base >> PAGE_SHIFT) + i].type = F_UNTYPED;
}

void obj_get(const void *obj)
{
	frame_of_obj(obj)->refs++;
}

void obj_put(const void *obj)
{
	struct frame *f = frame_of_obj(obj);
	BUG_ON(f->refs == 0);
	f->refs--;
}
