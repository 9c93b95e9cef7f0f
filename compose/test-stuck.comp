# Honest ends: nothing faults, but failcli (halt=yes) waits for a thread
# parked for ever in failsrv. The booter must name the stuck thread and
# halt with status 5.
component console image=console.elf  mem=1M prio=2
component failsrv image=failtest.elf mem=1M prio=8 arg=server
component failcli image=failtest.elf mem=1M prio=16 arg=stuck halt=yes
uses failsrv console
uses failcli console
uses failcli failsrv
