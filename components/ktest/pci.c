/*
 * The kernel tests of what a user-level driver gets (kernel/pcidev.c,
 * irq.c, arch/x86_64/ioport.c), on QEMU's virtio-net devices (the runner
 * boots the kernel tests with two: the first on QEMU's restricted user
 * network with no port forwarded, its frame ends there; the second alone
 * on a hub, never sending): the
 * PCIDEV capability and its grant rules, configuration reads and the
 * writes it refuses, the ports of an I/O BAR open to their holder only
 * (another component's in/out faults and is reported), DMA frames whose
 * physical address the device itself uses, and the device's interrupt
 * delivered to a bound end-point, masked until acked. A tiny legacy
 * virtio-net driver makes the device do it: reset, a transmit queue in
 * DMA memory, one frame, a kick through the granted port.
 */
#include "ktest.h"
#include "r2c/vio.h"
#include "../pong/pong.h"

#define NONE		(~0ul)
#define DMA_VA		0x28000000ull	/* the transmit ring (3 pages), then the frame's page */
#define DMA_PAGES	4
#define BAR_VA		0x28010000ull
#define RW		(RIGHT_READ | RIGHT_WRITE)
#define PCI_CMD_MASTER_BIT 0x4	/* the command register's bus mastering */

#define MAC0		0x56	/* QEMU's MACs: 52:54:00:12:34:56, then :57 */

static long grant(word_t machine, word_t holder, word_t slot, word_t bdf, word_t rights)
{
	return r2c_op(machine, MACHINE_PCIDEV, holder, slot, bdf, rights, 0, 0);
}
static long cfg_read(word_t cap, word_t reg) { return r2c_op(cap, PCIDEV_READ, reg, 0, 0, 0, 0, 0); }
static long cfg_write(word_t cap, word_t reg, word_t v) { return r2c_op(cap, PCIDEV_WRITE, reg, v, 0, 0, 0, 0); }
static long dma_addr(word_t cap, word_t va) { return r2c_op(cap, PCIDEV_DMA_ADDR, va, 0, 0, 0, 0, 0); }
static long machine_read(word_t bdf, word_t reg)
{
	return r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, reg, 0, 0, 0, 0);
}

word_t find_nic(int n)
{
	for (word_t dev = 0; dev < 32; dev++)
		if (machine_read(dev << 3, 0) == VIRTIO_NET_ID && n-- == 0)
			return dev << 3;
	return NONE;
}

/* Sends that reached my end-point within 5 s (0: none came). */
static long wait_irq(void)
{
	uint64_t end = r2c_tsc() + bi->tsc_hz * 5;
	long n;
	while (!(n = r2c_rcv(RCV_NONBLOCK)) && r2c_tsc() < end)
		;
	return n;
}

/* Sends that came while I asked 2,000 times: a line that fires again at
 * once (not masked, or the wrong polarity) shows here. */
static long quiet(void)
{
	long n = 0;
	for (int i = 0; i < 2000; i++)
		n += r2c_rcv(RCV_NONBLOCK);
	return n;
}

