# The NetBSD tier's second boot, on the host disks the first one left
# (tools/run-tests): rk mounts both file systems itself from its arg=, each
# client checks that its files are still there, and rk's shutdown unmounts
# them before the halt (the host checks both images again afterwards).
# The clients read what root wrote there, some of it mode 0600: uid=0.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ext2fs:rd1:/ext,tmpfs::/tmp
component rkt1    image=rktest.elf  mem=4M  prio=16 arg=ffs:/dev/rd0:/ffs:again halt=yes uid=0
component rkt2    image=rktest.elf  mem=4M  prio=16 arg=ext2fs:/dev/rd1:/ext:again halt=yes uid=0
uses rd0  console
uses rd1  console
uses rk   console
uses rk   rd0
uses rk   rd1
uses rkt1 console
uses rkt1 rk
uses rkt2 console
uses rkt2 rk
