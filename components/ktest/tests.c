/*
 * The kernel's in-guest tests, run by the root component: every check
 * prints one PASS/FAIL line. They cover boot, memory, capability misuse,
 * device memory and PCI reads, isolation, invocation, faults, threads, scheduling events, asynchronous
 * end-points, the timer, per-thread CPU state, and a system-call fuzzer.
 */
#include "ktest.h"
#include "elf/elf.h"
#include "../pong/pong.h"
#include "../fuzz/fuzz.h"

#define DEMAND_VA 0x50000000ull		/* pongB's fault handler maps this on demand */
#define SCRATCH_VA 0x20000000ull	/* root's own scratch pages */
#define RUN_END 0x38000000ull		/* where the runs of test_map_run end: a 2 MiB table's end */

static struct r2c_comp pa, pb, pc;
static word_t echo_a, nest_a, recurse_a, peek_a, poke_a, div_a, ud_a, peek_b;

static word_t frame(void)
{
	long f = r2c_frame_alloc(&mem, 1);
	return f < 0 ? (word_t)-1 : (word_t)f;
}

/* Run thread `thd` until a timer tick preempts it (it must neither end nor
 * block first). The dispatch carries the token read before the tick was
 * armed, so a tick that comes before the thread runs (a host that stalls
 * the guest) makes it stale (-EAGAIN) instead of lost, and we try again. */
static long run_until_tick(word_t thd, uint64_t delta)
{
	long d;
	do {
		r2c_rcv(RCV_NONBLOCK);
		word_t tok = drain_events();
		r2c_op(ROOT_SLOT_TIMER, TIMER_SET, r2c_tsc() + delta, 0, 0, 0, 0, 0);
		d = r2c_dispatch(thd, tok);
	} while (d == -EAGAIN);
	drain_events();
	return d;
}

/* --- boot and memory ---------------------------------------------------- */

static void test_boot(void)
{
	r2c_check("boot.info", bi->magic == BOOTINFO_MAGIC, "bad bootinfo magic 0x%lx", bi->magic);
	r2c_check("boot.tsc", bi->tsc_hz > 100000000ull && bi->tsc_hz < 10000000000ull,
		  "implausible TSC frequency %lu Hz", bi->tsc_hz);
	long hz = r2c_op(ROOT_SLOT_MACHINE, MACHINE_TSC_HZ, 0, 0, 0, 0, 0, 0);
	CHECK_EQ("boot.tsc_call", hz, bi->tsc_hz);
	r2c_check("boot.cmdline", !strncmp(bi->cmdline, "ktest", 5), "command line \"%s\"", bi->cmdline);
	r2c_check("boot.wall_clock", bi->wall_seconds > 1577836800ull && bi->wall_seconds < 4102444800ull,
		  "battery clock says %lu s since 1970", bi->wall_seconds);
}

static void test_memory_map(void)
{
	word_t frames = 0;
	for (word_t i = 0; i < bi->n_untyped; i++)
		frames += bi->untyped_frames[i];
	r2c_check("mem.map", bi->mem_total >= 256ull << 20 && bi->n_untyped >= 1,
		  "%lu bytes of RAM in %lu untyped ranges", bi->mem_total, bi->n_untyped);
	r2c_check("mem.untyped_within_ram", frames > 0 && frames * 4096 < bi->mem_total,
		  "%lu untyped frames for %lu bytes of RAM", frames, bi->mem_total);
	struct r2c_ret r = r2c_sys(ROOT_SLOT_UNTYPED, UT_INFO, 0, 0, 0, 0, 0, 0);
	CHECK_EQ("mem.untyped_info", r.status, bi->untyped_frames[0]);
	r2c_check("mem.untyped_above_1m", r.r0 >= 1u << 20, "untyped starts at 0x%lx", r.r0);

	/* A mapped page is zeroed, readable and writable by me. */
	long err = r2c_map(&mem, ROOT_SLOT_COMP, SCRATCH_VA, MAP_WRITE);
	volatile word_t *p = (volatile word_t *)SCRATCH_VA;
	CHECK_EQ("mem.map_page", err, 0);
	word_t z = p[0] | p[511];
	p[3] = 0x1234;
	r2c_check("mem.page_zero_rw", z == 0 && p[3] == 0x1234, "page read 0x%lx", z);
}

/* COMP_MAP_RUN: a run of frames in one call stops at the first page it
 * cannot map and says how many it did; out-of-bounds lengths are
 * refused; r2c_map_pages adds the page tables a run lacks. */
static void test_map_run(void)
{
	CHECK_EQ("mem.map_run_table", r2c_map(&mem, ROOT_SLOT_COMP, RUN_END - 3 * 4096, MAP_WRITE), 0);
	long f = r2c_frame_alloc(&mem, 4);
	CHECK_EQ("mem.map_run_empty", r2c_op(ROOT_SLOT_COMP, COMP_MAP_RUN, RUN_END - 2 * 4096, mem.ut_slot,
					     (word_t)f, MAP_WRITE, 0, 0), -EINVAL);
	CHECK_EQ("mem.map_run_too_long", r2c_op(ROOT_SLOT_COMP, COMP_MAP_RUN, RUN_END - 2 * 4096, mem.ut_slot,
						(word_t)f, MAP_WRITE, COMP_MAP_RUN_MAX + 1, 0), -EINVAL);
	CHECK_EQ("mem.map_run_to_missing_table", r2c_op(ROOT_SLOT_COMP, COMP_MAP_RUN, RUN_END - 2 * 4096,
							mem.ut_slot, (word_t)f, MAP_WRITE, 4, 0), 2);
	CHECK_EQ("mem.map_run_to_mapped", r2c_op(ROOT_SLOT_COMP, COMP_MAP_RUN, RUN_END - 4 * 4096, mem.ut_slot,
						 (word_t)f + 2, MAP_WRITE, 2, 0), 1);
	CHECK_EQ("mem.map_run_first_mapped", r2c_op(ROOT_SLOT_COMP, COMP_MAP_RUN, RUN_END - 3 * 4096,
						    mem.ut_slot, (word_t)f + 3, MAP_WRITE, 1, 0), -EEXIST);
	CHECK_EQ("mem.map_pages", r2c_map_pages(&mem, ROOT_SLOT_COMP, RUN_END - 4 * 4096, 0, MAP_WRITE), 0);
	CHECK_EQ("mem.map_pages_across_tables",
		 r2c_map_pages(&mem, ROOT_SLOT_COMP, RUN_END, COMP_MAP_RUN_MAX + 2, MAP_WRITE), COMP_MAP_RUN_MAX + 2);
	volatile word_t *p = (volatile word_t *)(RUN_END - 4 * 4096);
	word_t z = 0;
	for (word_t i = 0; i < (COMP_MAP_RUN_MAX + 6) * 512; i++)
		z |= p[i];
	p[512 * (COMP_MAP_RUN_MAX + 5)] = 7;
	r2c_check("mem.map_run_zero_rw", z == 0 && p[512 * (COMP_MAP_RUN_MAX + 5)] == 7, "read 0x%lx", z);
}

/* --- capabilities ------------------------------------------------------- */

static void test_caps(void)
{
	word_t s = r2c_slot_alloc(&mem), s2 = r2c_slot_alloc(&mem);
	CHECK_EQ("cap.empty_slot", r2c_op(s, 0, 0, 0, 0, 0, 0, 0), -ENOENT);
	CHECK_EQ("cap.out_of_range", r2c_op(100000, 0, 0, 0, 0, 0, 0, 0), -ERANGE);
	CHECK_EQ("cap.out_of_range_high", r2c_op(0xFFFFFFFF, 0, 0, 0, 0, 0, 0, 0), -ERANGE);
	CHECK_EQ("cap.bad_op", r2c_op(ROOT_SLOT_TIMER, 99, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("cap.self_bad_op", r2c_op(CAP_SELF, 99, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("cap.wrong_type_untyped", r2c_op(ROOT_SLOT_COMP, COMP_MAP, SCRATCH_VA + 4096,
						  ROOT_SLOT_MACHINE, 0, 0, 0, 0), -EBADF);
	CHECK_EQ("cap.wrong_type_comp", r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, frame(), CAP_THD, s,
					       ROOT_SLOT_TIMER, 0x400000, 0), -EBADF);
	CHECK_EQ("cap.return_without_call", r2c_op(CAP_SELF, SELF_RETURN, 0, 0, 0, 0, 0, 0), -EINVAL);

	/* Copy with fewer rights, use, delete. */
	CHECK_EQ("cap.copy", r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_MACHINE, s, RIGHT_READ), 0);
	CHECK_EQ("cap.copy_type", r2c_op(ROOT_SLOT_COMP, COMP_CAP_TYPE, s, 0, 0, 0, 0, 0), CAP_MACHINE);
	CHECK_EQ("cap.copy_onto_full", r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_MACHINE, s, RIGHT_ALL), -EEXIST);
	CHECK_EQ("cap.rights_halt", r2c_op(s, MACHINE_HALT, 3, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ("cap.rights_grant", r2c_grant(ROOT_SLOT_COMP, s, s2, RIGHT_ALL), -EPERM);
	CHECK_EQ("cap.reduced_still_works", r2c_op(s, MACHINE_TSC_HZ, 0, 0, 0, 0, 0, 0), bi->tsc_hz);
	CHECK_EQ("cap.delete", r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("cap.use_after_delete", r2c_op(s, MACHINE_TSC_HZ, 0, 0, 0, 0, 0, 0), -ENOENT);
	CHECK_EQ("cap.delete_empty", r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0), -ENOENT);
	CHECK_EQ("cap.delete_slot0", r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, 0, 0, 0, 0, 0, 0), -ERANGE);
	CHECK_EQ("cap.copy_to_slot0", r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_MACHINE, 0, RIGHT_ALL), -ERANGE);

	/* Untyped memory: a frame has one type at a time. */
	word_t f = frame();
	CHECK_EQ("ut.map", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x1000, f, MAP_WRITE), 0);
	CHECK_EQ("ut.retype_mapped", r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, f, CAP_THD, s,
					    ROOT_SLOT_COMP, 0x400000, 0), -EBUSY);
	CHECK_EQ("ut.free_mapped", r2c_op(ROOT_SLOT_UNTYPED, UT_FREE, f, 0, 0, 0, 0, 0), -EBUSY);
	CHECK_EQ("ut.map_twice", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x1000, f, 0), -EEXIST);
	CHECK_EQ("ut.unmap", r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, SCRATCH_VA + 0x1000, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("ut.unmap_again", r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, SCRATCH_VA + 0x1000, 0, 0, 0, 0, 0), -ENOENT);
	CHECK_EQ("ut.free", r2c_op(ROOT_SLOT_UNTYPED, UT_FREE, f, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("ut.out_of_range", r2c_op(ROOT_SLOT_COMP, COMP_MAP, SCRATCH_VA + 0x2000, ROOT_SLOT_UNTYPED,
					   bi->untyped_frames[0], 0, 0, 0), -EINVAL);
	CHECK_EQ("ut.kernel_va", r2c_map_frame(&mem, ROOT_SLOT_COMP, 0xFFFF800000000000ull, frame(), 0), -EINVAL);
	CHECK_EQ("ut.unaligned_va", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 12, frame(), 0), -EINVAL);
	CHECK_EQ("ut.bad_flags", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x3000, frame(), 0x100), -EINVAL);

	/* A frame holding a kernel object can never be mapped. */
	long c = r2c_frame_alloc(&mem, COMP_FRAMES);
	CHECK_EQ("ut.retype_comp", r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, (word_t)c, CAP_COMP, s, 0, 0, 0), 0);
	CHECK_EQ("ut.frame_type_comp", r2c_op(ROOT_SLOT_UNTYPED, UT_FRAME, (word_t)c, 0, 0, 0, 0, 0), FRAME_COMP);
	CHECK_EQ("ut.map_kernel_object", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x4000, (word_t)c, 0), -EBUSY);
	CHECK_EQ("ut.map_kernel_object_tail", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x4000, (word_t)c + 2, 0), -EBUSY);
	CHECK_EQ("ut.retype_twice", r2c_op(ROOT_SLOT_UNTYPED, UT_RETYPE, (word_t)c, CAP_COMP, s2, 0, 0, 0), -EBUSY);
	CHECK_EQ("ut.free_referenced", r2c_op(ROOT_SLOT_UNTYPED, UT_FREE, (word_t)c, 0, 0, 0, 0, 0), -EBUSY);
	CHECK_EQ("ut.delete_comp_cap", r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("ut.free_comp", r2c_op(ROOT_SLOT_UNTYPED, UT_FREE, (word_t)c, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("ut.reuse_freed", r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x4000, (word_t)c + 1, 0), 0);

	/* Derived ranges stay inside their parent. */
	CHECK_EQ("ut.derive", r2c_op(ROOT_SLOT_UNTYPED, UT_DERIVE, 100, 4, s, 0, 0, 0), 0);
	CHECK_EQ("ut.derive_info", r2c_op(s, UT_INFO, 0, 0, 0, 0, 0, 0), 4);
	CHECK_EQ("ut.derive_outside", r2c_op(s, UT_DERIVE, 2, 3, s2, 0, 0, 0), -EINVAL);
	CHECK_EQ("ut.derive_overflow", r2c_op(s, UT_DERIVE, 1, ~0ull, s2, 0, 0, 0), -EINVAL);
	CHECK_EQ("ut.sinv_kernel_ip", r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, 0xFFFFFFFF80100000ull, 0, s2, 0, 0, 0), -EINVAL);
}

