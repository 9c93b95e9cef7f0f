/*
 * The composition file: which components boot, with how much memory and
 * which priority, which servers each may invoke, and which memory two of
 * them share. Parsed by the booter in the guest and tested on the host;
 * docs/composition.md describes the format.
 */
#ifndef COMPOSE_H
#define COMPOSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define COMPOSE_MAX_COMPS 32
#define COMPOSE_MAX_USES 128
#define COMPOSE_MAX_SHM 32
#define COMPOSE_LINE_MAX 255

struct compose_comp {
	char name[16];
	char image[48];
	uint64_t mem;		/* bytes, a multiple of 4096 */
	int prio;		/* 0 most urgent .. 31 */
	uint64_t disk;		/* bytes, a multiple of 512; 0 none */
	char preload[48];
	char arg[48];
	bool halt;		/* the system halts once every halt=yes component ended */
	int line;
};

struct compose_use { int client, server, line; };	/* indexes into comps */

struct compose_shm {
	char name[16];
	uint64_t size;		/* a multiple of 4096 */
	int a, b, line;
};

struct composition {
	struct compose_comp comps[COMPOSE_MAX_COMPS];
	int ncomps;
	struct compose_use uses[COMPOSE_MAX_USES];
	int nuses;
	struct compose_shm shm[COMPOSE_MAX_SHM];
	int nshm;
	int order[COMPOSE_MAX_COMPS];	/* start order: servers before their clients */
};

/* Parse len bytes of text read from `file`. 0, or -1 with
 * "FILE:LINE: problem" (or "FILE: problem") NUL-terminated in err. */
int compose_parse(const char *text, size_t len, const char *file, struct composition *out,
		  char *err, size_t errlen);
bool compose_uses(const struct composition *c, int client, int server);
int compose_find(const struct composition *c, const char *name);

#endif
