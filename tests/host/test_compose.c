/*
 * Host tests of the composition parser (lib/compose): the shipped
 * compositions, defaults, sizes, every kind of mistake (with its line
 * named), start order, cycles, the limits, line endings and stray bytes,
 * and random mutation of the default file (run under ASan and UBSan).
 * Run from the top of the tree; prints PASS/FAIL lines, returns the
 * number of failures.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>
#include "check.h"
#include "compose/compose.h"

#define KiB (1024ull)
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

static struct composition c;
static char err[1024];

/* Parses a copy held in a heap buffer of exactly len bytes, so ASan
 * reports any read past the end. */
static int parse_as(const char *file, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int r;

	if (!copy) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	memcpy(copy, text, len);
	r = compose_parse(copy, len, file, &c, err, sizeof(err));
	free(copy);
	return r;
}

static int parse(const char *text)
{
	return parse_as("t.comp", text, strlen(text));
}

static void accepts(const char *name, const char *text)
{
	int r = parse(text);

	CHECK(name, r == 0, "r=%d err=\"%s\"", r, err);
}

/* The parse fails with a message containing `want`. */
static void rejects(const char *name, const char *text, const char *want)
{
	int r = parse(text);

	CHECK(name, r == -1 && strstr(err, want), "r=%d err=\"%s\", want \"%s\"", r, err, want);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static char buf[4][65536];
	static int next;
	char *b = buf[next++ % 4];

	*len = 0;
	if (!f)
		return NULL;
	*len = fread(b, 1, sizeof(buf[0]) - 1, f);
	fclose(f);
	b[*len] = '\0';
	return b;
}

static int parse_file(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);

	if (!text) {
		snprintf(err, sizeof(err), "cannot read %s (run from the top of the tree)", path);
		return -2;
	}
	return parse_as(path, text, len);
}

/* order is a permutation of the components with every server before its
 * clients. */
static bool order_valid(const struct composition *k)
{
	int pos[COMPOSE_MAX_COMPS];

	if (k->ncomps < 1 || k->ncomps > COMPOSE_MAX_COMPS)
		return false;
	for (int i = 0; i < k->ncomps; i++)
		pos[i] = -1;
	for (int n = 0; n < k->ncomps; n++) {
		int i = k->order[n];

		if (i < 0 || i >= k->ncomps || pos[i] >= 0)
			return false;
		pos[i] = n;
	}
	for (int u = 0; u < k->nuses; u++)
		if (pos[k->uses[u].server] > pos[k->uses[u].client])
			return false;
	return true;
}

