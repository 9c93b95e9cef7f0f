/*
 * ringpeer: the consumer side of the shared-memory ring test. It takes
 * sequence-numbered messages off the ring the booter shares with rtest,
 * sleeping on its end-point while the ring is empty (rtest sends when it
 * pushes onto an empty ring), checks order and length, and leaves its
 * count in the region's status page.
 */
#include "r2c.h"
#include "ring/ring.h"
#include "r2c/ringtest.h"

void r2c_main(word_t arg)
{
	(void)arg;
	const struct cinfo_shm *s = r2c_shm("ring");
	if (!s) {
		r2c_printf("ringpeer: no shared region \"ring\"\n");
		return;
	}
	struct ringtest_status *st = (void *)(s->vaddr + RINGTEST_STATUS_OFF);
	struct ring *r;
	while (!(r = ring_attach((void *)s->vaddr, RINGTEST_RING_BYTES)))
		r2c_rcv(0);		/* rtest sends once the ring is laid out */
	word_t msg[8];
	size_t len;
	for (word_t expect = 0; expect < RINGTEST_MESSAGES;) {
		if (ring_pop(r, msg, &len)) {
			r2c_rcv(0);
			continue;
		}
		if (msg[0] != expect)
			st->out_of_order++;
		if (len != 8 * (1 + expect % 8))
			st->bad_length++;
		expect = msg[0] + 1;
		st->received++;
	}
	st->done = 1;
	r2c_asnd(s->notify_slot, 0);
}
