/*
 * r2cprof: a QEMU TCG plugin that counts the guest's instructions per
 * translated block and attributes them to the functions of the kernel's
 * and each component's ELF: a flat profile per component and a total.
 * Under -icount every executed instruction is one tick, so the counts are
 * the figures the benchmarks report, broken down. tools/profile runs it.
 *
 * Components are all linked at the same low addresses, so a virtual
 * address alone does not say whose code runs. Every component's code
 * lives in frames of its own, though, and TCG translates by physical
 * page: each block comes with the host address of its bytes (one host
 * page per guest frame), so the plugin keys ownership on that page. Which
 * ELF a page holds it learns from the code itself: a block's bytes are
 * compared with each ELF's loaded bytes at the block's address, and the
 * ELFs that match everywhere on the page are its candidates. Code that
 * two components share at the same address with the same bytes is rare
 * (a page would have to hold nothing else); what stays ambiguous is
 * counted as such, never guessed. Nothing in the guest changes for it.
 *
 * Bytes copied or zeroed: every store a string instruction makes (movs
 * and stos, with or without rep, any element size) is counted with its
 * size, through QEMU's memory callback on exactly those instructions.
 * memcpy and memset here (lib/string), in the kernel and in the rump
 * kernel's libkern all move their bulk with rep movsq / rep stosq, so
 * this is the data they move, exactly, whoever runs them; a copy made
 * with ordinary moves (a memmove that overlaps backwards in lib/string,
 * the 1-8 byte heads and tails of the rump kernel's own memcpy) is not
 * counted, and the profile shows whether such code ran much.
 *
 * Arguments (-plugin r2cprof.so,ARG,...): elf=PATH (repeated, up to 64),
 * top=N, out=PATH, start=[ELF:]SYMBOL, stop=[ELF:]SYMBOL. With start,
 * counting begins when SYMBOL's first instruction executes; with stop it
 * ends when that one does (and may begin again). window=NAME+START+STOP
 * (repeated, up to 7) counts, besides, the instructions and the string
 * instructions' bytes between two other markers, and how often that
 * window opened: one line each. One vCPU is assumed.
 */
#include "qemu_plugin_api.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_ELFS 64
#define MAX_SEGS 16

struct sym {
	uint64_t addr, size;	/* size 0: not given (an assembly label) */
	const char *name;
	uint64_t count;
	uint64_t bytes;		/* stored by its string instructions */
};

struct seg {
	uint64_t vaddr, paddr, filesz;
	const unsigned char *data;
};

struct elf {
	const char *path, *name;
	unsigned char *file;
	struct seg seg[MAX_SEGS];
	int nseg;
	struct sym *sym;
	size_t nsym;
	uint64_t total, nosym, bytes;
};

struct block {			/* one translated block */
	uint64_t count;		/* executions (instructions, for the markers' blocks) */
	uint64_t page;		/* host page of its first instruction */
	uint64_t mask;		/* ELFs whose bytes match it */
	uint32_t n;
	uint64_t *pc;
	struct block *next;
};

struct marker {
	int elf;
	uint64_t addr;
	const char *spec;
};

/* A window between two markers. Window 0 is the profile's own (always
 * open without start=); the others only count. */
#define MAX_WINDOWS 8
struct window {
	const char *name;
	struct marker start, stop;
	int open;
	uint64_t openings, insns, bytes;
};

struct mark_hit {		/* userdata of a marker instruction's callback */
	struct block *b;
	uint32_t rest;		/* instructions from the marker to the block's end */
	int w;			/* whose marker */
};

struct str_insn {		/* a string instruction that stores */
	struct block *b;
	uint32_t i;		/* its index in the block */
	uint64_t bytes;		/* stored while window 0 was open */
	struct str_insn *next;
};

