#!/bin/busybox sh
# shellcheck shell=dash
# /init of the Linux guest of `make bench` (tools/linux-guest builds the
# initramfs around it): runs the reference workloads on Debian's kernel in
# the same QEMU as rump2cos, one step at a time with a progress line, then
# powers off. r2cmode=icount on the kernel command line makes every
# program count instructions (the TSC under -icount) instead of time.
# Ends with "linux-guest: done", or "linux-guest: FAILED: why".
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys

fail() {
	echo "linux-guest: FAILED: $*"
	poweroff -f
}
mode=tcg flag="" tag="Linux guest, TCG"
grep -q "r2cmode=icount" /proc/cmdline && mode=icount flag=--instructions tag="Linux guest, icount"
step() { echo "linux-guest: [$1/5] $2 ($mode)"; }

echo "linux-guest: Linux $(uname -r) up, $(nproc) CPU, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM, clock source $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
# For the record (in the console log only): the CPU features that decide
# how Linux copies (erms, fsrm: rep movsb) and its speculation mitigations.
echo "cpu flags of note: $(grep -m1 -o -w -E 'erms|fsrm|pcid|la57' /proc/cpuinfo | tr '\n' ' ')"
grep -H . /sys/devices/system/cpu/vulnerabilities/* | sed 's|^/sys/devices/system/cpu/vulnerabilities/|mitigation: |'
for m in $(cat /modules/order); do
	insmod "/modules/$m" || fail "insmod $m"
done

step 1 "getpid()"
linux-bench $flag getpid || fail getpid
step 2 "pipe round trip between two processes"
linux-bench $flag pipe || fail pipe

step 3 "fsbench on tmpfs"
mkdir -p /tmpfs && mount -t tmpfs -o size=192m tmpfs /tmpfs || fail "mount tmpfs"
linux-bench $flag fs /tmpfs tmpfs || fail "fsbench on tmpfs"
rm -rf /tmpfs/small

step 4 "fsbench on ext2 on a RAM block device (brd)"
insmod /modules/brd.ko rd_nr=1 rd_size=196608 || fail "insmod brd"
mke2fs -q -b 4096 /dev/ram0 >/dev/null || fail "mke2fs on /dev/ram0"
mkdir -p /ext2 && mount -t ext2 /dev/ram0 /ext2 || fail "mount ext2"
linux-bench $flag fs /ext2 ext2 || fail "fsbench on ext2"
umount /ext2 || fail "umount ext2"

if [ -x /bin/rump-posix-bench ]; then
	step 5 "the NetBSD rump kernel in a process, FFS image on tmpfs"
	cp /ffs.img /tmpfs/ffs.img && rm /ffs.img || fail "copying the FFS image to tmpfs"
	rump-posix-bench $flag --tag "$tag" /tmpfs/ffs.img || fail "rump-posix-bench"
else
	echo "linux-guest: [5/5] the NetBSD rump kernel in a process: NOT RUN (no RUMPKERNEL_POSIX)"
fi
echo "linux-guest: done"
poweroff -f
