# rump2cos build. `make` builds the kernel and the components; `make run`
# boots the default demo; `make test` runs host and in-guest tests;
# `make bench` prints the benchmarks. See README.md.

CC       ?= gcc
ifeq ($(origin CC),default)
CC       := gcc
endif
LD       := ld
OUT      := build
ACCEL    ?= auto
QEMU_MEM ?= 512

WARN     := -Wall -Wextra -Werror -std=c11
FREE     := -ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fno-pic \
            -fno-asynchronous-unwind-tables -O2 -g -Iinclude -Ilib
KCFLAGS  := $(WARN) $(FREE) -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -mno-sse
UCFLAGS  := $(WARN) $(FREE) -mcmodel=small -fno-pie -Ilib/libr2c
SHARED   := lib/fmt/fmt.c lib/elf/elf.c lib/string/string.c
ULIBS    := lib/alloc/heap.c lib/ring/ring.c lib/compose/compose.c

KSRC     := $(wildcard kernel/*.c kernel/arch/x86_64/*.c) $(SHARED)
KASM     := $(wildcard kernel/arch/x86_64/*.S)
KOBJ     := $(patsubst %,$(OUT)/k/%.o,$(KSRC) $(KASM))

USRC     := $(wildcard lib/libr2c/*.c) $(SHARED) $(ULIBS) $(wildcard lib/rumpuser/*.c lib/rkclient/*.c lib/ext2preen/*.c)
UASM     := $(wildcard lib/libr2c/*.S)
UOBJ     := $(patsubst %,$(OUT)/u/%.o,$(USRC) $(UASM))

COMPONENTS := $(filter-out rk,$(notdir $(wildcard components/*)))
COMP_ELFS  := $(foreach c,$(COMPONENTS),$(OUT)/comp/$(c).elf)

# The rump kernel component exists only with an installed kernel-only rump
# kernel: make RUMPKERNEL=dir (holding lib/librump*.a and include/rump/),
# or the one `make rumpkernel` built into $(OUT)/rumpkernel, used by
# default when it is there.
# $(call remember,FILE,VALUE): FILE holds VALUE, and is written (made
# newer, for what depends on it) only when VALUE changed.
remember = $(shell mkdir -p $(dir $(1)) && { [ "$$(cat $(1) 2>/dev/null)" = "$(2)" ] || echo "$(2)" >$(1); })
# $(call remember_dir,FILE,DIR): the same for the directory DIR names
# (through a symbolic link: another directory is another value).
remember_dir = $(call remember,$(1),$(or $(realpath $(2)),$(abspath $(2))))

ifeq ($(origin RUMPKERNEL),undefined)
RUMPKERNEL := $(if $(wildcard $(OUT)/rumpkernel/lib/librump.a),$(OUT)/rumpkernel)
endif
# rk's network: NetBSD's TCP/IP (net, netinet, netinet6, the netconfig
# helpers) and its virtio-net driver over PCI (docs/network.md).
RK_NET_LIBS := rumpnet_config rumpnet_netinet6 rumpnet_netinet rumpnet_net \
	       rumpdev_virtio_if_vioif rumpdev_pci_virtio rumpdev_pci
RK_LIBS := rumpkern_sysproxy rumpnet_local $(RK_NET_LIBS) rumpnet rumpfs_ffs rumpfs_ext2fs rumpfs_tmpfs rumpdev_disk rumpdev rumpvfs rump
ifneq ($(RUMPKERNEL),)
RK_ARCHIVES := $(foreach l,$(RK_LIBS),$(RUMPKERNEL)/lib/lib$(l).a)
COMP_ELFS += $(OUT)/comp/rk.elf
# rk is linked again when RUMPKERNEL names another installation, whose
# archives need not be newer (make rumpkernel's two kinds, say): this
# file holds the one rk.elf was linked with.
RK_WITH := $(OUT)/comp/rk.rumpkernel
$(call remember_dir,$(RK_WITH),$(RUMPKERNEL))
$(OUT)/comp/rk.elf: $(addprefix $(OUT)/u/,$(addsuffix .o,$(wildcard components/rk/*.c))) $(OUT)/libr2c.a $(RK_ARCHIVES) $(RK_WITH)
	@mkdir -p $(dir $@)
	@! nm $(RUMPKERNEL)/lib/librump.a 2>/dev/null | grep -q curlwp_storage || { echo "RUMPKERNEL=$(RUMPKERNEL): \
	this rump kernel keeps curlwp in thread-local storage; rump2cos needs curlwp by hypercall \
	(a kernel-only build with RUMP_CURLWP=hypercall, see docs/rumpkernel.md)" >&2; exit 1; }
	$(LD) -nostdlib -static -z max-page-size=4096 -T lib/libr2c/component.ld -o $@ \
		$(filter %.o,$^) --whole-archive $(RK_ARCHIVES) --no-whole-archive $(OUT)/libr2c.a \
		$(shell $(CC) -print-libgcc-file-name)
$(RK_ARCHIVES):
	@echo "RUMPKERNEL=$(RUMPKERNEL): $@ is missing (a kernel-only rump kernel installation is needed)" >&2; exit 1
endif

all: $(OUT)/kernel.elf $(COMP_ELFS)

$(OUT)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(OUT)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(OUT)/kernel.elf: $(KOBJ) kernel/arch/x86_64/kernel.ld
	$(LD) -nostdlib -z max-page-size=4096 --no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld -o $@ $(KOBJ)

$(OUT)/u/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
$(OUT)/u/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
$(OUT)/libr2c.a: $(UOBJ)
	rm -f $@ && ar rcs $@ $^

# Each components/NAME/*.c becomes build/comp/NAME.elf, linked in the low 2 GiB.
.SECONDEXPANSION:
$(OUT)/comp/%.elf: $$(addprefix $(OUT)/u/,$$(addsuffix .o,$$(wildcard components/$$*/*.c))) $(OUT)/libr2c.a lib/libr2c/component.ld
	@mkdir -p $(dir $@)
	$(LD) -nostdlib -static -z max-page-size=4096 -T lib/libr2c/component.ld -o $@ \
		$(filter %.o,$^) $(OUT)/libr2c.a

