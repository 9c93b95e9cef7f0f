# make soak (tools/soak, docs/reboot.md "Soak"): rk micro-rebooted 1,000
# times (rksoak's arg=N: N) under rksoak's load, two threads writing,
# fsyncing and verifying files on FFS (log) and ext2, while its main
# thread crashes rk (inject=call) and prints each reboot's phases.
# restart= must allow every reboot that falls in one 10 s window.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ext2fs:rd1:/ext restart=100000 watchdog=5 inject=call
component rksoak  image=rksoak.elf  mem=4M  prio=16 halt=yes uid=0
uses rd0    console
uses rd1    console
uses rk     console
uses rk     rd0
uses rk     rd1
uses rksoak console
uses rksoak rk
