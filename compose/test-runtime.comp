# The runtime tests: rtest checks the scheduler, locks, heap, two RAM disks
# (one preloaded with an ext2 image) and a shared-memory ring to ringpeer.
component console  image=console.elf  mem=1M   prio=2
component ramdisk  image=ramdisk.elf  mem=70M  prio=4  disk=64M
component ext2disk image=ramdisk.elf  mem=6M   prio=4  disk=4M preload=ext2.img
component ringpeer image=ringpeer.elf mem=1M   prio=16
component pong     image=pong.elf     mem=1M   prio=16
component rtest    image=rtest.elf    mem=16M  prio=16

uses ramdisk  console
uses ext2disk console
uses ringpeer console
uses rtest    console
uses rtest    ramdisk
uses rtest    ext2disk
uses rtest    pong
shm  ring 64K rtest ringpeer
