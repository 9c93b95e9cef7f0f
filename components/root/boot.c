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
#include "shm.h"
#include "reboot.h"
#include "compose/compose.h"
#include "elf/elf.h"
#include "fmt/fmt.h"

#define CINFO_WINDOW	0x31000000ull	/* the booter's view of the cinfo pages */
#define START_TIMEOUT_S	5

struct booted {
	struct r2c_comp c;
	struct r2c_mem m;		/* its budget: the booter's until it starts, then its own */
	word_t ut_slot;
	word_t next_slot;		/* next free slot in its capability table */
	word_t shm_next;		/* next free shared-memory address in it */
	struct r2c_kthread main;
	struct cinfo *info;
	word_t client_shm;		/* bytes each client shares with it (0: none) */
};

static struct composition cf;
static struct booted bt[COMPOSE_MAX_COMPS];
static _Atomic word_t faults[COMPOSE_MAX_COMPS];	/* faults each component had */
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
	if (bt[i].next_slot >= bi->captbl_slots)
		boot_fail(3, "%s:%d: component %s: its capability table is full (%lu slots)", cf_name,
			  cf.comps[i].line, cf.comps[i].name, bi->captbl_slots);
	word_t slot = bt[i].next_slot++;
	long e = r2c_grant(bt[i].c.slot, mine, slot, rights);
	if (e)
		boot_fail(3, "%s: cannot grant a capability (%ld)", cf.comps[i].name, e);
	return slot;
}

/* Give component i my capability `mine` and keep no copy of it. */
static word_t hand_over(int i, word_t mine, word_t rights)
{
	word_t slot = grant(i, mine, rights);
	long e = r2c_slot_delete(&mem, mine);
	if (e)
		boot_fail(3, "%s: cannot drop my copy of a capability (%ld)", cf.comps[i].name, e);
	return slot;
}

/* A free slot of mine, or the boot stops. */
static word_t my_slot(void)
{
	word_t s = r2c_slot_alloc(&mem);
	if (!s)
		boot_fail(3, "the booter's capability table is full");
	return s;
}

