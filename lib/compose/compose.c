/*
 * The composition file parser (see compose.h and docs/composition.md).
 * It runs in the booter, so it allocates nothing and uses no libc beyond
 * lib/string and lib/fmt. Two stages: read every line (names in `uses`
 * and `shm` are kept as text, since they may refer to components declared
 * further down), then resolve those names and derive the start order,
 * refusing dependency cycles.
 */
#include "compose.h"
#include "string/string.h"
#include "fmt/fmt.h"

#define PAGE_SIZE	4096ull
#define SECTOR_SIZE	512ull
#define KiB		1024ull
#define MiB		(1024ull * KiB)
#define GiB		(1024ull * MiB)

#define DEFAULT_MEM	(1 * MiB)
#define DEFAULT_PRIO	16
#define PRIO_MAX	31

/* A field takes at least one character and a separator: a line of
 * COMPOSE_LINE_MAX characters never holds more fields than this. */
#define MAX_FIELDS	((COMPOSE_LINE_MAX + 1) / 2)
_Static_assert(2 * MAX_FIELDS - 1 >= COMPOSE_LINE_MAX, "a line cannot overflow fields[]");

/* "a -> b -> ... -> a": every component at most once, plus the first again */
#define CYCLE_TEXT_MAX	((COMPOSE_MAX_COMPS + 1) * (COMPOSE_NAME_MAX + 4) + 1)

struct parser {
	const char *file;
	char *err;
	size_t errlen;
	struct composition *out;
	int line;			/* the line being read or checked; 0 none */
	char text[COMPOSE_LINE_MAX + 1];	/* the current line, NUL-terminated */
	char *fields[MAX_FIELDS];	/* pointers into text */
	int nfields;
	/* names on uses and shm lines, resolved once the whole file is read */
	char use_names[COMPOSE_MAX_USES][2][COMPOSE_NAME_MAX + 1];
	char shm_names[COMPOSE_MAX_SHM][2][COMPOSE_NAME_MAX + 1];
	char cycle_text[CYCLE_TEXT_MAX];
};

/* ---- errors ------------------------------------------------------------ */

/* Writes "FILE:LINE: message" (or "FILE: message" when p->line is 0) into
 * the caller's buffer, truncated to its size. Always returns -1. */
static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (p->errlen == 0)
		return -1;
	if (p->line > 0)
		used = (size_t)fmt_snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	else
		used = (size_t)fmt_snprintf(p->err, p->errlen, "%s: ", p->file);
	if (used < p->errlen) {
		va_start(ap, fmt);
		fmt_vsnprintf(p->err + used, p->errlen - used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- words -------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       c == '_' || c == '-';
}

static bool is_separator(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters other than tab have no place in the text. */
static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;
	return (u < 0x20 && c != '\t') || u == 0x7f;
}

static bool contains(const char *s, char c)
{
	for (; *s; s++)
		if (*s == c)
			return true;
	return false;
}

/* A component or shm name: 1 to COMPOSE_NAME_MAX of A-Z a-z 0-9 _ - */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > COMPOSE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

static int check_name(struct parser *p, const char *what, const char *name)
{
	if (name_ok(name))
		return 0;
	return fail(p, "%s \"%s\": expected 1 to %d of A-Z a-z 0-9 _ -", what, name,
		    COMPOSE_NAME_MAX);
}

static void copy_name(char dst[COMPOSE_NAME_MAX + 1], const char *name)
{
	memcpy(dst, name, strlen(name) + 1);	/* checked by name_ok */
}

/* ---- sizes ---------------------------------------------------------------- */

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K':
		return 10;
	case 'm': case 'M':
		return 20;
	case 'g': case 'G':
		return 30;
	}
	return 0;
}

/* SIZE: decimal digits, then optionally K, M or G (powers of 1024, either
 * case). A value beyond 64 bits becomes UINT64_MAX, which every range
 * refuses. False when the text is not a SIZE at all. */