# --- boot images ---------------------------------------------------------
# Every component is a boot module; the booter picks what the composition
# file names. Disk images are made here with standard tools.
EXT2_IMG := $(OUT)/ext2.img
$(EXT2_IMG):
	@command -v mke2fs >/dev/null || { echo "mke2fs not found: apt-get install e2fsprogs" >&2; exit 1; }
	rm -f $@ && mke2fs -q -t ext2 -L r2c-test -F $@ 4M
# An empty FFS v2 image of SIZE with an inode per DENSITY bytes (makefs
# sizes the inode table from the files it is given otherwise: none).
define ffs_image	# SIZE, DENSITY
	@command -v makefs >/dev/null || { echo "makefs not found: apt-get install makefs" >&2; exit 1; }
	rm -rf $@ $@.root && mkdir -p $@.root
	makefs -t ffs -o version=2,density=$(2) -s $(1) $@ $@.root
	rm -rf $@.root
endef
FFS_IMG := $(OUT)/ffs.img
FFS_BENCH_IMG := $(OUT)/ffs-bench.img
FFS_SAMPLE_IMG := $(OUT)/ffs-sample.img
$(FFS_IMG):
	$(call ffs_image,32m,4096)
$(FFS_BENCH_IMG):
	$(call ffs_image,128m,16384)
# Files of every shape for ffs-check's own test: fragments, direct and
# indirect blocks, nested directories, a symbolic link.
$(FFS_SAMPLE_IMG):
	@command -v makefs >/dev/null || { echo "makefs not found: apt-get install makefs" >&2; exit 1; }
	rm -rf $@ $@.root && mkdir -p $@.root/dir/sub
	printf 'small\n' >$@.root/small
	yes fragment | head -c 5000 >$@.root/dir/frag
	yes indirect | head -c 300000 >$@.root/dir/sub/big
	ln -s ../small $@.root/dir/link
	makefs -t ffs -o version=2,density=8192 -s 8m $@ $@.root
	rm -rf $@.root

# httpd's document root (compose/net.comp): an FFS image of files the
# network tests fetch and compare with $(OUT)/www, what it was made from.
WWW_IMG := $(OUT)/www.img
$(WWW_IMG):
	@command -v makefs >/dev/null || { echo "makefs not found: apt-get install makefs" >&2; exit 1; }
	rm -rf $@ $(OUT)/www && mkdir -p $(OUT)/www
	printf '<html><body><h1>rump2cos</h1><p>Served by httpd through NetBSD TCP/IP in rk.</p></body></html>\n' \
		>$(OUT)/www/index.html
	printf 'x' >$(OUT)/www/1b
	head -c 1048576 /dev/urandom >$(OUT)/www/1m
	head -c 16777216 /dev/urandom >$(OUT)/www/16m
	makefs -t ffs -o version=2,density=16384 -s 32m $@ $(OUT)/www

