/*
 * Boot: read the multiboot information, build the kernel's page table and
 * the frame table, set up the CPU and the timer, then create the root
 * component from the first boot module and give it everything else:
 * the other modules (mapped read-only), all free memory as untyped
 * ranges, the timer and the machine. From then on the kernel only
 * answers system calls and interrupts.
 */
#include "include/obj.h"
#include "arch/x86_64/cpu.h"
#include "../lib/elf/elf.h"

#define MB_BOOT_MAGIC	0x2BADB002
#define MODULE_VADDR	0x40000000ull

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};
struct mb_mod { uint32_t start, end, string, reserved; };
struct mb_mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));

struct range { paddr_t start, end; };

static struct range ram[32];		/* whole pages of RAM */
static int nram;
static struct range not_device[64];	/* pages the map gives any type but "reserved" */
static int nnot_device;
static bool map_cut;			/* the map had more entries than we keep */
static struct range mods[BOOT_MODULES_MAX];
static char mod_names[BOOT_MODULES_MAX][48];
static int nmods;
static char cmdline[128];
static paddr_t alloc_cursor;
static int alloc_region;

extern char _kernel_start[], _kernel_end[];

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < n; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/* Keep what we need of the boot information before memory is reused. */
static void read_multiboot(uint32_t magic, paddr_t info_pa)
{
	if (magic != MB_BOOT_MAGIC)
		panic("not started by a multiboot loader (magic 0x%x)", magic);
	const struct mb_info *mb = pa2va(info_pa);
	if (!(mb->flags & (1u << 6)))
		panic("the boot loader gave no memory map");
	/* Usable RAM in whole pages; and everything the map calls RAM of any
	 * kind (usable, ACPI, NVS, bad, persistent), rounded out to pages:
	 * never device memory. */
	for (uint32_t off = 0; off < mb->mmap_length;) {
		const struct mb_mmap *m = pa2va(mb->mmap_addr + off);
		paddr_t s = ALIGN_UP(m->addr, PAGE_SIZE), e = (m->addr + m->len) & ~(PAGE_SIZE - 1);
		if (m->type == 1 && e > s && nram < (int)ARRAY_SIZE(ram))
			ram[nram++] = (struct range){ s, e };
		if (m->type != 2 && m->len) {
			if (nnot_device == (int)ARRAY_SIZE(not_device))
				map_cut = true;
			else
				not_device[nnot_device++] = (struct range){ m->addr & ~(PAGE_SIZE - 1),
									    ALIGN_UP(m->addr + m->len, PAGE_SIZE) };
		}
		off += m->size + 4;
	}
	if (mb->flags & (1u << 2)) {		/* drop the kernel's own path */
		const char *c = pa2va(mb->cmdline);
		while (*c && *c != ' ')
			c++;
		while (*c == ' ')
			c++;
		copy_str(cmdline, sizeof(cmdline), c);
	}
	if (mb->flags & (1u << 3)) {
		const struct mb_mod *m = pa2va(mb->mods_addr);
		for (uint32_t i = 0; i < mb->mods_count && nmods < BOOT_MODULES_MAX; i++) {
			mods[nmods] = (struct range){ m[i].start, m[i].end };
			const char *name = m[i].string ? pa2va(m[i].string) : "";
			for (const char *p = name; *p && *p != ' '; p++)	/* basename of the path */
				if (*p == '/')
					name = p + 1;
			copy_str(mod_names[nmods], sizeof(mod_names[0]), name);
			for (char *p = mod_names[nmods]; *p; p++)
				if (*p == ' ')
					*p = '\0';
			nmods++;
		}
		if (mb->mods_count > BOOT_MODULES_MAX)
			printk("kernel: %u boot modules, only the first %d are used\n", mb->mods_count, BOOT_MODULES_MAX);
	}
}

/* Boot-time frames come from RAM above the kernel image and the modules. */
static paddr_t boot_floor(void)
{
	paddr_t floor = va2pa(_kernel_end);
	for (int i = 0; i < nmods; i++)
		if (mods[i].end > floor)
			floor = mods[i].end;
	return ALIGN_UP(floor, PAGE_SIZE);
}

