/* Why: rkboot's image also runs the corrupted-image test (corrupt.c), so
 * the composition's boot modules stay within the kernel's 32. */
#pragma once
/* what: the arg= after "corrupt-": ffs, ext2, busy or gone (an x before: explore). */
void corrupt_main(const char *what);
