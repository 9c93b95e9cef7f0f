/* The RAM disk server's interface, as its clients see it. */
#ifndef R2C_RAMDISK_H
#define R2C_RAMDISK_H

#define RAMDISK_BLOCK 512
/* Entry points (imported by name from cinfo):
 *   ramdisk_geometry()               -> blocks; r1 = block size
 *   ramdisk_read(block, count, off)  -> bytes, into my shared buffer at off
 *   ramdisk_write(block, count, off) -> bytes, from my shared buffer at off
 *   ramdisk_flush()                  -> 0
 *   ramdisk_map()                    -> 0; r1 = my address of the whole disk,
 *                                       lent to me read-write; r2 = its bytes
 *   ramdisk_unmap(addr)              -> 0: that loan taken back
 * Errors: -ERANGE outside the disk (nothing done), -EINVAL a buffer offset
 * that is not a multiple of the block size or runs past the buffer. The
 * shared buffer is the cinfo shm entry named after the server. A client
 * that has the disk mapped reads and writes it directly, one copy, with
 * nothing to flush (it is memory, the server's or a host file's); the
 * server keeps the memory, so the contents outlive the client. ramdisk_map
 * fails as r2c_share does (-ENOSPC: no room for the window, or too many
 * loans). */

#endif
