# A mistake on line 4 (a size with an unknown suffix): the booter refuses it.
component console image=console.elf mem=1M  prio=2
component hello   image=hello.elf   mem=4M  prio=16
component ramdisk image=ramdisk.elf mem=12Q prio=4
uses hello console
