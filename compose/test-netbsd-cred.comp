# The NetBSD tier's credentials: clients of rk are NetBSD users, not root
# (components/credtest). user has the default, an unprivileged uid and gid
# of its own (1000 + its component id: 1003); staff is given uid= and
# gid=; admin is root (uid=0), and rk says so on the console. NetBSD's
# own checks refuse the first two mount, unmount and the raw disk
# /dev/rd0 (rk makes it 0600); admin may mount, unmount and open it.
component console image=console.elf  mem=1M  prio=2
component rd0     image=ramdisk.elf  mem=3M  prio=4  disk=1M
component rk      image=rk.elf       mem=96M prio=8  arg=rd0,tmpfs::/tmp
component user    image=credtest.elf mem=2M  prio=16 arg=user halt=yes
component staff   image=credtest.elf mem=2M  prio=16 arg=user:4242:77 uid=4242 gid=77 halt=yes
component admin   image=credtest.elf mem=2M  prio=16 arg=root uid=0 halt=yes
uses rd0   console
uses rk    console
uses rk    rd0
uses user  console
uses user  rk
uses staff console
uses staff rk
uses admin console
uses admin rk
