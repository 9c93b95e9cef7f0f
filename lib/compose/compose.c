/* See compose.h and docs/composition.md. Two passes: read every line
 * (names in `uses` and `shm` are resolved once the whole file is read, so
 * they may refer forward), then derive the start order, refusing cycles. */
#include "compose.h"
#include "string/string.h"
#include "fmt/fmt.h"

struct parser {
	const char *file;
	char *err;
	size_t errlen;
	struct composition *out;
	/* names of uses/shm lines, resolved after the whole file is read */
	char use_names[COMPOSE_MAX_USES][2][16];
	char shm_names[COMPOSE_MAX_SHM][2][16];
};

#define MAX_FIELDS 12

static int fail(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		fmt_snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
	else
		fmt_snprintf(p->err, p->errlen, "%s: %s", p->file, msg);
	return -1;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* SIZE: decimal, optional K/M/G (powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	int shift = 0;
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	}
	if (*s || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static bool parse_uint(const char *s, int *out)
{
	int v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static int copy_value(struct parser *p, int line, char *dst, size_t cap, const char *key, const char *v)
{
	size_t n = strlen(v);
	if (n >= cap)
		return fail(p, line, "%s=%s: longer than %d characters", key, v, (int)cap - 1);
	for (size_t i = 0; i < n; i++)
		if (v[i] == '/' && strcmp(key, "arg"))
			return fail(p, line, "%s=%s: a boot module name, not a path", key, v);
	memcpy(dst, v, n + 1);
	return 0;
}

static int parse_component(struct parser *p, int line, char **f, int nf)
{
	struct composition *c = p->out;
	if (nf < 2)
		return fail(p, line, "component: missing name");
	if (!name_ok(f[1]))
		return fail(p, line, "component name \"%s\": 1 to 15 of A-Z a-z 0-9 _ -", f[1]);
	for (int i = 0; i < c->ncomps; i++)
		if (!strcmp(c->comps[i].name, f[1]))
			return fail(p, line, "component \"%s\" declared twice (first on line %d)", f[1],
				    c->comps[i].line);
	if (c->ncomps == COMPOSE_MAX_COMPS)
		return fail(p, line, "too many components (at most %d)", COMPOSE_MAX_COMPS);
	struct compose_comp *d = &c->comps[c->ncomps];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, f[1], strlen(f[1]) + 1);
	d->mem = 1 << 20;
	d->prio = 16;
	d->line = line;
	unsigned seen = 0;
	static const char *const keys[] = { "image", "mem", "prio", "disk", "preload", "arg", "halt" };
	for (int i = 2; i < nf; i++) {
		char *eq = f[i];
		while (*eq && *eq != '=')
			eq++;
		if (!*eq)
			return fail(p, line, "\"%s\": expected key=value", f[i]);
		*eq = '\0';
		const char *k = f[i], *v = eq + 1;
		int which = -1;
		for (int j = 0; j < 7; j++)
			if (!strcmp(k, keys[j]))
				which = j;
		if (which < 0)
			return fail(p, line, "unknown key \"%s\" (expected image, mem, prio, disk, preload, arg, halt)", k);
		if (seen & (1u << which))
			return fail(p, line, "%s given twice", k);
		seen |= 1u << which;
		if (!*v)
			return fail(p, line, "%s: empty value", k);
		uint64_t sz;
		switch (which) {
		case 0:
			if (copy_value(p, line, d->image, sizeof(d->image), k, v))
				return -1;
			break;
		case 1:
			if (!parse_size(v, &sz) || sz < 4096 || sz > (4ull << 30))
				return fail(p, line, "mem=%s: bad size (4K to 4G, suffix K, M or G)", v);
			d->mem = (sz + 4095) & ~4095ull;
			break;
		case 2:
			if (!parse_uint(v, &d->prio) || d->prio > 31)
				return fail(p, line, "prio=%s: expected 0 (most urgent) to 31", v);
			break;
		case 3:
			if (!parse_size(v, &sz) || sz % 512 || sz > (4ull << 30))
				return fail(p, line, "disk=%s: bad size (a multiple of 512, at most 4G)", v);
			d->disk = sz;
			break;
		case 4:
			if (copy_value(p, line, d->preload, sizeof(d->preload), k, v))
				return -1;
			break;
		case 5:
			if (copy_value(p, line, d->arg, sizeof(d->arg), k, v))
				return -1;
			break;
		case 6:
			if (strcmp(v, "yes") && strcmp(v, "no"))
				return fail(p, line, "halt=%s: expected yes or no", v);
			d->halt = !strcmp(v, "yes");
			break;
		}
	}
	if (!(seen & 1))
		return fail(p, line, "component %s: image= is required", d->name);
	c->ncomps++;
	return 0;
}

static int parse_uses(struct parser *p, int line, char **f, int nf)
{
	struct composition *c = p->out;
	if (nf != 3)
		return fail(p, line, "uses: expected \"uses CLIENT SERVER\"");
	if (c->nuses == COMPOSE_MAX_USES)
		return fail(p, line, "too many uses lines (at most %d)", COMPOSE_MAX_USES);
	for (int i = 1; i < 3; i++) {
		if (!name_ok(f[i]))
			return fail(p, line, "uses: bad component name \"%s\"", f[i]);
		memcpy(p->use_names[c->nuses][i - 1], f[i], strlen(f[i]) + 1);
	}
	c->uses[c->nuses++].line = line;
	return 0;
}

static int parse_shm(struct parser *p, int line, char **f, int nf)
{
	struct composition *c = p->out;
	if (nf != 5)
		return fail(p, line, "shm: expected \"shm NAME SIZE COMP_A COMP_B\"");
	if (c->nshm == COMPOSE_MAX_SHM)
		return fail(p, line, "too many shm lines (at most %d)", COMPOSE_MAX_SHM);
	if (!name_ok(f[1]))
		return fail(p, line, "shm name \"%s\": 1 to 15 of A-Z a-z 0-9 _ -", f[1]);
	for (int i = 0; i < c->nshm; i++)
		if (!strcmp(c->shm[i].name, f[1]))
			return fail(p, line, "shm \"%s\" declared twice (first on line %d)", f[1], c->shm[i].line);
	struct compose_shm *s = &c->shm[c->nshm];
	uint64_t sz;
	if (!parse_size(f[2], &sz) || sz < 4096 || sz > (64ull << 20))
		return fail(p, line, "shm size %s: bad size (4K to 64M)", f[2]);
	memset(s, 0, sizeof(*s));
	memcpy(s->name, f[1], strlen(f[1]) + 1);
	s->size = (sz + 4095) & ~4095ull;
	s->line = line;
	for (int i = 3; i < 5; i++) {
		if (!name_ok(f[i]))
			return fail(p, line, "shm: bad component name \"%s\"", f[i]);
		memcpy(p->shm_names[c->nshm][i - 3], f[i], strlen(f[i]) + 1);
	}
	c->nshm++;
	return 0;
}

static int parse_line(struct parser *p, int line, char *s)
{
	char *f[MAX_FIELDS];
	int nf = 0;
	for (char *q = s; *q;) {
		while (*q == ' ' || *q == '\t')
			*q++ = '\0';
		if (!*q || *q == '#')
			break;
		if (nf == MAX_FIELDS)
			return fail(p, line, "too many fields (at most %d)", MAX_FIELDS);
		f[nf++] = q;
		while (*q && *q != ' ' && *q != '\t' && *q != '#')
			q++;
		if (*q == '#')
			*q = '\0';
	}
	if (nf == 0)
		return 0;
	if (!strcmp(f[0], "component"))
		return parse_component(p, line, f, nf);
	if (!strcmp(f[0], "uses"))
		return parse_uses(p, line, f, nf);
	if (!strcmp(f[0], "shm"))
		return parse_shm(p, line, f, nf);
	return fail(p, line, "unknown keyword \"%s\" (expected component, uses or shm)", f[0]);
}

int compose_find(const struct composition *c, const char *name)
{
	for (int i = 0; i < c->ncomps; i++)
		if (!strcmp(c->comps[i].name, name))
			return i;
	return -1;
}

bool compose_uses(const struct composition *c, int client, int server)
{
	for (int i = 0; i < c->nuses; i++)
		if (c->uses[i].client == client && c->uses[i].server == server)
			return true;
	return false;
}

static int resolve(struct parser *p)
{
	struct composition *c = p->out;
	for (int i = 0; i < c->nuses; i++) {
		struct compose_use *u = &c->uses[i];
		u->client = compose_find(c, p->use_names[i][0]);
		u->server = compose_find(c, p->use_names[i][1]);
		for (int k = 0; k < 2; k++)
			if ((k ? u->server : u->client) < 0)
				return fail(p, u->line, "uses: no component named \"%s\"", p->use_names[i][k]);
		if (u->client == u->server)
			return fail(p, u->line, "uses: %s cannot use itself", p->use_names[i][0]);
		for (int j = 0; j < i; j++)
			if (c->uses[j].client == u->client && c->uses[j].server == u->server)
				return fail(p, u->line, "uses %s %s repeated (first on line %d)",
					    p->use_names[i][0], p->use_names[i][1], c->uses[j].line);
	}
	for (int i = 0; i < c->nshm; i++) {
		struct compose_shm *s = &c->shm[i];
		s->a = compose_find(c, p->shm_names[i][0]);
		s->b = compose_find(c, p->shm_names[i][1]);
		for (int k = 0; k < 2; k++)
			if ((k ? s->b : s->a) < 0)
				return fail(p, s->line, "shm %s: no component named \"%s\"", s->name, p->shm_names[i][k]);
		if (s->a == s->b)
			return fail(p, s->line, "shm %s: a component cannot share with itself", s->name);
	}
	return 0;
}

/* Depth-first search for a cycle from n; on finding one, report it. */
static int find_cycle(struct parser *p, int n, int *state, int *stack, int depth)
{
	struct composition *c = p->out;
	state[n] = 1;
	stack[depth] = n;
	for (int i = 0; i < c->nuses; i++) {
		if (c->uses[i].client != n)
			continue;
		int s = c->uses[i].server;
		if (state[s] == 1) {	/* back edge: s ... n -> s */
			char path[200];
			size_t len = 0;
			int from = 0;
			while (stack[from] != s)
				from++;
			for (int k = from; k <= depth && len < sizeof(path); k++)
				len += (size_t)fmt_snprintf(path + len, sizeof(path) - len, "%s -> ",
							    c->comps[stack[k]].name);
			if (len < sizeof(path))
				fmt_snprintf(path + len, sizeof(path) - len, "%s", c->comps[s].name);
			return fail(p, c->uses[i].line, "dependency cycle: %s", path);
		}
		if (state[s] == 0 && find_cycle(p, s, state, stack, depth + 1))
			return -1;
	}
	state[n] = 2;
	return 0;
}

/* Servers before clients; otherwise file order. */
static int start_order(struct parser *p)
{
	struct composition *c = p->out;
	int state[COMPOSE_MAX_COMPS] = { 0 }, stack[COMPOSE_MAX_COMPS];
	for (int i = 0; i < c->ncomps; i++)
		if (state[i] == 0 && find_cycle(p, i, state, stack, 0))
			return -1;
	bool placed[COMPOSE_MAX_COMPS] = { false };
	for (int n = 0; n < c->ncomps; n++) {
		for (int i = 0; i < c->ncomps; i++) {
			if (placed[i])
				continue;
			bool waits = false;
			for (int u = 0; u < c->nuses && !waits; u++)
				waits = c->uses[u].client == i && !placed[c->uses[u].server];
			if (waits)
				continue;
			placed[i] = true;
			c->order[n] = i;
			break;
		}
	}
	return 0;
}

int compose_parse(const char *text, size_t len, const char *file, struct composition *out,
		  char *err, size_t errlen)
{
	static struct parser p;		/* large: keep it off small stacks */
	memset(&p, 0, sizeof(p));
	p.file = file;
	p.err = err;
	p.errlen = errlen;
	p.out = out;
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	char buf[COMPOSE_LINE_MAX + 2];
	int line = 0;
	for (size_t pos = 0; pos < len;) {
		line++;
		size_t n = 0;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] == '\0')
				return fail(&p, line, "NUL byte in the file");
			if (n > COMPOSE_LINE_MAX)
				return fail(&p, line, "line longer than %d characters", COMPOSE_LINE_MAX);
			buf[n++] = text[pos++];
		}
		pos++;
		if (n && buf[n - 1] == '\r')
			n--;
		if (n > COMPOSE_LINE_MAX)
			return fail(&p, line, "line longer than %d characters", COMPOSE_LINE_MAX);
		buf[n] = '\0';
		if (parse_line(&p, line, buf))
			return -1;
	}
	if (out->ncomps == 0)
		return fail(&p, 0, "no components");
	if (resolve(&p) || start_order(&p))
		return -1;
	return 0;
}
