/* Layout the entry stubs (crt.S) share with C: the struct r2c_inv they
 * build on a server's stack. Plain #defines so assembly can include it;
 * env.c checks them against r2c.h with static asserts. */
#ifndef R2C_CRT_H
#define R2C_CRT_H

#define R2C_INV_TOKEN	0	/* offsetof(struct r2c_inv, token) */
#define R2C_INV_TID	8
#define R2C_INV_R1	16
#define R2C_INV_R2	24
#define R2C_INV_SIZE	32

/* The word below the stack index at the top of a pool stack: what took
 * the stack (a struct r2c_inv lies under it for an invocation). */
#define R2C_STACK_THREAD 0
#define R2C_STACK_INV	1

#endif
