/*
 * What the kernel tests and benchmarks share: the image's memory and boot
 * modules, loading a component, and scheduling the threads they create
 * themselves (events drained and logged, dispatch with a fresh token).
 */
#include "ktest.h"

const struct bootinfo *bi;
struct r2c_mem mem;

void expect_fault(const char *comp)
{
	r2c_printf("EXPECT-FAULT %s\n", comp);
}

const struct boot_module *module(const char *name)
{
	return r2c_boot_module(bi, name);
}

long load(const char *module_name, const char *name, struct r2c_comp *c)
{
	const struct boot_module *m = module(module_name);
	if (!m) {
		r2c_printf("ktest: no boot module %s\n", module_name);
		return -ENOENT;
	}
	const char *why = "";
	long err = r2c_comp_load(&mem, name, (const void *)m->vaddr, m->size, c, &why);
	if (err)
		r2c_printf("ktest: cannot load %s from %s: %s (%ld)\n", name, module_name, why, err);
	return err;
}

static struct ev evlog[256];
static word_t nev;

word_t drain_events(void)
{
	for (;;) {
		struct r2c_event e = r2c_event();
		if (e.left == 0)
			return e.token;
		if (nev < sizeof(evlog) / sizeof(evlog[0]))
			evlog[nev++] = (struct ev){ e.tid, e.type };
	}
}

bool saw_event(word_t tid, word_t type)
{
	for (word_t i = 0; i < nev; i++)
		if (evlog[i].tid == tid && evlog[i].type == type)
			return true;
	return false;
}

bool nev_full(void)
{
	return nev > 200;
}

void clear_events(void)
{
	drain_events();
	nev = 0;
}

long dispatch(word_t thd_slot)
{
	long r;
	do
		r = r2c_dispatch(thd_slot, drain_events());
	while (r == -EAGAIN);
	drain_events();
	return r;
}

/* A thread of the root, scheduled by the calling thread; its closure is
 * free again once it has started. */
long thread_new(void (*fn)(void *), void *arg, word_t *slot)
{
	struct r2c_kthread kt;
	static struct r2c_thread closures[64];
	for (int i = 0; i < 64; i++) {
		void (*none)(void *) = NULL;
		if (!atomic_compare_exchange_strong((_Atomic(void (*)(void *)) *)&closures[i].fn, &none, fn))
			continue;
		closures[i].arg = arg;
		closures[i].owned = false;
		long tid = r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&closures[i], &kt);
		if (tid < 0)
			closures[i].fn = NULL;
		else
			*slot = kt.slot;
		return tid;
	}
	return -EAGAIN;
}

/* A thread at component c's entry with arg, scheduled by the caller. */
long thread_start_in(const struct r2c_comp *c, word_t arg, word_t *slot)
{
	struct r2c_kthread kt;
	long tid = r2c_kthread_new(&mem, c->slot, c->entry, arg, &kt);
	if (tid > 0)
		*slot = kt.slot;
	return tid;
}

