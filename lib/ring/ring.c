/* See ring.h. head counts pushes, tail counts pops; both only grow. */
#include "ring.h"
#include <stdatomic.h>
#include "string/string.h"

#define RING_MAGIC 0x72696e6732633272ull

struct ring {
	uint64_t magic;
	uint64_t slots;		/* a power of two */
	uint64_t slot_size;	/* payload bytes, after an 8-byte length */
	uint64_t data_off;
	char pad0[32];
	_Atomic uint64_t head;	/* written by the producer only */
	char pad1[56];
	_Atomic uint64_t tail;	/* written by the consumer only */
	char pad2[56];
};

static char *slot(struct ring *r, uint64_t n)
{
	return (char *)r + r->data_off + (n & (r->slots - 1)) * (8 + r->slot_size);
}

struct ring *ring_init(void *region, size_t bytes, size_t slot_size)
{
	struct ring *r = region;
	slot_size = (slot_size + 7) & ~(size_t)7;
	if (bytes < sizeof(*r) || slot_size == 0)
		return NULL;
	uint64_t n = 1;
	while ((n * 2) * (8 + slot_size) <= bytes - sizeof(*r))
		n *= 2;
	if (n < 2 || n * (8 + slot_size) > bytes - sizeof(*r))
		return NULL;
	memset(r, 0, sizeof(*r));
	r->slots = n;
	r->slot_size = slot_size;
	r->data_off = sizeof(*r);
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
	__atomic_store_n(&r->magic, RING_MAGIC, __ATOMIC_RELEASE);
	return r;
}

struct ring *ring_attach(void *region, size_t bytes)
{
	struct ring *r = region;
	if (bytes < sizeof(*r) || __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) != RING_MAGIC)
		return NULL;
	if (r->slots < 2 || (r->slots & (r->slots - 1)) || r->slot_size == 0 || r->slot_size % 8 ||
	    r->data_off != sizeof(*r) || r->slots > (bytes - sizeof(*r)) / (8 + r->slot_size))
		return NULL;
	return r;
}

int ring_push(struct ring *r, const void *msg, size_t len)
{
	if (len > r->slot_size)
		return -2;
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (head - tail == r->slots)
		return -1;
	char *s = slot(r, head);
	uint64_t l = len;
	memcpy(s, &l, 8);
	memcpy(s + 8, msg, len);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	/* Whether the consumer may be asleep is decided after publishing: had
	 * it emptied the ring meanwhile (tail read before the store went
	 * stale), it may have found it empty and gone to sleep, and deciding
	 * from the old tail would never wake it. Pairs with the fence in
	 * ring_pop. */
	atomic_thread_fence(memory_order_seq_cst);
	return atomic_load_explicit(&r->tail, memory_order_acquire) == head ? 1 : 0;
}

int ring_pop(struct ring *r, void *msg, size_t *len)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	if (head == tail) {	/* before saying empty, order my last tail store first */
		atomic_thread_fence(memory_order_seq_cst);
		head = atomic_load_explicit(&r->head, memory_order_acquire);
		if (head == tail)
			return -1;
	}
	char *s = slot(r, tail);
	uint64_t l;
	memcpy(&l, s, 8);
	if (l > r->slot_size)	/* the other side wrote nonsense: do not overrun msg */
		l = r->slot_size;
	memcpy(msg, s + 8, l);
	*len = l;
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return 0;
}

size_t ring_count(const struct ring *r)
{
	return atomic_load_explicit(&((struct ring *)r)->head, memory_order_acquire) -
	       atomic_load_explicit(&((struct ring *)r)->tail, memory_order_acquire);
}

size_t ring_slots(const struct ring *r) { return r->slots; }
size_t ring_slot_size(const struct ring *r) { return r->slot_size; }
