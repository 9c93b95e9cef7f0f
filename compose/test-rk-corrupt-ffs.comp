# Corrupted ffs images against rk (tools/run-tests, suite rk-corrupt):
# host disks 0 and 1 are good FFS and ext2 images rk mounts itself (arg=);
# 2 to 4 are copies damaged by tools/corrupt-image (ffs-dirent, ffs-cg, ffs-ncg),
# 5 an FFS with files (build/ffs-sample.img) damaged by ffs-size,
# which the root client `mounter` mounts one by one while `busy` reads
# /ffs all along (rkboot's image: components/rkboot/corrupt.c). A mount
# that spins is the watchdog's (watchdog=2); restart=20 covers the panics.
# Four damaged disks a boot at most: rk imports at most 48 entry points.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rd2     image=ramdisk.elf mem=2M  prio=4  hostdisk=2
component rd3     image=ramdisk.elf mem=2M  prio=4  hostdisk=3
component rd4     image=ramdisk.elf mem=2M  prio=4  hostdisk=4
component rd5     image=ramdisk.elf mem=2M  prio=4  hostdisk=5
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ext2fs:rd1:/ext,rd2,rd3,rd4,rd5 restart=20 watchdog=2
component mounter image=rkboot.elf  mem=4M  prio=16 arg=corrupt-ffs uid=0 halt=yes
component busy    image=rkboot.elf  mem=4M  prio=16 arg=corrupt-busy halt=yes
uses rd0     console
uses rd1     console
uses rd2     console
uses rd3     console
uses rd4     console
uses rd5     console
uses rk      console
uses rk      rd0
uses rk      rd1
uses rk      rd2
uses rk      rd3
uses rk      rd4
uses rk      rd5
uses mounter console
uses mounter rk
uses busy    console
uses busy    rk
