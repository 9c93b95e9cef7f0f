/*
 * A single-producer single-consumer ring of fixed-size messages that lives
 * entirely inside a shared memory region: producer and consumer may be in
 * different address spaces, so it holds offsets and counters, never
 * pointers. Acquire/release ordering makes it correct across CPUs too.
 */
#ifndef RING_H
#define RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

/* Lay out a ring in region (bytes long); slot_size is rounded up to 8.
 * NULL if fewer than 2 slots fit. */
struct ring *ring_init(void *region, size_t bytes, size_t slot_size);
/* The other side: validate what ring_init laid out; NULL if invalid. */
struct ring *ring_attach(void *region, size_t bytes);
/* 0, or 1 when the consumer had taken every earlier message by the time
 * this one was published, so it may have found the ring empty and be
 * asleep: notify it (a 0 means it will see this message without one);
 * -1 full; -2 message longer than a slot (nothing written). */
int ring_push(struct ring *r, const void *msg, size_t len);
/* 0 and the message, or -1 when empty. */
int ring_pop(struct ring *r, void *msg, size_t *len);
size_t ring_count(const struct ring *r);
size_t ring_slots(const struct ring *r);
size_t ring_slot_size(const struct ring *r);

#endif