static paddr_t boot_alloc(size_t bytes)
{
	bytes = ALIGN_UP(bytes, PAGE_SIZE);
	for (; alloc_region < nram; alloc_region++) {
		struct range *r = &ram[alloc_region];
		paddr_t s = alloc_cursor > r->start ? alloc_cursor : r->start;
		if (s + bytes <= r->end) {
			alloc_cursor = s + bytes;
			memset(pa2va(s), 0, bytes);
			return s;
		}
	}
	panic("out of memory at boot");
}

static void *boot_alloc_va(size_t bytes) { return pa2va(boot_alloc(bytes)); }
static void *boot_page(void) { return boot_alloc_va(PAGE_SIZE); }

static bool is_ram(paddr_t pa)
{
	for (int i = 0; i < nram; i++)
		if (pa < ram[i].end && pa + (2u << 20) > ram[i].start)
			return true;
	return false;
}

bool phys_overlaps_ram(paddr_t start, paddr_t end)
{
	if (map_cut)
		return true;	/* cannot tell: say yes */
	for (int i = 0; i < nnot_device; i++)
		if (start < not_device[i].end && end > not_device[i].start)
			return true;
	return false;
}

static void boot_map(struct comp *c, word_t va, paddr_t pa, word_t flags)
{
	long err;
	while ((err = pgtbl_map(c, va, pa, flags)) == -ENXIO)
		pgtbl_add(c, va, boot_alloc(PAGE_SIZE));
	if (err)
		panic("root component: cannot map 0x%lx (%ld)", va, err);
}

static struct frame *boot_frame(paddr_t pa, int type)
{
	struct frame *f = frame_of(pa);
	f->type = (uint8_t)type;
	return f;
}

static word_t load_root(struct comp *c, word_t *entry)
{
	if (nmods == 0)
		panic("no boot modules: the first module must be the root component");
	const char *why;
	struct elf_image img;
	const void *file = pa2va(mods[0].start);
	if (elf_parse(file, mods[0].end - mods[0].start, MODULE_VADDR, &img, &why))
		panic("root component %s: %s", mod_names[0], why);
	word_t top = 0;
	for (int i = 0; i < img.nseg; i++) {
		const struct elf_seg *s = &img.seg[i];
		word_t flags = (s->flags & ELF_W ? MAP_WRITE : 0) | (s->flags & ELF_X ? MAP_EXEC : 0);
		for (word_t va = s->vaddr & ~(PAGE_SIZE - 1); va < s->vaddr + s->memsz; va += PAGE_SIZE) {
			paddr_t pa = boot_alloc(PAGE_SIZE);
			boot_frame(pa, F_USER);
			char *dst = pa2va(pa);
			for (word_t b = 0; b < PAGE_SIZE; b++) {	/* file bytes of this page */
				word_t a = va + b;
				if (a >= s->vaddr && a - s->vaddr < s->filesz)
					dst[b] = ((const char *)file)[s->offset + (a - s->vaddr)];
			}
			boot_map(c, va, pa, flags);
		}
		if (s->vaddr + s->memsz > top)
			top = s->vaddr + s->memsz;
	}
	*entry = img.entry;
	return ALIGN_UP(top, PAGE_SIZE);
}

static void give_root(struct comp *c, int slot, struct cap cap)
{
	c->slots[slot] = cap;
	if (cap.obj)
		obj_get(cap.obj);
}

