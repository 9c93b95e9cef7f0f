/* Host tests of the SPSC ring (lib/ring): semantics on one thread, then
 * ten million messages between two threads, in order and intact, and the
 * wake-up protocol: a consumer that sleeps whenever the ring is empty,
 * woken only when a push says so, never sleeps through a message. */
#define _POSIX_C_SOURCE 200809L	/* sem_timedwait */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "ring/ring.h"

#define N 10000000ull
static _Alignas(64) unsigned char region[1 << 16];
static uint64_t bad;

static void *consumer(void *arg)
{
	struct ring *r = arg;
	uint64_t msg[8];
	size_t len;
	for (uint64_t expect = 0; expect < N;) {
		if (ring_pop(r, msg, &len)) {
			sched_yield();
			continue;
		}
		if (msg[0] != expect || len != 8 * (1 + expect % 8) || (len > 8 && msg[len / 8 - 1] != ~expect))
			bad++;
		expect++;
	}
	return NULL;
}

/* The end-point: a counting semaphore, as SELF_RCV / ASND_SEND count. */
#define WAKE_N 2000000ull
static sem_t wake;
static int lost;

static void *sleeper(void *arg)
{
	struct ring *r = arg;
	uint64_t msg[8];
	size_t len;
	for (uint64_t got = 0; got < WAKE_N && !lost;) {
		if (ring_pop(r, msg, &len) == 0) {
			got++;
			continue;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		int w;
		while ((w = sem_timedwait(&wake, &ts)) && errno == EINTR)
			;
		if (w && ring_count(r) > 0)
			lost = 1;	/* asleep for 5 s on a ring that holds messages */
	}
	return NULL;
}

int main(void)
{
	uint64_t m[8] = { 42 }, out[8];
	size_t len;
	CHECK("ring.too_small", !ring_init(region, 100, 64), "a ring fit in 100 bytes");
	struct ring *r = ring_init(region, 4096, 60);
	CHECK("ring.geometry", r && ring_slot_size(r) == 64 && ring_slots(r) >= 2, "slots %zu of %zu",
	      r ? ring_slots(r) : 0, r ? ring_slot_size(r) : 0);
	CHECK("ring.empty_pop", ring_pop(r, out, &len) == -1, "popped from an empty ring");
	CHECK("ring.push_was_empty", ring_push(r, m, 8) == 1, "first push did not say empty");
	CHECK("ring.push_not_empty", ring_push(r, m, 16) == 0, "second push said empty");
	CHECK("ring.too_long", ring_push(r, m, 65) == -2 && ring_count(r) == 2, "a long message went in");
	CHECK("ring.pop", ring_pop(r, out, &len) == 0 && len == 8 && out[0] == 42, "len %zu", len);
	size_t n = 1;
	while (ring_push(r, m, 8) == 0)
		n++;
	CHECK("ring.full", n == ring_slots(r) && ring_push(r, m, 8) == -1, "held %zu of %zu", n, ring_slots(r));
	CHECK("ring.attach", ring_attach(region, 4096) == r, "attach failed");
	CHECK("ring.attach_short", !ring_attach(region, 200), "attached a region too short for it");
	memset(region, 0, 8);
	CHECK("ring.attach_bad_magic", !ring_attach(region, 4096), "attached a region with no ring");

	r = ring_init(region, sizeof(region), 64);
	pthread_t c;
	pthread_create(&c, NULL, consumer, r);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t msg[8];
		size_t l = 8 * (1 + i % 8);
		msg[0] = i;
		msg[l / 8 - 1] = l > 8 ? ~i : i;
		while (ring_push(r, msg, l) < 0)
			sched_yield();
	}
	pthread_join(c, NULL);
	CHECK("ring.two_threads_ten_million", bad == 0 && ring_count(r) == 0, "%lu bad messages",
	      (unsigned long)bad);
	/* The wake-up protocol under real concurrency. */
	r = ring_init(region, sizeof(region), 8);
	sem_init(&wake, 0, 0);
	pthread_t s;
	pthread_create(&s, NULL, sleeper, r);
	for (uint64_t i = 0; i < WAKE_N && !lost; i++) {
		int e;
		while ((e = ring_push(r, &i, 8)) < 0 && !lost)
			sched_yield();
		if (e == 1)
			sem_post(&wake);
	}
	pthread_join(s, NULL);
	CHECK("ring.no_lost_wakeup", !lost, "the consumer slept through a non-empty ring");
	return check_failed;
}
