# The NetBSD tier's system-call tests (components/sctest): two clients of
# the same image, each its own NetBSD process in rk. sc1 listens on an
# AF_LOCAL socket file on the tmpfs, sc2 connects and sends it 16 MiB;
# then both call every wrapper of lib/rkclient/syscall.h once and with
# bad pointers, and sc1 checks calls that block and the path race. sc1
# is an ordinary user, sc2 root (uid=0): mount answers each differently.
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8  arg=tmpfs::/tmp
component sc1     image=sctest.elf  mem=8M  prio=16 arg=listen halt=yes
component sc2     image=sctest.elf  mem=8M  prio=16 arg=connect halt=yes uid=0
uses rk console
uses sc1 console
uses sc1 rk
uses sc2 console
uses sc2 rk
