/*
 * Legacy virtio (0.9.5) over a PCI I/O BAR, as QEMU's transitional
 * virtio-net offers it, and the port instructions a user-level driver
 * runs on the ports the kernel opened to it: what the tests that drive
 * the device without NetBSD (components/ktest/pci.c,
 * components/pciconform) share, written once.
 */
#ifndef R2C_VIO_H
#define R2C_VIO_H

#include <stdint.h>

#define VIRTIO_NET_ID	0x10001af4u	/* vendor 0x1af4, device 0x1000: transitional virtio-net */

/* Registers, as offsets in the I/O BAR */
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN	0x08
#define VIO_QUEUE_SIZE	0x0C
#define VIO_QUEUE_SEL	0x0E
#define VIO_QUEUE_NOTIFY 0x10
#define VIO_STATUS	0x12
#define VIO_ISR		0x13
#define VIO_MAC		0x14	/* the device's configuration, without MSI-X */
#define VIO_ACK		1	/* status bits */
#define VIO_DRIVER	2
#define VIO_DRIVER_OK	4
#define VIO_TXQ		1	/* virtio-net's transmit queue */

struct vring_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vring_used_elem { uint32_t id, len; };

static inline uint8_t inb(uint64_t port)
{
	uint8_t v;
	__asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)port));
	return v;
}
static inline void outb(uint64_t port, uint8_t v) { __asm__ volatile("outb %0, %w1" :: "a"(v), "Nd"((uint16_t)port)); }
static inline uint16_t inw(uint64_t port)
{
	uint16_t v;
	__asm__ volatile("inw %w1, %0" : "=a"(v) : "Nd"((uint16_t)port));
	return v;
}
static inline void outw(uint64_t port, uint16_t v) { __asm__ volatile("outw %0, %w1" :: "a"(v), "Nd"((uint16_t)port)); }
static inline void outl(uint64_t port, uint32_t v) { __asm__ volatile("outl %0, %w1" :: "a"(v), "Nd"((uint16_t)port)); }

#endif
