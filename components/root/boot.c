/*
 * The booter: reads the composition file from the boot modules, creates
 * every component it lists from its ELF image with its own memory budget,
 * grants exactly the interfaces the file allows (a SINV per exported
 * entry point, named in the component's cinfo page), sets up shared
 * memory, then starts the components in dependency order, each once the
 * previous one is ready, and schedules them until nothing can run.
 */
#include "root.h"
#include "sched.h"
#include "compose/compose.h"
#include "elf/elf.h"
#include "fmt/fmt.h"

#define CINFO_WINDOW	0x31000000ull	/* the booter's view of the cinfo pages */
#define START_TIMEOUT_S	5

struct booted {
	struct r2c_comp c;
	struct r2c_mem m;		/* its budget, from which its pages come */
	word_t ut_slot;
	word_t next_slot;		/* next free slot in its capability table */
	word_t shm_next;		/* next free shared-memory address in it */
	word_t main_tid, main_slot;
	struct cinfo *info;
	word_t client_shm;		/* bytes each client shares with it (0: none) */
};

static struct composition cf;
static struct booted bt[COMPOSE_MAX_COMPS];
static const char *cf_name;
static word_t sched_sinv_entry;

static _Noreturn void boot_fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r2c_printf("booter: ");
	r2c_vprintf(fmt, ap);
	va_end(ap);
	r2c_printf("\nbooter: boot stopped\n");
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_HALT, (word_t)status, 0, 0, 0, 0, 0);
	for (;;)
		;
}

static const struct boot_module *find_composition(void)
{
	const char *want = NULL;
	for (const char *p = bi->cmdline; *p; p++)
		if (!strncmp(p, "compose=", 8) && (p == bi->cmdline || p[-1] == ' '))
			want = p + 8;
	for (word_t i = 0; i < bi->n_modules; i++) {
		const char *n = bi->modules[i].name;
		size_t len = strlen(n);
		if (want ? !strncmp(n, want, len) && (want[len] == ' ' || !want[len])
			 : len > 5 && !strcmp(n + len - 5, ".comp"))
			return &bi->modules[i];
	}
	boot_fail(2, want ? "no boot module for the composition named on the command line"
			  : "no composition file (*.comp) among the boot modules");
}

/* Give component i a copy of my capability `mine`; returns its slot. */
static word_t grant(int i, word_t mine, word_t rights)
{
	word_t slot = bt[i].next_slot++;
	long e = r2c_grant(bt[i].c.slot, mine, slot, rights);
	if (e)
		boot_fail(3, "%s: cannot grant a capability (%ld)", cf.comps[i].name, e);
	return slot;
}

/* A fresh zeroed page of component i's memory, mapped in it at va. */
static void map_page(int i, word_t va, word_t flags)
{
	long e = r2c_map(&bt[i].m, bt[i].c.slot, va, flags);
	if (e)
		boot_fail(3, "%s:%d: component %s: mem=%luK is too small (%ld)", cf_name,
			  cf.comps[i].line, cf.comps[i].name, (word_t)(cf.comps[i].mem >> 10), e);
}

