/* fuzz: issues random system calls on the capabilities it was given. */
#ifndef FUZZ_H
#define FUZZ_H

enum fuzz_slot {
	FUZZ_SLOT_CONSOLE = 1,	/* MACHINE, print only: never fuzzed */
	FUZZ_SLOT_VICTIM,	/* COMP: an empty component it may do anything to,
				 * named FUZZ_COMP_NAME */
	FUZZ_SLOT_UT,		/* UNTYPED: a small range, not executable */
	FUZZ_SLOT_ECHO,		/* SINV: pong_echo */
	FUZZ_SLOT_ASND,		/* ASND: to its own thread */
	FUZZ_SLOT_REPORT,	/* SINV: root's report handler: never fuzzed */
	FUZZ_SLOT_PCI,		/* PCIDEV: a virtio-net device, without DMA */
	FUZZ_SLOT_FIRST_FREE,
	FUZZ_SLOTS = 96,	/* slots it draws from (plus out-of-range ones) */
};
#define FUZZ_REPORT_MAGIC 0xf022
/* Every component the fuzzer can make fault has this name: the victim,
 * and every component it creates (it forces the name). */
#define FUZZ_COMP_NAME "fuzzvictim"
#define FUZZ_TABLE_SLOTS 1024	/* at least a capability table's size (1,021) */
#define FUZZ_CALLS 1000000

#endif
