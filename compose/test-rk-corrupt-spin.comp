# The watchdog over a boot (tools/run-tests, suite rk-corrupt-spin): rk
# mounts, in its arg=, an FFS whose superblock claims 2^31 cylinder groups
# (host disk 1, tools/corrupt-image ffs-ncg). The mount spins, so rk never
# says it is ready: watchdog=6 reboots it after 6 s of booting, at its
# first boot and after each reboot. These reboots come slower than the
# restart window (never 3 in one 10 s window), so restart=2 stops them
# as reboots in a row without becoming ready: after two, rk stays down,
# the client's first call gets ENXIO (INV_GONE), and the system goes on
# and halts (status 4: a component failed).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ffs:rd1:/bad restart=2 watchdog=6
component spin    image=rkboot.elf  mem=4M  prio=16 arg=corrupt-spin halt=yes
uses rd0  console
uses rd1  console
uses rk   console
uses rk   rd0
uses rk   rd1
uses spin console
uses spin rk