/* strlen, looking at most at max bytes (strnlen is not C11) */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static bool name_valid(const char *s)
{
	size_t n = bounded_len(s, COMPOSE_NAME_MAX + 1);

	if (n < 1 || n > COMPOSE_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Everything a successful parse promises. */
static bool composition_valid(const struct composition *k)
{
	if (!order_valid(k) || k->nuses < 0 || k->nuses > COMPOSE_MAX_USES ||
	    k->nshm < 0 || k->nshm > COMPOSE_MAX_SHM)
		return false;
	for (int i = 0; i < k->ncomps; i++) {
		const struct compose_comp *d = &k->comps[i];

		if (!name_valid(d->name) || compose_find(k, d->name) != i ||
		    bounded_len(d->image, 48) < 1 || bounded_len(d->image, 48) > 47 ||
		    bounded_len(d->preload, 48) > 47 || bounded_len(d->arg, 48) > 47 ||
		    d->mem < 4 * KiB || d->mem > 4 * GiB || d->mem % 4096 ||
		    d->prio < 0 || d->prio > 31 || d->disk > 4 * GiB || d->disk % 512 || d->line < 1 ||
		    d->cpu_pct < 1 || d->cpu_pct > 100 || d->cpu_period_us < 1000 || d->cpu_period_us > 10000000)
			return false;
	}
	for (int u = 0; u < k->nuses; u++) {
		const struct compose_use *x = &k->uses[u];

		if (x->client < 0 || x->client >= k->ncomps || x->server < 0 ||
		    x->server >= k->ncomps || x->client == x->server)
			return false;
		for (int v = 0; v < u; v++)
			if (k->uses[v].client == x->client && k->uses[v].server == x->server)
				return false;
	}
	for (int s = 0; s < k->nshm; s++) {
		const struct compose_shm *x = &k->shm[s];

		if (!name_valid(x->name) || x->size < 4 * KiB || x->size > 64 * MiB ||
		    x->size % 4096 || x->a < 0 || x->a >= k->ncomps || x->b < 0 ||
		    x->b >= k->ncomps || x->a == x->b)
			return false;
	}
	return true;
}

static bool same_composition(const struct composition *x, const struct composition *y)
{
	if (x->ncomps != y->ncomps || x->nuses != y->nuses || x->nshm != y->nshm)
		return false;
	for (int i = 0; i < x->ncomps; i++) {
		const struct compose_comp *a = &x->comps[i], *b = &y->comps[i];

		if (strcmp(a->name, b->name) || strcmp(a->image, b->image) || a->mem != b->mem ||
		    a->prio != b->prio || a->disk != b->disk || strcmp(a->preload, b->preload) ||
		    strcmp(a->arg, b->arg) || a->halt != b->halt || a->hostdisk != b->hostdisk || a->line != b->line ||
		    a->pci != b->pci || a->pci_vendor != b->pci_vendor || a->pci_device != b->pci_device ||
		    a->pci_index != b->pci_index ||
		    a->cpu_pct != b->cpu_pct || a->cpu_period_us != b->cpu_period_us || x->order[i] != y->order[i])
			return false;
	}
	for (int u = 0; u < x->nuses; u++)
		if (x->uses[u].client != y->uses[u].client || x->uses[u].server != y->uses[u].server ||
		    x->uses[u].line != y->uses[u].line)
			return false;
	for (int s = 0; s < x->nshm; s++)
		if (strcmp(x->shm[s].name, y->shm[s].name) || x->shm[s].size != y->shm[s].size ||
		    x->shm[s].a != y->shm[s].a || x->shm[s].b != y->shm[s].b ||
		    x->shm[s].line != y->shm[s].line)
			return false;
	return true;
}

/* The component called name, or an empty one when there is none. */
static const struct compose_comp *comp_named(const char *name)
{
	static const struct compose_comp none;
	int i = compose_find(&c, name);

	return i < 0 ? &none : &c.comps[i];
}

/* ---- the shipped compositions ---------------------------------------------- */

static void test_default_example(void)
{
	int r = parse_file("compose/default.comp");
	int con = compose_find(&c, "console"), rd = compose_find(&c, "ramdisk");
	int he = compose_find(&c, "hello");

	CHECK("compose.default.parses", r == 0 && c.ncomps == 3 && c.nuses == 3 && c.nshm == 0,
	      "r=%d %s", r, err);
	if (r != 0)
		return;
	CHECK("compose.default.names", con == 0 && rd == 1 && he == 2, "%d %d %d", con, rd, he);
	if (con < 0 || rd < 0 || he < 0)
		return;
	CHECK("compose.default.console", !strcmp(c.comps[con].image, "console.elf") &&
	      c.comps[con].mem == 1 * MiB && c.comps[con].prio == 2 && c.comps[con].disk == 0 &&
	      !c.comps[con].preload[0] && !c.comps[con].arg[0] && !c.comps[con].halt,
	      "image %s mem %llu prio %d", c.comps[con].image,
	      (unsigned long long)c.comps[con].mem, c.comps[con].prio);
	CHECK("compose.default.ramdisk", !strcmp(c.comps[rd].image, "ramdisk.elf") &&
	      c.comps[rd].mem == 80 * MiB && c.comps[rd].prio == 4 && c.comps[rd].disk == 64 * MiB,
	      "mem %llu disk %llu prio %d", (unsigned long long)c.comps[rd].mem,
	      (unsigned long long)c.comps[rd].disk, c.comps[rd].prio);
	CHECK("compose.default.hello", !strcmp(c.comps[he].image, "hello.elf") &&
	      c.comps[he].mem == 4 * MiB && c.comps[he].prio == 16 && c.comps[he].disk == 0,
	      "mem %llu prio %d", (unsigned long long)c.comps[he].mem, c.comps[he].prio);
	CHECK("compose.default.order", c.order[0] == con && c.order[1] == rd && c.order[2] == he,
	      "order %d %d %d", c.order[0], c.order[1], c.order[2]);
	CHECK("compose.default.uses", compose_uses(&c, he, con) && compose_uses(&c, rd, con) &&
	      compose_uses(&c, he, rd), "a declared uses is missing");
	CHECK("compose.default.not_uses", !compose_uses(&c, con, he) && !compose_uses(&c, con, rd) &&
	      !compose_uses(&c, rd, he) && !compose_uses(&c, he, he) && !compose_uses(&c, -1, 99),
	      "an undeclared uses is reported");
	CHECK("compose.default.find_missing", compose_find(&c, "consol") == -1 &&
	      compose_find(&c, "") == -1 && compose_find(&c, "Console") == -1, "found a stranger");
	CHECK("compose.default.lines", c.comps[con].line == 7 && c.uses[0].line == 11,
	      "lines %d %d", c.comps[con].line, c.uses[0].line);
}

static void test_other_examples(void)
{
	static const char *const good[] = {
		"compose/test-runtime.comp", "compose/rk.comp", "compose/test-conformance.comp",
		"compose/test-netbsd.comp", "compose/bench-runtime.comp",
	};
	char name[96];
	int r;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = parse_file(good[i]);
		snprintf(name, sizeof(name), "compose.example.%s", good[i] + 8);
		CHECK(name, r == 0 && composition_valid(&c), "r=%d %s", r, err);
	}
	r = parse_file("compose/test-runtime.comp");
	CHECK("compose.example.shm", r == 0 && c.nshm == 2 && !strcmp(c.shm[0].name, "ring") &&
	      c.shm[0].size == 64 * KiB && c.shm[0].a == compose_find(&c, "rtest") &&
	      c.shm[0].b == compose_find(&c, "ringpeer"), "r=%d %s", r, err);
	r = parse_file("compose/rk.comp");
	CHECK("compose.example.halt_preload_arg", r == 0 && comp_named("hello")->halt &&
	      !comp_named("rk")->halt && !strcmp(comp_named("rd0")->preload, "ffs.img") &&
	      !strcmp(comp_named("rk")->arg, "rd0,tmpfs::/tmp"), "r=%d %s", r, err);

	r = parse_file("compose/rk.comp");
	CHECK("compose.example.cpu_defaults", r == 0 && comp_named("rk")->cpu_pct == 80 &&
	      comp_named("rd0")->cpu_pct == 80 && comp_named("console")->cpu_pct == 80 &&
	      comp_named("rk")->cpu_period_us == 100000 && comp_named("hello")->cpu_pct == 100,
	      "r=%d %s rk %d%% hello %d%%", r, err, comp_named("rk")->cpu_pct, comp_named("hello")->cpu_pct);
	r = parse_file("compose/test-runtime.comp");
	CHECK("compose.example.cpu_spinner", r == 0 && comp_named("spinner")->cpu_pct == 50 &&
	      comp_named("spinner")->cpu_period_us == 20000 && comp_named("rtest")->cpu_pct == 100,
	      "r=%d %s spinner %d%%/%uus", r, err, comp_named("spinner")->cpu_pct,
	      comp_named("spinner")->cpu_period_us);

	r = parse_file("compose/bad-cycle.comp");
	CHECK("compose.example.bad_cycle",
	      r == -1 && !strcmp(err, "compose/bad-cycle.comp:7: dependency cycle: a -> b -> c -> a"),
	      "r=%d err=\"%s\"", r, err);
	r = parse_file("compose/bad-syntax.comp");
	CHECK("compose.example.bad_syntax",
	      r == -1 && !strncmp(err, "compose/bad-syntax.comp:4: mem=12Q: bad size", 44),
	      "r=%d err=\"%s\"", r, err);
}

/* ---- values ------------------------------------------------------------------ */

static void test_defaults(void)
{
	int r = parse("component a image=a.elf\n");

	CHECK("compose.defaults", r == 0 && c.ncomps == 1 && !strcmp(c.comps[0].name, "a") &&
	      !strcmp(c.comps[0].image, "a.elf") && c.comps[0].mem == 1 * MiB &&
	      c.comps[0].prio == 16 && c.comps[0].disk == 0 && !c.comps[0].preload[0] &&
	      !c.comps[0].arg[0] && !c.comps[0].halt && c.comps[0].hostdisk == -1 && c.comps[0].line == 1 &&
	      c.nuses == 0 && c.nshm == 0 && c.order[0] == 0, "r=%d %s", r, err);
	r = parse("component z_Z-9 image=b.elf preload=p.img arg=x,y:/z=1 prio=0 halt=yes\n");
	CHECK("compose.all_keys", r == 0 && !strcmp(c.comps[0].name, "z_Z-9") &&
	      !strcmp(c.comps[0].preload, "p.img") && !strcmp(c.comps[0].arg, "x,y:/z=1") &&
	      c.comps[0].prio == 0 && c.comps[0].halt, "r=%d %s", r, err);
	r = parse("component d image=ramdisk.elf disk=32M hostdisk=7\n");
	CHECK("compose.hostdisk", r == 0 && c.comps[0].hostdisk == 7 && c.comps[0].disk == 32 * MiB,
	      "r=%d %s", r, err);
	r = parse("component n image=n.elf pci=1af4:1000\ncomponent m image=n.elf pci=1AF4:1000/3\n"
		  "component k image=k.elf pci=8086:7\n");
	CHECK("compose.pci", r == 0 && c.comps[0].pci && c.comps[0].pci_vendor == 0x1af4 &&
	      c.comps[0].pci_device == 0x1000 && c.comps[0].pci_index == 0 && c.comps[1].pci &&
	      c.comps[1].pci_vendor == 0x1af4 && c.comps[1].pci_index == 3 && c.comps[2].pci_vendor == 0x8086 &&
	      c.comps[2].pci_device == 7, "r=%d %s", r, err);
	r = parse("component n image=n.elf\n");
	CHECK("compose.pci_default_none", r == 0 && !c.comps[0].pci, "r=%d %s", r, err);
	r = parse("\t component\ta  image=a.elf\tmem=2M   # trailing comment mem=9G\n");
	CHECK("compose.tabs_and_comments", r == 0 && c.comps[0].mem == 2 * MiB, "r=%d %s", r, err);
	r = parse("component a image=a.elf#comment glued on\n");
	CHECK("compose.comment_glued", r == 0 && !strcmp(c.comps[0].image, "a.elf"), "r=%d %s", r, err);
	r = parse("component a image=a.elf prio=31\ncomponent b image=b.elf prio=007\n");
	CHECK("compose.prio_range", r == 0 && c.comps[0].prio == 31 && c.comps[1].prio == 7,
	      "r=%d %s", r, err);
}

/* uid=, gid=: by default 1000 + the component's index, gid = uid */
static void test_ids(void)
{
	int r = parse("component a image=a.elf\ncomponent b image=b.elf\ncomponent c image=c.elf uid=0\n"
		      "component d image=d.elf uid=2147483647 gid=5\ncomponent e image=e.elf gid=0\n"
		      "component f image=f.elf uid=007\n");
	CHECK("compose.uid_default", r == 0 && c.comps[0].uid == 1000 && c.comps[0].gid == 1000 &&
	      c.comps[1].uid == 1001 && c.comps[1].gid == 1001, "r=%d %s uid %u %u", r, err, c.comps[0].uid,
	      c.comps[1].uid);
	CHECK("compose.uid_root", r == 0 && c.comps[2].uid == 0 && c.comps[2].gid == 0, "r=%d %s", r, err);
	CHECK("compose.uid_gid_given", r == 0 && c.comps[3].uid == 2147483647 && c.comps[3].gid == 5,
	      "r=%d %s", r, err);
	CHECK("compose.gid_alone", r == 0 && c.comps[4].uid == 1004 && c.comps[4].gid == 0, "r=%d %s", r, err);
	CHECK("compose.uid_leading_zeros", r == 0 && c.comps[5].uid == 7 && c.comps[5].gid == 7, "r=%d %s", r, err);
}

/* cpu=: a leaf has no limit, a server 80% of 100 ms, unless cpu= says */
static void test_cpu(void)
{
	static const struct { const char *setting; int pct; uint32_t period_us; } cases[] = {
		{ "cpu=30%", 30, 100000 }, { "cpu=30%/20ms", 30, 20000 }, { "cpu=1%/1ms", 1, 1000 },
		{ "cpu=100%/10s", 100, 10000000 }, { "cpu=5%/1500us", 5, 1500 }, { "cpu=007%/2s", 7, 2000000 },
		{ "cpu=50%/0020ms", 50, 20000 }, { "cpu=100%", 100, 100000 },
	};
	char text[128], name[64];
	int r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "component a image=a.elf %s\n", cases[i].setting);
		snprintf(name, sizeof(name), "compose.cpu.%s", cases[i].setting + 4);
		r = parse(text);
		CHECK(name, r == 0 && c.comps[0].cpu_pct == cases[i].pct &&
		      c.comps[0].cpu_period_us == cases[i].period_us,
		      "r=%d %s: %d%% of %u us", r, err, c.comps[0].cpu_pct, c.comps[0].cpu_period_us);
	}
	r = parse("component a image=a\ncomponent s image=s\ncomponent t image=t cpu=100%\n"
		  "component u image=u cpu=10%/5ms\nuses a s\nuses a t\nuses a u\n");
	CHECK("compose.cpu.defaults", r == 0 && c.comps[0].cpu_pct == 100 && c.comps[0].cpu_period_us == 100000 &&
	      c.comps[1].cpu_pct == 80 && c.comps[1].cpu_period_us == 100000 && c.comps[2].cpu_pct == 100 &&
	      c.comps[3].cpu_pct == 10 && c.comps[3].cpu_period_us == 5000,
	      "r=%d %s: %d%% %d%% %d%% %d%%", r, err, c.comps[0].cpu_pct, c.comps[1].cpu_pct, c.comps[2].cpu_pct,
	      c.comps[3].cpu_pct);
	r = parse("uses a s\ncomponent s image=s\ncomponent a image=a\n");
	CHECK("compose.cpu.server_declared_first_used_later", r == 0 && comp_named("s")->cpu_pct == 80 &&
	      comp_named("a")->cpu_pct == 100, "r=%d %s", r, err);
}

