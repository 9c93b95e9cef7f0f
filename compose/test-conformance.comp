# The hypercall layer's conformance tests (no rump kernel needed): rkconform
# plays the rump kernel against lib/rumpuser, with a 1 MiB RAM disk.
component console   image=console.elf   mem=1M prio=2
component rd0       image=ramdisk.elf   mem=3M prio=4 disk=1M
component rkconform image=rkconform.elf mem=8M prio=16 halt=yes
uses rd0       console
uses rkconform console
uses rkconform rd0
