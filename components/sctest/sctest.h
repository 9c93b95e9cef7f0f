/*
 * sctest: the NetBSD tier's checks of the system-call library
 * (lib/rkclient/syscall.h) against rk's generic entry, split by concern:
 * functional.c (each wrapper once, with values a wrong structure layout
 * or number would spoil), efault.c (every pointer argument bad in four
 * ways), blocking.c (a thread blocked in rk while another works; poll's
 * time-out), local.c (an AF_LOCAL stream between two components), race.c
 * (a path rewritten while it is used), lend.c (large reads and writes,
 * which rk serves through a window on the buffer). This header is what
 * they share.
 */
#ifndef SCTEST_H
#define SCTEST_H

#include "r2c.h"
#include "rkclient/syscall.h"
#include "fmt/fmt.h"

/* Who I am: the component's name, my directory on rk's tmpfs
 * (/tmp/NAME), my NetBSD pid. */
extern char sc_name[16];
extern char sc_dir[64];
extern int sc_pid;

/* Checks each part makes (declared up front with r2c_plan). */
#define FUNCTIONAL_CHECKS 83
#define BLOCKING_CHECKS 9
#define LISTEN_CHECKS 7
#define CONNECT_CHECKS 7
#define RACE_CHECKS 5
#define LEND_CHECKS 9
int efault_checks(void);

void functional(void);
void efault(void);
void blocking(void);
void local_listen(void);
void local_connect(void);
void race(void);
void lend(void);

/* "NAME/leaf" under my directory, in out (n bytes). */
void sc_path(char *out, size_t n, const char *leaf);
/* rk still answers: getpid is my pid. */
bool sc_served(void);
void sc_sleep_ms(unsigned ms);
/* CLOCK_MONOTONIC from rk in nanoseconds (0 if the call failed). */
uint64_t sc_mono_ns(void);

/* Pages of my own with an unmapped page right after each (see guard.c):
 * guarded_page(i) is writable, guarded_page(i) + 4096 is not mapped. */
#define GUARDED_PAGES 2
char *guarded_page(int i);
bool guarded_init(void);

/* A NUL-terminated copy of s into out (n bytes), cut if it must be. */
void sc_strcpy(char *out, size_t n, const char *s);

#endif