struct size_case { const char *setting; uint64_t mem, disk; };

static void test_sizes(void)
{
	static const struct size_case cases[] = {
		{ "mem=4K", 4 * KiB, 0 }, { "mem=4k", 4 * KiB, 0 }, { "mem=4096", 4 * KiB, 0 },
		{ "mem=4097", 8 * KiB, 0 }, { "mem=5000", 8 * KiB, 0 }, { "mem=1m", 1 * MiB, 0 },
		{ "mem=1048577", 1 * MiB + 4 * KiB, 0 }, { "mem=3G", 3 * GiB, 0 },
		{ "mem=4g", 4 * GiB, 0 }, { "mem=4194304K", 4 * GiB, 0 },
		{ "mem=4294967295", 4 * GiB, 0 }, { "mem=0001M", 1 * MiB, 0 },
		{ "disk=0", 1 * MiB, 0 }, { "disk=512", 1 * MiB, 512 }, { "disk=1k", 1 * MiB, KiB },
		{ "disk=1536", 1 * MiB, 1536 }, { "disk=64M", 1 * MiB, 64 * MiB },
		{ "disk=4G", 1 * MiB, 4 * GiB },
	};
	char text[128], name[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		snprintf(text, sizeof(text), "component a image=a.elf %s\n", cases[i].setting);
		snprintf(name, sizeof(name), "compose.size.%s", cases[i].setting);
		r = parse(text);
		CHECK(name, r == 0 && c.comps[0].mem == cases[i].mem &&
		      c.comps[0].disk == cases[i].disk,
		      "r=%d %s mem %llu disk %llu", r, err, (unsigned long long)c.comps[0].mem,
		      (unsigned long long)c.comps[0].disk);
	}

	static const struct { const char *size; uint64_t want; } shm_cases[] = {
		{ "4K", 4 * KiB }, { "4097", 8 * KiB }, { "64M", 64 * MiB }, { "65536k", 64 * MiB },
		{ "67104769", 64 * MiB },
	};
	for (size_t i = 0; i < sizeof(shm_cases) / sizeof(shm_cases[0]); i++) {
		int r;

		snprintf(text, sizeof(text), "component a image=a\ncomponent b image=b\nshm s %s a b\n",
			 shm_cases[i].size);
		snprintf(name, sizeof(name), "compose.shm_size.%s", shm_cases[i].size);
		r = parse(text);
		CHECK(name, r == 0 && c.shm[0].size == shm_cases[i].want, "r=%d %s size %llu", r, err,
		      (unsigned long long)c.shm[0].size);
	}
}