static void create(int i)
{
	struct compose_comp *d = &cf.comps[i];
	struct booted *b = &bt[i];
	const struct boot_module *img = module(d->image);
	word_t frames = d->mem / 4096;
	long first = r2c_frame_alloc(&mem, frames);
	if (first < 0)
		boot_fail(3, "%s:%d: not enough memory for %s (mem=%luK)", cf_name, d->line, d->name,
			  (word_t)(d->mem >> 10));
	b->ut_slot = r2c_slot_alloc(&mem);
	r2c_op(ROOT_SLOT_UNTYPED, UT_DERIVE, (word_t)first, frames, b->ut_slot, 0, 0, 0);
	b->m = (struct r2c_mem){ .ut_slot = b->ut_slot, .count = frames, .self_slot = ROOT_SLOT_COMP,
				 .free_slot = mem.free_slot };
	const char *why = "";
	long e = r2c_comp_load(&b->m, d->name, (const void *)img->vaddr, img->size, &b->c, &why);
	if (e)
		boot_fail(3, "%s:%d: component %s: %s: %s (%ld)", cf_name, d->line, d->name, d->image, why, e);
	uint64_t shm = 0;
	b->client_shm = elf_symbol(b->c.img, b->c.size, "r2c_client_shm", &shm) ? 0 : R2C_PAGE_UP(shm);
	b->next_slot = 1;
	b->shm_next = COMP_SHM_BASE;

	/* Its cinfo page: mine to fill, read-only for it. */
	long f = r2c_frame_alloc(&b->m, 1);
	word_t win = CINFO_WINDOW + (word_t)i * 4096;
	if (f < 0 || r2c_map_frame(&b->m, ROOT_SLOT_COMP, win, (word_t)f, MAP_WRITE) ||
	    r2c_map_frame(&b->m, b->c.slot, CINFO_VADDR, (word_t)f, 0))
		boot_fail(3, "%s:%d: component %s: mem too small", cf_name, d->line, d->name);
	b->info = (struct cinfo *)win;
	struct cinfo *ci = b->info;
	ci->magic = CINFO_MAGIC;
	memcpy(ci->name, d->name, sizeof(ci->name));
	memcpy(ci->arg, d->arg, sizeof(ci->arg));
	ci->id = (word_t)i;
	ci->tsc_hz = bi->tsc_hz;
	ci->wall_seconds = bi->wall_seconds;
	ci->wall_tsc = bi->wall_tsc;
	ci->disk_bytes = d->disk;
	ci->nslots = bi->captbl_slots;
}

struct export_walk { int client, server; };

static int export_one(void *ctx, const char *name, size_t len, uint64_t ip)
{
	struct export_walk *w = ctx;
	struct cinfo *ci = bt[w->client].info;
	size_t plen = sizeof(R2C_EXPORT_PREFIX) - 1;
	if (len - plen == 8 && !memcmp(name + plen, "shutdown", 8))
		return 0;		/* the booter's alone */
	if (ci->nimports == CINFO_IMPORTS)
		boot_fail(3, "%s: more than %d imported entry points", cf.comps[w->client].name, CINFO_IMPORTS);
	if (len - plen >= sizeof(ci->imports[0].name))
		boot_fail(3, "%s: entry point name too long", cf.comps[w->server].name);
	word_t s = r2c_slot_alloc(&mem);
	r2c_op(bt[w->server].c.slot, COMP_SINV_CREATE, ip, (word_t)w->client, s, 0, 0, 0);
	struct cinfo_import *im = &ci->imports[ci->nimports++];
	memcpy(im->name, name + plen, len - plen);
	memcpy(im->server, cf.comps[w->server].name, sizeof(im->server));
	im->server_id = (word_t)w->server;
	im->slot = grant(w->client, s, RIGHT_READ);
	return 0;
}

/* Give component i the page-table page its mapping at va lacks. */
static void add_table(int i, word_t va)
{
	long pt = r2c_frame_alloc(&bt[i].m, 1);
	if (pt < 0 || r2c_op(bt[i].c.slot, COMP_PGTBL_ADD, va, bt[i].ut_slot, (word_t)pt, 0, 0, 0))
		boot_fail(3, "%s:%d: component %s: mem too small for its shared memory", cf_name,
			  cf.comps[i].line, cf.comps[i].name);
}

/* Map the page at `from_va` of `from` (a COMP capability of mine) in
 * component i at va, adding page tables to i as needed. */
static void alias_into(int i, word_t from, word_t from_va, word_t va, word_t flags)
{
	long e;
	while ((e = r2c_op(from, COMP_ALIAS, from_va, bt[i].c.slot, va, flags, 0, 0)) == -ENXIO)
		add_table(i, va);
	if (e)
		boot_fail(3, "%s: cannot map shared memory (%ld)", cf.comps[i].name, e);
}