static void test_grant(word_t nic, word_t nic2, word_t cap, word_t cap2)
{
	word_t weak = r2c_slot_alloc(&mem);
	r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_MACHINE, weak, RIGHT_READ);
	CHECK_EQ("pcidev.needs_admin", grant(weak, 0, cap, nic, RW), -EPERM);
	r2c_slot_delete(&mem, weak);
	CHECK_EQ("pcidev.no_function", grant(ROOT_SLOT_MACHINE, 0, cap, 31 << 3, RW), -EINVAL);
	CHECK_EQ("pcidev.bad_function", grant(ROOT_SLOT_MACHINE, 0, cap, 0x10000, RW), -EINVAL);
	CHECK_EQ("pcidev.bad_rights", grant(ROOT_SLOT_MACHINE, 0, cap, nic, RIGHT_GRANT), -EINVAL);
	CHECK_EQ("pcidev.holder_not_comp", grant(ROOT_SLOT_MACHINE, ROOT_SLOT_TIMER, cap, nic, RW), -EBADF);
	CHECK_EQ("pcidev.slot_taken", grant(ROOT_SLOT_MACHINE, 0, ROOT_SLOT_TIMER, nic, RW), -EEXIST);
	CHECK_EQ("pcidev.grant", grant(ROOT_SLOT_MACHINE, 0, cap, nic, RW), 0);
	CHECK_EQ("pcidev.type", r2c_op(ROOT_SLOT_COMP, COMP_CAP_TYPE, cap, 0, 0, 0, 0, 0), CAP_PCIDEV);
	CHECK_EQ("pcidev.one_holder", grant(ROOT_SLOT_MACHINE, 0, cap2, nic, RW), -EBUSY);
	CHECK_EQ("pcidev.not_copyable", r2c_grant(ROOT_SLOT_COMP, cap, cap2, RIGHT_ALL), -EPERM);
	CHECK_EQ("pcidev.read_only", grant(ROOT_SLOT_MACHINE, 0, cap2, nic2, RIGHT_READ), 0);
	CHECK_EQ("pcidev.read_only_reads", cfg_read(cap2, 0), VIRTIO_NET_ID);
	CHECK_EQ("pcidev.read_only_writes_not", cfg_write(cap2, 0x04, (word_t)cfg_read(cap2, 0x04) & 0xFFFF), -EPERM);
	CHECK_EQ("pcidev.bad_op", r2c_op(cap, 99, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("pcidev.dma_needs_right", dma_addr(cap, 0x400000), -EPERM);
	CHECK_EQ("pcidev.bind_needs_asnd", r2c_op(cap, PCIDEV_IRQ_BIND, ROOT_SLOT_TIMER, 0, 0, 0, 0, 0), -EBADF);
	CHECK_EQ("pcidev.ack_unbound", r2c_op(cap, PCIDEV_IRQ_ACK, 0, 0, 0, 0, 0, 0), -EINVAL);
	r2c_slot_delete(&mem, cap2);
	CHECK_EQ("pcidev.given_back", grant(ROOT_SLOT_MACHINE, 0, cap2, nic2, RW), 0);
	r2c_slot_delete(&mem, cap2);
}

static void test_config(word_t nic, word_t cap)
{
	CHECK_EQ("pcicfg.read_id", cfg_read(cap, 0), VIRTIO_NET_ID);
	CHECK_EQ("pcicfg.read_unaligned", cfg_read(cap, 2), -EINVAL);
	CHECK_EQ("pcicfg.read_past_end", cfg_read(cap, 0x100), -EINVAL);
	word_t bar0 = (word_t)cfg_read(cap, 0x10), bar4 = (word_t)cfg_read(cap, 0x20);
	struct r2c_ret b = r2c_sys(cap, PCIDEV_BAR, 0, 0, 0, 0, 0, 0);
	r2c_check("pcicfg.bar_io", b.status == 32 && b.r0 == (bar0 & 0xFFFC) && b.r1 == PCIDEV_BAR_IO,
		  "%ld bytes at 0x%lx, flags 0x%lx (register 0x%lx)", b.status, b.r0, b.r1, bar0);
	b = r2c_sys(cap, PCIDEV_BAR, 4, 0, 0, 0, 0, 0);
	r2c_check("pcicfg.bar_memory_64", b.status == 16384 && b.r0 == (bar4 & ~0xFul) &&
		  b.r1 == (PCIDEV_BAR_MEM | PCIDEV_BAR_64 | PCIDEV_BAR_PREFETCH),
		  "%ld bytes at 0x%lx, flags 0x%lx", b.status, b.r0, b.r1);
	CHECK_EQ("pcicfg.bar_upper_half", r2c_op(cap, PCIDEV_BAR, 5, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("pcicfg.bar_index", r2c_op(cap, PCIDEV_BAR, 6, 0, 0, 0, 0, 0), -EINVAL);

	/* Writes that would move a BAR, the ROM or the line: refused, nothing changed. */
	CHECK_EQ("pcicfg.bar_move_refused", cfg_write(cap, 0x10, 0x1001), -EPERM);
	CHECK_EQ("pcicfg.bar_sizing_refused", cfg_write(cap, 0x20, 0xFFFFFFFF), -EPERM);
	CHECK_EQ("pcicfg.bar_upper_half_refused", cfg_write(cap, 0x24, 1), -EPERM);
	r2c_check("pcicfg.bars_unchanged", machine_read(nic, 0x10) == (long)bar0 && machine_read(nic, 0x20) == (long)bar4 &&
		  machine_read(nic, 0x24) == 0, "BAR 0 0x%lx, BAR 4 0x%lx", machine_read(nic, 0x10), machine_read(nic, 0x20));
	CHECK_EQ("pcicfg.bar_same_value", cfg_write(cap, 0x10, bar0), 0);
	CHECK_EQ("pcicfg.rom_refused", cfg_write(cap, 0x30, (word_t)cfg_read(cap, 0x30) ^ 0xFFFFF801), -EPERM);
	word_t line = (word_t)cfg_read(cap, 0x3C);
	CHECK_EQ("pcicfg.line_refused", cfg_write(cap, 0x3C, (line & ~0xFFul) | ((line + 1) & 0xFF)), -EPERM);
	CHECK_EQ("pcicfg.line_same_value", cfg_write(cap, 0x3C, line), 0);
	word_t cmd = (word_t)cfg_read(cap, 0x04) & 0xFFFF;
	CHECK_EQ("pcicfg.bus_master_needs_dma", cfg_write(cap, 0x04, cmd | PCI_CMD_MASTER_BIT), -EPERM);
	CHECK_EQ("pcicfg.command", cfg_write(cap, 0x04, (cmd & ~PCI_CMD_MASTER_BIT) | 3), 0);
	CHECK_EQ("pcicfg.command_written", machine_read(nic, 0x04) & 0x7, 3);
}

/* pongD: a component of its own, to show ports are its holder's only;
 * pongE invokes it. */
static struct r2c_comp pd, pe;
static word_t port_d, copy_d, after_e;

static long d_in(word_t port) { return r2c_call(port_d, port, 0, 0, 0); }

static void test_ports(word_t nic, word_t nic2, word_t io)
{
	word_t io2 = (word_t)machine_read(nic2, 0x10) & 0xFFFC;
	CHECK_EQ("ports.holder", inb(io + VIO_MAC + 5), MAC0);
	expect_fault("pongD");
	CHECK_EQ("ports.others_fault", d_in(io + VIO_MAC + 5), INV_FAULTED);
	CHECK_EQ("ports.holder_after", inb(io + VIO_MAC + 5), MAC0);
	expect_fault("pongD");
	CHECK_EQ("ports.pci_configuration_never", d_in(0xCFC), INV_FAULTED);
	expect_fault("pongD");
	CHECK_EQ("ports.debug_exit_never", r2c_call(port_d, 0xF4, 1, 1, 0), INV_FAULTED);	/* would halt QEMU */

	/* pongD holds the second NIC: its ports, and only they, are open to it;
	 * each holder in turn takes the bitmap back. */
	CHECK_EQ("ports.grant_to_component", grant(ROOT_SLOT_MACHINE, pd.slot, PONG_SLOT_DEV, nic2, RW), 0);
	CHECK_EQ("ports.component_holder", d_in(io2 + VIO_MAC + 5), MAC0 + 1);
	expect_fault("pongD");
	CHECK_EQ("ports.component_only_its_own", d_in(io + VIO_MAC + 5), INV_FAULTED);
	CHECK_EQ("ports.root_again", inb(io + VIO_MAC + 5), MAC0);
	expect_fault("pongD");
	CHECK_EQ("ports.not_the_invokers", d_in(io + VIO_MAC + 5), INV_FAULTED);	/* entered from the root, its owner */
	expect_fault("pongE");
	CHECK_EQ("ports.not_the_invoked", r2c_call(after_e, io2 + VIO_MAC + 5, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("ports.component_again", d_in(io2 + VIO_MAC + 5), MAC0 + 1);
	expect_fault("pongD");
	CHECK_EQ("ports.past_its_bar", d_in(io2 + 32), INV_FAULTED);
	CHECK_EQ("ports.faulted_component_serves", r2c_call(copy_d, SELF_TID, 0, 0, 0) > 0, 1);
	CHECK_EQ("ports.holder_comp_released", r2c_op(pd.slot, COMP_CAP_DELETE, PONG_SLOT_DEV, 0, 0, 0, 0, 0), 0);
	expect_fault("pongD");
	CHECK_EQ("ports.closed_on_release", d_in(io2 + VIO_MAC + 5), INV_FAULTED);
	(void)nic;
}

/* DMA frames and the interrupt, through a one-frame legacy virtio-net transmit. */
static void test_dma_irq(word_t nic, word_t cap, word_t io)
{
	long first = r2c_frame_alloc(&mem, DMA_PAGES);
	bool mapped = first >= 0;
	for (word_t k = 0; mapped && k < DMA_PAGES; k++)
		mapped = !r2c_map_frame(&mem, ROOT_SLOT_COMP, DMA_VA + k * 4096, (word_t)first + k, MAP_WRITE);
	CHECK_EQ("dma.frames", mapped, 1);
	word_t base = r2c_sys(ROOT_SLOT_UNTYPED, UT_INFO, 0, 0, 0, 0, 0, 0).r0, bad = 0;
	for (word_t k = 0; k < DMA_PAGES; k++)
		bad += dma_addr(cap, DMA_VA + k * 4096 + 8) != (long)(base + ((word_t)first + k) * 4096 + 8);
	r2c_check("dma.physical_contiguous", mapped && bad == 0, "%lu pages not where UT_INFO says", bad);
	CHECK_EQ("dma.unmapped", dma_addr(cap, DMA_VA + DMA_PAGES * 4096), -EFAULT);
	CHECK_EQ("dma.kernel_address", dma_addr(cap, 0xFFFF800000001000ull), -EFAULT);
	word_t dm = r2c_slot_alloc(&mem), weak = r2c_slot_alloc(&mem);
	long e = r2c_op(ROOT_SLOT_MACHINE, MACHINE_DEVMEM, dm, nic, 1, 0, 0, 0);
	while (!e && (e = r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, BAR_VA, dm, 0, 0, 0, 0)) == -ENXIO)
		r2c_op(ROOT_SLOT_COMP, COMP_PGTBL_ADD, BAR_VA, ROOT_SLOT_UNTYPED, (word_t)r2c_frame_alloc(&mem, 1), 0, 0, 0);
	CHECK_EQ("dma.device_memory", e ? e : dma_addr(cap, BAR_VA), -EFAULT);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, BAR_VA, 0, 0, 0, 0, 0);
	r2c_slot_delete(&mem, dm);
	r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_UNTYPED, weak, RIGHT_READ | RIGHT_WRITE);
	struct r2c_ret ui = r2c_sys(weak, UT_INFO, 0, 0, 0, 0, 0, 0);
	r2c_check("dma.untyped_base_needs_admin", ui.status > 0 && ui.r0 == 0, "%ld frames, base 0x%lx", ui.status, ui.r0);
	r2c_slot_delete(&mem, weak);

	/* The driver: reset, acknowledge, no features, the transmit queue. */
	outb(io + VIO_STATUS, 0);
	outb(io + VIO_STATUS, VIO_ACK | VIO_DRIVER);
	outl(io + VIO_GUEST_FEATURES, 0);
	outw(io + VIO_QUEUE_SEL, VIO_TXQ);
	word_t q = inw(io + VIO_QUEUE_SIZE);
	r2c_check("virtio.tx_queue", q >= 2 && q <= 256 && !(q & (q - 1)), "queue size %lu", q);
	if (q > 256 || q < 2)
		q = 2;
	volatile struct vring_desc *desc = (volatile struct vring_desc *)DMA_VA;
	volatile uint16_t *avail = (volatile uint16_t *)(DMA_VA + 16 * q);
	word_t used_off = R2C_PAGE_UP(16 * q + 6 + 2 * q);
	volatile uint16_t *used = (volatile uint16_t *)(DMA_VA + used_off);
	volatile struct vring_used_elem *uring = (volatile struct vring_used_elem *)(DMA_VA + used_off + 4);
	unsigned char *frame = (unsigned char *)(DMA_VA + 3 * 4096);
	memset(frame, 0, 10);				/* the legacy virtio-net header: nothing to offload */
	memset(frame + 10, 0xFF, 6);			/* broadcast, of a type no one takes */
	memcpy(frame + 16, "\x52\x54\x00\x12\x34\x56\x88\xb5", 8);
	memcpy(frame + 24, "rump2cos kernel test frame", 26);
	desc[0] = (struct vring_desc){ (uint64_t)dma_addr(cap, (word_t)frame), 70, 0, 0 };
	avail[2] = 0;					/* ring[0]: descriptor 0, made available below */
	outl(io + VIO_QUEUE_PFN, (uint32_t)((word_t)dma_addr(cap, DMA_VA) >> 12));
	CHECK_EQ("virtio.bus_master", cfg_write(cap, 0x04, ((word_t)cfg_read(cap, 0x04) & 0xFFFF) | PCI_CMD_MASTER_BIT), 0);
	outb(io + VIO_STATUS, VIO_ACK | VIO_DRIVER | VIO_DRIVER_OK);

	/* Its interrupt, bound to my own end-point. */
	word_t asnd = r2c_slot_alloc(&mem), taken = asnd;
	CHECK_EQ("irq.asnd_self", r2c_op(CAP_SELF, SELF_ASND_CREATE, asnd, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("irq.asnd_self_taken", r2c_op(CAP_SELF, SELF_ASND_CREATE, taken, 0, 0, 0, 0, 0), -EEXIST);
	CHECK_EQ("irq.asnd_self_in_invocation", r2c_call(copy_d, SELF_ASND_CREATE, 30, 0, 0), -EPERM);
	r2c_rcv(RCV_NONBLOCK);
	r2c_asnd(asnd, 0);
	CHECK_EQ("irq.asnd_self_sends", r2c_rcv(RCV_NONBLOCK), 1);
	long line = r2c_op(cap, PCIDEV_IRQ_BIND, asnd, 0, 0, 0, 0, 0);
	r2c_check("irq.bind", line > 0 && line < 24 && line == (cfg_read(cap, 0x3C) & 0xFF), "line %ld, register 0x3C 0x%lx",
		  line, cfg_read(cap, 0x3C));
	CHECK_EQ("irq.quiet_before_the_device", quiet(), 0);	/* the wrong polarity fires at once */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail[1] = 1;					/* idx: the frame is the device's */
	outw(io + VIO_QUEUE_NOTIFY, VIO_TXQ);
	CHECK_EQ("irq.delivered", wait_irq(), 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r2c_check("dma.device_used_the_addresses", used[1] == 1 && uring[0].id == 0,
		  "used index %u, element %u (the device read the ring and the frame at their physical addresses)",
		  used[1], uring[0].id);
	CHECK_EQ("irq.masked_until_ack", quiet(), 0);
	CHECK_EQ("irq.ack", r2c_op(cap, PCIDEV_IRQ_ACK, 0, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("irq.level_again_after_ack", wait_irq(), 1);	/* not serviced: the line is still up */
	long storm = 0;
	for (int i = 0, n = 1; i < 1000 && n; i++) {
		r2c_op(cap, PCIDEV_IRQ_ACK, 0, 0, 0, 0, 0, 0);
		storm += n = wait_irq();
	}
	CHECK_EQ("irq.storm_one_per_ack", storm, 1000);
	CHECK_EQ("irq.unbind", r2c_op(cap, PCIDEV_IRQ_BIND, 0, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("irq.ack_after_unbind", r2c_op(cap, PCIDEV_IRQ_ACK, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("irq.unbound_line_quiet", quiet(), 0);
	CHECK_EQ("irq.rebind", r2c_op(cap, PCIDEV_IRQ_BIND, asnd, 0, 0, 0, 0, 0), line);
	CHECK_EQ("irq.rebound_line_still_up", wait_irq(), 1);
	CHECK_EQ("virtio.isr", inb(io + VIO_ISR) & 1, 1);	/* reading it lowers the line */
	r2c_op(cap, PCIDEV_IRQ_ACK, 0, 0, 0, 0, 0, 0);
	CHECK_EQ("irq.quiet_once_serviced", quiet(), 0);

	/* Give everything back: device reset (no more DMA), line, frames. */
	outb(io + VIO_STATUS, 0);
	r2c_slot_delete(&mem, cap);
	CHECK_EQ("pcidev.release_stops_bus_mastering", machine_read(nic, 0x04) & PCI_CMD_MASTER_BIT, 0);
	r2c_slot_delete(&mem, asnd);
	for (word_t k = 0; k < DMA_PAGES; k++)
		r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, DMA_VA + k * 4096, 0, 0, 0, 0, 0);
	word_t before = r2c_frames_free(&mem), untyped = 0;
	if (first >= 0)
		r2c_frame_free(&mem, (word_t)first, DMA_PAGES);
	CHECK_EQ("dma.frames_back", r2c_frames_free(&mem), before + DMA_PAGES);
	for (word_t k = 0; first >= 0 && k < DMA_PAGES; k++) {
		struct r2c_ret f = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, (word_t)first + k, 0, 0, 0, 0, 0);
		untyped += f.status == FRAME_UNTYPED && f.r0 == 0;
	}
	CHECK_EQ("dma.frames_untyped_again", untyped, DMA_PAGES);
}

void test_pci(void)
{
	word_t nic = find_nic(0), nic2 = find_nic(1);
	r2c_check("pci.two_nics", nic != NONE && nic2 != NONE,
		  "fewer than two virtio-net devices on bus 0 (tools/qemu-run --net none --net-hub 1)");
	if (nic == NONE || nic2 == NONE)
		return;
	if (load("pong.elf", "pongD", &pd) || r2c_comp_export(&mem, &pd, "pong_port", 0, &port_d) ||
	    r2c_comp_export(&mem, &pd, "pong_copy", 0, &copy_d) || load("pong.elf", "pongE", &pe) ||
	    r2c_comp_export(&mem, &pe, "pong_port_after", 0, &after_e) || r2c_grant(pe.slot, port_d, PONG_SLOT_NEXT, RIGHT_READ))
		return;
	word_t cap = r2c_slot_alloc(&mem), cap2 = r2c_slot_alloc(&mem);
	test_grant(nic, nic2, cap, cap2);
	test_config(nic, cap);
	word_t io = (word_t)cfg_read(cap, 0x10) & 0xFFFC;
	test_ports(nic, nic2, io);
	r2c_slot_delete(&mem, cap);
	CHECK_EQ("pcidev.grant_with_dma", grant(ROOT_SLOT_MACHINE, 0, cap, nic, RW | RIGHT_DMA), 0);
	test_dma_irq(nic, cap, io);
}