void kmain(uint32_t magic, uint32_t info)
{
	serial_init();
	printk("\nrump2cos kernel\n");
	read_multiboot(magic, info);
	paddr_t top = 4ull << 30;
	word_t total = 0;
	for (int i = 0; i < nram; i++) {
		total += ram[i].end - ram[i].start;
		if (ram[i].end > top)
			top = ALIGN_UP(ram[i].end, 1ull << 30);
	}
	alloc_cursor = boot_floor();
	kernel_pagetable_init(top, boot_page, is_ram);
	frame_init(top, boot_alloc_va);
	cpu_init();
	lapic_init();
	ioapic_init();

	paddr_t cpa = boot_alloc(COMP_FRAMES * PAGE_SIZE);
	struct comp *root = pa2va(cpa);
	char name[16] = { 0 };
	copy_str(name, sizeof(name), mod_names[0]);
	comp_init(root, cpa + COMP_TABLE_BYTES, name);
	boot_frame(cpa, F_COMPONENT);
	for (int i = 1; i < COMP_FRAMES; i++)
		boot_frame(cpa + i * PAGE_SIZE, F_COMP_TAIL);
	word_t entry;
	word_t heap = load_root(root, &entry);

	paddr_t bpa = boot_alloc(PAGE_SIZE);
	boot_frame(bpa, F_USER);
	struct bootinfo *bi = pa2va(bpa);
	bi->magic = BOOTINFO_MAGIC;
	bi->tsc_hz = tsc_hz;
	bi->mem_total = total;
	bi->captbl_slots = root->nslots;
	bi->heap_vaddr = heap;
	copy_str(bi->cmdline, sizeof(bi->cmdline), cmdline);
	bi->wall_seconds = rtc_epoch_seconds();
	bi->wall_tsc = rdtsc();
	if (!bi->wall_seconds)
		printk("kernel: no battery clock; wall time counts from boot\n");
	boot_map(root, BOOTINFO_VADDR, bpa, 0);
	word_t mva = MODULE_VADDR;
	for (int i = 1; i < nmods; i++) {
		struct boot_module *m = &bi->modules[bi->n_modules++];
		m->vaddr = mva;
		m->size = mods[i].end - mods[i].start;
		copy_str(m->name, sizeof(m->name), mod_names[i]);
		for (paddr_t pa = mods[i].start; pa < mods[i].end; pa += PAGE_SIZE, mva += PAGE_SIZE) {
			boot_frame(pa, F_USER);
			boot_map(root, mva, pa, 0);
		}
		mva += PAGE_SIZE;	/* a guard page between modules */
	}

	paddr_t tpa = boot_alloc(PAGE_SIZE);
	boot_frame(tpa, F_THD);
	struct thread *t = pa2va(tpa);
	thread_init(t, root, NULL, entry, BOOTINFO_VADDR);
	give_root(root, ROOT_SLOT_COMP, (struct cap){ .type = CAP_COMP, .rights = RIGHT_ALL, .obj = root });
	give_root(root, ROOT_SLOT_THD, (struct cap){ .type = CAP_THD, .rights = RIGHT_ALL, .obj = t });
	give_root(root, ROOT_SLOT_TIMER, (struct cap){ .type = CAP_TIMER, .rights = RIGHT_ALL });
	give_root(root, ROOT_SLOT_MACHINE, (struct cap){ .type = CAP_MACHINE, .rights = RIGHT_ALL });

	/* Everything not used so far is the root's untyped memory. */
	word_t free_frames = 0;
	for (int i = alloc_region; i < nram && bi->n_untyped < BOOT_UNTYPED_MAX; i++) {
		paddr_t s = i == alloc_region && alloc_cursor > ram[i].start ? alloc_cursor : ram[i].start;
		if (s < (1u << 20) || s >= ram[i].end)
			continue;
		word_t n = (ram[i].end - s) >> PAGE_SHIFT;
		frame_set_untyped(s, n);
		give_root(root, ROOT_SLOT_UNTYPED + (int)bi->n_untyped,
			  (struct cap){ .type = CAP_UNTYPED, .rights = RIGHT_ALL, .d0 = s >> PAGE_SHIFT, .d1 = n });
		bi->untyped_frames[bi->n_untyped++] = n;
		free_frames += n;
	}
	printk("kernel: %lu MiB RAM, %lu MiB untyped, TSC %lu MHz, PCID %s\n",
	       total >> 20, free_frames >> 8, tsc_hz / 1000000, cpu_has_pcid ? "on" : "off");
	printk("kernel: root component %s, %d boot modules, command line \"%s\"\n",
	       mod_names[0], nmods - 1, cmdline);
	cpu_enter_first(t);
}