/* ---- mistakes ---------------------------------------------------------------- */

struct bad_case { const char *name, *text, *want; };

static const struct bad_case bad_cases[] = {
	/* the messages quoted in docs/composition.md */
	{ "unknown_key", "# x\n\ncomponent a image=a.elf memory=3M\n",
	  "t.comp:3: unknown key \"memory\" (expected image, mem, prio, disk, preload, arg" },
	{ "hostdisk_range", "component d image=d.elf hostdisk=8\n", "t.comp:1: hostdisk=8: expected 0 to 7" },
	{ "hostdisk_word", "component d image=d.elf hostdisk=one\n", "t.comp:1: hostdisk=one: expected 0 to 7" },
	{ "hostdisk_twice", "component a image=d.elf hostdisk=1\n\ncomponent b image=d.elf hostdisk=1\n",
	  "t.comp:3: component b: hostdisk=1 is a's already (line 1)" },
	{ "hostdisk_preload", "\ncomponent d image=d.elf preload=x.img hostdisk=0\n",
	  "t.comp:2: component d: preload= and hostdisk= exclude each other (a host disk already holds its contents)" },
	{ "pci_syntax", "component n image=n.elf pci=1af4-1000\n",
	  "t.comp:1: pci=1af4-1000: expected VENDOR:DEVICE or VENDOR:DEVICE/N (hexadecimal ids such as 1af4:1000, N 0 to 7)" },
	{ "pci_long_id", "component n image=n.elf pci=1af4:10000\n", "t.comp:1: pci=1af4:10000: expected VENDOR:DEVICE" },
	{ "pci_no_device", "component n image=n.elf pci=1af4:\n", "t.comp:1: pci=1af4:: expected VENDOR:DEVICE" },
	{ "pci_no_vendor", "component n image=n.elf pci=:1000\n", "t.comp:1: pci=:1000: expected VENDOR:DEVICE" },
	{ "pci_not_hex", "component n image=n.elf pci=1afg:1000\n", "t.comp:1: pci=1afg:1000: expected VENDOR:DEVICE" },
	{ "pci_index_range", "component n image=n.elf pci=1af4:1000/8\n", "t.comp:1: pci=1af4:1000/8: expected" },
	{ "pci_index_two_digits", "component n image=n.elf pci=1af4:1000/10\n", "t.comp:1: pci=1af4:1000/10: expected" },
	{ "pci_index_empty", "component n image=n.elf pci=1af4:1000/\n", "t.comp:1: pci=1af4:1000/: expected" },
	{ "pci_comment", "component n image=n.elf pci=1af4:1000#1\ncomponent m image=n.elf pci=1af4:1000\n",
	  "t.comp:2: component m: pci=1af4:1000/0 is n's already (line 1)" },
	{ "pci_twice", "component n image=n.elf pci=1af4:1000/1\n\ncomponent m image=m.elf pci=1AF4:1000/1\n",
	  "t.comp:3: component m: pci=1af4:1000/1 is n's already (line 1)" },
	{ "uses_unknown", "component console image=c.elf\ncomponent hello image=h.elf\n\n\n"
	  "uses hello consol\n", "t.comp:5: uses: no component named \"consol\"" },
	{ "uses_unknown_client", "uses helo console\ncomponent console image=c.elf\n",
	  "t.comp:1: uses: no component named \"helo\"" },
	{ "bad_size", "component x image=x.elf\ncomponent a image=a.elf mem=12Q\n",
	  "t.comp:2: mem=12Q: bad size (a decimal number, optionally followed by K, M or G)" },
	{ "declared_twice", "\ncomponent a image=a.elf\n\n\n\n\n\n\ncomponent a image=b.elf\n",
	  "t.comp:9: component \"a\" declared twice (first on line 2)" },
	{ "unknown_keyword", "componnet a image=a.elf\n",
	  "t.comp:1: unknown keyword \"componnet\" (expected component, uses or shm)" },
	{ "restart_zero", "component a image=a.elf restart=0\n",
	  "t.comp:1: restart=0: expected yes, no or 1 to 1000000 (reboots in 10 s)" },
	{ "restart_word", "component a image=a.elf restart=always\n", "t.comp:1: restart=always: expected yes" },
	{ "keyword_case", "Component a image=a.elf\n", "t.comp:1: unknown keyword \"Component\"" },
	/* component lines */
	{ "missing_name", "component\n", "t.comp:1: component: missing name" },
	{ "missing_name_comment", "component # a image=a.elf\n",
	  "t.comp:1: component: missing name" },
	{ "no_image", "component a mem=1M\n", "t.comp:1: component a: image= is required" },
	{ "duplicate_key", "component a image=a.elf image=b.elf\n",
	  "t.comp:1: image= given twice" },
	{ "duplicate_key_mem", "component a image=a.elf mem=1M mem=1M\n",
	  "t.comp:1: mem= given twice" },
	{ "no_equals", "component a image=a.elf big\n", "t.comp:1: \"big\": expected key=value" },
	{ "empty_key", "component a image=a.elf =4M\n", "t.comp:1: \"=4M\": expected key=value" },
	{ "empty_value", "component a image=\n", "t.comp:1: image=: empty value" },
	{ "empty_value_mem", "component a image=a mem=\n", "t.comp:1: mem=: empty value" },
	{ "key_case", "component a image=a Mem=4M\n", "t.comp:1: unknown key \"Mem\"" },
	{ "bad_name_char", "component a.b image=a.elf\n",
	  "t.comp:1: component name \"a.b\": expected 1 to 15 of A-Z a-z 0-9 _ -" },
	{ "bad_name_long", "component abcdefghijklmnop image=a.elf\n",
	  "t.comp:1: component name \"abcdefghijklmnop\"" },
	{ "image_long", "component a image=123456789012345678901234567890123456789012345678\n",
	  "t.comp:1: image=123456789012345678901234567890123456789012345678: longer than 47" },
	{ "preload_long", "component a image=a preload=123456789012345678901234567890123456789012345678\n",
	  "t.comp:1: preload=123456789012345678901234567890123456789012345678: longer than 47 characters" },
	{ "arg_long", "component a image=a arg=123456789012345678901234567890123456789012345678\n",
	  "longer than 47 characters" },
	{ "image_path", "component a image=boot/a.elf\n",
	  "t.comp:1: image=boot/a.elf: a boot module name, not a path" },
	{ "preload_path", "component a image=a preload=/x.img\n",
	  "t.comp:1: preload=/x.img: a boot module name" },
	/* sizes and numbers */
	{ "mem_suffix_b", "component a image=a mem=1KB\n", "t.comp:1: mem=1KB: bad size" },
	{ "mem_suffix_only", "component a image=a mem=K\n", "t.comp:1: mem=K: bad size" },
	{ "mem_negative", "component a image=a mem=-1\n", "t.comp:1: mem=-1: bad size" },
	{ "mem_hex", "component a image=a mem=0x1000\n", "t.comp:1: mem=0x1000: bad size" },
	{ "mem_fraction", "component a image=a mem=1.5M\n", "t.comp:1: mem=1.5M: bad size" },
	{ "mem_small", "component a image=a mem=4095\n",
	  "t.comp:1: mem=4095: bad size (at least 4K, at most 4G)" },
	{ "mem_zero", "component a image=a mem=0\n", "t.comp:1: mem=0: bad size (at least 4K" },
	{ "mem_big", "component a image=a mem=5G\n",
	  "t.comp:1: mem=5G: bad size (at least 4K, at most 4G)" },
	{ "mem_just_big", "component a image=a mem=4294967297\n",
	  "t.comp:1: mem=4294967297: bad size (at least" },
	{ "mem_overflow", "component a image=a mem=99999999999999999999999999\n",
	  "t.comp:1: mem=99999999999999999999999999: bad size (at least 4K, at most 4G)" },
	{ "mem_shift_overflow", "component a image=a mem=17179869184G\n",
	  "t.comp:1: mem=17179869184G: bad size (at least" },
	{ "disk_not_blocks", "component a image=a disk=1000\n",
	  "t.comp:1: disk=1000: bad size (a multiple of 512, at most 4G)" },
	{ "disk_big", "component a image=a disk=5G\n",
	  "t.comp:1: disk=5G: bad size (a multiple of 512" },
	{ "disk_syntax", "component a image=a disk=1Q\n",
	  "t.comp:1: disk=1Q: bad size (a decimal" },
	{ "prio_32", "component a image=a prio=32\n",
	  "t.comp:1: prio=32: expected 0 (most urgent) to 31" },
	{ "prio_negative", "component a image=a prio=-1\n", "t.comp:1: prio=-1: expected 0" },
	{ "prio_word", "component a image=a prio=high\n", "t.comp:1: prio=high: expected 0" },
	{ "prio_suffix", "component a image=a prio=1K\n", "t.comp:1: prio=1K: expected 0" },
	{ "prio_huge", "component a image=a prio=99999999999999999999\n",
	  "t.comp:1: prio=99999999999999999999" },
	{ "halt_word", "component a image=a halt=1\n", "t.comp:1: halt=1: expected yes or no" },
	{ "uid_negative", "component a image=a uid=-1\n", "t.comp:1: uid=-1: expected 0 to 2147483647 (0 is root)" },
	{ "uid_too_big", "component a image=a uid=2147483648\n", "t.comp:1: uid=2147483648: expected 0 to" },
	{ "uid_huge", "component a image=a uid=99999999999999999999999\n", "t.comp:1: uid=99999999999999999999999:" },
	{ "uid_word", "component a image=a uid=root\n", "t.comp:1: uid=root: expected 0 to" },
	{ "uid_suffix", "component a image=a uid=1K\n", "t.comp:1: uid=1K: expected 0 to" },
	{ "gid_hex", "component a image=a gid=0x10\n", "t.comp:1: gid=0x10: expected 0 to 2147483647 (0 is root)" },
	{ "uid_twice", "component a image=a uid=0 uid=0\n", "t.comp:1: uid= given twice" },
	{ "uid_empty", "component a image=a uid=\n", "t.comp:1: uid=: empty value" },
	{ "cpu_no_percent", "component a image=a cpu=30\n",
	  "t.comp:1: cpu=30: expected PERCENT% or PERCENT%/PERIOD (such as 30% or 30%/20ms)" },
	{ "cpu_word", "component a image=a cpu=half\n", "t.comp:1: cpu=half: expected PERCENT%" },
	{ "cpu_negative", "component a image=a cpu=-5%\n", "t.comp:1: cpu=-5%: expected PERCENT%" },
	{ "cpu_fraction", "component a image=a cpu=2.5%\n", "t.comp:1: cpu=2.5%: expected PERCENT%" },
	{ "cpu_no_slash", "component a image=a cpu=30%20ms\n", "t.comp:1: cpu=30%20ms: expected PERCENT%" },
	{ "cpu_zero", "component a image=a cpu=0%\n", "t.comp:1: cpu=0%: expected 1% to 100%" },
	{ "cpu_over", "\ncomponent a image=a cpu=101%/1s\n", "t.comp:2: cpu=101%/1s: expected 1% to 100%" },
	{ "cpu_huge", "component a image=a cpu=99999999999999999999999%\n",
	  "t.comp:1: cpu=99999999999999999999999%: expected 1% to 100%" },
	{ "cpu_period_unit", "component a image=a cpu=30%/20\n",
	  "t.comp:1: cpu=30%/20: bad period (a decimal number followed by us, ms or s)" },
	{ "cpu_period_case", "component a image=a cpu=30%/20MS\n", "t.comp:1: cpu=30%/20MS: bad period" },
	{ "cpu_period_empty", "component a image=a cpu=30%/\n", "t.comp:1: cpu=30%/: bad period" },
	{ "cpu_period_trailing", "component a image=a cpu=30%/20ms/2\n", "t.comp:1: cpu=30%/20ms/2: bad period" },
	{ "cpu_period_short", "component a image=a cpu=30%/999us\n",
	  "t.comp:1: cpu=30%/999us: period out of range (1ms to 10s)" },
	{ "cpu_period_zero", "component a image=a cpu=30%/0ms\n", "t.comp:1: cpu=30%/0ms: period out of range" },
	{ "cpu_period_long", "component a image=a cpu=30%/10001ms\n", "t.comp:1: cpu=30%/10001ms: period out of range" },
	{ "cpu_period_overflow", "component a image=a cpu=30%/99999999999999999999s\n",
	  "t.comp:1: cpu=30%/99999999999999999999s: period out of range" },
	{ "cpu_period_shift_overflow", "component a image=a cpu=30%/18446744073709552s\n",
	  "period out of range" },
	{ "cpu_twice", "component a image=a cpu=30% cpu=40%\n", "t.comp:1: cpu= given twice" },
	{ "cpu_empty", "component a image=a cpu=\n", "t.comp:1: cpu=: empty value" },
	/* uses lines */
	{ "uses_one", "component a image=a.elf\nuses a\n",
	  "t.comp:2: uses: expected \"uses CLIENT SERVER\"" },
	{ "uses_three", "component a image=a.elf\nuses a b c\n", "t.comp:2: uses: expected" },
	{ "uses_self", "component a image=a.elf\nuses a a\n",
	  "t.comp:2: uses: a cannot use itself" },
	{ "uses_twice", "component a image=a\ncomponent b image=b\nuses a b\nuses a b\n",
	  "t.comp:4: uses a b repeated (first on line 3)" },
	{ "uses_bad_name", "component a image=a\nuses a b.c\n",
	  "t.comp:2: uses: component name \"b.c\"" },
	/* shm lines */
	{ "shm_arity", "component a image=a\ncomponent b image=b\nshm s 4K a\n",
	  "t.comp:3: shm: expected \"shm NAME SIZE COMP_A COMP_B\"" },
	{ "shm_self", "component a image=a.elf\nshm s 4K a a\n",
	  "t.comp:2: shm s: a cannot share with itself" },
	{ "shm_size_big", "component a image=a\ncomponent b image=b\nshm s 1G a b\n",
	  "t.comp:3: shm s size 1G: bad size (at least 4K, at most 64M)" },
	{ "shm_size_just_big", "component a image=a\ncomponent b image=b\nshm s 67108865 a b\n",
	  "t.comp:3: shm s size 67108865: bad size (at least 4K" },
	{ "shm_size_small", "component a image=a\ncomponent b image=b\nshm s 4000 a b\n",
	  "t.comp:3: shm s size 4000: bad size (at least 4K" },
	{ "shm_size_syntax", "component a image=a\ncomponent b image=b\nshm s big a b\n",
	  "t.comp:3: shm s size big: bad size (a decimal" },
	{ "shm_unknown", "component a image=a\nshm s 4K a b\n",
	  "t.comp:2: shm s: no component named \"b\"" },
	{ "shm_twice", "component a image=a\ncomponent b image=b\nshm s 4K a b\nshm s 8K b a\n",
	  "t.comp:4: shm \"s\" declared twice (first on line 3)" },
	{ "shm_bad_name", "component a image=a\ncomponent b image=b\nshm s.t 4K a b\n",
	  "t.comp:3: shm name \"s.t\"" },
	{ "shm_bad_comp_name", "component a image=a\ncomponent b image=b\nshm s 4K a b!\n",
	  "t.comp:3: shm: component name \"b!\"" },
	/* the file as a whole */
	{ "nothing", "", "t.comp: no components" },
	{ "only_comments", "# empty\n\n   \t\n# still empty", "t.comp: no components" },
	{ "only_uses", "uses a b\n", "t.comp: no components" },
	{ "first_error_wins", "component a image=a mem=1Q\ncomponnet b\n", "t.comp:1: mem=1Q" },
	{ "cr_alone", "component a image=a.elf\rcomponent b image=b.elf\r",
	  "t.comp:1: control character 0x0d" },
	{ "control_char", "component a image=a.elf\n# bell \a\n",
	  "t.comp:2: control character 0x07" },
	{ "delete_char", "component a image=a\x7f.elf\n", "t.comp:1: control character 0x7f" },
};