/* An invocation capability to `ip` of my own, with `token`, handed to component i. */
static word_t hand_over_sinv(int i, word_t server_comp_slot, word_t ip, word_t token)
{
	word_t s = my_slot();
	long e = r2c_op(server_comp_slot, COMP_SINV_CREATE, ip, token, s, 0, 0, 0);
	if (e)
		boot_fail(3, "%s: cannot create an invocation capability (%ld)", cf.comps[i].name, e);
	return hand_over(i, s, RIGHT_READ);
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
	b->ut_slot = my_slot();
	long e = r2c_op(ROOT_SLOT_UNTYPED, UT_DERIVE, (word_t)first, frames, b->ut_slot, 0, 0, 0);
	if (e)
		boot_fail(3, "%s:%d: cannot give %s its memory (%ld)", cf_name, d->line, d->name, e);
	b->m = (struct r2c_mem){ .ut_slot = b->ut_slot, .count = frames, .self_slot = ROOT_SLOT_COMP,
				 .slots = mem.slots };
	const char *why = "";
	e = r2c_comp_load(&b->m, d->name, (const void *)img->vaddr, img->size, &b->c, &why);
	if (e)
		boot_fail(3, "%s:%d: component %s: %s: %s (%ld)", cf_name, d->line, d->name, d->image, why, e);
	uint64_t shm = 0;
	b->client_shm = elf_symbol(b->c.img, b->c.size, "r2c_client_shm", &shm) ? 0 : R2C_PAGE_UP(shm);
	b->next_slot = 1;
	b->shm_next = COMP_SHM_BASE;

	/* Its cinfo pages: mine to fill, read-only for it. */
	long f = r2c_frame_alloc(&b->m, CINFO_PAGES);
	word_t win = CINFO_WINDOW + (word_t)i * CINFO_PAGES * 4096;
	for (word_t p = 0; p < CINFO_PAGES; p++)
		if (f < 0 || r2c_map_frame(&b->m, ROOT_SLOT_COMP, win + p * 4096, (word_t)f + p, MAP_WRITE) ||
		    r2c_map_frame(&b->m, b->c.slot, CINFO_VADDR + p * 4096, (word_t)f + p, 0))
			boot_fail(3, "%s:%d: component %s: mem too small", cf_name, d->line, d->name);
	b->info = (struct cinfo *)win;
	struct cinfo *ci = b->info;
	ci->magic = CINFO_MAGIC;
	memcpy(ci->name, d->name, sizeof(ci->name));
	memcpy(ci->arg, d->arg, sizeof(ci->arg));
	memcpy(ci->inject, d->inject, sizeof(ci->inject) - 1);
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
	if ((len - plen == 8 && !memcmp(name + plen, "shutdown", 8)) ||
	    (len - plen == 11 && !memcmp(name + plen, "client_gone", 11)))
		return 0;		/* the booter's alone */
	if (ci->nimports == CINFO_IMPORTS)
		boot_fail(3, "%s: more than %d imported entry points", cf.comps[w->client].name, CINFO_IMPORTS);
	if (len - plen >= sizeof(ci->imports[0].name))
		boot_fail(3, "%s: entry point name too long", cf.comps[w->server].name);
	struct cinfo_import *im = &ci->imports[ci->nimports++];
	memcpy(im->name, name + plen, len - plen);
	memcpy(im->server, cf.comps[w->server].name, sizeof(im->server));
	im->server_id = (word_t)w->server;
	im->slot = hand_over_sinv(w->client, bt[w->server].c.slot, ip, (word_t)w->client);
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
	c->uid = cf.comps[client].uid;
	c->gid = cf.comps[client].gid;
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

/* A send capability to component `to`'s first thread, handed to `from`. */
static word_t notification(int from, int to, int line)
{
	word_t s = my_slot();
	if (r2c_op(bt[to].main.slot, THD_ASND_CREATE, s, 0, 0, 0, 0, 0))
		boot_fail(3, "%s:%d: cannot create a notification", cf_name, line);
	return hand_over(from, s, RIGHT_READ);
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
	sa->notify_slot = notification(d->a, d->b, d->line);	/* each side may wake the other's first thread */
	sb->notify_slot = notification(d->b, d->a, d->line);
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
	word_t slot = my_slot();
	if ((e = r2c_op(ROOT_SLOT_MACHINE, MACHINE_DEVMEM, slot, hd.bdf, hd.bar, 0, 0, 0)))
		boot_fail(3, "%s: host disk at 0x%lx: %ld", d->name, hd.phys, e);
	for (word_t off = 0; off < bytes; off += 4096) {
		word_t va = COMP_DISK_BASE + off;
		while ((e = r2c_op(bt[i].c.slot, COMP_MAP_DEVMEM, va, slot, off / 4096, MAP_WRITE, 0, 0)) == -ENXIO)
			add_table(i, va);
		if (e)
			boot_fail(3, "%s: cannot map its host disk (%ld)", d->name, e);
	}
	r2c_slot_delete(&mem, slot);	/* the mappings stay; I keep no right to the device */
	bt[i].info->disk_bytes = bytes;
	bt[i].info->disk_vaddr = COMP_DISK_BASE;
	r2c_printf("booter: %s: host disk %d, %luK at 0x%lx\n", d->name, d->hostdisk, bytes >> 10, hd.phys);
}

/* A client is gone: its first thread has ended (r2c_main returned), unless
 * it is a server itself (a server's first thread may end once it is
 * ready: it serves on its clients' threads), or it faulted. Each server
 * it uses that exports `client_gone` (rk: the client's NetBSD process
 * ends, its descriptors close) is told so, by invoking that entry with
 * the booter's token and the client's token as a0. A thread of mine per
 * client does it, never the scheduler thread, so a server that hangs
 * there holds only that thread (and the shutdown waits for it at most
 * CINFO_SHUTDOWN_S). One pass at a time per client; an event during a
 * pass makes one more. */
static word_t gone_slot[COMPOSE_MAX_COMPS];	/* my SINV to each server's client_gone (0: none) */
static struct gone {
	_Atomic int owed;		/* passes owed, the running one included */
	struct r2c_thread closure;
} gone[COMPOSE_MAX_COMPS];
static _Atomic int gone_running;	/* threads telling servers */

static bool tells_anyone(int c)
{
	for (int u = 0; u < cf.nuses; u++)
		if (cf.uses[u].client == c && gone_slot[cf.uses[u].server])
			return true;
	return false;
}

static void tell_servers(void *arg)	/* on a thread of its own */
{
	int c = (int)(long)arg;
	do {
		for (int u = 0; u < cf.nuses; u++) {
			int s = cf.uses[u].server;
			if (cf.uses[u].client != c || !gone_slot[s])
				continue;
			struct r2c_ret r;
			while ((r = r2c_invoke(gone_slot[s], (word_t)c, 0, 0, 0)).status == INV_NO_STACK)
				r2c_yield();	/* its stacks are all taken for a moment */
			if ((r.status || r.r0) && r.status != INV_GONE)	/* a retired server needs no news */
				r2c_printf("booter: %s: client_gone(%s) failed (status %ld, %ld)\n", cf.comps[s].name,
					   cf.comps[c].name, r.status, (long)r.r0);
		}
	} while (atomic_fetch_sub(&gone[c].owed, 1) > 1);
	atomic_fetch_sub(&gone_running, 1);
}

/* In the scheduler thread: component c is gone, tell its servers. */
static long client_gone(void *arg)
{
	int c = (int)(long)arg;
	if (!tells_anyone(c) || atomic_fetch_add(&gone[c].owed, 1))
		return 0;	/* nobody to tell, or a pass under way makes one more */
	gone[c].closure = (struct r2c_thread){ tell_servers, (void *)(long)c, false };
	struct r2c_kthread kt;
	long e = r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&gone[c].closure, &kt);
	if (e > 0 && (e = sched_adopt(&kt, -1, cf.comps[c].prio, true)))
		r2c_kthread_free(&mem, &kt);
	if (e < 0) {
		atomic_store(&gone[c].owed, 0);
		r2c_printf("booter: no thread to tell %s's servers that it is gone (%ld)\n", cf.comps[c].name, e);
		return e;
	}
	atomic_fetch_add(&gone_running, 1);
	return 0;
}

