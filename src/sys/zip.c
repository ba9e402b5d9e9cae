/* Zip archives: the end of central directory record, the central
 * directory's entries, then the member's local header, whose variable
 * fields precede the data. */
#include "sys/zip.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define EOCD_LEN 22
#define CDIR_LEN 46
#define LOCAL_LEN 30
#define EOCD_SEARCH (EOCD_LEN + 65535) /* the record ends with a comment of up to 64 KiB */

static uint32_t le16(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p) {
    return le16(p) | le16(p + 2) << 16;
}

const char *zip_split(const char *path, char *zip, size_t zlen) {
    const char *bang = strstr(path, "!/");
    if (!bang || (size_t)(bang - path) >= zlen)
        return NULL;
    memcpy(zip, path, (size_t)(bang - path));
    zip[bang - path] = '\0';
    return bang + 2;
}

/* The central directory's offset and size, from the last EOCD record. */
static int find_cdir(int fd, uint32_t *off, uint32_t *size) {
    off_t end = lseek(fd, 0, SEEK_END);
    size_t want = end < EOCD_SEARCH ? (size_t)end : EOCD_SEARCH;
    unsigned char *buf = malloc(want ? want : 1);
    int rc = -1;
    if (buf && pread(fd, buf, want, end - (off_t)want) == (ssize_t)want)
        for (size_t i = want >= EOCD_LEN ? want - EOCD_LEN + 1 : 0; i-- > 0;)
            if (le32(buf + i) == EOCD_SIG) {
                *size = le32(buf + i + 12);
                *off = le32(buf + i + 16);
                rc = 0;
                break;
            }
    free(buf);
    return rc;
}

/* The member's local header offset, from its central directory entry. */
static int find_entry(const unsigned char *cd, uint32_t size, const char *member, uint32_t *local,
                      uint64_t *len) {
    size_t mlen = strlen(member);
    for (uint32_t i = 0; i + CDIR_LEN <= size && le32(cd + i) == CDIR_SIG;) {
        uint32_t nlen = le16(cd + i + 28), xlen = le16(cd + i + 30), clen = le16(cd + i + 32);
        if (i + CDIR_LEN + nlen > size)
            break;
        if (nlen == mlen && memcmp(cd + i + CDIR_LEN, member, mlen) == 0) {
            if (le16(cd + i + 10) != 0) /* compressed: no file range to probe */
                return -1;
            *len = le32(cd + i + 24);
            *local = le32(cd + i + 42);
            return 0;
        }
        i += CDIR_LEN + nlen + xlen + clen;
    }
    return -1;
}

int zip_member(const char *zip, const char *member, uint64_t *off, uint64_t *size) {
    int fd = open(zip, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    uint32_t cd_off, cd_size, local;
    unsigned char *cd = NULL, lh[LOCAL_LEN];
    int rc = -1;
    if (find_cdir(fd, &cd_off, &cd_size) == 0 && (cd = malloc(cd_size ? cd_size : 1)) &&
        pread(fd, cd, cd_size, cd_off) == (ssize_t)cd_size &&
        find_entry(cd, cd_size, member, &local, size) == 0 &&
        pread(fd, lh, LOCAL_LEN, local) == LOCAL_LEN && le32(lh) == LOCAL_SIG) {
        *off = (uint64_t)local + LOCAL_LEN + le16(lh + 26) + le16(lh + 28);
        rc = 0;
    }
    free(cd);
    close(fd);
    return rc;
}
