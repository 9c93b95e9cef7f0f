# httpd on the network: NetBSD's virtio-net driver (vioif0) and TCP/IP in
# rk, which owns the NIC (pci=) and mounts the web files (www.img, made by
# makefs: see the Makefile) from rd0. QEMU's user network (restrict=on)
# gives the guest 10.0.2.15 and forwards 127.0.0.1:PORT on the host to
# its port 80:   make run COMPOSE=compose/net.comp NET=8080
# then http://127.0.0.1:8080/ (docs/network.md). httpd binds port 80,
# which NetBSD keeps for root: uid=0.
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=40M prio=4  disk=32M preload=www.img
component rk      image=rk.elf      mem=96M prio=8  pci=1af4:1000 arg=ffs:rd0:/www,net:vioif0:10.0.2.15/24:10.0.2.2
component httpd   image=httpd.elf   mem=8M  prio=16 uid=0
uses rd0   console
uses rk    console
uses rk    rd0
uses httpd console
uses httpd rk