/* --- devices ------------------------------------------------------------ */

#define DEV_VA (SCRATCH_VA + 0x20000)
#define STDVGA_ID 0x11111234u	/* QEMU's standard VGA: BAR 0 is its frame buffer */

static long devmem(word_t machine, word_t slot, word_t bdf, word_t bar)
{
	return r2c_op(machine, MACHINE_DEVMEM, slot, bdf, bar, 0, 0, 0);
}

static void test_devices(void)
{
	word_t s = r2c_slot_alloc(&mem), weak = r2c_slot_alloc(&mem), s2 = r2c_slot_alloc(&mem), vga = 0;
	long id = r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, 0, 0, 0, 0, 0, 0);
	r2c_check("dev.pci_host_bridge", (id & 0xFFFF) == 0x8086, "00:00.0 reads 0x%lx", id);
	CHECK_EQ("dev.pci_empty_slot", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, 31 << 3, 0, 0, 0, 0, 0), 0xFFFFFFFFl);
	CHECK_EQ("dev.pci_unaligned", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, 0, 2, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("dev.pci_past_config", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, 0, 0x100, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("dev.pci_bad_bdf", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, 0x10000, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("dev.bar_no_device", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, 31 << 3, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ("dev.bar_index", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, 0, 6, 0, 0, 0, 0), -EINVAL);
	for (word_t dev = 0; dev < 32 && !vga; dev++)
		if (r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, dev << 3, 0, 0, 0, 0, 0) == STDVGA_ID)
			vga = dev << 3;
	r2c_check("dev.found_vga", vga != 0, "no standard VGA on bus 0");
	long fb = r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, vga, 0, 0, 0, 0, 0);
	r2c_check("dev.bar_size", fb >= 1 << 20 && !(fb & (fb - 1)), "VGA frame buffer of %ld bytes", fb);
	word_t cmd_before = (word_t)r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, vga, 4, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, vga, 0, 0, 0, 0, 0);
	CHECK_EQ("dev.bar_size_restores", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, vga, 4, 0, 0, 0, 0),
		 (long)cmd_before);

	CHECK_EQ("dev.devmem_no_device", devmem(ROOT_SLOT_MACHINE, s, 31 << 3, 0), -EINVAL);
	CHECK_EQ("dev.devmem_no_bar", devmem(ROOT_SLOT_MACHINE, s, 0, 0), -EINVAL);	/* the host bridge */
	CHECK_EQ("dev.devmem_bad_bar", devmem(ROOT_SLOT_MACHINE, s, vga, 6), -EINVAL);
	r2c_grant(ROOT_SLOT_COMP, ROOT_SLOT_MACHINE, weak, RIGHT_READ);
	CHECK_EQ("dev.devmem_needs_admin", devmem(weak, s, vga, 0), -EPERM);
	CHECK_EQ("dev.pci_needs_admin", r2c_op(weak, MACHINE_PCI_READ, 0, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ("dev.devmem", devmem(ROOT_SLOT_MACHINE, s, vga, 0), 0);
	CHECK_EQ("dev.devmem_type", r2c_op(ROOT_SLOT_COMP, COMP_CAP_TYPE, s, 0, 0, 0, 0, 0), CAP_DEVMEM);
	CHECK_EQ("dev.devmem_no_grant", r2c_grant(ROOT_SLOT_COMP, s, s2, RIGHT_ALL), -EPERM);
	CHECK_EQ("dev.map_exec", r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, 0, MAP_EXEC, 0, 0), -EINVAL);
	CHECK_EQ("dev.map_past_end", r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, (word_t)fb / 4096, 0, 0, 0),
		 -EINVAL);
	CHECK_EQ("dev.map_as_untyped", r2c_op(ROOT_SLOT_COMP, COMP_MAP, DEV_VA, s, 0, 0, 0, 0), -EBADF);
	long e = r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, 0, MAP_WRITE, 0, 0);
	while (e == -ENXIO) {
		r2c_op(ROOT_SLOT_COMP, COMP_PGTBL_ADD, DEV_VA, ROOT_SLOT_UNTYPED, frame(), 0, 0, 0);
		e = r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, 0, MAP_WRITE, 0, 0);
	}
	CHECK_EQ("dev.map", e, 0);
	volatile uint32_t *pixels = (volatile uint32_t *)DEV_VA;
	pixels[100] = 0x00c0ffee;
	r2c_check("dev.reaches_device", pixels[100] == 0x00c0ffee, "read back 0x%x", pixels[100]);
	CHECK_EQ("dev.unmap", r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, DEV_VA, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("dev.delete", r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0), 0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, weak, 0, 0, 0, 0, 0);

	/* 20,000 random device calls (mostly on functions that exist: the
	 * first 32 of bus 0), then the frame buffer must still work: every
	 * BAR the sizing touched was put back. */
	uint64_t x = 0x9E3779B97F4A7C15ull;
	long created = 0;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		word_t bdf = x & 1 ? (x >> 8) & 0x1F8 : (x >> 8) & 0x1FFFF, arg = (x >> 32) & 0x1FF;
		switch ((x >> 4) % 4) {
		case 0:
			r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, bdf, arg, 0, 0, 0, 0);
			break;
		case 1:
			r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, bdf, arg % 8, 0, 0, 0, 0);
			break;
		case 2:
			if (devmem(ROOT_SLOT_MACHINE, s, bdf, arg % 8) == 0) {
				created++;
				r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, (x >> 40) & 0xFFFF, (x >> 56) & 7, 0, 0);
				r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, DEV_VA, 0, 0, 0, 0, 0);
				r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0);
			}
			break;
		default:
			devmem(ROOT_SLOT_MACHINE, x >> 20, bdf, arg % 8);	/* any slot: taken ones refuse */
			break;
		}
	}
	e = devmem(ROOT_SLOT_MACHINE, s, vga, 0);
	if (!e)
		e = r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, s, 0, MAP_WRITE, 0, 0);
	if (!e)
		pixels[200] = 0x00beef00;
	r2c_check("dev.random_calls_leave_devices_working", created > 0 && e == 0 && pixels[200] == 0x00beef00 &&
		  r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_BAR_SIZE, vga, 0, 0, 0, 0, 0) == fb,
		  "%ld made, map %ld, frame buffer read 0x%x", created, e, e ? 0 : pixels[200]);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, DEV_VA, 0, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0);
}

/* --- components and invocation ------------------------------------------ */

static struct fault_seen {
	word_t count, vec, addr, ip, err, token;
} faults;

static long copy_in_handler;	/* what SELF_COPY_IN said in a fault handler */

static word_t root_fault(word_t vec, word_t addr, word_t ip, word_t err, struct r2c_inv *inv)
{
	faults = (struct fault_seen){ faults.count + 1, vec, addr, ip, err, inv->token };
	if (inv->token == 'C') {	/* the faulted component did not invoke me: no copy */
		word_t w = 0;
		copy_in_handler = r2c_op(CAP_SELF, SELF_COPY_IN, 0x400000, (word_t)&w, sizeof(w), 0, 0, 0);
		return 0;
	}
	if (inv->token == 'B' && vec == 14 && addr - DEMAND_VA < 4096) {
		/* Demand paging: a page whose first word is 0x1234, then retry. */
		word_t f = frame();
		if (r2c_map_frame(&mem, ROOT_SLOT_COMP, SCRATCH_VA + 0x10000, f, MAP_WRITE))
			return 0;
		*(volatile word_t *)(SCRATCH_VA + 0x10000) = 0x1234;
		r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, SCRATCH_VA + 0x10000, 0, 0, 0, 0, 0);
		if (r2c_map_frame(&mem, pb.slot, DEMAND_VA, f, 0))
			return 0;
		return FAULT_RESUME;
	}
	return 0;
}
R2C_ENTRY(root_fault);

static word_t my_sinv(void *ip, word_t token)
{
	word_t s = r2c_slot_alloc(&mem);
	long e = r2c_op(ROOT_SLOT_COMP, COMP_SINV_CREATE, (word_t)ip, token, s, 0, 0, 0);
	return e ? 0 : s;
}

static bool export(struct r2c_comp *c, const char *fn, word_t token, word_t *slot)
{
	long e = r2c_comp_export(&mem, c, fn, token, slot);
	r2c_check(fn, e == 0, "export failed: %ld", e);
	return e == 0;
}

static void test_components(void)
{
	CHECK_EQ("comp.load_a", load("pong.elf", "pongA", &pa), 0);
	CHECK_EQ("comp.load_b", load("pong.elf", "pongB", &pb), 0);
	CHECK_EQ("comp.load_c", load("pong.elf", "pongC", &pc), 0);
	r2c_grant(pa.slot, ROOT_SLOT_MACHINE, PONG_SLOT_CONSOLE, RIGHT_READ);
	r2c_grant(pb.slot, ROOT_SLOT_MACHINE, PONG_SLOT_CONSOLE, RIGHT_READ);
	word_t echo_b, rec;
	export(&pa, "pong_echo", 0xA11, &echo_a);
	export(&pb, "pong_echo", 0xB22, &echo_b);
	export(&pa, "pong_nest", 0, &nest_a);
	export(&pa, "pong_recurse", 0, &recurse_a);
	export(&pa, "pong_peek", 0, &peek_a);
	export(&pa, "pong_poke", 0, &poke_a);
	export(&pa, "pong_div", 0, &div_a);
	export(&pa, "pong_ud", 0, &ud_a);
	export(&pb, "pong_peek", 0, &peek_b);
	r2c_grant(pa.slot, echo_b, PONG_SLOT_NEXT, RIGHT_ALL);
	r2c_grant(pc.slot, peek_b, PONG_SLOT_NEXT, RIGHT_ALL);
	r2c_comp_export(&mem, &pa, "pong_recurse", 0, &rec);
	r2c_grant(pa.slot, rec, PONG_SLOT_SELF, RIGHT_ALL);

	word_t dummy;
	CHECK_EQ("comp.export_missing", r2c_comp_export(&mem, &pa, "no_such_fn", 0, &dummy), -ENOENT);
	const char *why = "";
	struct r2c_comp bad;
	static const char junk[64] = "\177ELF but not really";
	CHECK_EQ("comp.load_malformed", r2c_comp_load(&mem, "junk", junk, sizeof(junk), &bad, &why), -ENOEXEC);

	struct r2c_ret r = r2c_invoke(echo_a, 1, 2, 3, 4);
	r2c_check("inv.args_and_results", r.status == 0 && r.r0 == 10 && r.r1 == 2 && r.r2 == 0xA11,
		  "status %ld, r0..r2 = %lu %lu 0x%lx", r.status, r.r0, r.r1, r.r2);
	r = r2c_invoke(echo_b, 5, 0, 0, 0);
	r2c_check("inv.token", r.status == 0 && r.r2 == 0xB22, "token 0x%lx", r.r2);
	CHECK_EQ("inv.nested", r2c_call(nest_a, 5, 0, 0, 0), 1006);
	CHECK_EQ("inv.recursion", r2c_call(recurse_a, 10, 0, 0, 0), 0);
	CHECK_EQ("inv.depth_limit", r2c_call(recurse_a, 40, 0, 0, 0), INV_TOO_DEEP);
	CHECK_EQ("inv.after_depth_limit", r2c_call(echo_a, 1, 1, 1, 1), 4);
	word_t nosinv = my_sinv((void *)0x7ffffffff000ull, 0);
	CHECK_EQ("inv.entry_at_user_top", nosinv, 0);

	/* Callee-saved registers survive an invocation. */
	word_t rbx = 0x1111, r12 = 0x2222, r15 = 0x5555;
	__asm__ volatile("syscall"
			 : "+b"(rbx), "+r"(r12), "+r"(r15)
			 : "a"(echo_a), "D"(1), "S"(2), "d"(3)
			 : "rcx", "r8", "r9", "r10", "r11", "memory");
	r2c_check("inv.callee_saved", rbx == 0x1111 && r12 == 0x2222 && r15 == 0x5555,
		  "rbx 0x%lx r12 0x%lx r15 0x%lx", rbx, r12, r15);
}

