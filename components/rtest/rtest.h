/* rtest's test groups kept in files of their own. */
#ifndef RTEST_H
#define RTEST_H

void share_prepare(void);	/* before anything exhausts my memory */
void test_share(void);
void test_churn(void);
void test_authority(void);
void test_parked(void);
void test_limits(void);

#endif
