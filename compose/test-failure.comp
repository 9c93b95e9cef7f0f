# Honest ends: failsrv faults while a thread of failcli is parked in it,
# and failcli (halt=yes) waits for that thread for ever. The booter must
# name the failed component and the stuck thread and halt with status 4.
component console image=console.elf  mem=1M prio=2
component failsrv image=failtest.elf mem=1M prio=8 arg=server
component failcli image=failtest.elf mem=1M prio=16 arg=crash halt=yes
uses failsrv console
uses failcli console
uses failcli failsrv
