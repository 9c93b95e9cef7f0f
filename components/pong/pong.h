/* pong, the test server: the capability slots its loader fills in, and
 * what its first thread does (the thread's argument). */
#ifndef PONG_H
#define PONG_H

enum pong_slot {
	PONG_SLOT_CONSOLE = 1,	/* MACHINE, print only */
	PONG_SLOT_NEXT,		/* SINV: pong_echo of another component (pong_nest) */
	PONG_SLOT_SELF,		/* SINV: its own pong_recurse */
	PONG_SLOT_DEV,		/* PCIDEV: a device granted to it (the kernel tests' ports) */
};

enum pong_role {
	PONG_ROLE_HELLO = 1,	/* print a line and end */
	PONG_ROLE_SPIN,		/* spin until preempted, for ever */
};

/* pong_lend_word's word, and what pong_spin_stale writes over it */
#define PONG_WORD_INIT	0x1111222233334444ull
#define PONG_STALE_MARK	0x5EED5EED5EED5EEDull

#endif
