/*
 * The composition file: which components boot, with how much memory and
 * which priority and share of the CPU, which servers each may invoke, and
 * which memory two of them share. Parsed by the booter in the guest (freestanding, no
 * allocation) and tested on the host; docs/composition.md describes the
 * format, its limits and its error messages.
 */
#ifndef COMPOSE_H
#define COMPOSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Limits; exceeding one is an error naming the line, never truncation. */
#define COMPOSE_MAX_COMPS 32
#define COMPOSE_MAX_USES 128
#define COMPOSE_MAX_SHM 32
#define COMPOSE_LINE_MAX 255	/* characters, without the line end */
#define COMPOSE_NAME_MAX 15	/* component and shm names */
#define COMPOSE_VALUE_MAX 47	/* image=, preload=, arg= */
#define COMPOSE_HOSTDISKS 8	/* hostdisk=0 .. 7 */
#define COMPOSE_RESTART_DEFAULT 5	/* restart=yes: 5 micro-reboots in 10 s */
#define COMPOSE_RESTART_MAX 1000000
#define COMPOSE_ID_MAX	2147483647u	/* uid=, gid=: NetBSD's UID_MAX and GID_MAX */
#define COMPOSE_UID_BASE 1000u	/* default uid: COMPOSE_UID_BASE + the component's index */
#define COMPOSE_PCI_INDEX_MAX 7	/* pci=VENDOR:DEVICE/N, N = 0 .. 7 */

/* cpu=PERCENT%[/PERIOD]: a share of the CPU per period (docs/composition.md) */
#define COMPOSE_CPU_PERIOD_US	100000	/* the period when cpu= names none */
#define COMPOSE_CPU_PERIOD_MIN_US 1000
#define COMPOSE_CPU_PERIOD_MAX_US 10000000
#define COMPOSE_CPU_SERVER_PCT	80	/* a server's share without cpu= */

struct compose_comp {
	char name[COMPOSE_NAME_MAX + 1];
	char image[COMPOSE_VALUE_MAX + 1];	/* boot module holding its ELF image */
	uint64_t mem;		/* bytes, a multiple of 4096 */
	int prio;		/* 0 most urgent .. 31: its first thread's, and the
				 * most urgent any of its threads may have */
	uint64_t disk;		/* RAM disk bytes, a multiple of 512; 0 none */
	char preload[COMPOSE_VALUE_MAX + 1];	/* boot module copied to the disk; "" none */
	int hostdisk;		/* the disk is the machine's host disk N; -1 none */
	bool pci;		/* pci=: a PCI function granted to it alone */
	uint16_t pci_vendor, pci_device;
	int pci_index;		/* the N-th function with those ids, in bus order (0 first) */
	char arg[COMPOSE_VALUE_MAX + 1];	/* "" none */
	bool halt;		/* the system halts once every halt=yes component ended */
	uint32_t restart;	/* micro-reboots allowed in a 10 s window, and in a row before ready (0: none; yes: 5) */
	uint32_t watchdog_s;	/* a call held this long reboots it (0: no watchdog) */
	char inject[COMPOSE_VALUE_MAX + 1];	/* fault injection (tests only); "" none */
	int cpu_pct;		/* its threads may run this % of each period, 1..100
				 * (100: no limit); servers 80 by default */
	uint32_t cpu_period_us;	/* that period */
	uint32_t uid, gid;	/* who it is to the servers it uses (a rump kernel's
				 * NetBSD credentials): by default an unprivileged
				 * uid of its own, COMPOSE_UID_BASE + its index in
				 * the file, and gid = uid; 0 is root */
	int line;
};

struct compose_use { int client, server; int line; };	/* indexes into comps */

struct compose_shm {
	char name[COMPOSE_NAME_MAX + 1];
	uint64_t size;		/* bytes, a multiple of 4096 */
	int a, b;		/* indexes into comps */
	int line;
};

struct composition {
	struct compose_comp comps[COMPOSE_MAX_COMPS];
	int ncomps;
	struct compose_use uses[COMPOSE_MAX_USES];
	int nuses;
	struct compose_shm shm[COMPOSE_MAX_SHM];
	int nshm;
	int order[COMPOSE_MAX_COMPS];	/* start order: indexes into comps */
};

/*
 * Parse `len` bytes of `text` (not necessarily NUL-terminated) read from
 * file `file`. Returns 0, or -1 with a message "FILE:LINE: problem" (or
 * "FILE: problem" when no line applies) written NUL-terminated into err
 * (truncated to errlen, never overflowing; err may be NULL if errlen is
 * 0). On error *out is all zeroes. Not reentrant: the parser keeps its
 * scratch space (about 7 KiB) in a static buffer, off small stacks.
 */
int compose_parse(const char *text, size_t len, const char *file, struct composition *out,
		  char *err, size_t errlen);
/* true when comps[client] may invoke comps[server] */
bool compose_uses(const struct composition *c, int client, int server);
/* index into comps of the component called `name`, or -1 */
int compose_find(const struct composition *c, const char *name);

#endif