# The booter is the root (the first module); the kernel tests and
# benchmarks are a root image of their own, booted in its place.
MODULES := $(OUT)/comp/root.elf $(filter-out $(OUT)/comp/root.elf $(OUT)/comp/ktest.elf,$(COMP_ELFS)) $(EXT2_IMG) \
	   $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG))
KTEST_MODULES := $(OUT)/comp/ktest.elf $(filter-out $(OUT)/comp/root.elf,$(MODULES))

# --- running ----------------------------------------------------------------
COMPOSE ?= $(if $(RUMPKERNEL),compose/rk.comp,compose/default.comp)
RUN_CMDLINE ?=
QEMU_RUN := tools/qemu-run --accel $(ACCEL) --mem $(QEMU_MEM)

# NET=PORT: a virtio-net device on QEMU's user network (restrict=on),
# 127.0.0.1:PORT on the host forwarded to the guest's port 80.
run: all $(EXT2_IMG) $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG))
	$(QEMU_RUN) $(if $(NET),--net $(NET)) --cmdline "$(RUN_CMDLINE)" $(OUT)/kernel.elf $(MODULES) $(COMPOSE)

# The kernel tests on the console (RUN_CMDLINE=bench: the kernel
# benchmarks, kdemo: the two-component demo), with the two virtio-net
# devices they drive: one transmits into QEMU's restricted user network,
# with no port forwarded; one is alone on a hub (no traffic).
ktest: all
	$(QEMU_RUN) --net none --net-hub 1 --cmdline "$(or $(RUN_CMDLINE),ktest)" $(OUT)/kernel.elf $(KTEST_MODULES)

gdb: all $(EXT2_IMG) $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG))
	@echo "QEMU waits for gdb on :1234: gdb $(OUT)/kernel.elf -ex 'target remote :1234'"
	$(QEMU_RUN) --gdb --cmdline "$(RUN_CMDLINE)" $(OUT)/kernel.elf $(MODULES) $(COMPOSE)

# --- tests and benchmarks -----------------------------------------------------
HOST_CC     ?= cc
HOST_CFLAGS := $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude -Ilib -pthread
HOST_TESTS  := $(patsubst tests/host/%.c,$(OUT)/host/%,$(wildcard tests/host/test_*.c))
HOST_LIBS   := $(filter-out lib/string/string.c,$(SHARED)) $(ULIBS)
PROFILE_PLUGIN := $(OUT)/host/r2cprof.so

$(OUT)/host/test_%: tests/host/test_%.c tests/host/check.h $(SHARED) $(ULIBS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(HOST_LIBS)

test: all $(EXT2_IMG) $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG) $(FFS_BENCH_IMG)) $(FFS_SAMPLE_IMG) $(OUT)/host/ffs-check $(OUT)/host/ext2-preen $(OUT)/host/corrupt-image $(OUT)/host/net-client $(HOST_TESTS) \
		$(PROFILE_PLUGIN)
	tools/run-tests --accel $(ACCEL) --mem $(QEMU_MEM) --kernel $(OUT)/kernel.elf --profile-plugin $(PROFILE_PLUGIN) \
		--modules "$(MODULES)" --ktest-modules "$(KTEST_MODULES)" $(if $(RUMPKERNEL),--rumpkernel $(RUMPKERNEL)) \
		--ffs-check $(OUT)/host/ffs-check --ext2-preen $(OUT)/host/ext2-preen --corrupt-image $(OUT)/host/corrupt-image --ffs-sample $(FFS_SAMPLE_IMG) $(HOST_TESTS)

# The guest profiler's QEMU plugin (tools/profile): a host shared object.
$(PROFILE_PLUGIN): tools/profile-plugin/r2cprof.c tools/profile-plugin/qemu_plugin_api.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(WARN) -D_GNU_SOURCE -O2 -fPIC -shared -o $@ $<

# Where the instructions go: make profile COMPOSE=compose/X.comp [MARK=start[,stop]]
# [RUN_CMDLINE=...] [TOP=n] [DISK=file]; KTEST=1 boots the kernel test image instead
# (make profile KTEST=1 RUN_CMDLINE="bench accel=icount"). Always TCG -icount.
# DISK is host disk 0, used as it is (give a copy: the guest writes to it).
profile: all $(EXT2_IMG) $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG)) $(PROFILE_PLUGIN)
	tools/profile --plugin $(PROFILE_PLUGIN) --mem $(QEMU_MEM) $(if $(MARK),--mark $(MARK)) $(if $(TOP),--top $(TOP)) \
		$(if $(DISK),--disk $(DISK)) --cmdline "$(RUN_CMDLINE)" --log $(OUT)/profile.log $(OUT)/kernel.elf \
		$(if $(KTEST),$(KTEST_MODULES),$(MODULES) $(COMPOSE))

