# Micro-reboot at run time (tools/run-tests, suite reboot): rbserv is
# crashed 1,000 times under rbclient's load and rebooted in place each
# time, then once while rbhold holds its data page in a window;
# rbgone (restart=yes: 5 reboots in 10 s) stays down after a sixth.
component console  image=console.elf  mem=1M  prio=2
component rbhold   image=rbserv.elf   mem=1M  prio=8
component rbserv   image=rbserv.elf   mem=2M  prio=8  restart=1000000
component rbgone   image=rbserv.elf   mem=1M  prio=8  restart=yes
component rbclient image=rbclient.elf mem=2M  prio=16 halt=yes
uses rbhold   console
uses rbserv   console
uses rbserv   rbhold
uses rbgone   console
uses rbclient console
uses rbclient rbserv
uses rbclient rbhold
uses rbclient rbgone
