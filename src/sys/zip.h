/* Members of zip archives stored uncompressed ("app.zip!/lib.so"), which
 * uprobes reach as a range of the archive file, as bpftrace does. */
#ifndef TRAWK_ZIP_H
#define TRAWK_ZIP_H

#include <stddef.h>
#include <stdint.h>

/* Splits "ARCHIVE!/MEMBER": the archive's path into zip (zlen bytes) and
 * a pointer to MEMBER. NULL when path names no member. */
const char *zip_split(const char *path, char *zip, size_t zlen);
/* The file offset and size of member's data in the archive zip. Returns 0,
 * -1 when the archive cannot be read, has no such member or compresses it. */
int zip_member(const char *zip, const char *member, uint64_t *off, uint64_t *size);

#endif
