# The NetBSD tier (make test RUMPKERNEL=dir): two clients of the rump
# kernel at once, one on an FFS disk made by makefs, one on an ext2 disk
# made by mke2fs, and a tmpfs on /tmp. Both disks are host files
# (tools/run-tests gives copies of the images as host disks 0 and 1),
# which the host checks afterwards (e2fsck, tools/ffs-check), and a
# second boot (test-netbsd-again.comp) finds everything this one wrote.
# The ext2 client leaves its file system mounted and unsynced: rk's
# shutdown, when the system halts, is what puts it on the disk. The
# clients mount and write the disks' root directories: root (uid=0).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=rd0,rd1,tmpfs::/tmp
component rkt1    image=rktest.elf  mem=4M  prio=16 arg=ffs:/dev/rd0:/ffs halt=yes uid=0
component rkt2    image=rktest.elf  mem=4M  prio=16 arg=ext2fs:/dev/rd1:/ext:stay halt=yes uid=0
uses rd0  console
uses rd1  console
uses rk   console
uses rk   rd0
uses rk   rd1
uses rkt1 console
uses rkt1 rk
uses rkt2 console
uses rkt2 rk