static bool parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	bool huge = false;
	unsigned shift;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			huge = true;
		else
			v = v * 10 + (uint64_t)(*s - '0');
	}
	shift = suffix_shift(*s);
	if (shift)
		s++;
	if (*s)
		return false;
	*out = huge || v > (UINT64_MAX >> shift) ? UINT64_MAX : v << shift;
	return true;
}

struct size_rule {
	uint64_t min, max;
	uint64_t multiple;	/* the size must be a multiple of this */
	bool round_to_page;	/* then rounded up to a multiple of 4096 */
	const char *limits;	/* the rule in words, for messages */
};

static const struct size_rule mem_rule = {
	4 * KiB, 4 * GiB, 1, true, "at least 4K, at most 4G"
};
static const struct size_rule disk_rule = {
	0, 4 * GiB, SECTOR_SIZE, false, "a multiple of 512, at most 4G"
};
static const struct size_rule shm_rule = {
	4 * KiB, 64 * MiB, 1, true, "at least 4K, at most 64M"
};

/* Reads the SIZE `value`; messages name it as "<label><sep><value>". */
static int read_size(struct parser *p, const char *label, const char *sep, const char *value,
		     const struct size_rule *rule, uint64_t *out)
{
	uint64_t size;

	if (!parse_size(value, &size))
		return fail(p, "%s%s%s: bad size (a decimal number, optionally followed by K, M or G)",
			    label, sep, value);
	if (size < rule->min || size > rule->max || size % rule->multiple)
		return fail(p, "%s%s%s: bad size (%s)", label, sep, value, rule->limits);
	if (rule->round_to_page)
		size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	*out = size;
	return 0;
}

/* ---- component keys --------------------------------------------------------- */

/* image=, preload=, arg=: 1 to COMPOSE_VALUE_MAX characters (the caller
 * refused empty ones); boot module names may not be paths. */
static int copy_value(struct parser *p, const char *key, const char *value, char *dst,
		      bool module_name)
{
	size_t n = strlen(value);

	if (n > COMPOSE_VALUE_MAX)
		return fail(p, "%s=%s: longer than %d characters", key, value, COMPOSE_VALUE_MAX);
	if (module_name && contains(value, '/'))
		return fail(p, "%s=%s: a boot module name, not a path", key, value);
	memcpy(dst, value, n + 1);
	return 0;
}

static int set_image(struct parser *p, struct compose_comp *d, const char *value)
{
	return copy_value(p, "image", value, d->image, true);
}

static int set_preload(struct parser *p, struct compose_comp *d, const char *value)
{
	return copy_value(p, "preload", value, d->preload, true);
}

static int set_arg(struct parser *p, struct compose_comp *d, const char *value)
{
	return copy_value(p, "arg", value, d->arg, false);
}

static int set_mem(struct parser *p, struct compose_comp *d, const char *value)
{
	return read_size(p, "mem", "=", value, &mem_rule, &d->mem);
}

static int set_disk(struct parser *p, struct compose_comp *d, const char *value)
{
	return read_size(p, "disk", "=", value, &disk_rule, &d->disk);
}

static int set_prio(struct parser *p, struct compose_comp *d, const char *value)
{
	int prio = 0;

	for (const char *s = value; *s; s++) {
		if (!is_digit(*s) || prio > PRIO_MAX)
			return fail(p, "prio=%s: expected 0 (most urgent) to %d", value, PRIO_MAX);
		prio = prio * 10 + (*s - '0');
	}
	if (prio > PRIO_MAX)
		return fail(p, "prio=%s: expected 0 (most urgent) to %d", value, PRIO_MAX);
	d->prio = prio;
	return 0;
}

/* Decimal digits at *s, moved past them; a value beyond 64 bits becomes
 * UINT64_MAX. False when there is no digit. */
static bool read_decimal(const char **s, uint64_t *out)
{
	uint64_t v = 0;

	if (!is_digit(**s))
		return false;
	for (; is_digit(**s); (*s)++)
		v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(**s - '0');
	*out = v;
	return true;
}

/* cpu=PERCENT% or cpu=PERCENT%/PERIOD, PERIOD a decimal number followed
 * by us, ms or s. */
