/*
 * The file-system benchmark's workload, shared by components/fsbench (an
 * application on rk) and bench/rump_posix.c (the same rump kernel in a
 * Linux process), so both sides always do the same work.
 */
#ifndef R2C_FSBENCH_H
#define R2C_FSBENCH_H

#define BIG_BYTES	(64ull << 20)	/* written, fsynced, read back */
#define CHUNK		(64u << 10)	/* bytes per read or write call */
#define SMALL_FILES	2000		/* created, written, closed */
#define SMALL_BYTES	100
#define GETPID_BATCH	2000		/* null system calls per timed batch */
#define GETPID_BATCHES	15		/* batches; the median is reported */

#endif
