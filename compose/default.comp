# The default system (make run). One line per component:
#   component NAME image=FILE [mem=SIZE] [prio=N] [disk=SIZE] [preload=FILE] [arg=WORD]
# then who may invoke whom ("uses CLIENT SERVER") and shared memory
# ("shm NAME SIZE A B"). See docs/composition.md.
component console image=console.elf mem=1M  prio=2
component ramdisk image=ramdisk.elf mem=80M prio=4 disk=64M
component hello   image=hello.elf   mem=4M  prio=16

uses ramdisk console
uses hello   console
uses hello   ramdisk
