# The NetBSD tier's mount paths: a client mounts the FFS disk (host disk
# 0, a copy of the image) on a long relative path and leaves it mounted;
# rk's shutdown must unmount it, and the host checks the image clean. An
# ext2 mount (host disk 1) on such a path is refused and rk goes on
# (components/rktest/paths.c). The client mounts: root (uid=0).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=rd0,rd1,tmpfs::/tmp
component paths   image=rktest.elf  mem=2M  prio=16 arg=ffs:/dev/rd0:/x:paths halt=yes uid=0
uses rd0   console
uses rd1   console
uses rk    console
uses rk    rd0
uses rk    rd1
uses paths console
uses paths rk