/* Pages of component a's memory, also mapped in b; returns a's address. */
static word_t share(int a, int b, word_t bytes, word_t *b_va)
{
	word_t va = bt[a].shm_next, vb = bt[b].shm_next;
	for (word_t off = 0; off < bytes; off += 4096) {
		map_page(a, va + off, MAP_WRITE);
		alias_into(b, bt[a].c.slot, va + off, vb + off, MAP_WRITE);
	}
	bt[a].shm_next += bytes + 4096;		/* a guard page between regions */
	bt[b].shm_next += bytes + 4096;
	*b_va = vb;
	return va;
}

static void connect(int client, int server)
{
	struct export_walk w = { client, server };
	if (elf_each_symbol(bt[server].c.img, bt[server].c.size, R2C_EXPORT_PREFIX, export_one, &w))
		boot_fail(3, "%s: malformed symbol table", cf.comps[server].image);
	struct cinfo *ci = bt[client].info, *si = bt[server].info;
	if (si->nclients == CINFO_CLIENTS)
		boot_fail(3, "%s: more than %d clients", cf.comps[server].name, CINFO_CLIENTS);
	struct cinfo_client *c = &si->clients[si->nclients++];
	c->token = (word_t)client;
	memcpy(c->name, cf.comps[client].name, sizeof(c->name));
	if (!bt[server].client_shm)
		return;
	if (ci->nshm == CINFO_SHM)
		boot_fail(3, "%s: more than %d shared regions", cf.comps[client].name, CINFO_SHM);
	word_t sva, cva = share(client, server, bt[server].client_shm, &sva);
	struct cinfo_shm *s = &ci->shm[ci->nshm++];
	memcpy(s->name, cf.comps[server].name, sizeof(s->name));
	s->vaddr = cva;
	s->size = bt[server].client_shm;
	c->vaddr = sva;
	c->size = bt[server].client_shm;
}

static void shared_region(const struct compose_shm *d)
{
	struct cinfo *ai = bt[d->a].info, *bi2 = bt[d->b].info;
	if (ai->nshm == CINFO_SHM || bi2->nshm == CINFO_SHM)
		boot_fail(3, "%s:%d: too many shared regions", cf_name, d->line);
	word_t vb, va = share(d->a, d->b, d->size, &vb);
	struct cinfo_shm *sa = &ai->shm[ai->nshm++], *sb = &bi2->shm[bi2->nshm++];
	memcpy(sa->name, d->name, sizeof(sa->name));
	memcpy(sb->name, d->name, sizeof(sb->name));
	sa->vaddr = va;
	sb->vaddr = vb;
	sa->size = sb->size = d->size;
	word_t s = r2c_slot_alloc(&mem);	/* each side may wake the other's first thread */
	r2c_op(bt[d->b].main_slot, THD_ASND_CREATE, s, 0, 0, 0, 0, 0);
	sa->notify_slot = grant(d->a, s, RIGHT_READ);
	s = r2c_slot_alloc(&mem);
	r2c_op(bt[d->a].main_slot, THD_ASND_CREATE, s, 0, 0, 0, 0, 0);
	sb->notify_slot = grant(d->b, s, RIGHT_READ);
}

static void preload(int i)
{
	struct compose_comp *d = &cf.comps[i];
	if (!d->preload[0])
		return;
	const struct boot_module *m = module(d->preload);
	if (!m)
		boot_fail(2, "%s:%d: no boot module \"%s\" (preload of %s)", cf_name, d->line, d->preload, d->name);
	if (d->disk && m->size > d->disk)
		boot_fail(2, "%s:%d: %s (%lu bytes) does not fit disk=%luK", cf_name, d->line, d->preload,
			  m->size, (word_t)(d->disk >> 10));
	for (word_t off = 0; off < m->size; off += 4096)
		alias_into(i, ROOT_SLOT_COMP, m->vaddr + off, COMP_MODULE_BASE + off, 0);
	bt[i].info->preload_vaddr = COMP_MODULE_BASE;
	bt[i].info->preload_size = m->size;
}