static void serving_again(int i);

/* Micro-reboot policy (docs/reboot.md): a component with restart=N that
 * faults is rebooted in place, at most N times in a 10 s window, and at
 * most N times in a row without becoming ready (boots the watchdog ends
 * come slower than the window); past that it stays down, retired (its clients get INV_GONE), and counts as
 * failed. It serves again (COMP_UP) once its new first thread says it is
 * ready. */
#define RESTART_WINDOW_S 10
static struct restart {
	uint64_t window_start, in_window, total;
	uint64_t down_at;		/* TSC of the fault, while it is down */
	uint64_t booting_since;		/* TSC its first thread started, until it says it is ready */
	uint64_t failed_boots;		/* reboots in a row before it said it was ready */
} rs[COMPOSE_MAX_COMPS];
/* A fault or a watchdog's verdict on the instance rebooted `reboots`
 * times: one about an instance rebooted since is stale. */
struct fault_info { int comp; word_t vec, addr, ip; word_t held; uint64_t tsc, reboots; };
#define VEC_WATCHDOG 256	/* not an exception: the watchdog's, a call held */
#define VEC_WATCHDOG_BOOT 257	/* the watchdog's: not ready in time */

static void thread_ended(int comp, word_t tid)	/* in the scheduler thread */
{
	if (comp >= cf.ncomps || tid != bt[comp].main.tid)
		return;
	rs[comp].booting_since = 0;	/* not booting any more, ready or not */
	serving_again(comp);	/* a rebooted server whose first thread ended without a word */
	for (int u = 0; u < cf.nuses; u++)
		if (cf.uses[u].server == comp)
			return;		/* a server: its first thread's end is no exit */
	client_gone((void *)(long)comp);
}

static uint64_t gone_deadline;

static bool servers_told(void)
{
	return !atomic_load(&gone_running) || r2c_tsc() > gone_deadline;
}

