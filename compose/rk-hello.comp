# The NetBSD rump kernel (rk) on a 32 MiB FFS RAM disk made by makefs.
component console image=console.elf mem=1M   prio=2
component rd0     image=ramdisk.elf mem=40M  prio=4 disk=32M preload=ffs.img
component rk      image=rk.elf      mem=96M  prio=10 arg=ffs:rd0:/mnt
uses rd0 console
uses rk  console
uses rk  rd0
