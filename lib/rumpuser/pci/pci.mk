# Makefile fragment for NetBSD's rump PCI library build (sys/rump/dev/lib/libpci),
# named by RUMPCOMP_MAKEFILEINC_rumpdev_pci in tools/build-rumpkernel: it
# lets the library find rump2cos's rumpcomp_userfeatures_pci.h, which sits
# beside this file. Read by NetBSD's make (bmake syntax), not by GNU make.
# := expands .PARSEDIR now, while it still names this file's directory.
R2C_PCI_FEATURES_DIR:=	${.PARSEDIR}
CPPFLAGS+=	-I${R2C_PCI_FEATURES_DIR}
