/*
 * pciconform: conformance tests of the PCI hypercalls (lib/rumpuser/pci.c)
 * without a rump kernel, on QEMU's real virtio-net device granted by the
 * composition (compose/test-pci.comp: pci=1af4:1000). It plays the rump
 * kernel, with upcalls that track which thread holds the virtual CPU, and
 * drives the device the way NetBSD's drivers would: configuration space
 * (the granted function only; a BAR's size probe; writes refused), BARs
 * mapped and reached, ports, DMA memory (contiguous, aligned, physical
 * addresses the device itself uses, given back and reused) and the
 * interrupt: a legacy virtio transmit whose interrupt runs the handler on
 * a thread holding the virtual CPU. A second instance (arg=snoop) is a
 * component without the device: its in/out on the device's ports faults,
 * is reported, and everything else goes on.
 */
#include "r2c.h"
#include "r2c/vio.h"
#include "r2c/rumpuser.h"
#include "r2c/rumpcomp_pci.h"
#include "../../lib/rumpuser/rumpuser_int.h"

/* --- the snoop: in from a port it was not granted ------------------------ */

static word_t pciconform_snoop(word_t a0, word_t a1, word_t a2, word_t a3, struct r2c_inv *inv)
{
	(void)a1, (void)a2, (void)a3, (void)inv;
	return inb(a0);
}
R2C_ENTRY(pciconform_snoop);

/* --- the rump kernel's part: one virtual CPU, who holds it ---------------- */

static volatile word_t cpu_holder;
static volatile int misuse;

static void hyp_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	(void)nlocks, (void)interlock;
	if (cpu_holder != r2c_self())
		misuse++;
	cpu_holder = 0;
	*countp = 0;
}

static void hyp_backend_schedule(int nlocks, void *interlock)
{
	(void)nlocks, (void)interlock;
	while (cpu_holder)		/* the one CPU: wait for it */
		r2c_sched_yield();
	cpu_holder = r2c_self();
}

static void hyp_schedule(void) { hyp_backend_schedule(0, NULL); }
static void hyp_unschedule(void) { int n; hyp_backend_unschedule(0, &n, NULL); }
static volatile int lwps;
static int hyp_lwproc_newlwp(rump_pid_t pid) { (void)pid; lwps++; return 0; }

static const struct rumpuser_hyperup hyp = {
	.hyp_schedule = hyp_schedule,
	.hyp_unschedule = hyp_unschedule,
	.hyp_backend_unschedule = hyp_backend_unschedule,
	.hyp_backend_schedule = hyp_backend_schedule,
	.hyp_lwproc_newlwp = hyp_lwproc_newlwp,
};

static unsigned bus, dev, fun;

static unsigned rd(int reg)
{
	unsigned v = 0;
	rumpcomp_pci_confread(bus, dev, fun, reg, &v);
	return v;
}