/* pci=VENDOR:DEVICE[/N]: that function to component i alone (the kernel
 * makes the PCIDEV capability in its table: configuration space, line,
 * DMA, and its I/O BARs' ports open to it), its memory BARs mapped from
 * COMP_PCI_BASE; cinfo's pci says what it got. */
static void pci_device(int i)
{
	struct compose_comp *d = &cf.comps[i];
	struct cinfo_pci *p = &bt[i].info->pci;
	word_t bdf, va = COMP_PCI_BASE, at = 0;
	char bars[160] = "";
	if (!d->pci)
		return;
	if (pci_find(d->pci_vendor, d->pci_device, d->pci_index, &bdf))
		boot_fail(2, "%s:%d: %s: pci=%04x:%04x/%d: the machine has no such device", cf_name, d->line, d->name,
			  d->pci_vendor, d->pci_device, d->pci_index);
	if (bt[i].next_slot >= bi->captbl_slots)
		boot_fail(3, "%s:%d: component %s: its capability table is full", cf_name, d->line, d->name);
	p->slot = bt[i].next_slot++;
	long e = r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCIDEV, bt[i].c.slot, p->slot, bdf,
			RIGHT_READ | RIGHT_WRITE | RIGHT_DMA, 0, 0);
	if (e)
		boot_fail(3, "%s:%d: %s: pci=%04x:%04x/%d: the kernel refused it (%ld)", cf_name, d->line, d->name,
			  d->pci_vendor, d->pci_device, d->pci_index, e);
	p->bdf = bdf;
	p->id = d->pci_vendor | (word_t)d->pci_device << 16;
	for (word_t b = 0; b < 6; b++) {
		long size = r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, bdf, b, 0, 0, 0, 0);
		word_t slot = my_slot();
		if (size < 4096 || r2c_op(ROOT_SLOT_MACHINE, MACHINE_DEVMEM, slot, bdf, b, 0, 0, 0)) {
			r2c_slot_free(&mem, slot);	/* no memory BAR, or none a page may map */
			continue;
		}
		word_t lo = (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, 0x10 + 4 * b, 0, 0, 0, 0);
		word_t hi = (lo & 6) == 4 ? (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, 0x14 + 4 * b, 0, 0, 0, 0) : 0;
		p->bar[b] = (struct cinfo_pci_bar){ (hi << 32 | lo) & ~0xFul, (word_t)size, va };
		for (word_t off = 0; off < (word_t)size; off += 4096) {
			while ((e = r2c_op(bt[i].c.slot, COMP_MAP_DEVMEM, va + off, slot, off / 4096, MAP_WRITE, 0, 0)) == -ENXIO)
				add_table(i, va + off);
			if (e)
				boot_fail(3, "%s: cannot map its device's memory (%ld)", d->name, e);
		}
		r2c_slot_delete(&mem, slot);	/* the mappings stay; I keep no right to the device */
		if (at < sizeof(bars))
			at += (word_t)fmt_snprintf(bars + at, sizeof(bars) - at, ", memory 0x%lx (%luK)", p->bar[b].phys,
						   (word_t)size >> 10);
		va += R2C_PAGE_UP((word_t)size) + 4096;
	}
	word_t line = (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, 0x3C, 0, 0, 0, 0) & 0xFF;
	r2c_printf("booter: %s: PCI %02lx:%02lx.%lu (%04x:%04x), interrupt %lu%s\n", d->name, bdf >> 8, bdf >> 3 & 31,
		   bdf & 7, d->pci_vendor, d->pci_device, line, bars);
}


static const char *exception_name(word_t vec)
{
	return vec == 14 ? "page fault" : vec == 13 ? "general protection" : vec == 6 ? "invalid opcode" :
	       vec == 0 ? "divide error" : "exception";
}