/* hostdisk=N: the machine's host disk N becomes component i's disk,
 * mapped at COMP_DISK_BASE; disk=SIZE, if given, may use less of it. */
static void host_disk(int i)
{
	struct compose_comp *d = &cf.comps[i];
	if (d->hostdisk < 0)
		return;
	struct hostdisk hd;
	long e = hostdisk_find(d->hostdisk, &hd);
	if (e)
		boot_fail(2, "%s:%d: %s: hostdisk=%d: %s (%ld)", cf_name, d->line, d->name, d->hostdisk,
			  e == -ENODEV ? "the machine has no such host disk (tools/qemu-run --disk FILE)"
				       : "its memory cannot be found", e);
	word_t bytes = hd.bytes;
	if (d->disk > bytes)
		boot_fail(2, "%s:%d: %s: disk=%luK is larger than host disk %d (%luK)", cf_name, d->line,
			  d->name, (word_t)(d->disk >> 10), d->hostdisk, bytes >> 10);
	if (d->disk)
		bytes = d->disk;
	word_t slot = r2c_slot_alloc(&mem);
	if ((e = r2c_op(ROOT_SLOT_MACHINE, MACHINE_DEVMEM, slot, hd.bdf, hd.bar, 0, 0, 0)))
		boot_fail(3, "%s: host disk at 0x%lx: %ld", d->name, hd.phys, e);
	for (word_t off = 0; off < bytes; off += 4096) {
		word_t va = COMP_DISK_BASE + off;
		while ((e = r2c_op(bt[i].c.slot, COMP_MAP_DEVMEM, va, slot, off / 4096, MAP_WRITE, 0, 0)) == -ENXIO)
			add_table(i, va);
		if (e)
			boot_fail(3, "%s: cannot map its host disk (%ld)", d->name, e);
	}
	bt[i].info->disk_bytes = bytes;
	bt[i].info->disk_vaddr = COMP_DISK_BASE;
	r2c_printf("booter: %s: host disk %d, %luK at 0x%lx\n", d->name, d->hostdisk, bytes >> 10, hd.phys);
}

/* Shared memory on request: a0 = the peer's component id, a1 = bytes.
 * Fresh pages of the caller's budget, mapped in both; r0 = address in the
 * caller, r1 = address in the peer. Only between components one of which
 * uses the other. */
static word_t mem_share(word_t peer, word_t bytes, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a2, (void)a3;
	int me = (int)inv->token, p = (int)peer;
	if (p < 0 || p >= cf.ncomps || p == me || (!compose_uses(&cf, me, p) && !compose_uses(&cf, p, me)))
		return (word_t)-EPERM;
	if (bytes == 0 || bytes > (64u << 20))
		return (word_t)-EINVAL;
	bytes = R2C_PAGE_UP(bytes);
	if (bytes / 4096 > bt[me].m.count - bt[me].m.next)
		return (word_t)-ENOMEM;
	word_t pva, va = share(me, p, bytes, &pva);
	inv->r1 = pva;
	return va;
}
R2C_ENTRY(mem_share);

long sched_create_in(int comp, word_t ip, word_t arg, int prio)
{
	if (comp < 0 || comp >= cf.ncomps || prio < 0 || prio >= SCHED_PRIOS || ip >= 0x800000000000ull)
		return -EINVAL;
	long f = r2c_frame_alloc(&mem, 1);
	if (f < 0)
		return f;
	word_t slot = r2c_slot_alloc(&mem);
	long tid = r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, (word_t)f, CAP_THD, slot, bt[comp].c.slot, ip, arg);
	if (tid < 0)
		return tid;
	long e = sched_adopt(slot, (word_t)tid, comp, prio, true);
	return e ? e : tid;
}

