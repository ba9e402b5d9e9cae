/* Function symbols and load segments of an ELF file through libelf. */
#include "sys/elfsyms.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "sys/elfdebug.h"
#include "sys/zip.h"

struct elf_load {
    uint64_t vaddr, memsz, offset;
    bool exec;
};

/* libstdc++'s demangler, present when the program links libstdc++ (trawk
 * does, for bcc); weak so that the compiler library links without it. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status)
    __attribute__((weak));

/* "ns::f(int)" -> "ns::f": bpftrace matches C++ names without parameters. */
static char *demangle(const char *name) {
    int status = -1;
    if (strncmp(name, "_Z", 2) != 0 || !__cxa_demangle)
        return NULL;
    char *d = __cxa_demangle(name, NULL, NULL, &status);
    if (!d || status != 0) {
        free(d);
        return NULL;
    }
    char *paren = strchr(d, '(');
    if (paren && paren != d)
        *paren = 0;
    return d;
}

static int push_sym(struct elfsyms *s, int *cap, const char *name, const GElf_Sym *sym) {
    if (s->n == *cap) {
        int ncap = *cap ? *cap * 2 : 256;
        struct elfsym *g = realloc(s->syms, sizeof(*g) * (size_t)ncap);
        if (!g)
            return -1;
        s->syms = g;
        *cap = ncap;
    }
    struct elfsym *e = &s->syms[s->n];
    e->name = strdup(name);
    if (!e->name)
        return -1;
    e->demangled = demangle(name);
    e->addr = sym->st_value;
    e->size = sym->st_size;
    s->n++;
    return 0;
}

/* An undefined function with an address is a non-PIE executable's
 * canonical PLT entry; bcc (and so bpftrace) lists and attaches there. */
static bool wanted(const GElf_Sym *sym) {
    int type = GELF_ST_TYPE(sym->st_info);
    return (type == STT_FUNC || type == STT_GNU_IFUNC) && sym->st_value != 0;
}

static int read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct elfsyms *s, int *cap) {
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    for (size_t i = 0; data && i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym) || !wanted(&sym))
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (name && *name && push_sym(s, cap, name, &sym) < 0)
            return -1;
    }
    return 0;
}

static int read_loads(Elf *elf, struct elfsyms *s) {
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        return -1;
    s->loads = calloc(n ? n : 1, sizeof(*s->loads));
    if (!s->loads)
        return -1;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        s->loads[s->nloads++] =
            (struct elf_load){ph.p_vaddr, ph.p_memsz, ph.p_offset, (ph.p_flags & PF_X) != 0};
    }
    return 0;
}

static int by_name(const void *a, const void *b) {
    const struct elfsym *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/* .symtab and .dynsym list most names twice: keep one of each. */
static void sort_unique(struct elfsyms *s) {
    if (s->n > 1) /* a binary without symbols has no array at all */
        qsort(s->syms, (size_t)s->n, sizeof(*s->syms), by_name);
    int w = 0;
    for (int r = 0; r < s->n; r++) {
        if (w > 0 && strcmp(s->syms[w - 1].name, s->syms[r].name) == 0) {
            free(s->syms[r].name);
            free(s->syms[r].demangled);
            continue;
        }
        s->syms[w++] = s->syms[r];
    }
    s->n = w;
}

static int read_syms(Elf *elf, struct elfsyms *s, int *cap) {
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
            continue;
        if (read_symtab(elf, scn, &sh, s, cap) < 0)
            return -1;
    }
    return 0;
}

static Elf *open_elf(const char *path, int *fd);

/* A stripped library's local functions are in its debug file, with the
 * same addresses; bpftrace lists and attaches to them too. */
static int read_debug_syms(Elf *elf, const char *path, struct elfsyms *s, int *cap) {
    char dbg[4096];
    int fd, rc;
    if (elfdebug_find(elf, path, dbg, sizeof(dbg)) < 0)
        return 0;
    Elf *delf = open_elf(dbg, &fd);
    if (!delf)
        return 0;
    rc = read_syms(delf, s, cap);
    elf_end(delf);
    close(fd);
    return rc;
}

static int read_elf(Elf *elf, const char *path, struct elfsyms *s) {
    int cap = 0;
    GElf_Ehdr eh;
    s->fixed = gelf_getehdr(elf, &eh) && eh.e_type == ET_EXEC;
    if (read_loads(elf, s) < 0 || read_syms(elf, s, &cap) < 0 ||
        read_debug_syms(elf, path, s, &cap) < 0)
        return -1;
    sort_unique(s);
    return 0;
}

/* path, or the member of a zip archive ("app.zip!/lib.so") copied into
 * an anonymous file, so that libelf reads it like any other. */