static void test_mistakes(void)
{
	char name[80];

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		snprintf(name, sizeof(name), "compose.error.%s", bad_cases[i].name);
		rejects(name, bad_cases[i].text, bad_cases[i].want);
	}
	/* the exact words of the brief's examples, with another file name */
	static const char consol[] = "component a image=a\nuses a consol\n";
	static const char memory[] = "component a image=a\n\ncomponent b image=b memory=1M\n";
	int r = parse_as("x.comp", consol, strlen(consol));
	CHECK("compose.error.file_name",
	      r == -1 && !strcmp(err, "x.comp:2: uses: no component named \"consol\""),
	      "err=\"%s\"", err);
	r = parse_as("default.comp", memory, strlen(memory));
	CHECK("compose.error.unknown_key_exact", r == -1 && !strcmp(err,
	      "default.comp:3: unknown key \"memory\" (expected image, mem, prio, disk, preload, arg, halt, hostdisk, cpu, uid, gid, pci, restart, watchdog, inject)"),
	      "err=\"%s\"", err);
	r = parse("component a image=a mem=1Q\n");
	CHECK("compose.error.output_cleared", r == -1 && c.ncomps == 0 && c.nuses == 0,
	      "ncomps %d", c.ncomps);
}

/* ---- names and order --------------------------------------------------------- */

