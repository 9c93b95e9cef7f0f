# rk micro-rebooted (tools/run-tests, suite rk-reboot): rkboot crashes it
# four ways through fault injection (inject=call), the last a call that
# never returns, which the watchdog ends; rk boots NetBSD again, lends
# itself the disks again and mounts its arg= file systems again (FFS with
# its journal). The disks are host files the host checks afterwards.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ext2fs:rd1:/ext restart=20 watchdog=2 inject=call
component rkboot  image=rkboot.elf  mem=4M  prio=16 halt=yes uid=0
uses rd0    console
uses rd1    console
uses rk     console
uses rk     rd0
uses rk     rd1
uses rkboot console
uses rkboot rk