static void serving_again(int i)	/* in the scheduler thread */
{
	uint64_t up = r2c_tsc();
	if (!rs[i].down_at || r2c_op(bt[i].c.slot, COMP_UP, 0, 0, 0, 0, 0, 0))
		return;
	bt[i].info->last_reboot.up_tsc = up;
	uint64_t us = (up - rs[i].down_at) * 1000000 / bi->tsc_hz;
	rs[i].down_at = 0;
	if (rs[i].total <= 16)
		r2c_printf("booter: %s serving again after %lu.%03lu ms\n", cf.comps[i].name, us / 1000, us % 1000);
}

static void ready_hook(int comp, word_t tid)	/* in the scheduler thread */
{
	if (comp < cf.ncomps && tid == bt[comp].main.tid) {
		rs[comp].booting_since = rs[comp].failed_boots = 0;
		serving_again(comp);
	}
}

static long micro_reboot(void *arg)	/* in the scheduler thread */
{
	const struct fault_info *f = arg;
	int i = f->comp;
	struct restart *r = &rs[i];
	uint64_t now = r2c_tsc();
	if (f->reboots != r->total || atomic_load(&faults[i]))
		return 0;	/* about an instance already rebooted (or retired) */
	if (now - r->window_start > RESTART_WINDOW_S * bi->tsc_hz) {
		r->window_start = now;
		r->in_window = 0;
	}
	r->total++;
	if (r->booting_since)	/* the last boot never came to ready */
		r->failed_boots++;
	r->down_at = r->booting_since = now;
	bt[i].info->last_reboot = (struct cinfo_reboot){ .fault_tsc = f->tsc, .reboot_tsc = now };
	struct reboot_target t = { bt[i].c.slot, bt[i].c.img, bt[i].c.size, bt[i].info->first_free_slot,
				   bt[i].info->heap_vaddr };
	int unwound = 0;
	bool too_often = ++r->in_window > cf.comps[i].restart;
	bool never_up = r->failed_boots > cf.comps[i].restart;	/* slower than the window, for ever */
	bool give_up = too_often || never_up;
	uint64_t after = too_often ? r->in_window - 1 : r->failed_boots - 1;	/* the reboots it had */
	if ((r->total <= 16 || give_up) && f->vec == VEC_WATCHDOG)
		r2c_printf("booter: %s: watchdog: thread %lu held a call for more than %u s; %s %lu\n",
			   cf.comps[i].name, f->held, cf.comps[i].watchdog_s,
			   give_up ? "no micro-reboot after" : "micro-reboot", give_up ? after : r->total);
	else if ((r->total <= 16 || give_up) && f->vec == VEC_WATCHDOG_BOOT)
		r2c_printf("booter: %s: watchdog: not ready after %u s of booting; %s %lu\n", cf.comps[i].name,
			   cf.comps[i].watchdog_s, give_up ? "no micro-reboot after" : "micro-reboot",
			   give_up ? after : r->total);
	else if (r->total <= 16 || give_up)	/* the first ones, then only the end of the story */
		r2c_printf("booter: %s faulted: %s at 0x%lx, ip 0x%lx; %s %lu\n", cf.comps[i].name,
			   exception_name(f->vec), f->addr, f->ip, give_up ? "no micro-reboot after" : "micro-reboot",
			   give_up ? after : r->total);
	shm_forget(i);		/* what it lent or borrowed at run time: the aliases go first */
	long e = reboot_reset(&t, &unwound);
	bt[i].info->reboots = r->total;
	if (give_up || e) {
		if (e)
			r2c_printf("booter: %s: micro-reboot failed (%ld)\n", cf.comps[i].name, e);
		if (too_often || e)
			r2c_printf("booter: %s rebooted %lu times in %d s: it stays down, its clients get INV_GONE\n",
				   cf.comps[i].name, r->in_window - 1, RESTART_WINDOW_S);
		else
			r2c_printf("booter: %s rebooted %lu times in a row without becoming ready: it stays down, "
				   "its clients get INV_GONE\n", cf.comps[i].name, r->failed_boots - 1);
		r2c_op(bt[i].c.slot, COMP_RETIRE, 0, 0, 0, 0, 0, 0);
		r->down_at = r->booting_since = 0;
		atomic_fetch_add(&faults[i], 1);
		return client_gone((void *)(long)i);
	}
	e = r2c_kthread_new(&mem, bt[i].c.slot, bt[i].c.entry, CINFO_VADDR, &bt[i].main);
	if (e > 0 && (e = sched_adopt(&bt[i].main, i, cf.comps[i].prio, true)))
		r2c_kthread_free(&mem, &bt[i].main);
	if (e < 0) {
		r2c_printf("booter: %s: no thread to boot it again (%ld)\n", cf.comps[i].name, e);
		r2c_op(bt[i].c.slot, COMP_RETIRE, 0, 0, 0, 0, 0, 0);
		atomic_fetch_add(&faults[i], 1);
		return 0;
	}
	bt[i].info->last_reboot.reset_tsc = r2c_tsc();
	return 0;
}