static bool order_is(int a, int b, int d)
{
	return c.order[0] == a && c.order[1] == b && c.order[2] == d;
}

static void test_order(void)
{
	int r = parse("uses b a\nshm s 4K b a\ncomponent a image=a.elf\ncomponent b image=b.elf\n");

	CHECK("compose.forward_reference", r == 0 && c.uses[0].client == 1 && c.uses[0].server == 0 &&
	      c.uses[0].line == 1 && c.shm[0].a == 1 && c.shm[0].b == 0 && c.order[0] == 0 &&
	      c.order[1] == 1, "r=%d %s", r, err);
	r = parse("component x image=x\ncomponent y image=y\ncomponent z image=z\n");
	CHECK("compose.order.file_order", r == 0 && order_is(0, 1, 2), "r=%d %s", r, err);
	r = parse("component c image=c\ncomponent b image=b\ncomponent a image=a\nuses c b\nuses b a\n");
	CHECK("compose.order.reversed_chain", r == 0 && order_is(2, 1, 0), "r=%d %s", r, err);
	/* x waits for z; y is free, so it starts first (first startable in the file) */
	r = parse("component x image=x\ncomponent y image=y\ncomponent z image=z\nuses x z\n");
	CHECK("compose.order.first_startable", r == 0 && order_is(1, 2, 0), "r=%d %s", r, err);
	r = parse("component top image=t\ncomponent l image=l\ncomponent r image=r\ncomponent base image=b\n"
		  "uses top l\nuses top r\nuses l base\nuses r base\n");
	CHECK("compose.order.diamond", r == 0 && c.order[0] == 3 && c.order[1] == 1 && c.order[2] == 2 &&
	      c.order[3] == 0, "r=%d %s", r, err);
	r = parse("component a image=a\ncomponent b image=b\nuses a b\nuses b a\n");
	CHECK("compose.cycle.two", r == -1 && !strcmp(err, "t.comp:4: dependency cycle: a -> b -> a"),
	      "err=\"%s\"", err);
	r = parse("component a image=p\ncomponent b image=p\ncomponent c image=p\n"
		  "uses a b\nuses b c\nuses c a\n");
	CHECK("compose.cycle.three", r == -1 && !strcmp(err, "t.comp:6: dependency cycle: a -> b -> c -> a"),
	      "err=\"%s\"", err);
	/* d waits for the cycle but is not part of it */
	r = parse("component d image=p\ncomponent a image=p\ncomponent b image=p\ncomponent e image=p\n"
		  "uses d a\nuses b a\nuses a b\nuses a e\n");
	CHECK("compose.cycle.named_alone", r == -1 && !strcmp(err, "t.comp:6: dependency cycle: a -> b -> a"),
	      "err=\"%s\"", err);
	r = parse("component s image=p\ncomponent p image=p\ncomponent q image=p\n"
		  "uses q p\nuses p q\nuses p s\n");
	CHECK("compose.cycle.after_started", r == -1 && strstr(err, "t.comp:") &&
	      strstr(err, "dependency cycle: p -> q -> p"), "err=\"%s\"", err);
}

/* ---- limits ------------------------------------------------------------------ */

static char big[64 * 1024];
static size_t big_len;

static void add_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	big_len += (size_t)vsnprintf(big + big_len, sizeof(big) - big_len, fmt, ap);
	va_end(ap);
}

/* A line of exactly COMPOSE_LINE_MAX characters, then '\n'. */
static void add_padded_line(const char *start)
{
	size_t n = strlen(start);

	memcpy(big + big_len, start, n);
	memset(big + big_len + n, ' ', COMPOSE_LINE_MAX - 8 - n);
	memcpy(big + big_len + COMPOSE_LINE_MAX - 8, "# padded\n", 9);
	big_len += COMPOSE_LINE_MAX + 1;
}