static word_t starting;
static uint64_t start_deadline;

static bool started(void)
{
	return sched_thread_ready(starting) || r2c_tsc() > start_deadline;
}

static uint64_t next_report;

static bool halt_components_ended(void)
{
	if (r2c_tsc() > next_report) {	/* a watchdog: say what everyone is doing */
		next_report = r2c_tsc() + 30 * bi->tsc_hz;
		r2c_printf("booter: still waiting for the halt=yes components; threads:\n");
		sched_dump();
	}
	for (int i = 0; i < cf.ncomps; i++)
		if (cf.comps[i].halt && !sched_thread_ended(bt[i].main_tid))
			return false;
	return true;
}

/* Shutdown: a thread of mine asks each component exporting `shutdown`,
 * newest first, while the scheduler runs everyone else as before. */
static volatile bool shutdown_finished;
static uint64_t shutdown_deadline;

static void shutdown_all(void *arg)
{
	(void)arg;
	for (int k = cf.ncomps - 1; k >= 0; k--) {
		int i = cf.order[k];
		word_t s;
		if (r2c_comp_export(&mem, &bt[i].c, "shutdown", CINFO_BOOTER_TOKEN, &s))
			continue;
		r2c_printf("booter: shutting down %s\n", cf.comps[i].name);
		long r = r2c_call(s, 0, 0, 0, 0);
		if (r)
			r2c_printf("booter: %s: shutdown failed (%ld)\n", cf.comps[i].name, r);
	}
	shutdown_finished = true;
}

static bool shutdown_over(void)
{
	return shutdown_finished || r2c_tsc() > shutdown_deadline;
}

static void shut_down(void)
{
	word_t slot;
	long tid = thread_new(shutdown_all, NULL, &slot);
	if (tid < 0 || sched_adopt(slot, (word_t)tid, -1, 16, true)) {
		r2c_printf("booter: no thread for the shutdown (%ld)\n", tid);
		return;
	}
	shutdown_deadline = r2c_tsc() + CINFO_SHUTDOWN_S * bi->tsc_hz;
	sched_run(shutdown_over);
	if (!shutdown_finished)
		r2c_printf("booter: the shutdown did not finish in %d s\n", CINFO_SHUTDOWN_S);
}