static void test_config(void)
{
	const struct cinfo_pci *p = &r2c_env->pci;
	r2c_check("pci.granted", p->slot && p->id == VIRTIO_NET_ID, "cinfo: slot %lu, id 0x%lx", p->slot, p->id);
	bus = (unsigned)(p->bdf >> 8), dev = (unsigned)(p->bdf >> 3 & 31), fun = (unsigned)(p->bdf & 7);
	unsigned v = 0;
	CHECK_EQ("pci.confread_id", rumpcomp_pci_confread(bus, dev, fun, 0, &v) == 0 ? v : 0, VIRTIO_NET_ID);
	CHECK_EQ("pci.confread_class", rd(0x08) >> 16, 0x0200);	/* an Ethernet controller */
	r2c_check("pci.other_function_absent", rumpcomp_pci_confread(0, 0, 0, 0, &v) == 6 && v == 0xFFFFFFFFu,
		  "the host bridge read 0x%x", v);	/* ENXIO */
	CHECK_EQ("pci.other_function_write", rumpcomp_pci_confwrite(0, 1, 0, 0x04, 0), 6);
	CHECK_EQ("pci.confread_bad_register", rumpcomp_pci_confread(bus, dev, fun, 0x102, &v), 22);

	/* The size probe NetBSD makes of each BAR: ones, read, the address back. */
	unsigned bar0 = rd(0x10), bar4 = rd(0x20), bar5 = rd(0x24);
	rumpcomp_pci_confwrite(bus, dev, fun, 0x10, 0xFFFFFFFFu);
	unsigned m0 = rd(0x10);
	rumpcomp_pci_confwrite(bus, dev, fun, 0x10, bar0);
	CHECK_EQ("pci.bar_probe_io", m0, 0xFFFFFFE1u);	/* 32 ports */
	rumpcomp_pci_confwrite(bus, dev, fun, 0x20, 0xFFFFFFFFu);
	rumpcomp_pci_confwrite(bus, dev, fun, 0x24, 0xFFFFFFFFu);
	unsigned m4 = rd(0x20), m5 = rd(0x24);
	rumpcomp_pci_confwrite(bus, dev, fun, 0x20, bar4);
	rumpcomp_pci_confwrite(bus, dev, fun, 0x24, bar5);
	r2c_check("pci.bar_probe_memory_64", m4 == 0xFFFFC00Cu && m5 == 0xFFFFFFFFu, "0x%x 0x%x", m4, m5);
	r2c_check("pci.bar_probe_put_back", rd(0x10) == bar0 && rd(0x20) == bar4 && rd(0x24) == bar5,
		  "0x%x 0x%x 0x%x", rd(0x10), rd(0x20), rd(0x24));
	CHECK_EQ("pci.confwrite_bar_refused", rumpcomp_pci_confwrite(bus, dev, fun, 0x10, bar0 + 0x100), 1);	/* EPERM */
	unsigned cmd = rd(0x04) & 0xFFFF;
	CHECK_EQ("pci.confwrite_command", rumpcomp_pci_confwrite(bus, dev, fun, 0x04, cmd | 0x7), 0);
	CHECK_EQ("pci.command_on", rd(0x04) & 0x7, 0x7);
	CHECK_EQ("pci.iospace", rumpcomp_pci_iospace_init(), 0);

	/* BAR 1 (MSI-X table) mapped: entry 0's vector control reads masked. */
	unsigned long bar1 = rd(0x14) & ~0xFu;
	volatile uint32_t *msix = rumpcomp_pci_map(bar1, 4096);
	r2c_check("pci.map_bar", msix && msix[3] == 1, "mapped at %p, vector control %u", (void *)msix,
		  msix ? msix[3] : 0);
	CHECK_EQ("pci.map_inside", rumpcomp_pci_map(bar1 + 16, 32) == (void *)((volatile char *)msix + 16), 1);
	CHECK_EQ("pci.map_beyond", rumpcomp_pci_map(bar1 + 4000, 200), NULL);
	CHECK_EQ("pci.map_no_bar", rumpcomp_pci_map(0xFEC00000ul, 4096), NULL);	/* the I/O APIC */
	CHECK_EQ("pci.ports", inb((bar0 & ~3u) + VIO_MAC), 0x52);
}

/* --- DMA and the interrupt ------------------------------------------------ */

static volatile int irqs, irq_with_cpu, irq_isr;
static word_t io;

static int handler(void *arg)
{
	irqs++;
	irq_with_cpu += cpu_holder == r2c_self() && arg == (void *)&irqs;
	irq_isr |= inb(io + VIO_ISR);		/* read: the device lowers its line */
	return 1;
}

/* Until the handler has run `n` times in all (at most 10 s), without the CPU. */
static void wait_irqs(int n)
{
	uint64_t end = r2c_tsc() + r2c_env->tsc_hz * 10;
	hyp_unschedule();
	while (irqs < n && r2c_tsc() < end)
		r2c_sleep_until(r2c_tsc() + r2c_env->tsc_hz / 1000);
	hyp_schedule();
}