/* 32 components with the longest names and values, 128 uses lines (a
 * chain from component 0 to component 31 among them), 32 shm lines. */
static int build_full_file(void)
{
	static const char *const v47 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU";
	char line[COMPOSE_LINE_MAX + 1];
	int lines = 0, nuses = 0;

	big_len = 0;
	for (int i = 0; i < COMPOSE_MAX_COMPS; i++) {
		snprintf(line, sizeof(line), "component component_%05d image=%.43s%04d mem=4G prio=31 "
			 "disk=4G preload=%s arg=%s halt=no", i, v47, i, v47, v47);
		add_padded_line(line);
		lines++;
	}
	for (int d = 1; nuses < COMPOSE_MAX_USES; d++)
		for (int i = 0; i + d < COMPOSE_MAX_COMPS && nuses < COMPOSE_MAX_USES; i++) {
			add_line("uses component_%05d component_%05d\n", i, i + d);
			nuses++;
			lines++;
		}
	for (int i = 0; i < COMPOSE_MAX_SHM; i++, lines++)
		add_line("shm shared_mem_%04d 64M component_%05d component_%05d\n", i, i,
			 (i + 1) % COMPOSE_MAX_COMPS);
	return lines;
}

static void test_limits(void)
{
	int lines = build_full_file();
	int r = parse_as("t.comp", big, big_len);
	bool values = r == 0;

	for (int i = 0; values && i < c.ncomps; i++)
		values = strlen(c.comps[i].name) == 15 && strlen(c.comps[i].image) == 47 &&
			 strlen(c.comps[i].preload) == 47 && strlen(c.comps[i].arg) == 47 &&
			 c.comps[i].mem == 4 * GiB && c.comps[i].disk == 4 * GiB && c.comps[i].prio == 31 &&
			 c.order[i] == COMPOSE_MAX_COMPS - 1 - i;
	CHECK("compose.limits.full", r == 0 && c.ncomps == COMPOSE_MAX_COMPS && c.nuses == COMPOSE_MAX_USES &&
	      c.nshm == COMPOSE_MAX_SHM && composition_valid(&c), "r=%d %s", r, err);
	CHECK("compose.limits.values", values && c.shm[31].size == 64 * MiB && c.shm[31].a == 31 &&
	      c.shm[31].b == 0 && !strcmp(c.shm[31].name, "shared_mem_0031"), "values or order differ");

	char msg[96];
	size_t saved = big_len;

	add_line("component component_%05d image=x\n", 99);
	r = parse_as("t.comp", big, big_len);
	snprintf(msg, sizeof(msg), "t.comp:%d: too many components (at most 32)", lines + 1);
	CHECK("compose.limits.components", r == -1 && !strcmp(err, msg), "err=\"%s\" want \"%s\"",
	      err, msg);

	big_len = saved;
	add_line("uses component_%05d component_%05d\n", 31, 0);
	r = parse_as("t.comp", big, big_len);
	snprintf(msg, sizeof(msg), "t.comp:%d: too many uses lines (at most 128)", lines + 1);
	CHECK("compose.limits.uses", r == -1 && !strcmp(err, msg), "err=\"%s\" want \"%s\"", err, msg);

	big_len = saved;
	add_line("shm extra 4K component_%05d component_%05d\n", 1, 2);
	r = parse_as("t.comp", big, big_len);
	snprintf(msg, sizeof(msg), "t.comp:%d: too many shm lines (at most 32)", lines + 1);
	CHECK("compose.limits.shm", r == -1 && !strcmp(err, msg), "err=\"%s\" want \"%s\"", err, msg);

	/* a 32-component cycle: the message names all of them */
	big_len = 0;
	for (int i = 0; i < COMPOSE_MAX_COMPS; i++)
		add_line("component component_%05d image=p%d\n", i, i);
	for (int i = 0; i < COMPOSE_MAX_COMPS; i++)
		add_line("uses component_%05d component_%05d\n", i, (i + 1) % COMPOSE_MAX_COMPS);
	r = parse_as("t.comp", big, big_len);
	CHECK("compose.limits.long_cycle", r == -1 && strstr(err, "t.comp:64: dependency cycle: component_00000 -> "
	      "component_00001 -> ") && strstr(err, "component_00031 -> component_00000") &&
	      strlen(err) == strlen("t.comp:64: dependency cycle: ") + 33 * 15 + 32 * 4, "err=\"%s\"", err);
}

/* ---- bytes and line ends ------------------------------------------------------ */

static void test_line_ends(void)
{
	static struct composition plain, crlf;
	static char converted[8192];
	size_t len, n = 0;
	char *text = slurp("compose/default.comp", &len);
	int r1, r2;

	if (!text) {
		CHECK("compose.crlf", false, "cannot read compose/default.comp");
		return;
	}
	r1 = parse_as("d.comp", text, len);
	plain = c;
	for (size_t i = 0; i < len && n + 2 < sizeof(converted); i++) {
		if (text[i] == '\n')
			converted[n++] = '\r';
		converted[n++] = text[i];
	}
	r2 = parse_as("d.comp", converted, n);
	crlf = c;
	CHECK("compose.crlf", r1 == 0 && r2 == 0 && same_composition(&plain, &crlf),
	      "r=%d %d %s", r1, r2, err);

	int r = parse("component a image=a.elf\r\n\r\ncomponent b image=b.elf mem=8K\r\nuses b a\r\n");
	CHECK("compose.crlf_small", r == 0 && c.ncomps == 2 && !strcmp(c.comps[0].image, "a.elf") &&
	      c.comps[1].mem == 8 * KiB && c.uses[0].line == 4, "r=%d %s", r, err);
	accepts("compose.no_final_newline", "component a image=a.elf");
	r = parse("component a image=a.elf\r");
	CHECK("compose.final_cr", r == 0 && !strcmp(c.comps[0].image, "a.elf"), "r=%d %s", r, err);
	accepts("compose.utf8_comment", "# caf\xc3\xa9 \xe2\x86\x92 console\ncomponent a image=a.elf\n");

	static const char nul[] = "component a image=a.elf\ncomp\0onent b image=b\n";
	r = parse_as("t.comp", nul, sizeof(nul) - 1);
	CHECK("compose.nul", r == -1 && !strncmp(err, "t.comp:2: NUL byte", 18), "err=\"%s\"", err);
	r = parse_as("t.comp", "\0", 1);
	CHECK("compose.nul_first", r == -1 && !strncmp(err, "t.comp:1: NUL byte", 18), "err=\"%s\"", err);
	static const char nul_comment[] = "component a image=a.elf # \0\n";
	r = parse_as("t.comp", nul_comment, sizeof(nul_comment) - 1);
	CHECK("compose.nul_in_comment", r == -1 && !strncmp(err, "t.comp:1: NUL byte", 18), "err=\"%s\"", err);

	/* not NUL-terminated: only len bytes count */
	const char *longer = "component a image=a.elf mem=5G";
	r = compose_parse(longer, 23, "t.comp", &c, err, sizeof(err));
	CHECK("compose.length_respected", r == 0 && c.comps[0].mem == 1 * MiB, "r=%d %s", r, err);
	r = parse_as("t.comp", "component a image=a.elf", 0);
	CHECK("compose.empty_text", r == -1 && !strcmp(err, "t.comp: no components"), "err=\"%s\"", err);

	/* COMPOSE_LINE_MAX characters are fine, one more is not */
	char line[COMPOSE_LINE_MAX + 8];
	size_t base = strlen("component a image=a.elf #");

	memcpy(line, "component a image=a.elf #", base);
	memset(line + base, 'x', COMPOSE_LINE_MAX - base);
	memcpy(line + COMPOSE_LINE_MAX, "\n", 2);
	accepts("compose.line_255", line);
	memcpy(line + COMPOSE_LINE_MAX, "\r\n", 3);
	accepts("compose.line_255_crlf", line);
	memcpy(line + COMPOSE_LINE_MAX, "y\n", 3);
	rejects("compose.line_256", line, "t.comp:1: line longer than 255 characters");
	static char four[1024];
	snprintf(four, sizeof(four), "component a image=a\n#\n\n%s", line);
	r = parse_as("x.comp", four, strlen(four));
	CHECK("compose.line_long_4", r == -1 && !strcmp(err, "x.comp:4: line longer than 255 characters"),
	      "err=\"%s\"", err);
	static char huge[4096];
	memset(huge, 'a', sizeof(huge));
	r = parse_as("t.comp", huge, sizeof(huge));
	CHECK("compose.line_huge", r == -1 && !strcmp(err, "t.comp:1: line longer than 255 characters"),
	      "err=\"%s\"", err);

	/* a line full of one-character fields: no field limit below the line limit */
	char fields[COMPOSE_LINE_MAX + 2];
	for (int i = 0; i < COMPOSE_LINE_MAX; i++)
		fields[i] = i % 2 ? ' ' : 'x';
	fields[COMPOSE_LINE_MAX] = '\0';
	rejects("compose.many_fields", fields, "t.comp:1: unknown keyword \"x\"");
	memcpy(fields, "uses ", 5);
	rejects("compose.many_fields_uses", fields, "t.comp:1: uses: expected \"uses CLIENT SERVER\"");
}

