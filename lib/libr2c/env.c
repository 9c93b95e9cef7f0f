/*
 * Start-up of a component: the C side of crt.S's entry stubs. A component
 * the booter started finds its cinfo page and gets its memory allocator,
 * heap, console and thread identity ready before r2c_main runs.
 */
#include "r2c.h"
#include "crt.h"
#include "alloc/heap.h"

_Static_assert(offsetof(struct r2c_inv, token) == R2C_INV_TOKEN && offsetof(struct r2c_inv, tid) == R2C_INV_TID &&
	       offsetof(struct r2c_inv, r1) == R2C_INV_R1 && offsetof(struct r2c_inv, r2) == R2C_INV_R2 &&
	       sizeof(struct r2c_inv) == R2C_INV_SIZE, "crt.h");

const struct cinfo *r2c_env;
struct r2c_mem r2c_self_mem;
static struct r2c_slots slots;
static struct heap heap;
static word_t heap_next, heap_mapped, heap_limit;	/* handed out, mapped, end */
const struct r2c_inv *r2c_inv_self(void)
{
	word_t i = r2c_stack_index();
	if (i >= r2c_stack_count)
		return NULL;
	char *top = r2c_stack_area + ((i + 1) << r2c_stack_shift);
	if (((word_t *)top)[-2] != R2C_STACK_INV)
		return NULL;
	return (const struct r2c_inv *)(top - 16 - R2C_INV_SIZE);
}

extern volatile word_t r2c_stack_free[];
extern word_t r2c_stack_count;

word_t r2c_stacks_free(void)
{
	word_t n = 0;		/* a bit set for each free stack (none past the pool's end) */
	for (word_t w = 0; w < (r2c_stack_count + 63) / 64; w++)
		for (word_t free = r2c_stack_free[w]; free; free &= free - 1)
			n++;
	return n;
}

int r2c_arg_fields(const char *arg, char (*out)[R2C_ARG_FIELD], int n)
{
	for (int f = 0; f < n; f++)
		out[f][0] = '\0';
	for (int f = 0; *arg; f++) {
		if (f == n)
			return -E2BIG;
		size_t len = 0;
		for (; *arg && *arg != ':'; arg++) {
			if (len + 1 == R2C_ARG_FIELD)
				return -ENAMETOOLONG;
			out[f][len++] = *arg;
		}
		out[f][len] = '\0';
		if (*arg == ':')
			arg++;
	}
	return 0;
}

word_t r2c_import_from(const char *server, const char *name)
{
	for (word_t i = 0; r2c_env && i < r2c_env->nimports; i++) {
		const struct cinfo_import *im = &r2c_env->imports[i];
		if (!strcmp(im->name, name) && (!server || !strcmp(im->server, server)))
			return im->slot;
	}
	return 0;
}

word_t r2c_import(const char *name)
{
	return r2c_import_from(NULL, name);
}

long r2c_server_id(const char *server)
{
	for (word_t i = 0; r2c_env && i < r2c_env->nimports; i++)
		if (!strcmp(r2c_env->imports[i].server, server))
			return (long)r2c_env->imports[i].server_id;
	return -ENOENT;
}

long r2c_share(word_t peer_id, void *va, word_t bytes, word_t *peer_vaddr)
{
	if (!r2c_env)
		return -ENOSYS;
	struct r2c_ret r = r2c_invoke(r2c_env->share_slot, SHM_SHARE, peer_id, (word_t)va, bytes);
	if (r.status)
		return r.status;
	if (r.r0)
		return (long)r.r0;
	*peer_vaddr = r.r1;
	return 0;
}

long r2c_shares(void)
{
	if (!r2c_env)
		return -ENOSYS;
	return r2c_call(r2c_env->share_slot, SHM_COUNT, 0, 0, 0);
}

long r2c_unshare(word_t peer_id, word_t peer_vaddr)
{
	if (!r2c_env)
		return -ENOSYS;
	return r2c_call(r2c_env->share_slot, SHM_UNSHARE, peer_id, peer_vaddr, 0);
}

const struct cinfo_shm *r2c_shm(const char *name)
{
	for (word_t i = 0; r2c_env && i < r2c_env->nshm; i++)
		if (!strcmp(r2c_env->shm[i].name, name))
			return &r2c_env->shm[i];
	return NULL;
}