/* Every component's fault handler: the kernel has reported the fault. A
 * component with restart= is micro-rebooted (above), and the faulting
 * thread returns INV_REBOOTED to its caller (or ends). Otherwise the
 * component has failed, which the halt's status will say, and its
 * servers are told it is gone; the faulting thread unwinds to its caller
 * (or ends). Runs on that thread. */
static word_t booter_fault(word_t vec, word_t addr, word_t ip, word_t err, struct r2c_inv *inv)
{
	(void)err;
	uint64_t now = r2c_tsc();
	int i = (int)inv->token;
	if (i < 0 || i >= cf.ncomps)
		return 0;
	if (cf.comps[i].restart) {
		struct fault_info f = { i, vec, addr, ip, 0, now, rs[i].total };
		sched_call(inv->tid, micro_reboot, &f);
		return 0;
	}
	if (atomic_fetch_add(&faults[i], 1) == 0) {
		r2c_printf("booter: component %s failed (exception %lu at address 0x%lx, ip 0x%lx, thread %lu)\n",
			   cf.comps[i].name, vec, addr, ip, inv->tid);
		sched_call(inv->tid, client_gone, (void *)(long)i);
	}
	return 0;
}
R2C_ENTRY(booter_fault);

/* watchdog=SECONDS: a component holding a client's call that long, or
 * booting (first or again) that long without saying it is ready (a mount
 * in its arg= that spins), is rebooted as if it had faulted (every
 * quarter second, in the scheduler thread). */
static bool watchdog(uint64_t now)	/* true: a watched component is booting (time must pass) */
{
	bool booting = false;
	for (int i = 0; i < cf.ncomps; i++) {
		if (!cf.comps[i].watchdog_s || !cf.comps[i].restart || atomic_load(&faults[i]))
			continue;	/* none, or retired */
		uint64_t limit = cf.comps[i].watchdog_s * bi->tsc_hz;
		if (rs[i].booting_since) {
			if (now - rs[i].booting_since > limit) {
				struct fault_info f = { i, VEC_WATCHDOG_BOOT, 0, 0, 0, now, rs[i].total };
				micro_reboot(&f);
			}
			booting |= rs[i].booting_since != 0;
			continue;
		}
		word_t held = sched_watch(i, bt[i].c.slot, limit, now);
		if (held) {
			struct fault_info f = { i, VEC_WATCHDOG, 0, 0, held, r2c_tsc(), rs[i].total };
			micro_reboot(&f);
		}
	}
	return booting;
}

static int starting;		/* the component being started */
static uint64_t start_deadline;

static bool started(void)	/* its first thread, or the one a micro-reboot made since, is ready */
{
	return sched_thread_ready(bt[starting].main.tid) || r2c_tsc() > start_deadline;
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
		if (cf.comps[i].halt && !sched_thread_ended(bt[i].main.tid))
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
		if (atomic_load(&faults[i])) {
			r2c_printf("booter: not shutting down %s: it failed\n", cf.comps[i].name);
		} else {
			r2c_printf("booter: shutting down %s\n", cf.comps[i].name);
			long r = r2c_call(s, 0, 0, 0, 0);
			if (r)
				r2c_printf("booter: %s: shutdown failed (%ld)\n", cf.comps[i].name, r);
		}
		r2c_slot_delete(&mem, s);
	}
	shutdown_finished = true;
}

static bool shutdown_over(void)
{
	return shutdown_finished || r2c_tsc() > shutdown_deadline;
}