static struct elf elfs[MAX_ELFS];
static int nelfs;
static struct block *blocks;
static struct str_insn *str_insns;
static unsigned top = 15;
static const char *out_path;
static struct window win[MAX_WINDOWS] = { { .start = { -1, 0, NULL }, .stop = { -1, 0, NULL }, .open = 1 } };
static int nwin = 1;

/* --- host pages -> candidate ELFs (open addressing, grows) --- */
static uint64_t *page_key, *page_mask;
static size_t page_cap, page_used;

static size_t page_slot(uint64_t page)
{
	size_t i = (size_t)(page * 0x9e3779b97f4a7c15ull) & (page_cap - 1);
	while (page_key[i] && page_key[i] != page)
		i = (i + 1) & (page_cap - 1);
	return i;
}

static void page_narrow(uint64_t page, uint64_t mask)
{
	if ((page_used + 1) * 2 > page_cap) {
		uint64_t *ok = page_key, *om = page_mask;
		size_t oc = page_cap;
		page_cap = oc ? oc * 2 : 4096;
		page_key = calloc(page_cap, sizeof *page_key);
		page_mask = calloc(page_cap, sizeof *page_mask);
		if (!page_key || !page_mask)
			abort();
		for (size_t i = 0; i < oc; i++)
			if (ok[i]) {
				size_t j = page_slot(ok[i]);
				page_key[j] = ok[i];
				page_mask[j] = om[i];
			}
		free(ok);
		free(om);
	}
	size_t i = page_slot(page);
	if (!page_key[i]) {
		page_key[i] = page;
		page_mask[i] = mask;
		page_used++;
	} else if (page_mask[i] & mask) {
		page_mask[i] &= mask;
	} else {
		/* The frame now holds other code (freed and reused): the
		 * newest evidence wins. */
		page_mask[i] = mask;
	}
}

static uint64_t page_candidates(uint64_t page)
{
	size_t i = page_slot(page);
	return page_key[i] ? page_mask[i] : 0;
}

/* --- ELF files --- */
static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int load_elf(const char *path)
{
	if (nelfs == MAX_ELFS) {
		fprintf(stderr, "r2cprof: more than %d ELF files\n", MAX_ELFS);
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	unsigned char *file = malloc(size > 0 ? (size_t)size : 1);
	if (!file || fread(file, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "r2cprof: cannot read %s\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
	if ((size_t)size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > (uint64_t)size ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)size) {
		fprintf(stderr, "r2cprof: %s is not a 64-bit ELF file\n", path);
		return -1;
	}
	struct elf *e = &elfs[nelfs];
	e->path = path;
	e->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	e->file = file;
	Elf64_Phdr *ph = (Elf64_Phdr *)(file + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum && e->nseg < MAX_SEGS; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X) || ph[i].p_offset + ph[i].p_filesz > (uint64_t)size)
			continue;
		e->seg[e->nseg++] = (struct seg){ ph[i].p_vaddr, ph[i].p_paddr, ph[i].p_filesz, file + ph[i].p_offset };
	}
	/* Functions and assembly labels in executable sections. */
	Elf64_Shdr *sh = (Elf64_Shdr *)(file + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset + sh[i].sh_size > (uint64_t)size)
			continue;
		Elf64_Sym *st = (Elf64_Sym *)(file + sh[i].sh_offset);
		size_t n = sh[i].sh_size / sizeof *st;
		const char *strs = (const char *)file + sh[sh[i].sh_link].sh_offset;
		e->sym = calloc(n + 1, sizeof *e->sym);
		for (size_t j = 0; j < n; j++) {
			int type = ELF64_ST_TYPE(st[j].st_info);
			if ((type != STT_FUNC && type != STT_NOTYPE) || st[j].st_shndx == SHN_UNDEF ||
			    st[j].st_shndx >= eh->e_shnum || !(sh[st[j].st_shndx].sh_flags & SHF_EXECINSTR) ||
			    !st[j].st_name)
				continue;
			e->sym[e->nsym++] = (struct sym){ st[j].st_value, st[j].st_size, strs + st[j].st_name, 0, 0 };
		}
		qsort(e->sym, e->nsym, sizeof *e->sym, sym_cmp);
	}
	nelfs++;
	return 0;
}