static void *morecore(void *ctx, size_t bytes)
{
	(void)ctx;
	if (bytes > heap_limit - heap_next)
		return NULL;
	if (heap_mapped < heap_next + bytes) {
		long n = r2c_map_pages(&r2c_self_mem, r2c_self_mem.self_slot, heap_mapped,
				       (heap_next + bytes - heap_mapped + 4095) / 4096, MAP_WRITE);
		if (n > 0)
			heap_mapped += (word_t)n * 4096;
		if (heap_mapped < heap_next + bytes)
			return NULL;	/* budget exhausted: what is mapped stays for the next try */
	}
	word_t va = heap_next;
	heap_next += bytes;
	return (void *)va;
}

/* The heap is shared by every thread in the component, including threads
 * that entered by invocation: one at a time. */
static struct r2c_mutex heap_lock;

void *r2c_aligned_alloc(size_t align, size_t n)
{
	r2c_mutex_lock(&heap_lock);
	void *p = heap_alloc(&heap, n, align);
	r2c_mutex_unlock(&heap_lock);
	return p;
}

void *r2c_malloc(size_t n)
{
	return r2c_aligned_alloc(0, n);
}

void *r2c_realloc(void *p, size_t n)
{
	r2c_mutex_lock(&heap_lock);
	void *q = heap_realloc(&heap, p, n);
	r2c_mutex_unlock(&heap_lock);
	return q;
}

void *r2c_alloc_pages(size_t len, size_t align)
{
	r2c_mutex_lock(&heap_lock);
	void *p = heap_alloc_pages(&heap, len, align);
	r2c_mutex_unlock(&heap_lock);
	return p;
}

void r2c_free_pages(void *p, size_t len)
{
	r2c_mutex_lock(&heap_lock);
	heap_free_pages(&heap, p, len);
	r2c_mutex_unlock(&heap_lock);
}

void r2c_free(void *p)
{
	r2c_mutex_lock(&heap_lock);
	heap_free(&heap, p);
	r2c_mutex_unlock(&heap_lock);
}

size_t r2c_heap_in_use(void)
{
	struct heap_stats st;
	r2c_mutex_lock(&heap_lock);
	heap_stats(&heap, &st);
	r2c_mutex_unlock(&heap_lock);
	return st.bytes_in_use;
}

long r2c_frames_take(word_t n)
{
	r2c_mutex_lock(&heap_lock);
	long f = r2c_frame_alloc(&r2c_self_mem, n);
	r2c_mutex_unlock(&heap_lock);
	return f;
}

long r2c_self_pgtbl_add(word_t va)
{
	r2c_mutex_lock(&heap_lock);	/* the budget's allocator is the heap's */
	long e = r2c_pgtbl_add(&r2c_self_mem, r2c_self_mem.self_slot, va);
	r2c_mutex_unlock(&heap_lock);
	return e;
}

long r2c_frames_map(word_t first, word_t n, word_t va)
{
	long e = 0;
	r2c_mutex_lock(&heap_lock);	/* page tables come from the budget too */
	for (word_t i = 0; i < n && !e; i++)
		e = r2c_map_frame(&r2c_self_mem, r2c_self_mem.self_slot, va + i * 4096, first + i, MAP_WRITE);
	r2c_mutex_unlock(&heap_lock);
	return e;
}

void r2c_component_start(word_t arg)
{
	const struct cinfo *ci = (const struct cinfo *)arg;
	if (arg == CINFO_VADDR && ci->magic == CINFO_MAGIC) {
		r2c_env = ci;
		r2c_slots_init(&slots, ci->nslots, ci->first_free_slot);
		r2c_self_mem = (struct r2c_mem){ .ut_slot = ci->untyped_slot, .next = ci->untyped_used,
					    .count = ci->untyped_frames, .self_slot = ci->self_slot,
					    .slots = &slots };
		heap_next = heap_mapped = ci->heap_vaddr;
		heap_limit = COMP_SHM_BASE;
		heap_init(&heap, morecore, NULL);
		r2c_mutex_init(&heap_lock);
		r2c_console_init();
	}
	r2c_main(arg);
}

void r2c_thread_start(struct r2c_thread *t)
{
	struct r2c_thread copy = *t;
	if (t->owned)
		r2c_free(t);
	else
		atomic_store((_Atomic(void (*)(void *)) *)&t->fn, NULL);	/* the closure may be reused */
	copy.fn(copy.arg);
}