static int set_cpu(struct parser *p, struct compose_comp *d, const char *value)
{
	const char *s = value;
	uint64_t pct, period = COMPOSE_CPU_PERIOD_US, unit;

	if (!read_decimal(&s, &pct) || *s++ != '%' || (*s && *s != '/'))
		return fail(p, "cpu=%s: expected PERCENT%% or PERCENT%%/PERIOD (such as 30%% or 30%%/20ms)",
			    value);
	if (pct < 1 || pct > 100)
		return fail(p, "cpu=%s: expected 1%% to 100%%", value);
	if (*s == '/') {
		s++;
		if (!read_decimal(&s, &period))
			unit = 0;
		else if (!strcmp(s, "us"))
			unit = 1;
		else if (!strcmp(s, "ms"))
			unit = 1000;
		else if (!strcmp(s, "s"))
			unit = 1000000;
		else
			unit = 0;
		if (!unit)
			return fail(p, "cpu=%s: bad period (a decimal number followed by us, ms or s)", value);
		period = period > UINT64_MAX / unit ? UINT64_MAX : period * unit;
		if (period < COMPOSE_CPU_PERIOD_MIN_US || period > COMPOSE_CPU_PERIOD_MAX_US)
			return fail(p, "cpu=%s: period out of range (1ms to 10s)", value);
	}
	d->cpu_pct = (int)pct;
	d->cpu_period_us = (uint32_t)period;
	return 0;
}

static int set_hostdisk(struct parser *p, struct compose_comp *d, const char *value)
{
	if (!is_digit(value[0]) || value[1] || value[0] - '0' >= COMPOSE_HOSTDISKS)
		return fail(p, "hostdisk=%s: expected 0 to %d", value, COMPOSE_HOSTDISKS - 1);
	d->hostdisk = value[0] - '0';
	return 0;
}

/* uid=N, gid=N: a decimal NetBSD user or group id, 0 to COMPOSE_ID_MAX */
static int read_id(struct parser *p, const char *key, const char *value, uint32_t *out)
{
	const char *s = value;
	uint64_t v;

	if (!read_decimal(&s, &v) || *s || v > COMPOSE_ID_MAX)
		return fail(p, "%s=%s: expected 0 to %u (0 is root)", key, value, COMPOSE_ID_MAX);
	*out = (uint32_t)v;
	return 0;
}

static int set_uid(struct parser *p, struct compose_comp *d, const char *value)
{
	return read_id(p, "uid", value, &d->uid);
}

static int set_gid(struct parser *p, struct compose_comp *d, const char *value)
{
	return read_id(p, "gid", value, &d->gid);
}

