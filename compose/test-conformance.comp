# The hypercall layer's conformance tests (no rump kernel needed): rkconform
# plays the rump kernel against lib/rumpuser, with a 1 MiB RAM disk.
component console   image=console.elf   mem=1M prio=2
component rd0       image=ramdisk.elf   mem=3M prio=4 disk=1M
component rkconform image=rkconform.elf mem=8M prio=16 halt=yes
uses rd0       console
uses rkconform console
uses rkconform rd0
# spclient invokes rkconform with pointers into its own memory: the
# sysproxy copy hypercalls (rumpuser_sp_copy*) on the kernel's SELF_COPY_*.
component spclient  image=spclient.elf  mem=2M prio=16
uses spclient  console
uses spclient  rkconform