/* ---- the error buffer ------------------------------------------------------- */

static void test_error_buffer(void)
{
	char small[24];
	int r;

	memset(small, '#', sizeof(small));
	r = compose_parse("bogus", 5, "a-very-long-file-name.comp", &c, small, 16);
	CHECK("compose.errbuf.truncated", r == -1 && strlen(small) == 15 &&
	      !strncmp(small, "a-very-long-fil", 15) && small[16] == '#', "\"%s\"", small);
	memset(small, '#', sizeof(small));
	r = compose_parse("bogus", 5, "f", &c, small, 12);
	CHECK("compose.errbuf.cut_message", r == -1 && !strcmp(small, "f:1: unknow") && small[12] == '#',
	      "\"%s\"", small);
	memset(small, '#', sizeof(small));
	r = compose_parse("bogus", 5, "f", &c, small, 1);
	CHECK("compose.errbuf.one_byte", r == -1 && small[0] == '\0' && small[1] == '#', "r=%d", r);
	r = compose_parse("bogus", 5, "f", &c, NULL, 0);
	CHECK("compose.errbuf.none", r == -1, "r=%d", r);
	r = compose_parse("component a image=a", 19, "f", &c, NULL, 0);
	CHECK("compose.errbuf.none_ok", r == 0, "r=%d", r);
	memset(small, '#', sizeof(small));
	r = compose_parse("component a image=a", 19, "f", &c, small, sizeof(small));
	CHECK("compose.errbuf.cleared_on_success", r == 0 && small[0] == '\0', "\"%s\"", small);
}

/* ---- random mutation ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const tokens[] = {
	" ", "\t", "\n", "\r\n", "\r", "#", "=", "component ", "uses ", "shm ", "console", "hello",
	"ramdisk", "image=", "mem=", "prio=", "disk=", "preload=", "arg=", "halt=yes", "uid=", "gid=", "4G", "5G",
	"K", "M", "g", "0", "31", "32", "512", "99999999999999999999999", "abcdefghijklmnop",
	"uses hello hello\n", "uses console hello\n", "component x image=x.elf\n", "shm s 4K hello console\n",
};

/* One random edit of buf (len bytes, room for cap). */
static size_t mutate(char *buf, size_t len, size_t cap)
{
	size_t at = len ? rnd((uint32_t)len) : 0;

	switch (rnd(5)) {
	case 0:		/* replace a byte */
		if (len)
			buf[at] = (char)rnd(256);
		return len;
	case 1:		/* delete a few bytes */
		if (len) {
			size_t n = 1 + rnd(8);
			if (n > len - at)
				n = len - at;
			memmove(buf + at, buf + at + n, len - at - n);
			len -= n;
		}
		return len;
	case 2: {	/* insert a token */
		const char *t = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];
		size_t n = strlen(t);
		if (len + n <= cap) {
			memmove(buf + at + n, buf + at, len - at);
			memcpy(buf + at, t, n);
			len += n;
		}
		return len;
	}
	case 3:		/* insert a random byte, or a run of it */
	default: {
		size_t n = rnd(4) ? 1 : 1 + rnd(300);
		char b = (char)rnd(256);
		if (len + n <= cap) {
			memmove(buf + at + n, buf + at, len - at);
			memset(buf + at, b, n);
			len += n;
		}
		return len;
	}
	}
}

static void test_mutations(void)
{
	static char work[16384];
	size_t len;
	char *text = slurp("compose/default.comp", &len);
	int bad = 0, accepted = 0, rejected = 0;
	char first_bad[256] = "";

	if (!text) {
		CHECK("compose.mutation", false, "cannot read compose/default.comp");
		return;
	}
	for (int i = 0; i < 100000; i++) {
		size_t n = len;
		int edits = 1 + (int)rnd(4), r;

		memcpy(work, text, len);
		for (int e = 0; e < edits; e++)
			n = mutate(work, n, sizeof(work));
		err[0] = 'X';
		err[1] = '\0';
		r = parse_as("m.comp", work, n);
		if (r == 0 && err[0] == '\0' && composition_valid(&c)) {
			accepted++;
		} else if (r == -1 && !strncmp(err, "m.comp", 6) && strlen(err) > 8 &&
			   strlen(err) < sizeof(err)) {
			rejected++;
		} else {
			if (!bad++)
				snprintf(first_bad, sizeof(first_bad), "iteration %d: r=%d err=\"%.200s\"",
					 i, r, err);
		}
	}
	CHECK("compose.mutation", bad == 0, "%d bad results; first: %s", bad, first_bad);
	CHECK("compose.mutation_both_ways", accepted > 1000 && rejected > 1000,
	      "accepted %d rejected %d", accepted, rejected);
}

int main(void)
{
	test_default_example();
	test_other_examples();
	test_defaults();
	test_ids();
	test_cpu();
	test_sizes();
	test_mistakes();
	test_order();
	test_limits();
	test_line_ends();
	test_error_buffer();
	test_mutations();
	return check_failed;
}
