# make bench: TCP between two applications over NetBSD's lo0 in rk,
# 64 MiB in 64 KiB sends (components/lotest prints MB/s and, under
# -icount, instructions per KiB).
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8
component sink    image=lotest.elf  mem=4M  prio=16 arg=recv:5001:64 halt=yes
component source  image=lotest.elf  mem=4M  prio=16 arg=send:5001:64 halt=yes
uses rk     console
uses sink   console
uses sink   rk
uses source console
uses source rk
