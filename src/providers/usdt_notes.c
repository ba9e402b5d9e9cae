/* .note.stapsdt, as SystemTap's sdt.h lays it out: notes of type 3 owned by
 * "stapsdt", each holding the probe's address, the link-time address of
 * .stapsdt.base and the semaphore's address (words of the ELF class), then
 * provider, name and operands as NUL-terminated strings. */
#include "providers/usdt_notes.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT_STAPSDT 3

/* Where .stapsdt.base is now; 0 when the file has none (nothing to adjust). */
static uint64_t stapsdt_base(Elf *elf, size_t shstrndx) {
    Elf_Scn *scn = NULL;
    GElf_Shdr sh;
    while ((scn = elf_nextscn(elf, scn)))
        if (gelf_getshdr(scn, &sh) &&
            strcmp(elf_strptr(elf, shstrndx, sh.sh_name) ?: "", ".stapsdt.base") == 0)
            return sh.sh_addr;
    return 0;
}

/* The file offset of a virtual address through the PT_LOAD headers; 0 when
 * no segment holds it in the file. */
static uint64_t file_offset(Elf *elf, uint64_t addr) {
    size_t n;
    GElf_Phdr ph;
    if (elf_getphdrnum(elf, &n) < 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
            addr < ph.p_vaddr + ph.p_filesz)
            return addr - ph.p_vaddr + ph.p_offset;
    return 0;
}

static uint64_t word(const char *p, int size) {
    if (size == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Appends the probe of one note's descriptor; malformed notes are skipped. */
static int add_note(struct usdt_notes *out, Elf *elf, const char *desc, size_t len,
                    uint64_t base_now) {
    int w = gelf_getclass(elf) == ELFCLASS32 ? 4 : 8;
    if (len < (size_t)3 * w + 3 || desc[len - 1] != '\0')
        return 0;
    const char *provider = desc + 3 * w;
    const char *name = provider + strlen(provider) + 1;
    if (name >= desc + len)
        return 0;
    const char *args = name + strlen(name) + 1;
    if (args >= desc + len)
        args = "";
    uint64_t pc = word(desc, w), base = word(desc + w, w), sem = word(desc + 2 * w, w);
    /* prelink may have moved the file since the note was written */
    if (base_now) {
        pc += base_now - base;
        if (sem)
            sem += base_now - base;
    }
    struct usdt_note *v = realloc(out->v, sizeof(*v) * (size_t)(out->n + 1));
    if (!v)
        return -1;
    out->v = v;
    v[out->n] = (struct usdt_note){
        .provider = strdup(provider),
        .name = strdup(name),
        .args = strdup(args),
        .pc = pc,
        .offset = file_offset(elf, pc),
        .sem_offset = sem ? file_offset(elf, sem) : 0,
    };
    out->n++;
    return v[out->n - 1].args ? 0 : -1;
}

static int read_notes(Elf *elf, struct usdt_notes *out) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) < 0)
        return -1;
    uint64_t base_now = stapsdt_base(elf, shstrndx);
    Elf_Scn *scn = NULL;
    GElf_Shdr sh;
    while ((scn = elf_nextscn(elf, scn))) {
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        GElf_Nhdr nh;
        size_t off = 0, name_off, desc_off, next;
        while (data && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
            const char *owner = (const char *)data->d_buf + name_off;
            if (nh.n_type == NT_STAPSDT && nh.n_namesz == 8 && memcmp(owner, "stapsdt", 8) == 0 &&
                add_note(out, elf, (const char *)data->d_buf + desc_off, nh.n_descsz, base_now) < 0)
                return -1;
            off = next;
        }
    }
    return 0;
}

int usdt_notes_read(const char *path, struct usdt_notes *out, char *err, size_t errlen) {
    memset(out, 0, sizeof(*out));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = -1;
    if (!elf || elf_kind(elf) != ELF_K_ELF)
        snprintf(err, errlen, "%s: not an ELF file", path);
    else if ((rc = read_notes(elf, out)) < 0)
        snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
    if (rc < 0)
        usdt_notes_free(out);
    elf_end(elf);
    close(fd);
    return rc;
}

void usdt_notes_free(struct usdt_notes *notes) {
    for (int i = 0; i < notes->n; i++) {
        free(notes->v[i].provider);
        free(notes->v[i].name);
        free(notes->v[i].args);
    }
    free(notes->v);
    *notes = (struct usdt_notes){0};
}