/* The file bytes an ELF loads at pc (run at its virtual or, before
 * paging, its physical address), and pc as a link-time address. */
static const unsigned char *elf_bytes(const struct elf *e, uint64_t pc, size_t len, uint64_t *link)
{
	for (int i = 0; i < e->nseg; i++) {
		const struct seg *s = &e->seg[i];
		if (pc >= s->vaddr && pc - s->vaddr + len <= s->filesz) {
			*link = pc;
			return s->data + (pc - s->vaddr);
		}
		if (s->paddr != s->vaddr && pc >= s->paddr && pc - s->paddr + len <= s->filesz) {
			*link = pc - s->paddr + s->vaddr;
			return s->data + (pc - s->paddr);
		}
	}
	return NULL;
}

static struct sym *elf_sym(struct elf *e, uint64_t link)
{
	size_t lo = 0, hi = e->nsym;	/* last symbol at or below link */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e->sym[mid].addr <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* Of several names at one address, take the first (sorted) one. An
	 * address past the end of a symbol that gives its size has none: code
	 * whose name was dropped (NetBSD links a release build's objects with
	 * ld -x, so its static functions have no symbols) is not counted as
	 * the function before it. */
	size_t i = lo - 1;
	uint64_t size = e->sym[i].size;
	while (i > 0 && e->sym[i - 1].addr == e->sym[i].addr)
		if (e->sym[--i].size > size)
			size = e->sym[i].size;
	if (size && link - e->sym[i].addr >= size)
		return NULL;
	return &e->sym[i];
}

static int find_symbol(const char *spec, struct marker *m)
{
	const char *colon = strchr(spec, ':'), *name = colon ? colon + 1 : spec;
	for (int i = 0; i < nelfs; i++) {
		if (colon && (strlen(elfs[i].name) != (size_t)(colon - spec) ||
			      strncmp(elfs[i].name, spec, (size_t)(colon - spec))))
			continue;
		for (size_t j = 0; j < elfs[i].nsym; j++)
			if (!strcmp(elfs[i].sym[j].name, name)) {
				*m = (struct marker){ i, elfs[i].sym[j].addr, spec };
				return 0;
			}
	}
	fprintf(stderr, "r2cprof: no symbol %s in the ELF files given\n", spec);
	return -1;
}

/* --- execution --- */
static void block_exec(unsigned int vcpu, void *data)
{
	(void)vcpu;
	struct block *b = data;
	if (win[0].open)
		b->count += b->n;
	for (int w = 0; w < nwin; w++)
		if (win[w].open)
			win[w].insns += b->n;
}

static void start_exec(unsigned int vcpu, void *data)
{
	(void)vcpu;
	struct mark_hit *h = data;
	struct window *w = &win[h->w];
	if (!w->open) {
		w->open = 1;
		w->openings++;
		w->insns += h->rest;	/* the block's entry did not count these */
		if (h->w == 0)
			h->b->count += h->rest;
	}
}

static void stop_exec(unsigned int vcpu, void *data)
{
	(void)vcpu;
	struct mark_hit *h = data;
	struct window *w = &win[h->w];
	if (w->open) {
		w->open = 0;
		w->insns -= h->rest;	/* its entry counted them; they run outside */
		if (h->w == 0)
			h->b->count -= h->rest;
	}
}

/* Every store of a string instruction, with its size. */
static void str_store(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *data)
{
	(void)vcpu, (void)vaddr;
	struct str_insn *s = data;
	if (!qemu_plugin_mem_is_store(info))
		return;		/* movs's load: QEMU 7.2 calls back for both, whatever rw asked */
	uint64_t n = 1ull << qemu_plugin_mem_size_shift(info);
	if (win[0].open)
		s->bytes += n;
	for (int w = 0; w < nwin; w++)
		if (win[w].open)
			win[w].bytes += n;
}