static int open_file(const char *path) {
    char zip[4096];
    uint64_t off, size;
    const char *member = zip_split(path, zip, sizeof(zip));
    if (!member)
        return open(path, O_RDONLY | O_CLOEXEC);
    if (zip_member(zip, member, &off, &size) < 0)
        return -1;
    int in = open(zip, O_RDONLY | O_CLOEXEC), out = memfd_create("trawk-zip", MFD_CLOEXEC);
    off_t pos = (off_t)off;
    bool ok = in >= 0 && out >= 0 && sendfile(out, in, &pos, size) == (ssize_t)size;
    if (in >= 0)
        close(in);
    if (!ok && out >= 0)
        close(out);
    return ok ? out : -1;
}

static Elf *open_elf(const char *path, int *fd) {
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    *fd = open_file(path);
    if (*fd < 0)
        return NULL;
    Elf *elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
    if (elf && elf_kind(elf) == ELF_K_ELF)
        return elf;
    if (elf)
        elf_end(elf);
    close(*fd);
    return NULL;
}

bool elfsyms_is_elf(const char *path) {
    int fd;
    Elf *elf = open_elf(path, &fd);
    if (!elf)
        return false;
    elf_end(elf);
    close(fd);
    return true;
}

int elfsyms_read(const char *path, struct elfsyms *out, char *err, size_t errlen) {
    int fd;
    char zip[4096];
    uint64_t base = 0, size;
    const char *member = zip_split(path, zip, sizeof(zip));
    memset(out, 0, sizeof(*out));
    if (member && zip_member(zip, member, &base, &size) < 0) {
        snprintf(err, errlen, "could not open '%s'", path);
        return -1;
    }
    if (access(member ? zip : path, R_OK) != 0) {
        snprintf(err, errlen, "could not open '%s'", path);
        return -1;
    }
    Elf *elf = open_elf(path, &fd);
    if (!elf) {
        snprintf(err, errlen, "'%s' is not an ELF file", path);
        return -1;
    }
    int rc = read_elf(elf, path, out);
    elf_end(elf);
    close(fd);
    for (int i = 0; i < out->nloads; i++) /* file offsets into the archive */
        out->loads[i].offset += base;
    if (rc < 0) {
        elfsyms_free(out);
        snprintf(err, errlen, "could not read the symbols of '%s'", path);
    }
    return rc;
}

void elfsyms_free(struct elfsyms *s) {
    for (int i = 0; i < s->n; i++) {
        free(s->syms[i].name);
        free(s->syms[i].demangled);
    }
    free(s->syms);
    free(s->loads);
    memset(s, 0, sizeof(*s));
}

bool elfsyms_offset(const struct elfsyms *s, uint64_t addr, uint64_t *offset) {
    for (int i = 0; i < s->nloads; i++) {
        const struct elf_load *l = &s->loads[i];
        if (l->exec && addr >= l->vaddr && addr < l->vaddr + l->memsz) {
            *offset = addr - l->vaddr + l->offset;
            return true;
        }
    }
    return false;
}

const struct elfsym *elfsyms_at(const struct elfsyms *s, uint64_t addr) {
    const struct elfsym *best = NULL;
    for (int i = 0; i < s->n; i++) {
        const struct elfsym *e = &s->syms[i];
        bool in = addr == e->addr || (addr > e->addr && addr < e->addr + e->size);
        if (in && (!best || e->addr >= best->addr))
            best = e;
    }
    return best;
}

static bool find_in(Elf *elf, const char *name, struct elfsym *out) {
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; data && i < count; i++) {
            GElf_Sym sym;
            const char *n;
            if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
                !(n = elf_strptr(elf, sh.sh_link, sym.st_name)) || strcmp(n, name) != 0)
                continue;
            *out = (struct elfsym){.addr = sym.st_value, .size = sym.st_size};
            return true;
        }
    }
    return false;
}

int elfsyms_exec_delta(const char *path, int64_t *delta) {
    int fd, rc = -1;
    size_t n;
    Elf *elf = open_elf(path, &fd);
    if (!elf)
        return -1;
    for (size_t i = 0; rc < 0 && elf_getphdrnum(elf, &n) == 0 && i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
            *delta = (int64_t)(ph.p_vaddr - ph.p_offset);
            rc = 0;
        }
    }
    elf_end(elf);
    close(fd);
    return rc;
}

int elfsyms_lookup(const char *path, const char *name, struct elfsym *sym, bool *fixed) {
    int fd;
    GElf_Ehdr eh;
    Elf *elf = open_elf(path, &fd);
    if (!elf)
        return -1;
    bool found = find_in(elf, name, sym);
    *fixed = gelf_getehdr(elf, &eh) && eh.e_type == ET_EXEC;
    elf_end(elf);
    close(fd);
    return found ? 0 : -1;
}
