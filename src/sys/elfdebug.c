/* Locating an ELF file's separate debug file. */
#include "sys/elfdebug.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define DEBUG_ROOT "/usr/lib/debug"

static Elf_Data *section_data(Elf *elf, Elf64_Word type, const char *name) {
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        const char *n;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != type)
            continue;
        n = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name || (n && strcmp(n, name) == 0))
            return elf_getdata(scn, NULL);
    }
    return NULL;
}

static int via_build_id(Elf *elf, char *out, size_t outlen) {
    Elf_Data *data = section_data(elf, SHT_NOTE, ".note.gnu.build-id");
    GElf_Nhdr nh;
    size_t off = 0, name_off, desc_off;
    while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type != NT_GNU_BUILD_ID || nh.n_descsz < 2)
            continue;
        const unsigned char *id = (const unsigned char *)data->d_buf + desc_off;
        size_t len = (size_t)snprintf(out, outlen, "%s/.build-id/%02x/", DEBUG_ROOT, id[0]);
        for (size_t i = 1; i < nh.n_descsz && len + 3 < outlen; i++)
            len += (size_t)snprintf(out + len, outlen - len, "%02x", id[i]);
        snprintf(out + len, outlen - len, ".debug");
        return access(out, R_OK) == 0 ? 0 : -1;
    }
    return -1;
}

/* The debuglink's CRC, as gdb checks it, so that a stale file is skipped. */
static bool crc_matches(const char *file, uint32_t want) {
    unsigned char buf[65536];
    uLong crc = crc32(0, NULL, 0);
    ssize_t n;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        crc = crc32(crc, buf, (uInt)n);
    close(fd);
    return n == 0 && (uint32_t)crc == want;
}

static int via_debuglink(Elf *elf, const char *path, char *out, size_t outlen) {
    Elf_Data *data = section_data(elf, SHT_PROGBITS, ".gnu_debuglink");
    if (!data || data->d_size < 8)
        return -1;
    const char *name = data->d_buf;
    size_t nlen = strnlen(name, data->d_size);
    size_t crc_off = (nlen + 4) & ~(size_t)3;
    uint32_t crc;
    if (crc_off + 4 > data->d_size)
        return -1;
    memcpy(&crc, (const char *)data->d_buf + crc_off, sizeof(crc));
    const char *slash = strrchr(path, '/');
    int dlen = slash ? (int)(slash - path) : 0;
    const char *forms[] = {"%.*s/%s", "%.*s/.debug/%s", DEBUG_ROOT "%.*s/%s"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
        snprintf(out, outlen, forms[i], dlen, path, name);
        if (strcmp(out, path) != 0 && crc_matches(out, crc))
            return 0;
    }
    return -1;
}

int elfdebug_find(Elf *elf, const char *path, char *out, size_t outlen) {
    if (via_build_id(elf, out, outlen) == 0)
        return 0;
    return via_debuglink(elf, path, out, outlen);
}
