/* Host tests of the composition parser (lib/compose): the shipped
 * examples, every kind of mistake (with its line named), start order,
 * and random corruption of a good file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "compose/compose.h"

static struct composition c;
static char err[256];

static int parse(const char *text)
{
	return compose_parse(text, strlen(text), "t.comp", &c, err, sizeof(err));
}

static void rejects(const char *name, const char *text, const char *want)
{
	int r = parse(text);
	CHECK(name, r == -1 && strstr(err, want), "r=%d err=\"%s\", want \"%s\"", r, err, want);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[65536];
	*len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

int main(void)
{
	size_t len;
	char *text = slurp("compose/default.comp", &len);
	int r = text ? compose_parse(text, len, "default.comp", &c, err, sizeof(err)) : -2;
	int con = compose_find(&c, "console"), rd = compose_find(&c, "ramdisk"), he = compose_find(&c, "hello");
	CHECK("compose.default", r == 0 && c.ncomps == 3 && c.nuses == 3 && con >= 0 && rd >= 0 && he >= 0,
	      "r=%d %s", r, err);
	CHECK("compose.default_values", r == 0 && c.comps[rd].mem == (80u << 20) && c.comps[rd].disk == (64u << 20) &&
	      c.comps[con].prio == 2 && !strcmp(c.comps[he].image, "hello.elf"), "values differ");
	CHECK("compose.default_order", r == 0 && c.order[0] == con && c.order[1] == rd && c.order[2] == he,
	      "order %d %d %d", c.order[0], c.order[1], c.order[2]);
	CHECK("compose.uses", compose_uses(&c, he, rd) && !compose_uses(&c, rd, he), "uses relation wrong");

	text = slurp("compose/test-runtime.comp", &len);
	r = text ? compose_parse(text, len, "test-runtime.comp", &c, err, sizeof(err)) : -2;
	CHECK("compose.test_runtime", r == 0 && c.nshm == 1 && c.shm[0].size == 65536, "r=%d %s", r, err);

	r = parse("component a image=a.elf\r\n\r\n  # x\ncomponent b image=b.elf mem=5000 prio=0 disk=1K arg=x\n");
	CHECK("compose.defaults_crlf_rounding", r == 0 && c.comps[0].mem == (1u << 20) && c.comps[0].prio == 16 &&
	      c.comps[1].mem == 8192 && c.comps[1].disk == 1024 && !strcmp(c.comps[1].arg, "x"), "r=%d %s", r, err);
	r = parse("uses b a\ncomponent a image=a.elf\ncomponent b image=b.elf\n");
	CHECK("compose.forward_reference", r == 0 && c.order[0] == 0 && c.order[1] == 1, "r=%d %s", r, err);
	r = parse("component a image=a.elf mem=2g\ncomponent b image=b.elf mem=3M\nshm s 8K a b\n");
	CHECK("compose.suffixes_shm", r == 0 && c.comps[0].mem == (2ull << 30) && c.shm[0].a == 0 && c.shm[0].b == 1,
	      "r=%d %s", r, err);

	rejects("compose.unknown_keyword", "component a image=a.elf\ncomponnet b image=b.elf\n",
		"t.comp:2: unknown keyword \"componnet\"");
	rejects("compose.unknown_key", "component a image=a.elf memory=3M\n", "t.comp:1: unknown key \"memory\"");
	rejects("compose.bad_size", "\n\ncomponent a image=a.elf mem=12Q\n", "t.comp:3: mem=12Q: bad size");
	rejects("compose.too_small", "component a image=a.elf mem=100\n", "t.comp:1: mem=100");
	rejects("compose.bad_prio", "component a image=a.elf prio=32\n", "t.comp:1: prio=32");
	rejects("compose.disk_not_blocks", "component a image=a.elf disk=1000\n", "t.comp:1: disk=1000");
	rejects("compose.no_image", "component a mem=1M\n", "t.comp:1: component a: image= is required");
	rejects("compose.duplicate", "component a image=a.elf\ncomponent a image=b.elf\n",
		"t.comp:2: component \"a\" declared twice (first on line 1)");
	rejects("compose.duplicate_key", "component a image=a.elf image=b.elf\n", "t.comp:1: image given twice");
	rejects("compose.no_equals", "component a image=a.elf big\n", "t.comp:1: \"big\": expected key=value");
	rejects("compose.empty_value", "component a image=\n", "t.comp:1: image: empty value");
	rejects("compose.bad_name", "component a.b image=a.elf\n", "t.comp:1: component name \"a.b\"");
	rejects("compose.uses_unknown", "component a image=a.elf\nuses a consol\n",
		"t.comp:2: uses: no component named \"consol\"");
	rejects("compose.uses_self", "component a image=a.elf\nuses a a\n", "t.comp:2: uses: a cannot use itself");
	rejects("compose.uses_twice", "component a image=a\ncomponent b image=b\nuses a b\nuses a b\n",
		"t.comp:4: uses a b repeated (first on line 3)");
	rejects("compose.uses_arity", "component a image=a.elf\nuses a\n", "t.comp:2: uses: expected");
	rejects("compose.shm_self", "component a image=a.elf\nshm s 4K a a\n", "t.comp:2: shm s: a component cannot share");
	rejects("compose.shm_size", "component a image=a\ncomponent b image=b\nshm s 1G a b\n", "t.comp:3: shm size 1G");
	rejects("compose.nothing", "# empty\n", "t.comp: no components");
	static const char nul[] = "component a image=a.elf\ncomp\0onent\n";
	r = compose_parse(nul, sizeof(nul) - 1, "t.comp", &c, err, sizeof(err));
	CHECK("compose.nul", r == -1 && strstr(err, "t.comp:2: NUL byte"), "%s", err);
	char long_line[400];
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line + 390, "\n\0", 2);
	rejects("compose.long_line", long_line, "t.comp:1: line longer than 255");
	rejects("compose.cycle",
		"component a image=p\ncomponent b image=p\ncomponent c image=p\nuses a b\nuses b c\nuses c a\n",
		"dependency cycle: a -> b -> c -> a");
	text = slurp("compose/bad-cycle.comp", &len);
	r = text ? compose_parse(text, len, "bad-cycle.comp", &c, err, sizeof(err)) : -2;
	CHECK("compose.example_cycle", r == -1 && strstr(err, "bad-cycle.comp:") && strstr(err, "dependency cycle"),
	      "%s", err);
	text = slurp("compose/bad-syntax.comp", &len);
	r = text ? compose_parse(text, len, "bad-syntax.comp", &c, err, sizeof(err)) : -2;
	CHECK("compose.example_syntax", r == -1 && strstr(err, "bad-syntax.comp:4: "), "%s", err);

	static char many[8192];
	size_t n = 0;
	for (int i = 0; i < 33; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "component c%d image=x.elf\n", i);
	rejects("compose.too_many", many, "t.comp:33: too many components (at most 32)");
	char small[16];
	r = compose_parse("bogus", 5, "a-very-long-file-name.comp", &c, small, sizeof(small));
	CHECK("compose.error_truncated", r == -1 && strlen(small) == sizeof(small) - 1, "\"%s\"", small);

	/* Random corruption: 0 or -1 with a message, never a crash. */
	text = slurp("compose/test-runtime.comp", &len);
	static char mut[65536];
	srand(3);
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		memcpy(mut, text, len);
		for (int k = 0; k < 1 + rand() % 3; k++)
			mut[rand() % len] = (char)(rand() % 128);
		r = compose_parse(mut, len, "m.comp", &c, err, sizeof(err));
		if (r != 0 && (r != -1 || !err[0]))
			bad++;
	}
	CHECK("compose.random_corruption", bad == 0, "%d bad results", bad);
	return check_failed;
}