void boot(void)
{
	const struct boot_module *cm = find_composition();
	static char err[256];
	cf_name = cm->name;
	if (compose_parse((const char *)cm->vaddr, cm->size, cm->name, &cf, err, sizeof(err)))
		boot_fail(2, "%s", err);
	for (int i = 0; i < cf.ncomps; i++)
		if (!module(cf.comps[i].image))
			boot_fail(2, "%s:%d: no boot module \"%s\" (image of %s)", cf_name, cf.comps[i].line,
				  cf.comps[i].image, cf.comps[i].name);
	r2c_printf("booter: %s: %d components\n", cf_name, cf.ncomps);
	sched_init();
	sched_sinv_entry = (word_t)sched_entry();
	_Static_assert(COMPOSE_MAX_COMPS <= SCHED_MAX_COMPS, "the scheduler keeps limits for every component");
	for (int i = 0; i < cf.ncomps; i++) {
		struct compose_comp *d = &cf.comps[i];
		uint64_t period = bi->tsc_hz * d->cpu_period_us / 1000000;
		sched_limits(i, d->prio, d->cpu_pct < 100 ? period * (uint64_t)d->cpu_pct / 100 : 0, period);
	}

	for (int k = 0; k < cf.ncomps; k++)
		create(cf.order[k]);
	for (int k = 0; k < cf.ncomps; k++) {	/* first threads, not yet running */
		int i = cf.order[k];
		long f = r2c_frame_alloc(&mem, 1);
		bt[i].main_slot = r2c_slot_alloc(&mem);
		long tid = f < 0 ? f : r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, (word_t)f, CAP_THD, bt[i].main_slot,
					      bt[i].c.slot, bt[i].c.entry, CINFO_VADDR);
		if (tid < 0 || sched_adopt(bt[i].main_slot, (word_t)tid, i, cf.comps[i].prio, false))
			boot_fail(3, "%s: cannot create its thread (%ld)", cf.comps[i].name, tid);
		bt[i].main_tid = (word_t)tid;
	}
	for (int k = 0; k < cf.ncomps; k++) {
		int i = cf.order[k];
		struct cinfo *ci = bt[i].info;
		ci->self_slot = grant(i, bt[i].c.slot, RIGHT_READ | RIGHT_WRITE | RIGHT_ADMIN);
		ci->untyped_slot = grant(i, bt[i].ut_slot, RIGHT_READ | RIGHT_WRITE | RIGHT_ADMIN);
		word_t s = r2c_slot_alloc(&mem);
		r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, sched_sinv_entry, (word_t)i, s, 0, 0, 0);
		ci->sched_slot = grant(i, s, RIGHT_READ);
		s = r2c_slot_alloc(&mem);
		r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, (word_t)r2c_export_mem_share, (word_t)i, s, 0, 0, 0);
		ci->share_slot = grant(i, s, RIGHT_READ);
		bool uses_console = false;
		for (int u = 0; u < cf.nuses; u++)
			if (cf.uses[u].client == i && !strcmp(cf.comps[cf.uses[u].server].name, "console"))
				uses_console = true;
		if (!uses_console)	/* prints directly */
			ci->machine_slot = grant(i, ROOT_SLOT_MACHINE, RIGHT_READ);
		preload(i);
		host_disk(i);
	}
	for (int u = 0; u < cf.nuses; u++)
		connect(cf.uses[u].client, cf.uses[u].server);
	for (int s = 0; s < cf.nshm; s++)
		shared_region(&cf.shm[s]);
	for (int i = 0; i < cf.ncomps; i++) {
		bt[i].info->untyped_frames = bt[i].m.count;
		bt[i].info->untyped_used = bt[i].m.next;
		bt[i].info->first_free_slot = bt[i].next_slot;
		bt[i].info->heap_vaddr = bt[i].c.top;
	}

	for (int k = 0; k < cf.ncomps; k++) {
		int i = cf.order[k];
		struct compose_comp *d = &cf.comps[i];
		char cpu[40] = "";
		if (d->cpu_pct < 100)
			fmt_snprintf(cpu, sizeof(cpu), ", cpu %d%% per %u %s", d->cpu_pct,
				     d->cpu_period_us % 1000 ? d->cpu_period_us : d->cpu_period_us / 1000,
				     d->cpu_period_us % 1000 ? "us" : "ms");
		r2c_printf("booter: starting %s (%s, %luK, priority %d%s)\n", d->name, d->image,
			   (word_t)(d->mem >> 10), d->prio, cpu);
		starting = bt[i].main_tid;
		start_deadline = r2c_tsc() + bi->tsc_hz * START_TIMEOUT_S;
		sched_release(starting);
		sched_run(started);
		if (!sched_thread_ready(starting))
			r2c_printf("booter: %s not ready after %d s; starting the others\n", d->name, START_TIMEOUT_S);
	}
	r2c_printf("booter: all %d components started\n", cf.ncomps);
	bool any = false;
	for (int i = 0; i < cf.ncomps; i++)
		any |= cf.comps[i].halt;
	if (any) {
		next_report = r2c_tsc() + 30 * bi->tsc_hz;
		sched_run(halt_components_ended);
		r2c_printf("booter: every halt=yes component has ended\n");
		shut_down();
		r2c_printf("booter: halting\n");
	} else {
		sched_run(NULL);
		r2c_printf("booter: no thread can run any more; halting\n");
	}
}
