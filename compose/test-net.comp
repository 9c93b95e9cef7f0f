# The network tier (tools/run-tests): compose/net.comp's httpd, and the
# echo server on port 7 (TCP and UDP), both reached from the host through
# QEMU's user network (restrict=on, forwards from 127.0.0.1 only).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=40M prio=4  disk=32M preload=www.img
component rk      image=rk.elf      mem=96M prio=8  pci=1af4:1000 arg=ffs:rd0:/www,net:vioif0:10.0.2.15/24:10.0.2.2
component httpd   image=httpd.elf   mem=8M  prio=16 uid=0
component echo    image=echo.elf    mem=4M  prio=16 uid=0
uses rd0   console
uses rk    console
uses rk    rd0
uses httpd console
uses httpd rk
uses echo  console
uses echo  rk