static int hex_digit(char c)
{
	return is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* 1 to 4 hexadecimal digits at *s, moved past them; false when none or more. */
static bool read_hex_id(const char **s, uint16_t *out)
{
	unsigned v = 0, n = 0;

	for (; hex_digit(**s) >= 0; (*s)++, n++)
		v = v << 4 | (unsigned)hex_digit(**s);
	*out = (uint16_t)v;
	return n >= 1 && n <= 4;
}

/* pci=VENDOR:DEVICE or pci=VENDOR:DEVICE/N (# would start a comment) */
static int set_pci(struct parser *p, struct compose_comp *d, const char *value)
{
	const char *s = value;

	d->pci_index = 0;
	if (!read_hex_id(&s, &d->pci_vendor) || *s++ != ':' || !read_hex_id(&s, &d->pci_device) ||
	    (*s && (*s != '/' || !is_digit(s[1]) || s[2] || s[1] - '0' > COMPOSE_PCI_INDEX_MAX)))
		return fail(p, "pci=%s: expected VENDOR:DEVICE or VENDOR:DEVICE/N (hexadecimal ids such as "
			    "1af4:1000, N 0 to %d)", value, COMPOSE_PCI_INDEX_MAX);
	if (*s)
		d->pci_index = s[1] - '0';
	d->pci = true;
	return 0;
}

static int set_halt(struct parser *p, struct compose_comp *d, const char *value)
{
	if (strcmp(value, "yes") && strcmp(value, "no"))
		return fail(p, "halt=%s: expected yes or no", value);
	d->halt = !strcmp(value, "yes");
	return 0;
}

/* restart=yes|no|N: micro-reboot on a fault, at most N times (yes: 5)
 * in any 10 s, then the component stays down (docs/reboot.md). */
static int set_restart(struct parser *p, struct compose_comp *d, const char *value)
{
	const char *s = value;
	uint64_t v;
	if (!strcmp(value, "yes") || !strcmp(value, "no")) {
		d->restart = !strcmp(value, "yes") ? COMPOSE_RESTART_DEFAULT : 0;
		return 0;
	}
	if (!read_decimal(&s, &v) || *s || v < 1 || v > COMPOSE_RESTART_MAX)
		return fail(p, "restart=%s: expected yes, no or 1 to %u (reboots in 10 s)", value,
			    COMPOSE_RESTART_MAX);
	d->restart = (uint32_t)v;
	return 0;
}

/* watchdog=SECONDS: a call held in the component (or a thread of it
 * spinning) that long reboots it, as a fault would (restart= needed). */
static int set_watchdog(struct parser *p, struct compose_comp *d, const char *value)
{
	const char *s = value;
	uint64_t v;
	if (!read_decimal(&s, &v) || *s || v < 1 || v > 3600)
		return fail(p, "watchdog=%s: expected 1 to 3600 (seconds)", value);
	d->watchdog_s = (uint32_t)v;
	return 0;
}

/* inject=WHAT: fault injection, for tests and benchmarks only (rk reads
 * it: docs/reboot.md "Fault injection"). */
static int set_inject(struct parser *p, struct compose_comp *d, const char *value)
{
	return copy_value(p, "inject", value, d->inject, false);
}

struct component_key {
	const char *name;
	int (*set)(struct parser *p, struct compose_comp *d, const char *value);
};

static const struct component_key component_keys[] = {
	{ "image", set_image },
	{ "mem", set_mem },
	{ "prio", set_prio },
	{ "disk", set_disk },
	{ "preload", set_preload },
	{ "arg", set_arg },
	{ "halt", set_halt },
	{ "hostdisk", set_hostdisk },
	{ "cpu", set_cpu },
	{ "uid", set_uid },
	{ "gid", set_gid },
	{ "pci", set_pci },
	{ "restart", set_restart },
	{ "watchdog", set_watchdog },
	{ "inject", set_inject },
};
#define NKEYS ((int)(sizeof(component_keys) / sizeof(component_keys[0])))
#define KEY_NAMES "image, mem, prio, disk, preload, arg, halt, hostdisk, cpu, uid, gid, pci, restart, watchdog, inject"
#define IMAGE_KEY 0	/* the one required key */

static int find_key(const char *name)
{
	for (int i = 0; i < NKEYS; i++)
		if (!strcmp(component_keys[i].name, name))
			return i;
	return -1;
}

/* One KEY=VALUE field of a component line; `seen` has a bit per key. */
static int parse_setting(struct parser *p, struct compose_comp *d, char *field, unsigned *seen)
{
	char *eq = field;
	int key;

	while (*eq && *eq != '=')
		eq++;
	if (!*eq || eq == field)
		return fail(p, "\"%s\": expected key=value", field);
	*eq = '\0';
	key = find_key(field);
	if (key < 0)
		return fail(p, "unknown key \"%s\" (expected " KEY_NAMES ")", field);
	if (*seen & (1u << key))
		return fail(p, "%s= given twice", field);
	*seen |= 1u << key;
	if (!eq[1])
		return fail(p, "%s=: empty value", field);
	return component_keys[key].set(p, d, eq + 1);
}

/* ---- lines ------------------------------------------------------------------ */

/* component NAME image=FILE [KEY=VALUE]... */
static int parse_component(struct parser *p)
{
	struct composition *c = p->out;
	char **f = p->fields;
	struct compose_comp *d;
	unsigned seen = 0;
	int first;

	if (p->nfields < 2)
		return fail(p, "component: missing name (expected \"component NAME image=FILE ...\")");
	if (check_name(p, "component name", f[1]))
		return -1;
	first = compose_find(c, f[1]);
	if (first >= 0)
		return fail(p, "component \"%s\" declared twice (first on line %d)", f[1],
			    c->comps[first].line);
	if (c->ncomps == COMPOSE_MAX_COMPS)
		return fail(p, "too many components (at most %d)", COMPOSE_MAX_COMPS);
	d = &c->comps[c->ncomps];
	memset(d, 0, sizeof(*d));
	copy_name(d->name, f[1]);
	d->mem = DEFAULT_MEM;
	d->prio = DEFAULT_PRIO;
	d->hostdisk = -1;
	d->line = p->line;
	for (int i = 2; i < p->nfields; i++)
		if (parse_setting(p, d, f[i], &seen))
			return -1;
	if (!(seen & (1u << IMAGE_KEY)))
		return fail(p, "component %s: image= is required", d->name);
	if (!(seen & (1u << find_key("uid"))))
		d->uid = COMPOSE_UID_BASE + (uint32_t)c->ncomps;
	if (!(seen & (1u << find_key("gid"))))
		d->gid = d->uid;
	if (d->hostdisk >= 0 && d->preload[0])
		return fail(p, "component %s: preload= and hostdisk= exclude each other "
			    "(a host disk already holds its contents)", d->name);
	for (int j = 0; j < c->ncomps; j++) {
		const struct compose_comp *o = &c->comps[j];
		if (d->hostdisk >= 0 && o->hostdisk == d->hostdisk)
			return fail(p, "component %s: hostdisk=%d is %s's already (line %d)", d->name, d->hostdisk,
				    o->name, o->line);
		if (d->pci && o->pci && o->pci_vendor == d->pci_vendor && o->pci_device == d->pci_device &&
		    o->pci_index == d->pci_index)
			return fail(p, "component %s: pci=%04x:%04x/%d is %s's already (line %d)", d->name,
				    d->pci_vendor, d->pci_device, d->pci_index, o->name, o->line);
	}
	c->ncomps++;
	return 0;
}

/* uses CLIENT SERVER; the names are resolved by resolve_uses() */
static int parse_uses(struct parser *p)
{
	struct composition *c = p->out;
	char **f = p->fields;

	if (p->nfields != 3)
		return fail(p, "uses: expected \"uses CLIENT SERVER\"");
	if (c->nuses == COMPOSE_MAX_USES)
		return fail(p, "too many uses lines (at most %d)", COMPOSE_MAX_USES);
	if (check_name(p, "uses: component name", f[1]) ||
	    check_name(p, "uses: component name", f[2]))
		return -1;
	if (!strcmp(f[1], f[2]))
		return fail(p, "uses: %s cannot use itself", f[1]);
	for (int i = 0; i < c->nuses; i++)
		if (!strcmp(p->use_names[i][0], f[1]) && !strcmp(p->use_names[i][1], f[2]))
			return fail(p, "uses %s %s repeated (first on line %d)", f[1], f[2],
				    c->uses[i].line);
	copy_name(p->use_names[c->nuses][0], f[1]);
	copy_name(p->use_names[c->nuses][1], f[2]);
	c->uses[c->nuses].line = p->line;
	c->nuses++;
	return 0;
}

static int find_shm(const struct composition *c, const char *name)
{
	for (int i = 0; i < c->nshm; i++)
		if (!strcmp(c->shm[i].name, name))
			return i;
	return -1;
}

/* shm NAME SIZE COMP_A COMP_B; the names are resolved by resolve_shm() */
static int parse_shm(struct parser *p)
{
	struct composition *c = p->out;
	char **f = p->fields;
	struct compose_shm *s;
	char label[COMPOSE_NAME_MAX + 16];
	int first;

	if (p->nfields != 5)
		return fail(p, "shm: expected \"shm NAME SIZE COMP_A COMP_B\"");
	if (check_name(p, "shm name", f[1]))
		return -1;
	first = find_shm(c, f[1]);
	if (first >= 0)
		return fail(p, "shm \"%s\" declared twice (first on line %d)", f[1],
			    c->shm[first].line);
	if (c->nshm == COMPOSE_MAX_SHM)
		return fail(p, "too many shm lines (at most %d)", COMPOSE_MAX_SHM);
	s = &c->shm[c->nshm];
	memset(s, 0, sizeof(*s));
	fmt_snprintf(label, sizeof(label), "shm %s size", f[1]);
	if (read_size(p, label, " ", f[2], &shm_rule, &s->size))
		return -1;
	if (check_name(p, "shm: component name", f[3]) ||
	    check_name(p, "shm: component name", f[4]))
		return -1;
	if (!strcmp(f[3], f[4]))
		return fail(p, "shm %s: %s cannot share with itself", f[1], f[3]);
	copy_name(s->name, f[1]);
	copy_name(p->shm_names[c->nshm][0], f[3]);
	copy_name(p->shm_names[c->nshm][1], f[4]);
	s->line = p->line;
	c->nshm++;
	return 0;
}

/* Splits p->text into fields at spaces and tabs, stopping at a '#'. */
static void split_fields(struct parser *p)
{
	char *q = p->text;

	p->nfields = 0;
	for (;;) {
		while (is_separator(*q))
			*q++ = '\0';
		if (!*q || *q == '#')
			break;
		p->fields[p->nfields++] = q;
		while (*q && !is_separator(*q) && *q != '#')
			q++;
		if (*q == '#') {
			*q = '\0';
			break;
		}
	}
}

static int parse_line(struct parser *p)
{
	const char *keyword;

	split_fields(p);
	if (p->nfields == 0)
		return 0;
	keyword = p->fields[0];
	if (!strcmp(keyword, "component"))
		return parse_component(p);
	if (!strcmp(keyword, "uses"))
		return parse_uses(p);
	if (!strcmp(keyword, "shm"))
		return parse_shm(p);
	return fail(p, "unknown keyword \"%s\" (expected component, uses or shm)", keyword);
}

/* Copies the line starting at text[*pos] into p->text without its line
 * end (LF, or CR LF; a CR at the very end of the text is dropped too) and
 * moves *pos past it. */
static int read_line(struct parser *p, const char *text, size_t len, size_t *pos)
{
	size_t n = 0;

	while (*pos < len && text[*pos] != '\n') {
		char c = text[(*pos)++];

		if (c == '\r' && (*pos == len || text[*pos] == '\n'))
			continue;
		if (c == '\0')
			return fail(p, "NUL byte (a composition file is text)");
		if (is_control(c))
			return fail(p, "control character 0x%02x", (unsigned)(unsigned char)c);
		if (n == COMPOSE_LINE_MAX)
			return fail(p, "line longer than %d characters", COMPOSE_LINE_MAX);
		p->text[n++] = c;
	}
	if (*pos < len)
		(*pos)++;		/* the '\n' */
	p->text[n] = '\0';
	return 0;
}

static int read_lines(struct parser *p, const char *text, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		if (p->line == INT32_MAX)
			return fail(p, "too many lines");
		p->line++;
		if (read_line(p, text, len, &pos) || parse_line(p))
			return -1;
	}
	p->line = 0;
	return 0;
}

