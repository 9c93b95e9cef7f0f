# Two clients across micro-reboots of rk (tools/run-tests, suite
# rk-recover): reca and recb run the same image (components/rkrec); in
# each, two threads write, fsync and read back files on FFS (log) and
# ext2 in directories of its own and read a long file through a
# descriptor kept open, while reca's main thread (arg=crash:recb) crashes
# rk 20 times at random moments (inject=call) once recb works too; the
# client library (lib/rkclient/recover.c) puts each client's descriptors
# back by itself. The disks are host files the host checks afterwards.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=2M  prio=4  hostdisk=0
component rd1     image=ramdisk.elf mem=2M  prio=4  hostdisk=1
component rk      image=rk.elf      mem=96M prio=8  arg=ffs:rd0:/ffs,ext2fs:rd1:/ext restart=100 watchdog=5 inject=call
component reca    image=rkrec.elf   mem=4M  prio=16 arg=crash:recb halt=yes uid=0
component recb    image=rkrec.elf   mem=4M  prio=16 halt=yes uid=0
uses rd0    console
uses rd1    console
uses rk     console
uses rk     rd0
uses rk     rd1
uses reca   console
uses reca   rk
uses recb   console
uses recb   rk
