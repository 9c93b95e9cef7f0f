# TCP between two applications over NetBSD's lo0 in rk (64 MiB in order)
# and 1,000 UDP datagrams through the echo server, all inside the guest
# (components/lotest, components/echo). No NIC: lo0 only.
component console image=console.elf mem=1M  prio=2
component rk      image=rk.elf      mem=96M prio=8
component echo    image=echo.elf    mem=4M  prio=16 uid=0
component sink    image=lotest.elf  mem=4M  prio=16 arg=recv:5001:64 halt=yes
component source  image=lotest.elf  mem=4M  prio=16 arg=send:5001:64 halt=yes
component udpcli  image=lotest.elf  mem=4M  prio=16 arg=udp:7:1000 halt=yes
uses rk     console
uses echo   console
uses echo   rk
uses sink   console
uses sink   rk
uses source console
uses source rk
uses udpcli console
uses udpcli rk