/* ---- names, order ----------------------------------------------------------- */

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

static int resolve_name(struct parser *p, const char *what, const char *name, int *index)
{
	*index = compose_find(p->out, name);
	if (*index < 0)
		return fail(p, "%s: no component named \"%s\"", what, name);
	return 0;
}

static int resolve_uses(struct parser *p)
{
	struct composition *c = p->out;

	for (int i = 0; i < c->nuses; i++) {
		struct compose_use *u = &c->uses[i];

		p->line = u->line;
		if (resolve_name(p, "uses", p->use_names[i][0], &u->client) ||
		    resolve_name(p, "uses", p->use_names[i][1], &u->server))
			return -1;
	}
	p->line = 0;
	return 0;
}

static int resolve_shm(struct parser *p)
{
	struct composition *c = p->out;
	char what[COMPOSE_NAME_MAX + 8];

	for (int i = 0; i < c->nshm; i++) {
		struct compose_shm *s = &c->shm[i];

		p->line = s->line;
		fmt_snprintf(what, sizeof(what), "shm %s", s->name);
		if (resolve_name(p, what, p->shm_names[i][0], &s->a) ||
		    resolve_name(p, what, p->shm_names[i][1], &s->b))
			return -1;
	}
	p->line = 0;
	return 0;
}

