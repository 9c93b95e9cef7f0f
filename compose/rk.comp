# The NetBSD rump kernel (rk) serving hello from a 32 MiB FFS RAM disk
# (made by makefs). Booted by make run when RUMPKERNEL is given. hello
# mounts the disk itself, so it runs as root inside NetBSD (uid=0).
component console image=console.elf mem=1M  prio=2
component rd0     image=ramdisk.elf mem=40M prio=4  disk=32M preload=ffs.img
component rk      image=rk.elf      mem=96M prio=8  arg=rd0,tmpfs::/tmp
component hello   image=hello.elf   mem=4M  prio=16 halt=yes uid=0
uses rd0   console
uses rk    console
uses rk    rd0
uses hello console
uses hello rk
