# The NetBSD tier's system-call interface: a client reaching rk through
# the generic entry rk_syscall with NetBSD's numbers and argument blocks
# (components/sptest, components/rk/sysproxy.c).
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8  arg=tmpfs::/tmp
component sp      image=sptest.elf  mem=4M  prio=16 halt=yes
uses rk console
uses sp console
uses sp rk
