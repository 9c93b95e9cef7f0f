# The restart limit with rk itself (tools/run-tests, suite rk-corrupt):
# rk mounts a damaged FFS (host disk 1, tools/corrupt-image ffs-dirent)
# in its arg=; a lookup in it panics NetBSD, and the client library makes
# the call again after each reboot, so every boot faults: restart=2 lets
# two reboots, the third fault leaves rk gone (the client gets ENXIO), and
# the system goes on and halts (status 4: a component failed).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ffs:rd1:/bad restart=2
component gone    image=rkboot.elf  mem=4M  prio=16 arg=corrupt-gone halt=yes
uses rd0  console
uses rd1  console
uses rk   console
uses rk   rd0
uses rk   rd1
uses gone console
uses gone rk
