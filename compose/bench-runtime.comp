# Runtime benchmarks: rbench against a 64 MiB RAM disk. Its prio=10 is a
# ceiling: its first thread runs at 16, its condition waiter at 10.
component console image=console.elf mem=1M  prio=2
component ramdisk image=ramdisk.elf mem=70M prio=4 disk=64M
component rbench  image=rbench.elf  mem=4M  prio=10
uses ramdisk console
uses rbench  console
uses rbench  ramdisk
