/* rktest's crowd checks (crowd.c). */
#ifndef RKTEST_CROWD_H
#define RKTEST_CROWD_H

void crowd_many(void);
void crowd_churn(void);
void crowd_fill(void);
void paths_mount_and_leave(void);	/* paths.c */

#endif
