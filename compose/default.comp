# The default system (make run): a console, a 64 MiB RAM disk and a demo.
# Format (docs/composition.md): one declaration per line, '#' comments,
#   component NAME image=FILE [mem=SIZE] [prio=N] [disk=SIZE] [preload=FILE] [arg=WORD]
#   uses CLIENT SERVER          CLIENT may invoke SERVER (SERVER starts first)
#   shm NAME SIZE COMP_A COMP_B memory shared by two components
# SIZE is decimal with an optional K, M or G; prio 0 is the most urgent.
component console image=console.elf mem=1M  prio=2
component ramdisk image=ramdisk.elf mem=80M prio=4 disk=64M
component hello   image=hello.elf   mem=4M  prio=16

uses hello   console
uses ramdisk console
uses hello   ramdisk