static bool shut_down(void)
{
	gone_deadline = r2c_tsc() + CINFO_SHUTDOWN_S * bi->tsc_hz;	/* servers learn of clients gone first */
	sched_run(servers_told, gone_deadline);
	if (atomic_load(&gone_running))
		r2c_printf("booter: a server has not returned from client_gone in %d s\n", CINFO_SHUTDOWN_S);
	struct r2c_kthread kt;
	static struct r2c_thread closure = { shutdown_all, NULL, false };
	long e = r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&closure, &kt);
	if (e > 0 && (e = sched_adopt(&kt, -1, 16, true)))
		r2c_kthread_free(&mem, &kt);
	if (e < 0) {
		r2c_printf("booter: no thread for the shutdown (%ld)\n", e);
		return false;
	}
	shutdown_deadline = r2c_tsc() + CINFO_SHUTDOWN_S * bi->tsc_hz;
	sched_run(shutdown_over, shutdown_deadline);
	if (!shutdown_finished)
		r2c_printf("booter: the shutdown did not finish in %d s\n", CINFO_SHUTDOWN_S);
	return shutdown_finished;
}

/* Nothing can run while halt=yes components have not ended: say who. */
static void report_stuck(void)
{
	r2c_printf("booter: nothing can run any more, but these halt=yes components have not ended:");
	for (int i = 0; i < cf.ncomps; i++)
		if (cf.comps[i].halt && !sched_thread_ended(bt[i].main.tid))
			r2c_printf(" %s", cf.comps[i].name);
	r2c_printf("\nbooter: threads waiting, which no one can wake:\n");
	if (!sched_dump_stuck(false))
		r2c_printf("booter:   none\n");
}

/* How the run ended, for the host (QEMU's status): 0 only when it ended
 * as the composition says and nothing failed. */
static int verdict(bool shut_down_ok)
{
	int failed = 0;
	for (int i = 0; i < cf.ncomps; i++)
		if (atomic_load(&faults[i])) {
			r2c_printf("booter: %s failed (%lu faults)\n", cf.comps[i].name, atomic_load(&faults[i]));
			failed++;
		}
	if (failed)
		return BOOT_STATUS_FAILED;
	return shut_down_ok ? 0 : BOOT_STATUS_SHUTDOWN;
}

