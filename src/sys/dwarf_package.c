/* A DWARF package's split units as standalone .dwo images (see
 * dwarf_package.h). */
#include "sys/dwarf_package.h"

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sys/dwp_index.h"
#include "sys/dwp_strings.h"

struct dwp_unit {
    uint64_t id;
    Dwarf *dw;
    Dwarf_Die die;
    bool ok;
    struct dwp_unit *next;
};

struct dwp_pkg {
    int fd;
    Elf *elf;
    Elf_Data *index; /* .debug_cu_index */
    bool be;
    struct dwp_unit *units; /* each unit asked for, found or not */
};

/* One section of the image. */
struct slice {
    const char *name;
    const void *buf;
    size_t size;
};

/* The contents of the package's section name; NULL when absent. libelf
 * checks that the contents lie inside the file. */
static Elf_Data *section_data(Elf *elf, const char *name) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
        GElf_Shdr sh;
        const char *n;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
            !(n = elf_strptr(elf, shstrndx, sh.sh_name)) || strcmp(n, name))
            continue;
        if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
            return NULL;
        Elf_Data *d = elf_getdata(scn, NULL);
        return d && d->d_buf ? d : NULL;
    }
    return NULL;
}

struct dwp_pkg *dwp_open(const char *path) {
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct dwp_pkg *p = calloc(1, sizeof(*p));
    if (!p) {
        close(fd);
        return NULL;
    }
    p->fd = fd;
    p->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!p->elf || elf_kind(p->elf) != ELF_K_ELF || !gelf_getehdr(p->elf, &eh) ||
        !(p->index = section_data(p->elf, ".debug_cu_index"))) {
        dwp_close(NULL, p);
        return NULL;
    }
    p->be = eh.e_ident[EI_DATA] == ELFDATA2MSB;
    return p;
}

/* Adds section s to the image under construction, its name to names. */
static Elf_Scn *add_section(Elf *e, const struct slice *s, int type, char *names, size_t *used) {
    Elf_Scn *scn = elf_newscn(e);
    Elf_Data *d = scn ? elf_newdata(scn) : NULL;
    GElf_Shdr sh;
    if (!d || !gelf_getshdr(scn, &sh))
        return NULL;
    sh.sh_name = *used;
    sh.sh_type = type;
    sh.sh_addralign = 1;
    size_t len = strlen(s->name) + 1;
    memcpy(names + *used, s->name, len);
    *used += len;
    d->d_buf = (void *)s->buf;
    d->d_size = s->size;
    d->d_type = ELF_T_BYTE;
    d->d_align = 1;
    d->d_version = EV_CURRENT;
    return gelf_update_shdr(scn, &sh) ? scn : NULL;
}

/* A relocatable ELF of the package's class, byte order and machine with
 * the n sections and a section name table. names holds the latter until
 * the file is written. */
static bool fill_image(Elf *e, const GElf_Ehdr *from, const struct slice *s, int n, char *names) {
    size_t used = 1;
    names[0] = 0;
    if (!gelf_newehdr(e, from->e_ident[EI_CLASS]))
        return false;
    for (int i = 0; i < n; i++)
        if (!add_section(e, &s[i], SHT_PROGBITS, names, &used))
            return false;
    struct slice strtab = {.name = ".shstrtab", .buf = names};
    Elf_Scn *names_scn = add_section(e, &strtab, SHT_STRTAB, names, &used);
    Elf_Data *d = names_scn ? elf_getdata(names_scn, NULL) : NULL;
    GElf_Ehdr eh;
    if (!d || !gelf_getehdr(e, &eh))
        return false;
    d->d_size = used; /* known once its own name is in */
    eh.e_ident[EI_DATA] = from->e_ident[EI_DATA];
    eh.e_type = ET_REL;
    eh.e_machine = from->e_machine;
    eh.e_version = EV_CURRENT;
    eh.e_shstrndx = elf_ndxscn(names_scn);
    return gelf_update_ehdr(e, &eh) != 0;
}

