/*
 * spclient: the client side of rkconform's sysproxy copy tests. It
 * invokes rkconform with plain pointers into its own memory, the way a
 * remote client passes system-call arguments to a rump kernel, which
 * then copies in and out through rumpuser_sp_copy*.
 */
#include "r2c.h"
#include "r2c/sptest.h"

static unsigned char data[SPTEST_LEN];
static char out[SPTEST_LEN];
static const char str[] = SPTEST_STR;

void r2c_main(word_t arg)
{
	(void)arg;
	for (word_t i = 0; i < SPTEST_LEN; i++)
		data[i] = SPTEST_BYTE(i);
	word_t s = r2c_import("rkconform_sp");
	if (!s) {
		r2c_printf("spclient: the composition gave no rkconform_sp\n");
		return;
	}
	/* a0..a2: readable, readable, writable; a3: my code, not writable */
	long r = r2c_call(s, (word_t)data, (word_t)str, (word_t)out, (word_t)r2c_main);
	if (r)
		r2c_printf("spclient: rkconform_sp said %ld\n", r);
}
