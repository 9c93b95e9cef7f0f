# The NetBSD tier's full tmpfs: a client fills the tmpfs rk mounted until
# NetBSD says ENOSPC (rk limits a tmpfs to a quarter of its memory), and
# rk goes on serving it (components/rktest/crowd.c).
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8  arg=tmpfs::/tmp
component fill    image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:fill halt=yes
uses rk   console
uses fill console
uses fill rk
