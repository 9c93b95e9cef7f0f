/* The shared-memory ring test (rtest produces, ringpeer consumes): the
 * layout of the "ring" region both map. */
#ifndef R2C_RINGTEST_H
#define R2C_RINGTEST_H

#define RINGTEST_MESSAGES 1000000
#define RINGTEST_STATUS_OFF 61440	/* last 4 KiB of the 64 KiB region: results */
#define RINGTEST_RING_BYTES 61440

struct ringtest_status {
	volatile word_t done, received, out_of_order, bad_length;
};

#endif
