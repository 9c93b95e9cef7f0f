/*
 * console: the one component that prints on the machine console; every
 * other component prints through console_write. Bytes are gathered into a
 * line per (component, thread) and each complete line goes out whole,
 * prefixed with the component's name, so output never mixes mid-line.
 */
#include "r2c.h"

#define LINES 32
#define LINE_MAX 160

struct line {
	word_t token, tid;
	uint64_t used;		/* last use, to pick one to recycle */
	size_t len;
	bool continued;		/* this line goes on from a cut one */
	char buf[LINE_MAX];
};

static struct line lines[LINES];
static struct r2c_mutex lock;
static uint64_t clock;

static const char *client_name(word_t token)
{
	for (word_t i = 0; i < r2c_env->nclients; i++)
		if (r2c_env->clients[i].token == token)
			return r2c_env->clients[i].name;
	return "?";
}

static void emit(struct line *l, bool cut)
{
	char out[LINE_MAX + 48];
	const char *name = client_name(l->token);
	size_t n = strlen(name), k = 0;
	out[k++] = '[';
	memcpy(out + k, name, n);
	k += n;
	out[k++] = ']';
	out[k++] = ' ';
	if (l->continued) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	memcpy(out + k, l->buf, l->len);
	k += l->len;
	if (cut) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k++] = '\n';
	r2c_puts(out, k);	/* my own output goes straight to the machine */
	l->len = 0;
	l->continued = cut;
}

static struct line *line_for(word_t token, word_t tid)
{
	struct line *l = NULL, *oldest = &lines[0];
	for (int i = 0; i < LINES; i++) {
		if (lines[i].used && lines[i].token == token && lines[i].tid == tid)
			return &lines[i];
		if (!lines[i].used && !l)
			l = &lines[i];
		if (lines[i].used < oldest->used)
			oldest = &lines[i];
	}
	if (!l) {		/* all in use: finish the oldest partial line */
		l = oldest;
		if (l->len)
			emit(l, true);
	}
	*l = (struct line){ .token = token, .tid = tid };
	return l;
}

/* a0 = number of bytes (<= 24) in a1..a3. */
static word_t console_write(word_t n, word_t w0, word_t w1, word_t w2, struct r2c_inv *inv)
{
	word_t w[3] = { w0, w1, w2 };
	const char *s = (const char *)w;
	if (n > sizeof(w))
		return (word_t)-EINVAL;
	r2c_mutex_lock(&lock);
	struct line *l = line_for(inv->token, inv->tid);
	l->used = ++clock;
	for (word_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			emit(l, false);
			l->continued = false;
			continue;
		}
		if (l->len == LINE_MAX)
			emit(l, true);
		l->buf[l->len++] = s[i];
	}
	if (!l->len && !l->continued)
		l->used = 0;	/* nothing pending: free the slot */
	r2c_mutex_unlock(&lock);
	return n;
}
R2C_ENTRY(console_write);

void r2c_main(word_t arg)
{
	(void)arg;
	r2c_mutex_init(&lock);
	r2c_printf("console: ready, %lu clients\n", r2c_env->nclients);
}
