# A dependency cycle (a uses b, b uses c, c uses a): the booter refuses it.
component a image=pong.elf
component b image=pong.elf
component c image=pong.elf
uses a b
uses b c
uses c a