/* The first uses line (in file order) making `client` wait for a server
 * that has not started; -1 when it need not wait. */
static int first_waiting_use(const struct composition *c, int client, const bool *started)
{
	for (int i = 0; i < c->nuses; i++)
		if (c->uses[i].client == client && !started[c->uses[i].server])
			return i;
	return -1;
}

/* The first component in file order that has not started and whose
 * servers all have; -1 when there is none. */
static int next_to_start(const struct composition *c, const bool *started)
{
	for (int i = 0; i < c->ncomps; i++)
		if (!started[i] && first_waiting_use(c, i, started) < 0)
			return i;
	return -1;
}

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= cap)
		n = cap - 1 - *len;	/* cannot happen: CYCLE_TEXT_MAX fits */
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * Called when components remain but none can start: each waits for a
 * server that has not started, so following "waits for" from any of them
 * must come back to a component already visited. Reports that cycle and
 * the line of the uses line closing it.
 */
static int report_cycle(struct parser *p, const bool *started)
{
	struct composition *c = p->out;
	int visited_at[COMPOSE_MAX_COMPS], path[COMPOSE_MAX_COMPS], via[COMPOSE_MAX_COMPS];
	int depth = 0, cur = 0;
	size_t len = 0;

	for (int i = 0; i < c->ncomps; i++)
		visited_at[i] = -1;
	while (started[cur])
		cur++;
	while (visited_at[cur] < 0) {
		int use = first_waiting_use(c, cur, started);

		if (use < 0)	/* cannot happen, see above */
			return fail(p, "dependency cycle");
		visited_at[cur] = depth;
		path[depth] = cur;
		via[depth++] = use;
		cur = c->uses[use].server;
	}
	p->cycle_text[0] = '\0';
	for (int k = visited_at[cur]; k < depth; k++) {
		append(p->cycle_text, sizeof(p->cycle_text), &len, c->comps[path[k]].name);
		append(p->cycle_text, sizeof(p->cycle_text), &len, " -> ");
	}
	append(p->cycle_text, sizeof(p->cycle_text), &len, c->comps[cur].name);
	p->line = c->uses[via[depth - 1]].line;
	return fail(p, "dependency cycle: %s", p->cycle_text);
}