static void test_dma_irq(void)
{
	unsigned long pa = 0, va = 0, pa2 = 0, va2 = 0;
	io = rd(0x10) & ~3u;
	CHECK_EQ("pci.dmalloc", rumpcomp_pci_dmalloc(3 * 4096, 4096, &pa, &va), 0);
	r2c_check("pci.dma_contiguous", rumpcomp_pci_virt_to_mach((void *)va) == pa &&
		  rumpcomp_pci_virt_to_mach((void *)(va + 4096 + 7)) == pa + 4096 + 7 &&
		  rumpcomp_pci_virt_to_mach((void *)(va + 8191)) == pa + 8191 && pa % 4096 == 0,
		  "pa 0x%lx, va 0x%lx", pa, va);
	CHECK_EQ("pci.dma_aligned_16k", rumpcomp_pci_dmalloc(5000, 16384, &pa2, &va2) == 0 && pa2 % 16384 == 0, 1);
	struct rumpcomp_pci_dmaseg seg = { pa2, 8192, va2 };
	void *kva = NULL;
	CHECK_EQ("pci.dmamem_map", rumpcomp_pci_dmamem_map(&seg, 1, 8192, &kva) == 0 && kva == (void *)va2, 1);
	word_t before = r2c_frames_free(&r2c_self_mem);
	rumpcomp_pci_dmafree(va2, 5000);
	unsigned long pa3 = 0, va3 = 0;
	r2c_check("pci.dma_given_back_reused", rumpcomp_pci_dmalloc(5000, 16384, &pa3, &va3) == 0 && va3 == va2 &&
		  pa3 == pa2 && r2c_frames_free(&r2c_self_mem) == before && *(volatile word_t *)va3 == 0,
		  "va 0x%lx then 0x%lx, %lu frames free then %lu", va2, va3, before, r2c_frames_free(&r2c_self_mem));
	static char frame[128] __attribute__((aligned(64)));	/* not DMA memory: an mbuf's kind */
	unsigned long fpa = rumpcomp_pci_virt_to_mach(frame);
	r2c_check("pci.virt_to_mach_any_memory", fpa && (fpa & 4095) == ((word_t)frame & 4095), "0x%lx", fpa);

	/* The interrupt: mapped, established on a thread of its own. */
	CHECK_EQ("pci.irq_map_other", rumpcomp_pci_irq_map(0, 0, 0, 11, 7), 6);
	CHECK_EQ("pci.irq_map", rumpcomp_pci_irq_map(bus, dev, fun, (int)(rd(0x3C) & 0xFF), 7), 0);
	CHECK_EQ("pci.irq_establish_bad_cookie", rumpcomp_pci_irq_establish(8, handler, (void *)&irqs), NULL);
	void *ih = rumpcomp_pci_irq_establish(7, handler, (void *)&irqs);
	r2c_check("pci.irq_establish", ih && lwps == 1, "cookie %p, %d lwps bound", ih, lwps);

	/* A legacy virtio transmit in that memory: the ring at pa, the frame anywhere. */
	outb(io + VIO_STATUS, 0);
	outb(io + VIO_STATUS, 3);
	outw(io + VIO_QUEUE_SEL, VIO_TXQ);
	word_t q = inw(io + VIO_QUEUE_SIZE);
	if (q > 256 || q < 2 || (q & (q - 1)))
		q = 2;
	volatile struct vring_desc *desc = (volatile struct vring_desc *)va;
	volatile uint16_t *avail = (volatile uint16_t *)(va + 16 * q);
	volatile uint16_t *used = (volatile uint16_t *)(va + R2C_PAGE_UP(16 * q + 6 + 2 * q));
	memset(frame, 0, 10);
	memset(frame + 10, 0xFF, 6);
	memcpy(frame + 16, "\x52\x54\x00\x12\x34\x56\x88\xb5pciconform", 18);
	for (int i = 0; i < 2; i++)
		desc[i] = (struct vring_desc){ fpa, 70, 0, 0 };
	outl(io + VIO_QUEUE_PFN, (uint32_t)(pa >> 12));
	outb(io + VIO_STATUS, 7);
	for (int k = 1; k <= 2; k++) {		/* twice: the line unmasked by the ack in between */
		avail[2 + k - 1] = (uint16_t)(k - 1);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail[1] = (uint16_t)k;
		outw(io + VIO_QUEUE_NOTIFY, VIO_TXQ);
		wait_irqs(k);
		CHECK_EQ(k == 1 ? "pci.irq_handler_ran" : "pci.irq_again", irqs, k);
	}
	r2c_check("pci.irq_handler_held_cpu", irq_with_cpu == irqs && irqs > 0 && !misuse,
		  "%d of %d with the CPU, misuse %d", irq_with_cpu, irqs, misuse);
	r2c_check("pci.dma_device_used", used[1] == 2 && (irq_isr & 1), "used index %u, ISR 0x%x", used[1], irq_isr);
	outb(io + VIO_STATUS, 0);		/* no more DMA */
}

/* --- someone else's ports --------------------------------------------------- */

static void test_snoop(void)
{
	word_t snoop = r2c_import_from("snoop", "pciconform_snoop");
	r2c_check("pci.snoop_imported", snoop != 0, "no snoop component");
	r2c_printf("EXPECT-FAULT snoop\n");
	CHECK_EQ("pci.other_component_faults", r2c_call(snoop, io + VIO_MAC, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("pci.ports_still_mine", inb(io + VIO_MAC), 0x52);
}

void r2c_main(word_t arg)
{
	(void)arg;
	if (!strcmp(r2c_env->arg, "snoop"))
		return;		/* serve pciconform_snoop */
	r2c_plan(36);
	CHECK_EQ("pci.rumpuser_init", rumpuser_init(RUMPUSER_VERSION, &hyp), 0);
	hyp_schedule();
	test_config();
	test_dma_irq();
	test_snoop();
	hyp_unschedule();
	r2c_printf("pciconform: PCI hypercall conformance: %d passed, %d failed\n", r2c_passed, r2c_failed);
}
