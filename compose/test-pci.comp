# The PCI hypercalls (lib/rumpuser/pci.c) on QEMU's virtio-net device, with
# no rump kernel: pcitest, granted the device, plays the rump kernel and
# drives it; snoop, the same image without it, touches its ports and must
# fault. tools/run-tests boots it with tools/qemu-run --net none: the
# frames the test sends end in QEMU's restricted user network.
component console image=console.elf    mem=1M prio=2
component snoop   image=pciconform.elf mem=2M prio=8 arg=snoop
component pcitest image=pciconform.elf mem=8M prio=8 pci=1af4:1000 halt=yes
uses snoop   console
uses pcitest console
uses pcitest snoop
