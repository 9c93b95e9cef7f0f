# The NetBSD tier's churn: a client of rk whose threads come and go 5,000
# times, each calling rk once; what they took (scheduler records, the
# root's slots and frames) must all be back (components/rktest/crowd.c).
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8  arg=tmpfs::/tmp
component churn   image=rktest.elf  mem=2M  prio=16 arg=tmpfs::/tmp:churn halt=yes
uses rk    console
uses churn console
uses churn rk