int boot(void)
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
	for (int k = 0; k < cf.ncomps; k++)
		create(cf.order[k]);
	for (int i = 0; i < cf.ncomps; i++) {	/* what the scheduler must know of each */
		struct compose_comp *d = &cf.comps[i];
		uint64_t period = bi->tsc_hz * d->cpu_period_us / 1000000;
		sched_add_comp(i, &(struct sched_comp){ .name = d->name, .comp_slot = bt[i].c.slot, .ceiling = d->prio,
			.budget = d->cpu_pct < 100 ? period * (uint64_t)d->cpu_pct / 100 : 0, .period = period });
	}
	for (int k = 0; k < cf.ncomps; k++) {	/* first threads, not yet running */
		int i = cf.order[k];
		long e = r2c_kthread_new(&mem, bt[i].c.slot, bt[i].c.entry, CINFO_VADDR, &bt[i].main);
		if (e < 0 || (e = sched_adopt(&bt[i].main, i, cf.comps[i].prio, false)))
			boot_fail(3, "%s: cannot create its thread (%ld)", cf.comps[i].name, e);
	}
	for (int k = 0; k < cf.ncomps; k++) {
		int i = cf.order[k];
		struct cinfo *ci = bt[i].info;
		ci->self_slot = grant(i, bt[i].c.slot, RIGHT_READ | RIGHT_WRITE | RIGHT_ADMIN);
		/* Its memory to map, not to retype: no kernel objects behind my back. */
		ci->untyped_slot = grant(i, bt[i].ut_slot, RIGHT_READ | RIGHT_WRITE);
		ci->sched_slot = hand_over_sinv(i, ROOT_SLOT_COMP, sched_sinv_entry, (word_t)i);
		ci->share_slot = hand_over_sinv(i, ROOT_SLOT_COMP, (word_t)shm_entry(), (word_t)i);
		bool uses_console = false;
		for (int u = 0; u < cf.nuses; u++)
			if (cf.uses[u].client == i && !strcmp(cf.comps[cf.uses[u].server].name, "console"))
				uses_console = true;
		if (!uses_console)	/* prints directly */
			ci->machine_slot = grant(i, ROOT_SLOT_MACHINE, RIGHT_READ);
		preload(i);
		host_disk(i);
		pci_device(i);
		word_t f = my_slot();	/* its faults come to me */
		long e = r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, (word_t)r2c_export_booter_fault, (word_t)i, f, 0, 0, 0);
		if (e || (e = r2c_op(bt[i].c.slot, COMP_SET_FAULT, f, 0, 0, 0, 0, 0)) || (e = r2c_slot_delete(&mem, f)))
			boot_fail(3, "%s: cannot become its fault handler (%ld)", cf.comps[i].name, e);
	}
	for (int u = 0; u < cf.nuses; u++)
		connect(cf.uses[u].client, cf.uses[u].server);
	for (int i = 0; i < cf.ncomps; i++)	/* only I may say a client is gone */
		if (r2c_comp_export(&mem, &bt[i].c, "client_gone", CINFO_BOOTER_TOKEN, &gone_slot[i]))
			gone_slot[i] = 0;
	sched_on_thread_end(thread_ended);
	sched_on_ready(ready_hook);
	for (int i = 0; i < cf.ncomps; i++)
		if (cf.comps[i].watchdog_s)
			sched_every(bi->tsc_hz / 4, watchdog);
	for (int s = 0; s < cf.nshm; s++)
		shared_region(&cf.shm[s]);
	for (int i = 0; i < cf.ncomps; i++) {
		bt[i].info->untyped_frames = bt[i].m.count;
		bt[i].info->untyped_used = bt[i].m.next;
		bt[i].info->first_free_slot = bt[i].next_slot;
		bt[i].info->heap_vaddr = bt[i].c.top;
		shm_add_comp(i, bt[i].c.slot, bt[i].shm_next,	/* run-time shares above these */
			     bt[i].info->disk_bytes);
	}
	shm_init(&cf);

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
		starting = i;
		start_deadline = r2c_tsc() + bi->tsc_hz * START_TIMEOUT_S;
		rs[i].booting_since = r2c_tsc();
		sched_release(bt[i].main.tid);
		sched_run(started, 0);
		if (!sched_thread_ready(bt[i].main.tid))
			r2c_printf("booter: %s not ready after %d s; starting the others\n", d->name, START_TIMEOUT_S);
	}
	r2c_printf("booter: all %d components started\n", cf.ncomps);
	bool any = false;
	for (int i = 0; i < cf.ncomps; i++)
		any |= cf.comps[i].halt;
	int status;
	if (any) {
		next_report = r2c_tsc() + 30 * bi->tsc_hz;
		sched_run(halt_components_ended, 0);
		bool ended = halt_components_ended();
		if (ended)
			r2c_printf("booter: every halt=yes component has ended\n");
		else
			report_stuck();
		status = verdict(shut_down());
		if (!ended && !status)
			status = BOOT_STATUS_STUCK;
	} else {
		/* It runs until nothing can: then a thread waiting inside an
		 * invocation waits for a server that will never answer. */
		sched_run(NULL, 0);
		r2c_printf("booter: no thread can run any more\n");
		r2c_printf("booter: threads waiting inside an invocation, which no one can wake:\n");
		int stuck = sched_dump_stuck(true);
		if (!stuck)
			r2c_printf("booter:   none\n");
		status = verdict(shut_down());
		if (stuck && !status)
			status = BOOT_STATUS_STUCK;
	}
	r2c_printf("booter: halting (status %d%s)\n", status,
		   status == BOOT_STATUS_FAILED ? ": a component failed" :
		   status == BOOT_STATUS_STUCK ? ": threads stuck" :
		   status == BOOT_STATUS_SHUTDOWN ? ": the shutdown did not finish" : "");
	return status;
}
