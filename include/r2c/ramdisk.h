/* The RAM disk server's interface, as its clients see it. */
#ifndef R2C_RAMDISK_H
#define R2C_RAMDISK_H

#define RAMDISK_BLOCK 512
/* Entry points (imported by name from cinfo):
 *   ramdisk_geometry()               -> blocks; r1 = block size
 *   ramdisk_read(block, count, off)  -> bytes, into my shared buffer at off
 *   ramdisk_write(block, count, off) -> bytes, from my shared buffer at off
 *   ramdisk_flush()                  -> 0
 * Errors: -ERANGE outside the disk (nothing done), -EINVAL a buffer offset
 * that is not a multiple of the block size or runs past the buffer. The
 * shared buffer is the cinfo shm entry named after the server. */

#endif