# The host's check of FFS images the guest wrote (Debian has no FFS fsck).
$(OUT)/host/ffs-check: tools/ffs-check.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

# rk's ext2 preen (lib/ext2preen) on image files, for its own test and
# for an image rk refused.
$(OUT)/host/ext2-preen: tools/ext2-preen.c lib/ext2preen/preen.c lib/ext2preen/preen.h lib/fmt/fmt.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tools/ext2-preen.c lib/ext2preen/preen.c lib/fmt/fmt.c

# Damaged copies of the good images for the rk-corrupt suite (made at test
# time, never committed).
$(OUT)/host/corrupt-image: tools/corrupt-image.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

# The network tier's and the HTTP benchmark's client: 127.0.0.1 only.
$(OUT)/host/net-client: tools/net-client.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -pthread -o $@ $<

$(OUT)/host/pipe-pingpong: bench/pipe_pingpong.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -o $@ $<

# The same rump kernel on its POSIX hypercalls, for the side-by-side
# figures: make bench RUMPKERNEL=dir RUMPKERNEL_POSIX=dir2 (an installed
# rump kernel with librumpuser, built for Linux).
RK_POSIX_LIBS := rumpfs_ffs rumpdev_disk rumpdev rumpvfs rump
# (linked again when RUMPKERNEL_POSIX names another installation)
RK_POSIX_WITH := $(if $(RUMPKERNEL_POSIX),$(OUT)/host/rumpkernel-posix)
ifneq ($(RUMPKERNEL_POSIX),)
$(call remember_dir,$(RK_POSIX_WITH),$(RUMPKERNEL_POSIX))
endif
$(OUT)/host/rump-posix-bench: bench/rump_posix.c include/r2c/fsbench.h $(RK_POSIX_WITH)
	@mkdir -p $(dir $@)
	@test -f $(RUMPKERNEL_POSIX)/lib/librumpuser.a || { echo "RUMPKERNEL_POSIX=$(RUMPKERNEL_POSIX): no lib/librumpuser.a (a rump kernel with POSIX hypercalls is needed)" >&2; exit 1; }
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -I$(RUMPKERNEL_POSIX)/include -o $@ $< \
		-Wl,--whole-archive $(foreach l,$(RK_POSIX_LIBS),$(RUMPKERNEL_POSIX)/lib/lib$(l).a) -Wl,--no-whole-archive \
		$(RUMPKERNEL_POSIX)/lib/librumpuser.a -lpthread -ldl -lrt

# The same NetBSD TCP/IP stack on its POSIX hypercalls: two threads over
# the rump kernel's own lo0, inside the process (bench/rump_lo0.c).
RK_POSIX_NET_LIBS := rumpnet_netinet rumpnet_net rumpnet_config rumpnet rump
$(OUT)/host/rump-lo0-bench: bench/rump_lo0.c include/r2c/wordstream.h $(RK_POSIX_WITH)
	@mkdir -p $(dir $@)
	@test -f $(RUMPKERNEL_POSIX)/lib/librumpnet_netinet.a || { echo "RUMPKERNEL_POSIX=$(RUMPKERNEL_POSIX): no lib/librumpnet_netinet.a (a rump kernel with POSIX hypercalls and the network is needed)" >&2; exit 1; }
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -I$(RUMPKERNEL_POSIX)/include -o $@ $< \
		-Wl,--whole-archive $(foreach l,$(RK_POSIX_NET_LIBS),$(RUMPKERNEL_POSIX)/lib/lib$(l).a) -Wl,--no-whole-archive \
		$(RUMPKERNEL_POSIX)/lib/librumpuser.a -lpthread -ldl -lrt

# The Linux guest of make bench (tools/linux-guest): the same workloads as
# static programs for its initramfs, the rump kernel's among them when
# RUMPKERNEL_POSIX is given (its dynamic-linker walk replaced, see
# bench/rump_static.c).
LINUX_BENCH := $(OUT)/linux/linux-bench
LINUX_RUMP  := $(OUT)/linux/rump-posix-bench
$(LINUX_BENCH): bench/linux_bench.c include/r2c/fsbench.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -static -o $@ $<
$(LINUX_RUMP): bench/rump_posix.c bench/rump_static.c include/r2c/fsbench.h $(RK_POSIX_WITH)
	@mkdir -p $(dir $@)
	@test -f $(RUMPKERNEL_POSIX)/lib/librumpuser.a || { echo "RUMPKERNEL_POSIX=$(RUMPKERNEL_POSIX): no lib/librumpuser.a (a rump kernel with POSIX hypercalls is needed)" >&2; exit 1; }
	$(HOST_CC) $(WARN) -O2 -D_GNU_SOURCE -Iinclude -I$(RUMPKERNEL_POSIX)/include -static -o $@ \
		bench/rump_posix.c bench/rump_static.c \
		-Wl,--whole-archive $(foreach l,$(RK_POSIX_LIBS),$(RUMPKERNEL_POSIX)/lib/lib$(l).a) -Wl,--no-whole-archive \
		$(RUMPKERNEL_POSIX)/lib/librumpuser.a -lpthread -lrt

