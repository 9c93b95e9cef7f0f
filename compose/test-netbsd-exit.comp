# The NetBSD tier's client exit: a client of rk ends its NetBSD process
# 1,000 times (rk_proc_exit) with a locked file, another file and a pipe
# open, sometimes with a thread blocked in read; each time it gets a new
# process, and rk's lwps, NetBSD's process count and rk's heap come back
# (components/exittest, arg=cycles).
component console image=console.elf  mem=1M  prio=2
component rk      image=rk.elf       mem=96M prio=8  arg=tmpfs::/tmp
component exiter  image=exittest.elf mem=2M  prio=16 arg=cycles halt=yes
uses rk     console
uses exiter console
uses exiter rk
