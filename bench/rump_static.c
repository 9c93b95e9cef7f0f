/*
 * Linked only into the static build of bench/rump_posix.c (the Linux
 * guest's, tools/linux-guest). librumpuser's rumpuser_dl_bootstrap walks
 * the dynamic linker's map of loaded objects; in a static glibc binary
 * dlopen(NULL) still answers and that walk faults. This rump kernel
 * registers its linked-in modules and components through constructors
 * (RUMP_USE_CTOR), so a static program needs nothing from it: this
 * definition keeps librumpuser.a's copy out of the link, as rk's own
 * hypercall layer (lib/rumpuser/misc.c) does.
 */
/* rump/rumpuser.h is for the rump kernel's side only; the three
 * arguments are function pointers, never called here. */
void rumpuser_dl_bootstrap(void *modinit, void *symload, void *compload);

void rumpuser_dl_bootstrap(void *modinit, void *symload, void *compload)
{
	(void)modinit, (void)symload, (void)compload;
}