/* The image in an anonymous file, as libdw opens files by descriptor. */
static int write_image(Elf *from, const struct slice *s, int n) {
    char names[(DWP_INDEX_MAX_COLUMNS + 2) * 32];
    GElf_Ehdr feh;
    if (!gelf_getehdr(from, &feh))
        return -1;
    int fd = memfd_create("trawk-dwo", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *e = elf_begin(fd, ELF_C_WRITE, NULL);
    bool ok = e && fill_image(e, &feh, s, n, names) && elf_update(e, ELF_C_WRITE) >= 0;
    if (e)
        elf_end(e);
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The unit's slices, each checked to lie inside its section, and the
 * string table the units share. */
static int unit_slices(struct dwp_pkg *p, uint64_t id, struct slice *out) {
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    int nc = dwp_index_find(p->index->d_buf, p->index->d_size, p->be, id, c), n = 0;
    bool info = false, abbrev = false;
    for (int i = 0; i < nc; i++) {
        if (!c[i].size)
            continue; /* the unit has nothing in this section */
        Elf_Data *d = section_data(p->elf, c[i].section);
        if (!d || (uint64_t)c[i].offset + c[i].size > d->d_size)
            return -1;
        info |= !strcmp(c[i].section, ".debug_info.dwo");
        abbrev |= !strcmp(c[i].section, ".debug_abbrev.dwo");
        out[n++] = (struct slice){c[i].section, (const char *)d->d_buf + c[i].offset, c[i].size};
    }
    Elf_Data *str = section_data(p->elf, ".debug_str.dwo");
    if (str && str->d_size)
        out[n++] = (struct slice){".debug_str.dwo", str->d_buf, str->d_size};
    return info && abbrev ? n : -1;
}

static struct slice *find_slice(struct slice *s, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].name, name))
            return &s[i];
    return NULL;
}

/* The unit's own strings instead of the table all units share (kept in
 * owned until the image is written); the whole table when they cannot be
 * told apart. */
static void own_strings(const struct dwp_pkg *p, struct slice *s, int n, void *owned[2]) {
    struct slice *info = find_slice(s, n, ".debug_info.dwo");
    struct slice *offs = find_slice(s, n, ".debug_str_offsets.dwo");
    struct slice *str = find_slice(s, n, ".debug_str.dwo");
    const unsigned char *h = info ? info->buf : NULL;
    if (!offs || !str || !h || info->size < 6 || !memcmp(h, "\xff\xff\xff\xff", 4))
        return; /* no strings, or 64-bit DWARF */
    int version = p->be ? h[4] << 8 | h[5] : h[5] << 8 | h[4];
    unsigned char *new_offs;
    char *new_str;
    if (dwp_strings_compact(offs->buf, offs->size, version, p->be, str->buf, str->size, &new_offs,
                            &new_str, &str->size)) {
        offs->buf = owned[0] = new_offs;
        str->buf = owned[1] = new_str;
    }
}

/* The image's split unit, when it is the one asked for. */
static bool load_unit(const struct dw_lib *L, struct dwp_pkg *p, struct dwp_unit *u) {
    struct slice s[DWP_INDEX_MAX_COLUMNS + 1];
    void *owned[2] = {NULL, NULL};
    int n = unit_slices(p, u->id, s);
    if (n >= 0)
        own_strings(p, s, n, owned);
    int fd = n < 0 ? -1 : write_image(p->elf, s, n);
    free(owned[0]);
    free(owned[1]);
    if (fd < 0)
        return false;
    /* libelf maps the image whole: a package of many units must not hold
     * a descriptor for each (libdw does the same with .dwo files) */
    if ((u->dw = L->dwarf_begin(fd, DWARF_C_READ)))
        elf_cntl(L->dwarf_getelf(u->dw), ELF_C_FDDONE);
    close(fd);
    if (!u->dw)
        return false;
    Dwarf_CU *cu = NULL;
    uint8_t type;
    Dwarf_Die die;
    uint64_t id;
    while (L->dwarf_get_units(u->dw, cu, &cu, NULL, &type, &die, NULL) == 0)
        if (type == DW_UT_split_compile && L->dwarf_tag(&die) == DW_TAG_compile_unit &&
            L->dwarf_cu_info(cu, NULL, NULL, NULL, NULL, &id, NULL, NULL) == 0 && id == u->id) {
            u->die = die;
            return true;
        }
    return false;
}

bool dwp_unit_die(const struct dw_lib *L, struct dwp_pkg *p, uint64_t id, Dwarf_Die *out) {
    struct dwp_unit *u = p->units;
    while (u && u->id != id)
        u = u->next;
    if (!u) {
        if (!(u = calloc(1, sizeof(*u))))
            return false;
        u->id = id;
        u->next = p->units;
        p->units = u;
        u->ok = load_unit(L, p, u);
    }
    if (u->ok)
        *out = u->die;
    return u->ok;
}

void dwp_close(const struct dw_lib *L, struct dwp_pkg *p) {
    if (!p)
        return;
    for (struct dwp_unit *u = p->units, *next; u; u = next) {
        next = u->next;
        if (u->dw)
            L->dwarf_end(u->dw);
        free(u);
    }
    if (p->elf)
        elf_end(p->elf);
    close(p->fd);
    free(p);
}
