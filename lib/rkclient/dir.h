/* Reading a directory through rk: getdents(2) answers NetBSD's struct
 * dirent records, each d_reclen bytes long; rk_readdir walks them, so a
 * client need not. */
#ifndef RKCLIENT_DIR_H
#define RKCLIENT_DIR_H

#include "r2c/netbsd.h"

/* Calls fn for each entry of the directory open as fd, from its current
 * offset to the end: how many, or -1 with errno set (EIO: a record that
 * does not fit what getdents answered). */
long rk_readdir(int fd, void (*fn)(void *ctx, const struct nb_dirent *d), void *ctx);

#endif
