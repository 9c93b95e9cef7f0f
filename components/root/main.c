/*
 * The root component: the first user-level code. It owns all memory and
 * the boot modules. Normally it is the booter and the system scheduler
 * (boot.c, sched.c); the kernel command line can instead ask for the
 * kernel tests ("ktest"), the kernel benchmarks ("bench") or the minimal
 * two-component demo ("kdemo").
 */
#include "root.h"

const struct bootinfo *bi;
static struct r2c_slots slots;
#define ROOT_FRAMES_MAX (1u << 20)	/* 4 GiB: frames the root can take back */
static word_t freed[ROOT_FRAMES_MAX / 64];
struct r2c_mem mem;

const struct boot_module *module(const char *name)
{
	for (word_t i = 0; i < bi->n_modules; i++)
		if (!strcmp(bi->modules[i].name, name))
			return &bi->modules[i];
	return NULL;
}

long load(const char *module_name, const char *name, struct r2c_comp *c)
{
	const struct boot_module *m = module(module_name);
	if (!m) {
		r2c_printf("root: no boot module %s\n", module_name);
		return -ENOENT;
	}
	const char *why = "";
	long err = r2c_comp_load(&mem, name, (const void *)m->vaddr, m->size, c, &why);
	if (err)
		r2c_printf("root: cannot load %s from %s: %s (%ld)\n", name, module_name, why, err);
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

/* The default demo: two components, one invoking the other. */
static void demo(void)
{
	struct r2c_comp a, b;
	word_t echo, nest_b;
	if (load("pong.elf", "pongA", &a) || load("pong.elf", "pongB", &b))
		return;
	r2c_grant(a.slot, ROOT_SLOT_MACHINE, 1, RIGHT_READ);
	r2c_comp_export(&mem, &b, "pong_echo", 7, &echo);
	r2c_grant(a.slot, echo, 2, RIGHT_ALL);
	r2c_comp_export(&mem, &a, "pong_nest", 0, &nest_b);
	uint64_t t0 = r2c_tsc();
	long r = r2c_call(nest_b, 41, 0, 0, 0);
	uint64_t t1 = r2c_tsc();
	r2c_printf("root: root -> pongA -> pongB -> pongA -> root: 41 became %ld in %lu cycles\n",
		   r, t1 - t0);
	word_t t;
	if (thread_start_in(&a, 1, &t) > 0)
		dispatch(t);
}

void r2c_main(word_t arg)
{
	bi = (const struct bootinfo *)arg;
	r2c_console_slot = ROOT_SLOT_MACHINE;
	r2c_slots_init(&slots, bi->captbl_slots, ROOT_SLOT_FREE);
	mem = (struct r2c_mem){ .ut_slot = ROOT_SLOT_UNTYPED, .count = bi->untyped_frames[0],
				.self_slot = ROOT_SLOT_COMP, .slots = &slots, .freed = freed,
				.freed_cap = ROOT_FRAMES_MAX };
	const char *cmd = bi->cmdline;
	int status = 0;
	if (!strcmp(cmd, "probe")) {
		r2c_printf("root: probe\n");
	} else if (!strncmp(cmd, "ktest", 5)) {
		status = run_tests() ? 1 : 0;
	} else if (!strncmp(cmd, "bench", 5)) {
		run_bench(strncmp(cmd, "bench accel=", 12) ? "unknown" : cmd + 12);
	} else if (!strncmp(cmd, "kdemo", 5)) {
		demo();
	} else {
		status = boot();
	}
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_HALT, (word_t)status, 0, 0, 0, 0, 0);
}
