# The NetBSD tier under memory pressure (tools/run-tests): rk gets 48 MiB,
# so the rump kernel's memory limit is about 22 MB, and rkt moves a 64 MiB
# file through its page cache and back, byte for byte, on a 128 MiB FFS
# disk that is a host file (checked by tools/ffs-check afterwards). rkt
# mounts the disk itself: root (uid=0).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rk      image=rk.elf      mem=48M prio=8  arg=rd0
component rkt     image=rktest.elf  mem=4M  prio=16 arg=ffs:/dev/rd0:/big:pressure halt=yes uid=0
uses rd0 console
uses rk  console
uses rk  rd0
uses rkt console
uses rkt rk