/* --- what crosses an invocation ------------------------------------------ */

/* probe_call(p): load every general register from p->in (rsp aside),
 * x87/SSE from p->fxin and rflags from p->flags_in, make the system call
 * (rax = p->in[0]), then store what came back. Register order: rax rbx
 * rcx rdx rsi rdi rbp r8..r15. */
struct probe {
	word_t in[15], flags_in, out[15], flags_out;
	uint8_t fxin[512] __attribute__((aligned(16)));
	uint8_t fxout[512] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct probe, flags_in) == 120 && offsetof(struct probe, out) == 128 &&
	       offsetof(struct probe, flags_out) == 248 && offsetof(struct probe, fxin) == 256 &&
	       offsetof(struct probe, fxout) == 768, "probe_call's offsets");
void probe_call(struct probe *p);
__asm__(".text\n"
	"probe_call:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	push %rdi\n"
	"	fxrstor64 256(%rdi)\n"
	"	pushq 120(%rdi)\n"
	"	mov 0(%rdi), %rax\n	mov 8(%rdi), %rbx\n	mov 16(%rdi), %rcx\n	mov 24(%rdi), %rdx\n"
	"	mov 32(%rdi), %rsi\n	mov 48(%rdi), %rbp\n	mov 56(%rdi), %r8\n	mov 64(%rdi), %r9\n"
	"	mov 72(%rdi), %r10\n	mov 80(%rdi), %r11\n	mov 88(%rdi), %r12\n	mov 96(%rdi), %r13\n"
	"	mov 104(%rdi), %r14\n	mov 112(%rdi), %r15\n	mov 40(%rdi), %rdi\n"
	"	popfq\n"
	"	syscall\n"
	"	pushfq\n"
	"	xchg %rdi, 8(%rsp)\n"			/* rdi = p; the result waits on the stack */
	"	mov %rax, 128(%rdi)\n	mov %rbx, 136(%rdi)\n	mov %rcx, 144(%rdi)\n	mov %rdx, 152(%rdi)\n"
	"	mov %rsi, 160(%rdi)\n	mov %rbp, 176(%rdi)\n	mov %r8, 184(%rdi)\n	mov %r9, 192(%rdi)\n"
	"	mov %r10, 200(%rdi)\n	mov %r11, 208(%rdi)\n	mov %r12, 216(%rdi)\n	mov %r13, 224(%rdi)\n"
	"	mov %r14, 232(%rdi)\n	mov %r15, 240(%rdi)\n"
	"	popq 248(%rdi)\n"
	"	popq 168(%rdi)\n"
	"	fxsave64 768(%rdi)\n"
	"	pushq $0x202\n	popfq\n"			/* whatever came back: DF, AC, TF off */
	"	fxrstor64 probe_fpu_init(%rip)\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");
const uint8_t probe_fpu_init[512] __attribute__((aligned(16))) = { [0] = 0x7F, [1] = 0x03, [24] = 0x80, [25] = 0x1F };

#define CLIENT_MARK 0xC11E17ull		/* pong_regs flags any register holding it */
#define SERVER_MARK 0x5e7eull		/* pong_dirty leaves it everywhere */
enum { R_RAX, R_RBX, R_RCX, R_RDX, R_RSI, R_RDI, R_RBP, R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
#define F_TF 0x100ull
#define F_DF 0x400ull
#define F_AC 0x40000ull

static struct probe probe;

/* Every register holding the client's mark, xmm0-15 too, args 1..4. */
static void probe_fill(word_t sinv, word_t flags)
{
	memset(&probe, 0, sizeof(probe));
	for (int i = 0; i < 15; i++)
		probe.in[i] = CLIENT_MARK << 32 | (word_t)i;
	probe.in[R_RAX] = R2C_SYSCALL(sinv, 0);
	probe.in[R_RDI] = 1, probe.in[R_RSI] = 2, probe.in[R_RDX] = 3, probe.in[R_R10] = 4;
	probe.flags_in = RFLAGS_CLEAN | flags;
	memcpy(probe.fxin, probe_fpu_init, 512);
	probe.fxin[24] = 0x80, probe.fxin[25] = 0x7F;		/* MXCSR: round toward zero */
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 16; b += 8)
			*(word_t *)&probe.fxin[160 + 16 * i + b] = CLIENT_MARK << 32 | (word_t)(0x100 + i);
}

static word_t fx_nonzero_xmm(const uint8_t *fx)
{
	word_t m = 0;
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 16; b++)
			if (fx[160 + 16 * i + b])
				m |= 1ul << i;
	return m;
}

static word_t fx_mxcsr(const uint8_t *fx) { return (word_t)(fx[24] | fx[25] << 8); }

static void fs_set(word_t base) { r2c_op(CAP_SELF, SELF_SET_FSBASE, base, 0, 0, 0, 0, 0); }

/* SCRATCH_VA holds 0xf5000 at +0 and 0xf5008 at +8: which one %fs:SCRATCH_VA
 * reads tells FS base 0 from 8. */
static word_t fs_read_scratch(void)
{
	word_t v;
	__asm__ volatile("mov %%fs:%c1, %0" : "=r"(v) : "i"(SCRATCH_VA));
	return v;
}

static void test_boundary(void)
{
	word_t regs, dirty, fs;
	export(&pa, "pong_regs", 0x70c, &regs);
	export(&pa, "pong_dirty", 0, &dirty);
	export(&pa, "pong_fs", 0, &fs);

	/* Client -> server: DF and AC set, every register marked. */
	probe_fill(regs, F_DF | F_AC);
	probe_call(&probe);
	word_t status = probe.out[R_RAX], flags = probe.out[R_RDI], leak = probe.out[R_RSI], x = probe.out[R_RDX];
	CHECK_EQ("inv.server_flags_clean", status ? status : flags, RFLAGS_CLEAN);
	r2c_check("inv.client_regs_stay", status == 0 && leak == 0,
		  "status %ld, pong_regs saw: client values in 0x%lx (bit i: rax rbx rcx rdx rsi rdi rbp r8..r15), "
		  "rcx/r11/zero 0x%lx", (long)status, leak & 0xFFFF, leak >> 16);
	r2c_check("inv.client_fpu_stays", status == 0 && x == 0,
		  "status %ld, server saw xmm not zero 0x%lx, MXCSR/FCW 0x%lx", (long)status, x & 0xFFFF, x >> 16);
	r2c_check("inv.client_flags_back_clean", (probe.flags_out & (F_DF | F_AC | F_TF)) == 0,
		  "rflags 0x%lx after the call", probe.flags_out);

	/* TF: the server does not trap at its first instruction. */
	probe_fill(regs, F_TF);
	probe_call(&probe);
	r2c_check("inv.trap_flag", probe.out[R_RAX] == 0 && probe.out[R_RDI] == RFLAGS_CLEAN &&
		  !(probe.flags_out & F_TF), "status %ld, server rflags 0x%lx, back 0x%lx",
		  (long)probe.out[R_RAX], probe.out[R_RDI], probe.flags_out);

	/* Server -> client: pong_dirty leaves its mark everywhere. */
	volatile word_t *sp = (volatile word_t *)SCRATCH_VA;
	sp[0] = 0xf5000, sp[1] = 0xf5008;
	fs_set(0);
	probe_fill(dirty, 0);
	probe_call(&probe);
	word_t fs_after = fs_read_scratch();
	fs_set(0);
	leak = 0;
	for (int i = 0; i < 15; i++)
		if (probe.out[i] >> 48 == SERVER_MARK)
			leak |= 1ul << i;
	bool callee_kept = true;
	for (int i = R_R12; i <= R_R15; i++)
		callee_kept &= probe.out[i] == probe.in[i];
	callee_kept &= probe.out[R_RBX] == probe.in[R_RBX] && probe.out[R_RBP] == probe.in[R_RBP];
	r2c_check("inv.results_only", probe.out[R_RAX] == 0 && probe.out[R_RDI] == 1 && probe.out[R_RSI] == 2 &&
		  probe.out[R_RDX] == 3 && leak == 0 && callee_kept && !probe.out[R_R8] && !probe.out[R_R9] &&
		  !probe.out[R_R10],
		  "status %ld, r0..r2 %lu %lu %lu, server values in 0x%lx, callee-saved %s, r8-r10 0x%lx 0x%lx 0x%lx",
		  (long)probe.out[R_RAX], probe.out[R_RDI], probe.out[R_RSI], probe.out[R_RDX], leak,
		  callee_kept ? "kept" : "changed", probe.out[R_R8], probe.out[R_R9], probe.out[R_R10]);
	r2c_check("inv.server_fpu_stays", fx_nonzero_xmm(probe.fxout) == 0 && fx_mxcsr(probe.fxout) == 0x1F80 &&
		  (probe.fxout[0] | probe.fxout[1] << 8) == 0x37F,
		  "after the call: xmm not zero 0x%lx, MXCSR 0x%lx, FCW 0x%x", fx_nonzero_xmm(probe.fxout),
		  fx_mxcsr(probe.fxout), probe.fxout[0] | probe.fxout[1] << 8);
	r2c_check("inv.server_flags_stay", (probe.flags_out & (F_DF | F_AC)) == 0, "rflags 0x%lx after the call",
		  probe.flags_out);
	CHECK_EQ("inv.server_fsbase_stays", fs_after, 0xf5000);

	/* FS base: the server runs with 0, the client gets its own back. */
	fs_set(8);
	long in_server = r2c_call(fs, 0, 0, 0, 0);
	fs_after = fs_read_scratch();
	fs_set(0);
	CHECK_EQ("inv.fsbase_server_zero", in_server, 1);
	CHECK_EQ("inv.fsbase_client_back", fs_after, 0xf5008);

	/* The server sets the client's own base, then zeroes the register
	 * with a selector load (pong_dirty): the client gets its own back. */
	fs_set(8);
	probe_fill(dirty, 0);
	probe_call(&probe);
	fs_after = fs_read_scratch();
	fs_set(0);
	CHECK_EQ("inv.fsbase_back_after_server_selector", fs_after, 0xf5008);
}