bench: all $(EXT2_IMG) $(if $(RUMPKERNEL),$(FFS_IMG) $(WWW_IMG) $(OUT)/host/net-client) $(OUT)/host/pipe-pingpong $(if $(RUMPKERNEL)$(RUMPKERNEL_POSIX),$(FFS_BENCH_IMG)) \
		$(if $(RUMPKERNEL_POSIX),$(OUT)/host/rump-posix-bench $(OUT)/host/rump-lo0-bench $(LINUX_RUMP)) $(LINUX_BENCH) $(PROFILE_PLUGIN)
	tools/run-bench --accel $(ACCEL) --mem $(QEMU_MEM) --kernel $(OUT)/kernel.elf \
		--modules "$(MODULES)" --ktest-modules "$(KTEST_MODULES)" --pipe $(OUT)/host/pipe-pingpong \
		$(if $(RUMPKERNEL)$(RUMPKERNEL_POSIX),--ffs-image $(FFS_BENCH_IMG)) $(if $(RUMPKERNEL),--rk --net-client $(OUT)/host/net-client) \
		--profile-plugin $(PROFILE_PLUGIN) \
		$(if $(RUMPKERNEL_POSIX),--posix $(OUT)/host/rump-posix-bench --posix-lo0 $(OUT)/host/rump-lo0-bench --linux-rump $(LINUX_RUMP)) \
		--linux-bench $(LINUX_BENCH) $(if $(RUMPKERNEL),--rumpkernel $(RUMPKERNEL)) $(if $(RUMPKERNEL_POSIX),--rumpkernel-posix $(RUMPKERNEL_POSIX))

# rk micro-rebooted 1,000 times under a client's load (tools/soak,
# docs/reboot.md "Soak"): the median and p99 of each phase from the fault
# to serving again, in milliseconds and in instructions, and the fsynced
# bytes lost (0). SOAK_REBOOTS=N for another count. Needs the rump kernel.
ifeq ($(RUMPKERNEL),)
soak:
	@echo "make soak needs the NetBSD rump kernel: make soak RUMPKERNEL=dir, or make rumpkernel first" >&2; exit 1
else
soak: all $(EXT2_IMG) $(FFS_IMG) $(WWW_IMG) $(OUT)/host/ffs-check
	tools/soak --accel $(ACCEL) --mem $(QEMU_MEM) --kernel $(OUT)/kernel.elf --modules "$(MODULES)" \
		--ffs-image $(FFS_IMG) --ffs-check $(OUT)/host/ffs-check $(if $(SOAK_REBOOTS),--reboots $(SOAK_REBOOTS))
endif

# Ring-0 code size (the kernel proper, without shared library code).
kernel-lines:
	@cat kernel/*.c kernel/include/*.h kernel/arch/x86_64/*.[chS] | wc -l

# The NetBSD rump kernel, built by our script from RUMPSRC=dir (holding
# buildrump.sh/ and src-netbsd/) or from the pinned upstream revisions:
# with NetBSD's DIAGNOSTIC assertions into $(OUT)/rumpkernel, what the
# tests use by default; with RELEASE=yes without them into
# $(OUT)/rumpkernel-release, for benchmarks (make bench RUMPKERNEL=...).
rumpkernel:
	tools/build-rumpkernel $(if $(filter yes 1 true,$(RELEASE)),--release --out $(OUT)/rumpkernel-release,--out $(OUT)/rumpkernel) \
		$(if $(RUMPSRC),--src $(RUMPSRC))

# Everything but the rump kernels `make rumpkernel` built (minutes to redo).
clean:
	find $(OUT) -mindepth 1 -maxdepth 1 ! -name rumpkernel ! -name rumpkernel-release -exec rm -rf {} + 2>/dev/null; true

.PHONY: all run ktest gdb test bench soak profile clean kernel-lines rumpkernel
-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