/* movs or stos (opcodes A4, A5, AA, AB) after any legacy prefixes and a
 * REX prefix: the instructions that store a string. */
static bool stores_string(const unsigned char *p, size_t len)
{
	size_t i = 0;
	while (i < len && (p[i] == 0xf2 || p[i] == 0xf3 || p[i] == 0x66 || p[i] == 0x67 || p[i] == 0x2e ||
			   p[i] == 0x3e || p[i] == 0x26 || p[i] == 0x36 || p[i] == 0x64 || p[i] == 0x65))
		i++;
	if (i < len && (p[i] & 0xf0) == 0x40)
		i++;
	return i + 1 == len && (p[i] == 0xa4 || p[i] == 0xa5 || p[i] == 0xaa || p[i] == 0xab);
}

static void mark_insn(struct qemu_plugin_insn *insn, struct block *b, uint32_t i, int w,
		      qemu_plugin_vcpu_udata_cb_t cb)
{
	struct mark_hit *h = malloc(sizeof *h);
	if (!h)
		abort();
	*h = (struct mark_hit){ b, b->n - i, w };
	qemu_plugin_register_vcpu_insn_exec_cb(insn, cb, QEMU_PLUGIN_CB_NO_REGS, h);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = calloc(1, sizeof *b);
	if (!b || !(b->pc = calloc(n ? n : 1, sizeof *b->pc)))
		abort();
	b->n = (uint32_t)n;
	b->mask = nelfs == 64 ? ~0ull : (1ull << nelfs) - 1;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn), link;
		size_t len = qemu_plugin_insn_size(insn);
		const void *bytes = qemu_plugin_insn_data(insn);
		b->pc[i] = pc;
		if (i == 0) {
			void *h = qemu_plugin_insn_haddr(insn);
			/* No host address (not RAM): key on the virtual page. */
			b->page = h ? (uint64_t)(uintptr_t)h >> 12 : (pc >> 12) | 1ull << 63;
		}
		for (int e = 0; e < nelfs; e++) {
			if (!(b->mask & 1ull << e))
				continue;
			const unsigned char *want = elf_bytes(&elfs[e], pc, len, &link);
			if (!want || memcmp(want, bytes, len))
				b->mask &= ~(1ull << e);
		}
	}
	page_narrow(b->page, b->mask);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS, b);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		for (int w = 0; w < nwin; w++) {
			const struct marker *st = &win[w].start, *sp = &win[w].stop;
			if (st->elf >= 0 && b->pc[i] == st->addr && b->mask & 1ull << st->elf)
				mark_insn(insn, b, (uint32_t)i, w, start_exec);
			if (sp->elf >= 0 && b->pc[i] == sp->addr && b->mask & 1ull << sp->elf)
				mark_insn(insn, b, (uint32_t)i, w, stop_exec);
		}
		if (stores_string(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn))) {
			struct str_insn *s = calloc(1, sizeof *s);
			if (!s)
				abort();
			*s = (struct str_insn){ b, (uint32_t)i, 0, str_insns };
			str_insns = s;
			qemu_plugin_register_vcpu_mem_cb(insn, str_store, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_W, s);
		}
	}
	b->next = blocks;
	blocks = b;
}

/* --- report --- */
static int count_cmp(const void *a, const void *b)
{
	const struct sym *x = *(const struct sym *const *)a, *y = *(const struct sym *const *)b;
	return x->count > y->count ? -1 : x->count < y->count;
}

static int bytes_cmp(const void *a, const void *b)
{
	const struct sym *x = *(const struct sym *const *)a, *y = *(const struct sym *const *)b;
	return x->bytes > y->bytes ? -1 : x->bytes < y->bytes;
}