static void test_faults(void)
{
	/* Isolation: pongA cannot see the root's boot information page. */
	expect_fault("pongA");
	CHECK_EQ("isolation.read_other", r2c_call(peek_a, BOOTINFO_VADDR, 0, 0, 0), INV_FAULTED);
	expect_fault("pongA");
	CHECK_EQ("isolation.kernel_read", r2c_call(peek_a, 0xFFFF800000001000ull, 0, 0, 0), INV_FAULTED);
	expect_fault("pongA");
	CHECK_EQ("isolation.write_code", r2c_call(poke_a, pa.entry, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("isolation.still_serving", r2c_call(echo_a, 1, 2, 3, 4), 10);
	expect_fault("pongA");
	CHECK_EQ("fault.null", r2c_call(peek_a, 0, 0, 0, 0), INV_FAULTED);

	/* A fault handler of the parent sees every fault. */
	word_t h = my_sinv(r2c_export_root_fault, 'A');
	CHECK_EQ("fault.set_handler", r2c_op(pa.slot, COMP_SET_FAULT, h, 0, 0, 0, 0, 0), 0);
	faults.count = 0;
	expect_fault("pongA");
	CHECK_EQ("fault.handled_read", r2c_call(peek_a, BOOTINFO_VADDR + 8, 0, 0, 0), INV_FAULTED);
	r2c_check("fault.handler_args", faults.count == 1 && faults.vec == 14 && faults.addr == BOOTINFO_VADDR + 8 &&
		  faults.ip >= 0x400000 && faults.ip < 0x500000 && faults.token == 'A' && (faults.err & 4),
		  "count %lu vec %lu addr 0x%lx ip 0x%lx err 0x%lx token %lu",
		  faults.count, faults.vec, faults.addr, faults.ip, faults.err, faults.token);
	expect_fault("pongA");
	CHECK_EQ("fault.divide", r2c_call(div_a, 7, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("fault.divide_vector", faults.vec, 0);
	CHECK_EQ("fault.divide_ok", r2c_call(div_a, 42, 6, 0, 0), 7);
	expect_fault("pongA");
	CHECK_EQ("fault.invalid_opcode", r2c_call(ud_a, 0, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("fault.invalid_opcode_vector", faults.vec, 6);
	word_t nest_c;
	export(&pc, "pong_nest", 0, &nest_c);
	expect_fault("pongB");
	CHECK_EQ("fault.nested_unwinds_one", r2c_call(nest_c, BOOTINFO_VADDR - 1, 0, 0, 0), INV_FAULTED - 1000);

	/* Resume after the handler mapped the page: demand paging. */
	h = my_sinv(r2c_export_root_fault, 'B');
	r2c_op(pb.slot, COMP_SET_FAULT, h, 0, 0, 0, 0, 0);
	expect_fault("pongB");
	CHECK_EQ("fault.resume_demand_paging", r2c_call(peek_b, DEMAND_VA + 0, 0, 0, 0), 0x1234);
	CHECK_EQ("fault.resumed_page_stays", r2c_call(peek_b, DEMAND_VA, 0, 0, 0), 0x1234);
	CHECK_EQ("fault.handler_calls", faults.count, 4);
}

/* --- invocation statuses and the authority of new operations ------------- */

static word_t spin_slot;
static void spin_in_server(void *arg)
{
	(void)arg;
	r2c_call(spin_slot, 0, 0, 0, 0);
}

static void test_statuses(void)
{
	struct r2c_comp pr;
	word_t echo, peek, hog, unhog, nest, stop, weak = r2c_slot_alloc(&mem), s = r2c_slot_alloc(&mem);
	CHECK_EQ("status.load", load("pong.elf", "pongR", &pr), 0);
	export(&pr, "pong_echo", 0, &echo);
	export(&pr, "pong_peek", 0, &peek);
	export(&pr, "pong_hog", 0, &hog);
	export(&pr, "pong_unhog", 0, &unhog);
	export(&pr, "pong_nest", 0, &nest);
	export(&pr, "pong_spin", 0, &spin_slot);
	export(&pr, "pong_stop", 0, &stop);

	/* Each status, and a server answering that same number itself. */
	struct r2c_ret r = r2c_invoke(echo, (word_t)INV_FAULTED, 0, 0, 0);
	r2c_check("status.answer_is_not_faulted", r.status == INV_DONE && (long)r.r0 == INV_FAULTED,
		  "status %ld, r0 %ld", r.status, (long)r.r0);
	expect_fault("pongR");
	r = r2c_invoke(peek, 0, 0, 0, 0);
	r2c_check("status.faulted", r.status == INV_FAULTED && r.r0 == 0, "status %ld, r0 %ld", r.status, (long)r.r0);
	CHECK_EQ("status.hog_stacks", r2c_invoke(hog, 0, 0, 0, 0).status, INV_DONE);
	r = r2c_invoke(echo, 1, 2, 3, 4);
	r2c_check("status.no_stack", r.status == INV_NO_STACK && r.r0 == 0, "status %ld, r0 %ld", r.status, (long)r.r0);
	CHECK_EQ("status.unhog_stacks", r2c_invoke(unhog, 0, 0, 0, 0).status, INV_DONE);
	r = r2c_invoke(echo, (word_t)INV_NO_STACK, 0, 0, 0);
	r2c_check("status.answer_is_not_no_stack", r.status == INV_DONE && (long)r.r0 == INV_NO_STACK,
		  "status %ld, r0 %ld", r.status, (long)r.r0);
	r = r2c_invoke(echo, (word_t)INV_GONE, 0, 0, 0);
	r2c_check("status.answer_is_not_gone", r.status == INV_DONE && (long)r.r0 == INV_GONE,
		  "status %ld, r0 %ld", r.status, (long)r.r0);

	/* COMP_PGTBL_ADD needs WRITE on the untyped memory, not ADMIN. */
	long f = r2c_frame_alloc(&mem, 4);
	r2c_op(ROOT_SLOT_UNTYPED, UT_DERIVE, (word_t)f, 4, s, 0, 0, 0);
	r2c_grant(ROOT_SLOT_COMP, s, weak, RIGHT_READ);
	CHECK_EQ("auth.pgtbl_add_read_only", r2c_op(pr.slot, COMP_PGTBL_ADD, 0x60000000, weak, 0, 0, 0, 0), -EPERM);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, weak, 0, 0, 0, 0, 0);
	r2c_grant(ROOT_SLOT_COMP, s, weak, RIGHT_READ | RIGHT_WRITE);
	CHECK_EQ("auth.pgtbl_add_write", r2c_op(pr.slot, COMP_PGTBL_ADD, 0x60000000, weak, 0, 0, 0, 0), 0);
	CHECK_EQ("auth.retype_needs_admin", r2c_op(weak, UT_RETYPE, 1, CAP_THD, r2c_slot_alloc(&mem),
						   ROOT_SLOT_COMP, 0x400000, 0), -EPERM);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, weak, 0, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, s, 0, 0, 0, 0, 0);

	/* A SINV created straight into another component's table. */
	uint64_t ip = 0;
	elf_symbol(pa.img, pa.size, R2C_EXPORT_PREFIX "pong_echo", &ip);
	r2c_grant(ROOT_SLOT_COMP, pr.slot, weak, RIGHT_READ);
	CHECK_EQ("auth.sinv_into_needs_admin", r2c_op(pa.slot, COMP_SINV_CREATE, ip, 0, PONG_SLOT_NEXT, weak, 0, 0),
		 -EPERM);
	CHECK_EQ("auth.sinv_into_not_comp", r2c_op(pa.slot, COMP_SINV_CREATE, ip, 0, PONG_SLOT_NEXT, ROOT_SLOT_TIMER,
						   0, 0), -EBADF);
	CHECK_EQ("auth.sinv_into_other", r2c_op(pa.slot, COMP_SINV_CREATE, ip, 0, PONG_SLOT_NEXT, pr.slot, 0, 0), 0);
	CHECK_EQ("auth.sinv_into_other_type", r2c_op(pr.slot, COMP_CAP_TYPE, PONG_SLOT_NEXT, 0, 0, 0, 0, 0), CAP_SINV);
	CHECK_EQ("auth.sinv_into_other_works", r2c_call(nest, 5, 0, 0, 0), 1006);

	/* THD_IN_COMP: where a thread executes, and the components below it. */
	word_t t, w = r2c_slot_alloc(&mem);
	CHECK_EQ("thd.in_comp_self", r2c_op(ROOT_SLOT_THD, THD_IN_COMP, ROOT_SLOT_COMP, 0, 0, 0, 0, 0), 1);
	CHECK_EQ("thd.in_comp_other", r2c_op(ROOT_SLOT_THD, THD_IN_COMP, pr.slot, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("thd.in_comp_not_comp", r2c_op(ROOT_SLOT_THD, THD_IN_COMP, ROOT_SLOT_TIMER, 0, 0, 0, 0, 0), -EBADF);
	thread_new(spin_in_server, 0, &t);
	r2c_grant(ROOT_SLOT_COMP, t, w, RIGHT_READ);
	CHECK_EQ("thd.in_comp_needs_admin", r2c_op(w, THD_IN_COMP, ROOT_SLOT_COMP, 0, 0, 0, 0, 0), -EPERM);
	r2c_op(ROOT_SLOT_TIMER, TIMER_BIND, ROOT_SLOT_THD, 0, 0, 0, 0, 0);
	for (int i = 0; i < 1000; i++) {	/* until it spins in pongR */
		run_until_tick(t, bi->tsc_hz / 1000);
		if (r2c_op(t, THD_IN_COMP, pr.slot, 0, 0, 0, 0, 0) == 1)
			break;
	}
	r2c_rcv(RCV_NONBLOCK);
	long in_r = r2c_op(t, THD_IN_COMP, pr.slot, 0, 0, 0, 0, 0);
	long in_root = r2c_op(t, THD_IN_COMP, ROOT_SLOT_COMP, 0, 0, 0, 0, 0);
	long in_a = r2c_op(t, THD_IN_COMP, pa.slot, 0, 0, 0, 0, 0);
	r2c_check("thd.in_comp_invocation_stack", in_r == 1 && in_root == 1 && in_a == 0,
		  "in pongR %ld, root %ld, pongA %ld", in_r, in_root, in_a);
	/* the watchdog's number: the one call into pongR, the same while it
	 * spins there; none into the root, its home */
	struct r2c_ret q1 = r2c_sys(t, THD_IN_COMP, pr.slot, 0, 0, 0, 0, 0);
	run_until_tick(t, bi->tsc_hz / 1000);
	r2c_rcv(RCV_NONBLOCK);
	struct r2c_ret q2 = r2c_sys(t, THD_IN_COMP, pr.slot, 0, 0, 0, 0, 0);
	struct r2c_ret qr = r2c_sys(t, THD_IN_COMP, ROOT_SLOT_COMP, 0, 0, 0, 0, 0);
	r2c_check("thd.in_comp_call_number", q1.r0 != 0 && q2.r0 == q1.r0 && qr.r0 == 0,
		  "into pongR %lu then %lu, into the root %lu", q1.r0, q2.r0, qr.r0);
	r2c_call(stop, 0, 0, 0, 0);
	while (r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(t);
	CHECK_EQ("thd.in_comp_dead", r2c_op(t, THD_IN_COMP, ROOT_SLOT_COMP, 0, 0, 0, 0, 0), 0);

	/* UT_FRAME: a frame's type and reference count. */
	word_t fr = frame(), va = SCRATCH_VA + 0x30000;
	r = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, fr, 0, 0, 0, 0, 0);
	r2c_check("ut.frame_untyped", r.status == FRAME_UNTYPED && r.r0 == 0, "type %ld, refs %lu", r.status, r.r0);
	r2c_map_frame(&mem, ROOT_SLOT_COMP, va, fr, MAP_WRITE);
	r2c_op(ROOT_SLOT_COMP, COMP_ALIAS, va, ROOT_SLOT_COMP, va + 0x1000, 0, 0, 0);
	r = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, fr, 0, 0, 0, 0, 0);
	r2c_check("ut.frame_mapped_twice", r.status == FRAME_USER && r.r0 == 2, "type %ld, refs %lu", r.status, r.r0);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, va, 0, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, va + 0x1000, 0, 0, 0, 0, 0);
	r = r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, fr, 0, 0, 0, 0, 0);
	r2c_check("ut.frame_unmapped", r.status == FRAME_USER && r.r0 == 0, "type %ld, refs %lu", r.status, r.r0);
	CHECK_EQ("ut.frame_out_of_range", r2c_op(ROOT_SLOT_UNTYPED, UT_FRAME, bi->untyped_frames[0], 0, 0, 0, 0, 0),
		 -EINVAL);

	/* A retired server is not entered. */
	CHECK_EQ("status.retire_needs_admin", r2c_op(weak, COMP_RETIRE, 0, 0, 0, 0, 0, 0), -EPERM);
	CHECK_EQ("status.retire", r2c_op(pr.slot, COMP_RETIRE, 0, 0, 0, 0, 0, 0), 0);
	r = r2c_invoke(echo, 1, 2, 3, 4);
	r2c_check("status.gone", r.status == INV_GONE && r.r0 == 0, "status %ld, r0 %ld", r.status, (long)r.r0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, weak, 0, 0, 0, 0, 0);
}

/* --- copy to and from the invoker ---------------------------------------- */

#define COPY_VA (SCRATCH_VA + 0x80000)	/* one page of mine; the next is unmapped */
#define UNMAPPED_VA 0x7000000000ull
static unsigned char cbuf[SELF_COPY_MAX + 2 * 4096] __attribute__((aligned(4096)));

static word_t fnv(const unsigned char *p, word_t n)
{
	word_t h = 14695981039346656037ull;
	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

/* FNV-1a of n bytes seed + i, i from off (what pong_buf(seed) leaves). */
static word_t fnv_pattern(word_t seed, word_t off, word_t n)
{
	word_t h = 14695981039346656037ull;
	for (word_t i = off; i < off + n; i++)
		h = (h ^ (unsigned char)(seed + i)) * 1099511628211ull;
	return h;
}

static void test_copy(void)
{
	struct r2c_comp px, py;
	word_t cp_x, cp_y, buf_x, buf_y, sum_x, sum_y, fwd_x, peek_y;
	CHECK_EQ("copy.load", load("pong.elf", "pongX", &px) | load("pong.elf", "pongY", &py), 0);
	export(&px, "pong_copy", 0, &cp_x);
	export(&py, "pong_copy", 0, &cp_y);
	export(&px, "pong_buf", 0, &buf_x);
	export(&py, "pong_buf", 0, &buf_y);
	export(&px, "pong_sum", 0, &sum_x);
	export(&py, "pong_sum", 0, &sum_y);
	export(&px, "pong_fwd", 0, &fwd_x);
	export(&py, "pong_peek", 0, &peek_y);
	r2c_grant(px.slot, cp_y, PONG_SLOT_NEXT, RIGHT_ALL);
	word_t x = (word_t)r2c_call(buf_x, 0, 0, 0, 0), mine = (word_t)cbuf;

	/* Outside any invocation there is no invoker. */
	CHECK_EQ("copy.outside_invocation", r2c_op(CAP_SELF, SELF_COPY_IN, mine, mine + 8, 8, 0, 0, 0), -EPERM);

	/* In and out, page-crossing and unaligned, up to SELF_COPY_MAX. */
	for (word_t i = 0; i < sizeof(cbuf); i++)
		cbuf[i] = (unsigned char)(i * 7 + 1);
	CHECK_EQ("copy.in", r2c_call(cp_x, SELF_COPY_IN, mine + 100, x + 50, 9000), 0);
	CHECK_EQ("copy.in_data", r2c_call(sum_x, 50, 9000, 0, 0), (long)fnv(cbuf + 100, 9000));
	CHECK_EQ("copy.in_max", r2c_call(cp_x, SELF_COPY_IN, mine + 3, x + 1, SELF_COPY_MAX), 0);
	CHECK_EQ("copy.in_max_data", r2c_call(sum_x, 1, SELF_COPY_MAX, 0, 0), (long)fnv(cbuf + 3, SELF_COPY_MAX));
	r2c_call(buf_x, 7, 0, 0, 0);
	memset(cbuf, 0xEE, sizeof(cbuf));
	CHECK_EQ("copy.out", r2c_call(cp_x, SELF_COPY_OUT, x + 10, mine + 5, 10000), 0);
	r2c_check("copy.out_data", fnv(cbuf + 5, 10000) == fnv_pattern(7, 10, 10000) && cbuf[4] == 0xEE &&
		  cbuf[10005] == 0xEE, "bytes differ, or written outside the range");
	CHECK_EQ("copy.len_zero", r2c_call(cp_x, SELF_COPY_IN, 0, 0, 0), 0);
	CHECK_EQ("copy.over_max", r2c_call(cp_x, SELF_COPY_IN, mine, x, SELF_COPY_MAX + 1), -EINVAL);
	CHECK_EQ("copy.huge", r2c_call(cp_x, SELF_COPY_OUT, x, mine, 1ull << 40), -EINVAL);
	CHECK_EQ("copy.bad_op_args", r2c_call(cp_x, SELF_COPY_IN, mine, x, (word_t)-1), -EINVAL);

	/* Bad pages on the invoker's side, and on the server's own. */
	CHECK_EQ("copy.unmapped", r2c_call(cp_x, SELF_COPY_IN, UNMAPPED_VA, x, 8), -EFAULT);
	CHECK_EQ("copy.null", r2c_call(cp_x, SELF_COPY_IN, 0, x, 8), -EFAULT);
	CHECK_EQ("copy.kernel_address", r2c_call(cp_x, SELF_COPY_IN, 0xFFFF800000001000ull, x, 8), -EFAULT);
	CHECK_EQ("copy.kernel_image", r2c_call(cp_x, SELF_COPY_OUT, x, 0xFFFFFFFF80100000ull, 8), -EFAULT);
	CHECK_EQ("copy.non_canonical", r2c_call(cp_x, SELF_COPY_IN, 0x0000800000000000ull, x, 8), -EFAULT);
	CHECK_EQ("copy.wraps", r2c_call(cp_x, SELF_COPY_IN, 0xFFFFFFFFFFFFFFF8ull, x, 16), -EFAULT);
	CHECK_EQ("copy.user_top", r2c_call(cp_x, SELF_COPY_IN, 0x00007FFFFFFFEFF8ull, x, 16), -EFAULT);
	word_t magic = bi->magic;
	CHECK_EQ("copy.out_read_only", r2c_call(cp_x, SELF_COPY_OUT, x, BOOTINFO_VADDR, 8), -EFAULT);
	CHECK_EQ("copy.out_code", r2c_call(cp_x, SELF_COPY_OUT, x, (word_t)test_copy, 8), -EFAULT);
	CHECK_EQ("copy.read_only_untouched", bi->magic, magic);
	CHECK_EQ("copy.in_read_only", r2c_call(cp_x, SELF_COPY_IN, BOOTINFO_VADDR, x, 8), 0);
	CHECK_EQ("copy.server_read_only", r2c_call(cp_x, SELF_COPY_IN, mine, px.entry, 8), -EFAULT);
	CHECK_EQ("copy.server_unmapped", r2c_call(cp_x, SELF_COPY_OUT, UNMAPPED_VA, mine, 8), -EFAULT);
	CHECK_EQ("copy.server_kernel", r2c_call(cp_x, SELF_COPY_OUT, 0xFFFF800000001000ull, mine, 8), -EFAULT);

	/* A range running into an unmapped page: refused, nothing written. */
	r2c_map(&mem, ROOT_SLOT_COMP, COPY_VA, MAP_WRITE);
	unsigned char *edge = (unsigned char *)COPY_VA;
	memset(edge, 0xAA, 4096);
	r2c_call(buf_x, 3, 0, 0, 0);
	CHECK_EQ("copy.out_crosses_unmapped", r2c_call(cp_x, SELF_COPY_OUT, x, COPY_VA + 4000, 200), -EFAULT);
	r2c_check("copy.out_crossing_wrote_nothing", edge[4000] == 0xAA && edge[4095] == 0xAA, "0x%x 0x%x",
		  edge[4000], edge[4095]);
	CHECK_EQ("copy.in_crosses_unmapped", r2c_call(cp_x, SELF_COPY_IN, COPY_VA + 4000, x, 200), -EFAULT);
	CHECK_EQ("copy.in_crossing_wrote_nothing", r2c_call(sum_x, 0, 200, 0, 0), (long)fnv_pattern(3, 0, 200));

	/* Device memory is not the invoker's RAM: refused both ways. */
	word_t dev = r2c_slot_alloc(&mem), vga = 0;
	for (word_t d = 0; d < 32 && !vga; d++)
		if (r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCI_READ, d << 3, 0, 0, 0, 0, 0) == STDVGA_ID)
			vga = d << 3;
	long e = devmem(ROOT_SLOT_MACHINE, dev, vga, 0);
	if (!e)
		e = r2c_op(ROOT_SLOT_COMP, COMP_MAP_DEVMEM, DEV_VA, dev, 0, MAP_WRITE, 0, 0);
	CHECK_EQ("copy.devmem_mapped", e, 0);
	CHECK_EQ("copy.devmem_in", r2c_call(cp_x, SELF_COPY_IN, DEV_VA, x, 8), -EFAULT);
	CHECK_EQ("copy.devmem_out", r2c_call(cp_x, SELF_COPY_OUT, x, DEV_VA, 8), -EFAULT);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, DEV_VA, 0, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, dev, 0, 0, 0, 0, 0);

	/* Only the direct invoker: root -> pongX -> pongY reaches pongX, not
	 * the root (COPY_VA is mapped in the root only). */
	word_t y = (word_t)r2c_call(buf_y, 9, 0, 0, 0);
	CHECK_EQ("copy.direct_control", r2c_call(cp_y, SELF_COPY_IN, COPY_VA, y, 16), 0);
	CHECK_EQ("copy.two_frames_down", r2c_call(fwd_x, SELF_COPY_IN, COPY_VA, y, 16), -EFAULT);
	CHECK_EQ("copy.two_frames_down_out", r2c_call(fwd_x, SELF_COPY_OUT, y, COPY_VA, 16), -EFAULT);
	r2c_call(buf_x, 5, 0, 0, 0);
	CHECK_EQ("copy.from_direct_invoker", r2c_call(fwd_x, SELF_COPY_IN, x, y, 4096), 0);
	CHECK_EQ("copy.from_direct_invoker_data", r2c_call(sum_y, 0, 4096, 0, 0), (long)fnv_pattern(5, 0, 4096));

	/* Strings. */
	static const char hello[] = "hello, invoker";
	memcpy(cbuf, hello, sizeof(hello));
	CHECK_EQ("copy.str_in", r2c_call(cp_x, SELF_COPY_IN_STR, mine, x, 64), (long)sizeof(hello));
	CHECK_EQ("copy.str_in_data", r2c_call(sum_x, 0, sizeof(hello), 0, 0), (long)fnv(cbuf, sizeof(hello)));
	CHECK_EQ("copy.str_exact_bound", r2c_call(cp_x, SELF_COPY_IN_STR, mine, x, sizeof(hello)), (long)sizeof(hello));
	/* across a page boundary, at other offsets on the two sides */
	memset(cbuf + 4000, 'q', 200);
	cbuf[4200] = 0;
	CHECK_EQ("copy.str_crosses_page", r2c_call(cp_x, SELF_COPY_IN_STR, mine + 4000, x + 4050, 512), 201);
	CHECK_EQ("copy.str_crosses_page_data", r2c_call(sum_x, 4050, 201, 0, 0), (long)fnv(cbuf + 4000, 201));
	r2c_call(buf_x, 1, 0, 0, 0);
	memset(cbuf, 'x', 100);
	CHECK_EQ("copy.str_no_nul", r2c_call(cp_x, SELF_COPY_IN_STR, mine, x, 50), -ENAMETOOLONG);
	r2c_check("copy.str_no_nul_copies_bound", r2c_call(sum_x, 0, 50, 0, 0) == (long)fnv(cbuf, 50) &&
		  r2c_call(sum_x, 50, 1, 0, 0) == (long)fnv_pattern(1, 50, 1), "wrong bytes");
	CHECK_EQ("copy.str_bound_zero", r2c_call(cp_x, SELF_COPY_IN_STR, mine, x, 0), -ENAMETOOLONG);
	CHECK_EQ("copy.str_over_max", r2c_call(cp_x, SELF_COPY_IN_STR, mine, x, SELF_COPY_MAX + 1), -EINVAL);
	memset(edge, 'z', 4096);
	r2c_call(buf_x, 3, 0, 0, 0);
	CHECK_EQ("copy.str_runs_unmapped", r2c_call(cp_x, SELF_COPY_IN_STR, COPY_VA + 4000, x, 1000), -EFAULT);
	CHECK_EQ("copy.str_fault_wrote_nothing", r2c_call(sum_x, 0, 96, 0, 0), (long)fnv_pattern(3, 0, 96));
	edge[4095] = 0;
	CHECK_EQ("copy.str_nul_before_unmapped", r2c_call(cp_x, SELF_COPY_IN_STR, COPY_VA + 4000, x, 1000), 96);
	CHECK_EQ("copy.str_bad_address", r2c_call(cp_x, SELF_COPY_IN_STR, 0xFFFF800000001000ull, x, 10), -EFAULT);
	r2c_call(buf_x, 0x41, 0, 0, 0);	/* "ABCD..." in pongX: a NUL 0xBF bytes in */
	memset(cbuf, 0xEE, 512);
	CHECK_EQ("copy.str_out", r2c_call(cp_x, SELF_COPY_OUT_STR, x, mine, 4096), 0xC0);
	r2c_check("copy.str_out_data", fnv(cbuf, 0xC0) == fnv_pattern(0x41, 0, 0xC0) && cbuf[0xC0] == 0xEE,
		  "bytes differ, or written past the NUL");
	CHECK_EQ("copy.str_out_read_only", r2c_call(cp_x, SELF_COPY_OUT_STR, x, BOOTINFO_VADDR, 4096), -EFAULT);
	CHECK_EQ("copy.str_out_too_long", r2c_call(cp_x, SELF_COPY_OUT_STR, x, mine, 0x10), -ENAMETOOLONG);

	/* A fault handler's frame below is the faulted component, which
	 * invoked nothing: no copy. */
	word_t h = my_sinv(r2c_export_root_fault, 'C');
	r2c_op(py.slot, COMP_SET_FAULT, h, 0, 0, 0, 0, 0);
	copy_in_handler = 1;
	expect_fault("pongY");
	CHECK_EQ("copy.fault_handler_faulted", r2c_call(peek_y, UNMAPPED_VA, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("copy.not_in_fault_handler", copy_in_handler, -EPERM);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, COPY_VA, 0, 0, 0, 0, 0);
}

/* Frame fr of my range's references (its mappings, UT_FRAME). */
static word_t frame_refs(word_t fr)
{
	return r2c_sys(ROOT_SLOT_UNTYPED, UT_FRAME, fr, 0, 0, 0, 0, 0).r0;
}

/* A thread's call of pong_borrow that ends in there: mode 6 (SELF_EXIT)
 * or 7 (spins for ever). */
static word_t borrow_sinv, borrow_va_mine;
static void borrow_and_stay(void *mode)
{
	r2c_call(borrow_sinv, borrow_va_mine, 4096, (word_t)mode, 3);
}

/* SELF_BORROW: the invoker's pages in a window of the server's own for
 * the invocation, gone when it returns or faults; the windows' region is
 * the kernel's; the frames' counts come back. */
static void test_borrow(void)
{
	struct r2c_comp pz;
	word_t bor, peek, slot = 3, win = COMP_BORROW_BASE + 3 * COMP_BORROW_SPAN, mine = (word_t)cbuf;
	CHECK_EQ("borrow.load", load("pong.elf", "pongZ", &pz), 0);
	export(&pz, "pong_borrow", 0, &bor);
	export(&pz, "pong_peek", 0, &peek);
	CHECK_EQ("borrow.outside_invocation", r2c_op(CAP_SELF, SELF_BORROW, mine, 8, 0, 0, 0, 0), -EPERM);
	for (word_t i = 0; i < sizeof(cbuf); i++)
		cbuf[i] = (unsigned char)(i * 5 + 3);
	CHECK_EQ("borrow.no_table", r2c_call(bor, mine, 8, 0, slot), -ENXIO);
	long e;
	while ((e = r2c_pgtbl_add(&mem, pz.slot, win)) == 0)
		;
	CHECK_EQ("borrow.table_added", e, -EEXIST);
	CHECK_EQ("borrow.read", r2c_call(bor, mine + 100, 9000, 0, slot), (long)fnv(cbuf + 100, 9000));
	CHECK_EQ("borrow.read_max", r2c_call(bor, mine + 3, SELF_COPY_MAX, 0, slot), (long)fnv(cbuf + 3, SELF_COPY_MAX));
	memset(cbuf, 0xEE, sizeof(cbuf));
	CHECK_EQ("borrow.write_window", r2c_call(bor, mine + 5, 10000, 1, slot), (long)(win + ((mine + 5) & 4095)));
	r2c_check("borrow.write_data", fnv(cbuf + 5, 10000) == fnv_pattern(7, 0, 10000) && cbuf[4] == 0xEE &&
		  cbuf[10005] == 0xEE, "bytes differ, or written outside the range");
	expect_fault("pongZ");
	CHECK_EQ("borrow.gone_after_return", r2c_call(peek, win, 0, 0, 0), INV_FAULTED);
	CHECK_EQ("borrow.twice", r2c_call(bor, mine, 8, 2, slot), -EBUSY);
	CHECK_EQ("borrow.len_zero", r2c_call(bor, mine, 0, 0, slot), -EINVAL);
	CHECK_EQ("borrow.over_max", r2c_call(bor, mine, SELF_COPY_MAX + 1, 0, slot), -EINVAL);
	CHECK_EQ("borrow.bad_window", r2c_call(bor, mine, 8, 0, COMP_BORROW_SLOTS), -EINVAL);
	CHECK_EQ("borrow.unmapped", r2c_call(bor, UNMAPPED_VA, 8, 0, slot), -EFAULT);
	CHECK_EQ("borrow.kernel_address", r2c_call(bor, 0xFFFF800000001000ull, 8, 0, slot), -EFAULT);
	CHECK_EQ("borrow.wraps", r2c_call(bor, 0xFFFFFFFFFFFFFFF8ull, 16, 0, slot), -EFAULT);
	CHECK_EQ("borrow.write_read_only", r2c_call(bor, BOOTINFO_VADDR, 8, 1, slot), -EFAULT);
	CHECK_EQ("borrow.read_read_only", r2c_call(bor, BOOTINFO_VADDR, 8, 0, slot), (long)fnv((void *)BOOTINFO_VADDR, 8));
	/* a frame of mine: counted while lent, back after a return and after a fault */
	word_t fr = frame(), va = SCRATCH_VA + 0x50000;
	r2c_map_frame(&mem, ROOT_SLOT_COMP, va, fr, MAP_WRITE);
	memset((void *)va, 0x5A, 4096);
	CHECK_EQ("borrow.frame_read", r2c_call(bor, va, 4096, 0, slot), (long)fnv((void *)va, 4096));
	CHECK_EQ("borrow.frame_refs_back", frame_refs(fr), 1);
	expect_fault("pongZ");
	CHECK_EQ("borrow.fault_unwinds", r2c_call(bor, va, 4096, 3, slot), INV_FAULTED);
	CHECK_EQ("borrow.frame_refs_after_fault", frame_refs(fr), 1);
	CHECK_EQ("borrow.window_free_after_fault", r2c_call(bor, va, 4096, 0, slot), (long)fnv((void *)va, 4096));
	word_t t;
	borrow_sinv = bor, borrow_va_mine = va;
	thread_new(borrow_and_stay, (void *)6, &t);
	dispatch(t);
	CHECK_EQ("borrow.exit_ends_window", r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0) == THD_DEAD &&
		 frame_refs(fr) == 1, 1);
	/* a thread freed while it holds a window (spinning in pongZ) */
	static struct r2c_thread spinner_closure = { borrow_and_stay, (void *)7, false };
	struct r2c_kthread kt;
	r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&spinner_closure, &kt);
	for (int i = 0; i < 100 && frame_refs(fr) != 2; i++)
		run_until_tick(kt.slot, bi->tsc_hz / 1000);
	CHECK_EQ("borrow.lent_counted", frame_refs(fr), 2);
	CHECK_EQ("borrow.thread_freed", r2c_kthread_free(&mem, &kt), 0);
	CHECK_EQ("borrow.free_ends_window", frame_refs(fr), 1);
	r2c_op(ROOT_SLOT_COMP, COMP_UNMAP, va, 0, 0, 0, 0, 0);
	/* a window is not lent on: not aliased, not borrowed again */
	r2c_grant(pz.slot, pz.slot, PONG_SLOT_DEV, RIGHT_ALL);
	r2c_grant(pz.slot, bor, PONG_SLOT_NEXT, RIGHT_ALL);
	while (r2c_pgtbl_add(&mem, pz.slot, win + COMP_BORROW_SPAN) == 0)
		;
	CHECK_EQ("borrow.window_not_aliased", r2c_call(bor, mine, 4096, 4, slot), -EPERM);
	CHECK_EQ("borrow.window_not_lent_on", r2c_call(bor, mine, 4096, 5, slot), -EFAULT);
	/* only the kernel maps and unmaps in the windows' region */
	CHECK_EQ("borrow.region_map", r2c_op(pz.slot, COMP_MAP, win, mem.ut_slot, frame(), MAP_WRITE, 0, 0), -EPERM);
	CHECK_EQ("borrow.region_unmap", r2c_op(pz.slot, COMP_UNMAP, win, 0, 0, 0, 0, 0), -EPERM);
}

/* --- threads and scheduling --------------------------------------------- */

static volatile word_t counter;

static void yielder(void *arg)
{
	(void)arg;
	counter++;
	r2c_yield();
	counter++;
}

static void spinner(void *arg)
{
	(void)arg;
	for (;;)
		counter++;
}

static word_t child_slot;
static struct r2c_thread child_closure = { yielder, 0, false };	/* outlives its creator */
static void parent_thread(void *arg)
{
	(void)arg;
	struct r2c_kthread kt;
	r2c_kthread_new(&mem, ROOT_SLOT_COMP, (word_t)r2c_thread_entry, (word_t)&child_closure, &kt);
	child_slot = kt.slot;
}

static void test_threads(void)
{
	word_t t;
	long tid = thread_new(yielder, 0, &t);
	r2c_check("thd.create", tid > 1, "tid %ld", tid);
	clear_events();
	CHECK_EQ("thd.dispatch", dispatch(t), 0);
	CHECK_EQ("thd.ran", counter, 1);
	r2c_check("thd.event_yield", saw_event((word_t)tid, EV_YIELDED), "no EV_YIELDED for %ld", tid);
	dispatch(t);
	CHECK_EQ("thd.ran_again", counter, 2);
	r2c_check("thd.event_exit", saw_event((word_t)tid, EV_EXITED), "no EV_EXITED");
	CHECK_EQ("thd.state_dead", r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0), THD_DEAD);
	CHECK_EQ("thd.dispatch_dead", r2c_dispatch(t, drain_events()), -ESRCH);
	CHECK_EQ("thd.dispatch_self", r2c_dispatch(ROOT_SLOT_THD, drain_events()), -EPERM);

	tid = thread_new(yielder, 0, &t);
	word_t tok = drain_events();
	word_t s;
	r2c_op(ROOT_SLOT_THD, THD_ASND_CREATE, (s = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	r2c_asnd(s, 0);				/* a send to me: my token moves on */
	CHECK_EQ("thd.stale_token", r2c_dispatch(t, tok), -EAGAIN);
	r2c_rcv(RCV_NONBLOCK);
	dispatch(t);
	dispatch(t);

	/* Only a thread's own scheduler dispatches it. */
	word_t p;
	thread_new(parent_thread, 0, &p);
	dispatch(p);
	CHECK_EQ("thd.not_my_thread", r2c_dispatch(child_slot, drain_events()), -EPERM);

	/* A thread in another component. */
	word_t pt;
	tid = thread_start_in(&pa, PONG_ROLE_HELLO, &pt);
	clear_events();
	dispatch(pt);
	r2c_check("thd.other_component", saw_event((word_t)tid, EV_EXITED), "pong thread did not end");
}

static volatile word_t received, order[8], norder;

static void receiver(void *arg)
{
	word_t want = (word_t)arg;
	while (received < want) {
		long n = r2c_rcv(0);
		received += (word_t)n;
		order[norder++ % 8] = 'R';
	}
}

static word_t rcv2_asnd;
static void sender(void *arg)
{
	(void)arg;
	order[norder++ % 8] = 'S';
	r2c_asnd(rcv2_asnd, ASND_SWITCH);
	order[norder++ % 8] = 's';
}

static void test_async(void)
{
	word_t r, a;
	long tid = thread_new(receiver, (void *)3, &r);
	r2c_op(r, THD_ASND_CREATE, (a = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	clear_events();
	dispatch(r);
	r2c_check("async.blocked", saw_event((word_t)tid, EV_BLOCKED), "no EV_BLOCKED");
	CHECK_EQ("async.state_blocked", r2c_op(r, THD_STATE, 0, 0, 0, 0, 0, 0), THD_BLOCKED);
	CHECK_EQ("async.dispatch_blocked", r2c_dispatch(r, drain_events()), -EBUSY);
	CHECK_EQ("async.send", r2c_asnd(a, 0), 0);
	drain_events();
	r2c_check("async.woken", saw_event((word_t)tid, EV_WOKEN), "no EV_WOKEN");
	dispatch(r);
	CHECK_EQ("async.received_one", received, 1);
	r2c_asnd(a, 0);
	r2c_asnd(a, 0);
	dispatch(r);
	CHECK_EQ("async.pending_counted", received, 3);
	r2c_check("async.exit", saw_event((word_t)tid, EV_EXITED), "receiver did not end");
	CHECK_EQ("async.send_dead", r2c_asnd(a, 0), -ESRCH);
	CHECK_EQ("async.bad_flags", r2c_asnd(a, 0x80), -EINVAL);

	/* ASND_SWITCH runs a blocked receiver of the same scheduler at once. */
	received = norder = 0;
	word_t r2, s;
	thread_new(receiver, (void *)1, &r2);
	r2c_op(r2, THD_ASND_CREATE, (rcv2_asnd = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	dispatch(r2);
	thread_new(sender, 0, &s);
	dispatch(s);
	r2c_check("async.switch", norder >= 2 && order[0] == 'S' && order[1] == 'R',
		  "order %c%c%c", (char)order[0], (char)order[1], (char)order[2]);
}

static void test_timer(void)
{
	CHECK_EQ("timer.bind", r2c_op(ROOT_SLOT_TIMER, TIMER_BIND, ROOT_SLOT_THD, 0, 0, 0, 0, 0), 0);
	CHECK_EQ("timer.bind_wrong_type", r2c_op(ROOT_SLOT_TIMER, TIMER_BIND, ROOT_SLOT_COMP, 0, 0, 0, 0, 0), -EBADF);
	drain_events();
	r2c_rcv(RCV_NONBLOCK);
	uint64_t t0 = r2c_tsc(), period = bi->tsc_hz / 500;	/* 2 ms */
	r2c_op(ROOT_SLOT_TIMER, TIMER_SET, t0 + period, 0, 0, 0, 0, 0);
	long n = r2c_rcv(0);
	uint64_t dt = r2c_tsc() - t0;
	r2c_check("timer.tick", n == 1 && dt >= period && dt < bi->tsc_hz,
		  "%ld ticks after %lu cycles (deadline %lu)", n, dt, period);

	/* Ticks come back as sends: count several in a row. */
	int ticks = 0;
	t0 = r2c_tsc();
	for (int i = 0; i < 5; i++) {
		r2c_op(ROOT_SLOT_TIMER, TIMER_SET, r2c_tsc() + period / 2, 0, 0, 0, 0, 0);
		ticks += (int)r2c_rcv(0);
	}
	dt = r2c_tsc() - t0;
	r2c_check("timer.ticks", ticks == 5 && dt >= 5 * period / 2, "%d ticks in %lu cycles", ticks, dt);

	/* Preemption: a spinning thread loses the CPU to its scheduler. */
	word_t sp;
	counter = 0;
	thread_new(spinner, 0, &sp);
	t0 = r2c_tsc();
	long d = run_until_tick(sp, period);
	dt = r2c_tsc() - t0;
	n = r2c_rcv(RCV_NONBLOCK);
	r2c_check("timer.preempts", d == 0 && counter > 0 && n == 1 && dt >= period,
		  "dispatch %ld, spun %lu, ticks %ld, after %lu cycles", d, counter, n, dt);
	CHECK_EQ("timer.cancel", r2c_op(ROOT_SLOT_TIMER, TIMER_SET, 0, 0, 0, 0, 0, 0), 0);
}

/* --- per-thread CPU state ----------------------------------------------- */

static volatile word_t xmm_seen[2], fs_seen[2], redzone_ok;
static word_t fs_block[2][2];

static void xmm_thread(void *arg)
{
	word_t id = (word_t)arg, v = 0x5a5a0000 + id, out;
	__asm__ volatile("movq %0, %%xmm7" :: "r"(v) : "xmm7");
	r2c_yield();
	__asm__ volatile("movq %%xmm7, %0" : "=r"(out));
	xmm_seen[id] = out;
}

static void fs_thread(void *arg)
{
	word_t id = (word_t)arg, v;
	fs_block[id][0] = 0xf50 + id;
	r2c_op(CAP_SELF, SELF_SET_FSBASE, (word_t)fs_block[id], 0, 0, 0, 0, 0);
	r2c_yield();
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	fs_seen[id] = v;
}

/* Fill the 128 bytes below rsp, say so, spin until the root (which runs
 * only once the timer has preempted this thread in that window) says go,
 * make a system call, then check nothing below rsp changed. Nothing here
 * depends on how fast the host runs the guest. */
static volatile word_t redzone_ok, redzone_filled, redzone_go;

static void redzone_thread(void *arg)
{
	(void)arg;
	word_t bad;
	__asm__ volatile(
		"sub $256, %%rsp\n"				/* stay clear of the compiler's red zone */
		"mov $16, %%ecx\n"
		"1: lea -8(%%rsp,%%rcx,8), %%rax\n"		/* the 16 words below rsp */
		"sub $128, %%rax\n"
		"mov %%rax, (%%rax)\n"
		"loop 1b\n"
		"movq $1, %[filled]\n"
		"2: pause\n"
		"cmpq $0, %[go]\n"
		"je 2b\n"
		"mov $6, %%eax\n"				/* SELF_TID: a system call */
		"shl $32, %%rax\n"
		"syscall\n"
		"xor %[bad], %[bad]\n"
		"mov $16, %%ecx\n"
		"3: lea -8(%%rsp,%%rcx,8), %%rax\n"
		"sub $128, %%rax\n"
		"cmp %%rax, (%%rax)\n"
		"je 4f\n"
		"inc %[bad]\n"
		"4: loop 3b\n"
		"add $256, %%rsp\n"
		: [bad] "=&r"(bad), [filled] "=m"(redzone_filled)
		: [go] "m"(redzone_go)
		: "rax", "rcx", "rdx", "r11", "memory");
	redzone_ok = bad == 0;
}

static void test_cpu_state(void)
{
	word_t a, b;
	word_t mine = 0x77, out;
	__asm__ volatile("movq %0, %%xmm7" :: "r"(mine) : "xmm7");
	thread_new(xmm_thread, (void *)0, &a);
	thread_new(xmm_thread, (void *)1, &b);
	dispatch(a);
	dispatch(b);
	dispatch(a);
	dispatch(b);
	__asm__ volatile("movq %%xmm7, %0" : "=r"(out));
	r2c_check("cpu.sse_per_thread", xmm_seen[0] == 0x5a5a0000 && xmm_seen[1] == 0x5a5a0001 && out == 0x77,
		  "xmm7: 0x%lx 0x%lx, mine 0x%lx", xmm_seen[0], xmm_seen[1], out);

	thread_new(fs_thread, (void *)0, &a);
	thread_new(fs_thread, (void *)1, &b);
	dispatch(a);
	dispatch(b);
	dispatch(a);
	dispatch(b);
	r2c_check("cpu.fsbase_per_thread", fs_seen[0] == 0xf50 && fs_seen[1] == 0xf51,
		  "fs:0 = 0x%lx 0x%lx", fs_seen[0], fs_seen[1]);
	CHECK_EQ("cpu.fsbase_kernel", r2c_op(CAP_SELF, SELF_SET_FSBASE, 0xFFFF800000000000ull, 0, 0, 0, 0, 0), -EINVAL);

	/* Dispatch with a 1 ms tick until a tick has come while the red zone
	 * was filled (the thread cannot end before it is told to go on). */
	uint64_t ms = bi->tsc_hz / 1000;
	redzone_ok = redzone_filled = redzone_go = 0;
	thread_new(redzone_thread, 0, &a);
	long d = 0, ticks = 0, rounds = 0;
	while (!redzone_filled && d == 0 && rounds++ < 1000) {
		d = run_until_tick(a, ms);
		ticks = r2c_rcv(RCV_NONBLOCK);
	}
	bool preempted = redzone_filled && d == 0 && ticks == 1;
	redzone_go = 1;
	while (r2c_op(a, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(a);
	r2c_check("cpu.red_zone", redzone_ok && preempted, "red zone %s, preempted %s (dispatch %ld, ticks %ld, %ld rounds)",
		  redzone_ok ? "intact" : "changed", preempted ? "while filled" : "not", d, ticks, rounds);
}

/* --- what crosses a thread switch ----------------------------------------- */

/* A switch (dispatch, yield, a send that runs its receiver; entry.S's fast
 * path or thread.c's) gives the thread resumed its own registers, rflags,
 * x87/SSE state and FS base, and nothing of the thread it left: each side
 * makes its system call through probe_call with every register, xmm0-15,
 * MXCSR, flags (DF on one side, AC on the other) and FS base its own. */
#define SW_MARK_A 0xA11CEull
#define SW_MARK_B 0xB0B0Bull
static struct probe sw_a, sw_b;
static word_t sw_fs_a[1] = { 0xfa }, sw_fs_b[1] = { 0xfb };
static volatile word_t sw_fs_seen_a, sw_fs_seen_b;

static void probe_mark(struct probe *p, word_t mark, word_t rax, word_t flags, uint8_t mxcsr_hi)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 15; i++)
		p->in[i] = mark << 32 | (word_t)i;
	p->in[R_RAX] = rax;
	p->flags_in = RFLAGS_CLEAN | flags;
	memcpy(p->fxin, probe_fpu_init, 512);
	p->fxin[24] = 0x80, p->fxin[25] = mxcsr_hi;
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 16; b += 8)
			*(word_t *)&p->fxin[160 + 16 * i + b] = mark << 32 | (word_t)(0x100 + i);
}

/* p came back with its own state: every register as it went in (rcx and
 * r11 aside, which sysret uses), rax = status; flags, x87/SSE, FS base. */
static void probe_own(const char *name, const struct probe *p, long status, word_t flags, word_t fs_seen,
		      word_t fs_want)
{
	word_t other = 0;
	for (int i = 0; i < 15; i++)
		if (i != R_RAX && i != R_RCX && i != R_R11 && p->out[i] != p->in[i])
			other |= 1ul << i;
	bool fx = !memcmp(p->fxout + 160, p->fxin + 160, 256) && fx_mxcsr(p->fxout) == fx_mxcsr(p->fxin);
	r2c_check(name, (long)p->out[R_RAX] == status && !other && (p->flags_out & (F_DF | F_AC)) == flags && fx &&
		  fs_seen == fs_want,
		  "status %ld (want %ld), registers not its own 0x%lx (bit i: rax rbx rcx rdx rsi rdi rbp r8..r15, "
		  "e.g. rbx 0x%lx), rflags 0x%lx, xmm/MXCSR %s (MXCSR 0x%lx), fs:0 0x%lx", (long)p->out[R_RAX], status,
		  other, p->out[R_RBX], p->flags_out, fx ? "its own" : "not its own", fx_mxcsr(p->fxout), fs_seen);
}

static word_t fs_word(void)
{
	word_t v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void switch_thread(void *arg)
{
	(void)arg;
	fs_set((word_t)sw_fs_b);
	probe_mark(&sw_b, SW_MARK_B, R2C_SYSCALL(CAP_SELF, SELF_YIELD), F_AC, 0x3F);
	probe_call(&sw_b);		/* yield; the root's probe dispatches it back */
	sw_fs_seen_b = fs_word();
	struct probe again;		/* yield again: the root's probe returns */
	probe_mark(&again, SW_MARK_B, R2C_SYSCALL(CAP_SELF, SELF_YIELD), F_AC, 0x3F);
	probe_call(&again);
	fs_set(0);
}

static word_t sw_asnd;
static void rcv_thread(void *arg)
{
	(void)arg;
	fs_set((word_t)sw_fs_b);
	probe_mark(&sw_b, SW_MARK_B, R2C_SYSCALL(CAP_SELF, SELF_RCV), F_AC, 0x3F);
	sw_b.in[R_RDI] = 0;
	probe_call(&sw_b);		/* blocks; the sender's probe runs it */
	sw_fs_seen_b = fs_word();
	fs_set(0);
}

static void snd_thread(void *arg)
{
	(void)arg;
	fs_set((word_t)sw_fs_a);
	probe_mark(&sw_a, SW_MARK_A, R2C_SYSCALL(sw_asnd, ASND_SEND), F_DF, 0x7F);
	sw_a.in[R_RDI] = ASND_SWITCH;
	probe_call(&sw_a);
	sw_fs_seen_a = fs_word();
	fs_set(0);
}

static void test_switch_state(void)
{
	/* Dispatch and yield. */
	word_t b;
	sw_fs_seen_a = sw_fs_seen_b = 0;
	thread_new(switch_thread, 0, &b);
	dispatch(b);			/* it yields in its probe */
	fs_set((word_t)sw_fs_a);
	probe_mark(&sw_a, SW_MARK_A, R2C_SYSCALL(b, THD_DISPATCH), F_DF, 0x7F);
	sw_a.in[R_RDI] = drain_events();
	sw_a.in[R_RSI] = 0x5e1d;	/* what its yield returns */
	probe_call(&sw_a);
	sw_fs_seen_a = fs_word();
	fs_set(0);
	probe_own("switch.dispatched_own_state", &sw_b, 0x5e1d, F_AC, sw_fs_seen_b, 0xfb);
	probe_own("switch.dispatcher_own_state", &sw_a, 0, F_DF, sw_fs_seen_a, 0xfa);
	while (r2c_op(b, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(b);

	/* A send that runs its blocked receiver (ASND_SWITCH). */
	word_t r, s;
	sw_fs_seen_a = sw_fs_seen_b = 0;
	thread_new(rcv_thread, 0, &r);
	r2c_op(r, THD_ASND_CREATE, (sw_asnd = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	dispatch(r);			/* it blocks in its probe */
	thread_new(snd_thread, 0, &s);
	while (r2c_op(s, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(s);
	while (r2c_op(r, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(r);
	probe_own("switch.receiver_own_state", &sw_b, 1, F_AC, sw_fs_seen_b, 0xfb);
	probe_own("switch.sender_own_state", &sw_a, 0, F_DF, sw_fs_seen_a, 0xfa);
}


/* An FS selector load zeroes the FS base register behind the kernel's
 * record of it: the next thread with the same base must get it all the
 * same, after a dispatch and after a switching send. */
static volatile word_t fsx_seen;
static word_t fsx_asnd;
#define USER_DS_SEL 0x1b
static void fs_sel(word_t sel) { __asm__ volatile("mov %0, %%fs" :: "r"(sel)); }

static void fsx_yielder(void *arg)
{
	(void)arg;
	fs_set(8);
	r2c_yield();			/* back to the root, which dispatches us again */
	fsx_seen = fs_read_scratch();
	fs_set(0);
}

static void fsx_rcv(void *arg)
{
	(void)arg;
	fs_set(8);
	r2c_rcv(0);			/* blocks; the sender's ASND_SWITCH runs us */
	fsx_seen = fs_read_scratch();
	fs_set(0);
}

static void fsx_snd(void *arg)
{
	(void)arg;
	fs_set(8);			/* the victim's FS base value (any < USER_TOP) */
	fs_sel(USER_DS_SEL);		/* hardware FS base 0; cpu0.fsbase still says 8 */
	r2c_asnd(fsx_asnd, ASND_SWITCH);
	fs_sel(0);
	fs_set(0);
}

static void test_fs_selector(void)
{
	volatile word_t *sp = (volatile word_t *)SCRATCH_VA;
	sp[0] = 0xf5000, sp[1] = 0xf5008;
	word_t b, r, s;

	/* Dispatch: the scheduler loads a selector; the thread it runs keeps its FS base. */
	fsx_seen = 0;
	thread_new(fsx_yielder, 0, &b);
	dispatch(b);
	fs_set(8);
	fs_sel(USER_DS_SEL);
	r2c_dispatch(b, drain_events());
	fs_sel(0);
	fs_set(0);
	while (r2c_op(b, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(b);
	CHECK_EQ("switch.fsbase_after_selector_dispatch", fsx_seen, 0xf5008);

	/* ASND_SWITCH: a sender holding only an ASND capability does it before it switches. */
	fsx_seen = 0;
	thread_new(fsx_rcv, 0, &r);
	r2c_op(r, THD_ASND_CREATE, (fsx_asnd = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	dispatch(r);
	thread_new(fsx_snd, 0, &s);
	while (r2c_op(s, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(s);
	while (r2c_op(r, THD_STATE, 0, 0, 0, 0, 0, 0) != THD_DEAD)
		dispatch(r);
	CHECK_EQ("switch.fsbase_after_selector_asnd_switch", fsx_seen, 0xf5008);
}

/* --- fuzzing ------------------------------------------------------------- */

static volatile word_t fuzz_calls, fuzz_refused;

static word_t fuzz_report(word_t calls, word_t magic, word_t refused, word_t a3, struct r2c_inv *inv)
{
	(void)a3, (void)inv;
	if (magic == FUZZ_REPORT_MAGIC) {
		fuzz_calls = calls;
		fuzz_refused = refused;
	}
	return 0;
}
R2C_ENTRY(fuzz_report);

/* Each frame of an untyped range as UT_FRAME sees it: type << 32 | refs. */
static void frames_snapshot(word_t ut, word_t n, word_t *out)
{
	for (word_t i = 0; i < n; i++) {
		struct r2c_ret r = r2c_sys(ut, UT_FRAME, i, 0, 0, 0, 0, 0);
		out[i] = (word_t)r.status << 32 | r.r0;
	}
}

#define FUZZ_FRAMES 256
static word_t fuzz_before[FUZZ_FRAMES], fuzz_after[FUZZ_FRAMES];

static void test_fuzz(void)
{
	struct r2c_comp fz;
	if (load("fuzz.elf", "fuzz", &fz)) {
		r2c_check("fuzz.load", false, "cannot load");
		return;
	}
	word_t ut = r2c_slot_alloc(&mem), victim = r2c_slot_alloc(&mem), t, a;
	long first = r2c_frame_alloc(&mem, FUZZ_FRAMES);
	r2c_op(ROOT_SLOT_UNTYPED, UT_DERIVE, (word_t)first, FUZZ_FRAMES, ut, 0, 0, 0);
	frames_snapshot(ut, FUZZ_FRAMES, fuzz_before);
	/* The victim: an empty component in the fuzzer's own range. */
	word_t name[2] = { 0, 0 };
	memcpy(name, FUZZ_COMP_NAME, sizeof(FUZZ_COMP_NAME));
	r2c_op(ut, UT_RETYPE, 0, CAP_COMP, victim, name[0], name[1], 0);
	r2c_grant(fz.slot, ROOT_SLOT_MACHINE, FUZZ_SLOT_CONSOLE, RIGHT_READ);
	r2c_grant(fz.slot, victim, FUZZ_SLOT_VICTIM, RIGHT_ALL);
	r2c_grant(fz.slot, ut, FUZZ_SLOT_UT, RIGHT_READ | RIGHT_WRITE | RIGHT_ADMIN | RIGHT_GRANT);
	r2c_grant(fz.slot, echo_a, FUZZ_SLOT_ECHO, RIGHT_ALL);
	r2c_grant(fz.slot, my_sinv(r2c_export_fuzz_report, 0), FUZZ_SLOT_REPORT, RIGHT_READ);
	long tid = thread_start_in(&fz, 12345, &t);
	r2c_op(t, THD_ASND_CREATE, (a = r2c_slot_alloc(&mem)), 0, 0, 0, 0, 0);
	r2c_grant(fz.slot, a, FUZZ_SLOT_ASND, RIGHT_ALL);
	word_t nic = find_nic(1);
	CHECK_EQ("fuzz.device", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCIDEV, fz.slot, FUZZ_SLOT_PCI, nic,
				       RIGHT_READ | RIGHT_WRITE, 0, 0), 0);

	/* Schedule it with a 1 ms tick until it ends, waking it when it blocks. */
	uint64_t ms = bi->tsc_hz / 1000, t0 = r2c_tsc();
	word_t wakeups = 0, preemptions = 0;
	clear_events();
	while (!saw_event((word_t)tid, EV_EXITED) && !saw_event((word_t)tid, EV_FAULTED)) {
		if (nev_full())
			clear_events();
		if (r2c_op(t, THD_STATE, 0, 0, 0, 0, 0, 0) == THD_BLOCKED) {
			r2c_asnd(a, 0);
			wakeups++;
		}
		r2c_op(ROOT_SLOT_TIMER, TIMER_SET, r2c_tsc() + ms, 0, 0, 0, 0, 0);
		dispatch(t);
		preemptions += (word_t)r2c_rcv(RCV_NONBLOCK);
	}
	r2c_op(ROOT_SLOT_TIMER, TIMER_SET, 0, 0, 0, 0, 0, 0);
	r2c_rcv(RCV_NONBLOCK);
	r2c_check("fuzz.million_calls", fuzz_calls == FUZZ_CALLS && saw_event((word_t)tid, EV_EXITED),
		  "fuzzer made %lu calls, %s", fuzz_calls,
		  saw_event((word_t)tid, EV_FAULTED) ? "then faulted" : "and ended");
	r2c_printf("ktest: fuzz took %lu ms, %lu refused, %lu ticks, %lu wake-ups\n",
		   (r2c_tsc() - t0) / ms, fuzz_refused, preemptions, wakeups);
	CHECK_EQ("fuzz.kernel_still_serves", r2c_call(echo_a, 1, 2, 3, 4), 10);

	/* Release everything: the fuzzer's table, the victim, then every frame
	 * of the range as often as freeing one lets another go. Each frame
	 * must be back as it was before. */
	for (word_t i = 1; i < FUZZ_TABLE_SLOTS; i++)
		r2c_op(fz.slot, COMP_CAP_DELETE, i, 0, 0, 0, 0, 0);
	r2c_op(ROOT_SLOT_COMP, COMP_CAP_DELETE, victim, 0, 0, 0, 0, 0);
	word_t dev = r2c_slot_alloc(&mem);
	CHECK_EQ("fuzz.device_given_back", r2c_op(ROOT_SLOT_MACHINE, MACHINE_PCIDEV, 0, dev, nic, RIGHT_READ, 0, 0), 0);
	r2c_slot_delete(&mem, dev);
	int passes = 0;
	bool progress = true;
	while (progress && passes++ < 64) {
		frames_snapshot(ut, FUZZ_FRAMES, fuzz_after);
		for (word_t i = 0; i < FUZZ_FRAMES; i++)
			r2c_op(ut, UT_FREE, i, 0, 0, 0, 0, 0);
		progress = false;
		for (word_t i = 0; i < FUZZ_FRAMES && !progress; i++) {
			struct r2c_ret r = r2c_sys(ut, UT_FRAME, i, 0, 0, 0, 0, 0);
			progress = ((word_t)r.status << 32 | r.r0) != fuzz_after[i];
		}
	}
	frames_snapshot(ut, FUZZ_FRAMES, fuzz_after);
	word_t differ = 0, firstbad = 0;
	for (word_t i = FUZZ_FRAMES; i-- > 0;)
		if (fuzz_after[i] != fuzz_before[i])
			differ++, firstbad = i;
	r2c_check("fuzz.frames_come_back", differ == 0,
		  "%lu of %d frames differ after %d passes; frame %lu: type %lu refs %lu, was type %lu refs %lu",
		  differ, FUZZ_FRAMES, passes, firstbad, fuzz_after[firstbad] >> 32, fuzz_after[firstbad] & 0xFFFFFFFF,
		  fuzz_before[firstbad] >> 32, fuzz_before[firstbad] & 0xFFFFFFFF);
}

#define KTEST_CHECKS (408 + REBOOT_CHECKS)

int run_tests(void)
{
	r2c_plan(KTEST_CHECKS);
	test_boot();
	test_memory_map();
	test_map_run();
	test_caps();
	test_devices();
	test_pci();
	test_components();
	test_boundary();
	test_faults();
	test_statuses();
	test_copy();
	test_borrow();
	test_reboot();
	test_reboot_stale();
	test_reboot_tricks();
	test_threads();
	test_async();
	test_timer();
	test_cpu_state();
	test_switch_state();
	test_fs_selector();
	test_fuzz();
	r2c_printf("ktest: kernel tests: %d passed, %d failed\n", r2c_passed, r2c_failed);
	return r2c_failed;
}
