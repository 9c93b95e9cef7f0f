# fsbench's timed 64 KiB calls alone, for the profiled boot of make bench
# (tools/run-bench): the bytes copied or zeroed per byte of payload.
component console image=console.elf mem=1M   prio=2
component rd0     image=ramdisk.elf mem=2M   prio=4  hostdisk=0
component rk      image=rk.elf      mem=240M prio=8  arg=rd0
component fsbench image=fsbench.elf mem=4M   prio=16 arg=ffs:/dev/rd0:/mnt:bytes halt=yes uid=0
uses rd0     console
uses rk      console
uses rk      rd0
uses fsbench console
uses fsbench rk
