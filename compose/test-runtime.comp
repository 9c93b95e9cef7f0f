# The runtime tests: rtest checks the scheduler, locks, heap, two RAM disks
# (one preloaded with an ext2 image), a shared-memory ring to ringpeer, the
# priority ceiling (rtest's prio=8: its first thread lowers itself to 16)
# and CPU budgets: spinner, more urgent than rtest, spins when rtest asks,
# and must leave rtest the CPU half of every 20 ms. The first disk is
# 64 MiB and 1 KiB: its last two blocks lie in a page of their own.
component console  image=console.elf  mem=1M   prio=2
component ramdisk  image=ramdisk.elf  mem=70M  prio=4  disk=65537K
component ext2disk image=ramdisk.elf  mem=6M   prio=4  disk=4M preload=ext2.img
component ringpeer image=ringpeer.elf mem=1M   prio=16
component pong     image=pong.elf     mem=1M   prio=16
component spinner  image=spinner.elf  mem=1M   prio=6  cpu=50%/20ms
component rtest    image=rtest.elf    mem=16M  prio=8

uses ramdisk  console
uses ext2disk console
uses ringpeer console
uses spinner  console
uses rtest    console
uses rtest    ramdisk
uses rtest    ext2disk
uses rtest    pong
shm  ring 64K rtest ringpeer
shm  spin 4K  rtest spinner
