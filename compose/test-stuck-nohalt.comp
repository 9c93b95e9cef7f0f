# Honest ends without halt=yes: nothing faults, failcli waits for a thread
# parked for ever in failsrv, and nothing can run. The booter must name the
# thread waiting inside the invocation and
# halt with status 5.
component console image=console.elf  mem=1M prio=2
component failsrv image=failtest.elf mem=1M prio=8 arg=server
component failcli image=failtest.elf mem=1M prio=16 arg=stuck
uses failsrv console
uses failcli console
uses failcli failsrv
