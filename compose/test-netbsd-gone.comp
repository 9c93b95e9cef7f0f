# The NetBSD tier's clients that go: quitter returns from r2c_main and a
# thread of crasher faults (its first thread lives on), each holding an
# exclusive lock on a file in /tmp, another file and a pipe. The booter
# tells rk each is gone (client_gone); watcher, another client, sees each
# lock held, lets its holder go, then sees the lock released (NetBSD
# closed the files) and rk keeping no process and no lwp for it
# (components/exittest).
component console image=console.elf  mem=1M  prio=2
component rk      image=rk.elf       mem=96M prio=8  arg=tmpfs::/tmp
component watcher image=exittest.elf mem=2M  prio=16 arg=watch:quitter:crasher halt=yes uid=0
component quitter image=exittest.elf mem=2M  prio=16 arg=quit
component crasher image=exittest.elf mem=2M  prio=16 arg=fault
uses rk      console
uses watcher console
uses watcher rk
uses quitter console
uses quitter rk
uses crasher console
uses crasher rk