/* The one ELF a block's code belongs to, or NULL (*why: 0 unknown, 1 ambiguous). */
static struct elf *block_elf(const struct block *b, int *why)
{
	uint64_t m = page_candidates(b->page) & b->mask;
	*why = m != 0;
	if (!m || (m & (m - 1)))
		return NULL;
	return &elfs[__builtin_ctzll(m)];
}

static void report(qemu_plugin_id_t id, void *data)
{
	(void)id, (void)data;
	uint64_t total = 0, unknown = 0, ambiguous = 0, bytes_other = 0;
	for (struct str_insn *s = str_insns; s; s = s->next) {
		int why;
		struct elf *e = s->bytes ? block_elf(s->b, &why) : NULL;
		uint64_t link;
		struct sym *sy = e && elf_bytes(e, s->b->pc[s->i], 1, &link) ? elf_sym(e, link) : NULL;
		if (e)
			e->bytes += s->bytes;
		if (sy)
			sy->bytes += s->bytes;
		else
			bytes_other += s->bytes;
	}
	for (struct block *b = blocks; b; b = b->next) {
		if (!b->count)
			continue;
		total += b->count;
		int why;
		struct elf *e = block_elf(b, &why);
		if (!e) {
			*(why ? &ambiguous : &unknown) += b->count;
			continue;
		}
		/* The block's count is n per execution (adjusted by markers):
		 * spread it over its instructions. */
		uint64_t per = b->count / b->n, extra = b->count % b->n;
		for (uint32_t i = 0; i < b->n; i++) {
			uint64_t c = per + (i >= b->n - extra ? 1 : 0), link;
			e->total += c;
			struct sym *s = elf_bytes(e, b->pc[i], 1, &link) ? elf_sym(e, link) : NULL;
			if (s)
				s->count += c;
			else
				e->nosym += c;
		}
	}
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);
	if (!o)
		return;
	fprintf(o, "r2cprof: %" PRIu64 " instructions", total);
	if (win[0].start.spec)
		fprintf(o, " from %s%s%s (window opened %" PRIu64 " times)", win[0].start.spec,
			win[0].stop.spec ? " to " : "", win[0].stop.spec ? win[0].stop.spec : "", win[0].openings);
	fprintf(o, "; %" PRIu64 " bytes stored by string instructions (movs, stos)\n", win[0].bytes);
	for (int w = 1; w < nwin; w++)
		fprintf(o, "r2cprof: window %s (%s to %s): opened %" PRIu64 " times, %" PRIu64 " instructions, %" PRIu64
			" bytes stored by string instructions\n", win[w].name, win[w].start.spec, win[w].stop.spec,
			win[w].openings, win[w].insns, win[w].bytes);
	int order[MAX_ELFS];
	for (int i = 0; i < nelfs; i++)
		order[i] = i;
	for (int i = 1; i < nelfs; i++)	/* by instructions, most first */
		for (int j = i; j > 0 && elfs[order[j]].total > elfs[order[j - 1]].total; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	double all = total ? (double)total : 1;
	for (int k = 0; k < nelfs; k++) {
		struct elf *e = &elfs[order[k]];
		if (!e->total)
			continue;
		fprintf(o, "\n== %s: %" PRIu64 " instructions, %.1f%% of all\n", e->name, e->total, 100.0 * e->total / all);
		fprintf(o, "%14s %6s %6s  %s\n", "instructions", "%comp", "%all", "symbol");
		struct sym **by = malloc((e->nsym + 1) * sizeof *by);
		size_t n = 0;
		for (size_t i = 0; i < e->nsym; i++)
			if (e->sym[i].count)
				by[n++] = &e->sym[i];
		qsort(by, n, sizeof *by, count_cmp);
		for (size_t i = 0; i < n && i < top; i++)
			fprintf(o, "%14" PRIu64 " %5.1f%% %5.1f%%  %s\n", by[i]->count, 100.0 * by[i]->count / e->total,
				100.0 * by[i]->count / all, by[i]->name);
		if (n > top) {
			uint64_t rest = 0;
			for (size_t i = top; i < n; i++)
				rest += by[i]->count;
			fprintf(o, "%14" PRIu64 " %5.1f%% %5.1f%%  (%zu more symbols)\n", rest, 100.0 * rest / e->total,
				100.0 * rest / all, n - top);
		}
		if (e->nosym)
			fprintf(o, "%14" PRIu64 " %5.1f%% %5.1f%%  (no symbol)\n", e->nosym, 100.0 * e->nosym / e->total,
				100.0 * e->nosym / all);
		if (e->bytes) {
			n = 0;
			for (size_t i = 0; i < e->nsym; i++)
				if (e->sym[i].bytes)
					by[n++] = &e->sym[i];
			qsort(by, n, sizeof *by, bytes_cmp);
			fprintf(o, "%14" PRIu64 " bytes stored by string instructions:", e->bytes);
			for (size_t i = 0; i < n && i < top; i++)
				fprintf(o, "%s %s %" PRIu64, i ? "," : "", by[i]->name, by[i]->bytes);
			fprintf(o, "\n");
		}
		free(by);
	}
	fprintf(o, "\n== total: %" PRIu64 " instructions", total);
	for (int k = 0; k < nelfs; k++)
		if (elfs[order[k]].total)
			fprintf(o, "%s %s %" PRIu64, k ? "," : ":", elfs[order[k]].name, elfs[order[k]].total);
	fprintf(o, "; in no ELF given (firmware, boot loader) %" PRIu64 "; ambiguous %" PRIu64 "\n", unknown, ambiguous);
	fprintf(o, "== bytes stored by string instructions: %" PRIu64 " (outside any ELF's symbols %" PRIu64 ")\n",
		win[0].bytes, bytes_other);
	fclose(o);
	if (out_path) {
		FILE *f = fopen(out_path, "w");
		if (f) {
			fputs(text, f);
			fclose(f);
		} else {
			perror(out_path);
		}
	} else {
		qemu_plugin_outs(text);
	}
	free(text);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	const char *start = NULL, *stop = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "elf=", 4)) {
			if (load_elf(a + 4))
				return -1;
		} else if (!strncmp(a, "top=", 4)) {
			top = (unsigned)strtoul(a + 4, NULL, 10);
		} else if (!strncmp(a, "out=", 4)) {
			out_path = a + 4;
		} else if (!strncmp(a, "start=", 6)) {
			start = a + 6;
		} else if (!strncmp(a, "stop=", 5)) {
			stop = a + 5;
		} else if (!strncmp(a, "window=", 7)) {
			char *p = nwin < MAX_WINDOWS ? strdup(a + 7) : NULL, *s1, *s2;
			if (!p || !(s1 = strchr(p, '+')) || !(s2 = strchr(s1 + 1, '+'))) {
				fprintf(stderr, "r2cprof: %s: expected window=NAME+START+STOP (at most %d)\n", a,
					MAX_WINDOWS - 1);
				return -1;
			}
			*s1 = *s2 = 0;
			win[nwin++] = (struct window){ .name = p, .start.spec = s1 + 1, .stop.spec = s2 + 1 };
		} else {
			fprintf(stderr, "r2cprof: unknown argument %s\n", a);
			return -1;
		}
	}
	if (!nelfs) {
		fprintf(stderr, "r2cprof: no elf=PATH given\n");
		return -1;
	}
	if ((start && find_symbol(start, &win[0].start)) || (stop && find_symbol(stop, &win[0].stop)))
		return -1;
	for (int w = 1; w < nwin; w++)
		if (find_symbol(win[w].start.spec, &win[w].start) || find_symbol(win[w].stop.spec, &win[w].stop))
			return -1;
	if (start)
		win[0].open = 0;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, report, NULL);
	return 0;
}
