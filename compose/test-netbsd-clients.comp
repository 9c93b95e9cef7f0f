# The NetBSD tier's crowd: as many clients as a server may have
# (CINFO_CLIENTS, 16) at once, each with four threads working on the
# tmpfs rk mounts (components/rktest/crowd.c).
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8  arg=tmpfs::/tmp
component c1      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c2      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c3      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c4      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c5      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c6      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c7      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c8      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c9      image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c10     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c11     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c12     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c13     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c14     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c15     image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
component c16    image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:many halt=yes
uses rk console
uses c1 rk
uses c2 rk
uses c3 rk
uses c4 rk
uses c5 rk
uses c6 rk
uses c7 rk
uses c8 rk
uses c9 rk
uses c10 rk
uses c11 rk
uses c12 rk
uses c13 rk
uses c14 rk
uses c15 rk
uses c16 rk
