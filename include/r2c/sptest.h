/* What rkconform's sysproxy copy tests and their client (spclient) agree
 * on: the client's data the rump kernel side copies in, and the string. */
#ifndef R2C_SPTEST_H
#define R2C_SPTEST_H

#define SPTEST_LEN	150000		/* more than one SELF_COPY_MAX: the hypercalls loop */
#define SPTEST_BYTE(i)	((unsigned char)((i) * 3 + 1))
#define SPTEST_STR	"/mnt/a/path/the/client/owns"

#endif