/* Servers before their clients; otherwise file order: repeatedly start
 * the first component in the file whose servers have all started. */
static int derive_start_order(struct parser *p)
{
	struct composition *c = p->out;
	bool started[COMPOSE_MAX_COMPS] = { false };

	for (int n = 0; n < c->ncomps; n++) {
		int next = next_to_start(c, started);

		if (next < 0)
			return report_cycle(p, started);
		started[next] = true;
		c->order[n] = next;
	}
	return 0;
}

/* A component without cpu= gets no limit, unless it is a server (some
 * component uses it): then COMPOSE_CPU_SERVER_PCT of the default period. */
static void cpu_defaults(struct composition *c)
{
	for (int i = 0; i < c->ncomps; i++) {
		struct compose_comp *d = &c->comps[i];
		bool server = false;

		if (d->cpu_pct)
			continue;
		for (int u = 0; u < c->nuses; u++)
			server |= c->uses[u].server == i;
		d->cpu_pct = server ? COMPOSE_CPU_SERVER_PCT : 100;
		d->cpu_period_us = COMPOSE_CPU_PERIOD_US;
	}
}

/* ---- entry -------------------------------------------------------------- */

static int parse_all(struct parser *p, const char *text, size_t len)
{
	if (read_lines(p, text, len))
		return -1;
	if (p->out->ncomps == 0)
		return fail(p, "no components");
	if (resolve_uses(p) || resolve_shm(p))
		return -1;
	cpu_defaults(p->out);
	return derive_start_order(p);
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
	if (parse_all(&p, text, len)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
