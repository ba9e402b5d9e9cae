/* --emit-elf's .BTF.ext: func_info only (no line info, no CO-RE), which
 * names the BTF function of each program and subprogram by section and
 * offset, as libbpf reads it and hands it to the kernel. */
#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_emit.h"

#define BTF_MAGIC 0xeB9F

struct ext_header {
    uint16_t magic;
    uint8_t version, flags;
    uint32_t hdr_len;
    uint32_t func_info_off, func_info_len;
    uint32_t line_info_off, line_info_len;
};

/* bpf_func_info */
struct func_info {
    uint32_t insn_off, type_id;
};

int elf_func_recs_add(struct elf_func_recs *recs, const char *section, uint32_t insn_off,
                      int type_id) {
    if (recs->n == recs->cap) {
        int cap = recs->cap ? recs->cap * 2 : 16;
        struct elf_func_rec *bigger = realloc(recs->recs, sizeof(*bigger) * (size_t)cap);
        if (!bigger)
            return -1;
        recs->recs = bigger;
        recs->cap = cap;
    }
    char *copy = strdup(section);
    if (!copy)
        return -1;
    recs->recs[recs->n++] = (struct elf_func_rec){copy, insn_off, type_id};
    return 0;
}

void elf_func_recs_free(struct elf_func_recs *recs) {
    for (int i = 0; i < recs->n; i++)
        free(recs->recs[i].section);
    free(recs->recs);
    *recs = (struct elf_func_recs){0};
}

static bool seen_before(const struct elf_func_recs *recs, int i) {
    for (int j = 0; j < i; j++)
        if (strcmp(recs->recs[j].section, recs->recs[i].section) == 0)
            return true;
    return false;
}

/* The records of record i's section, from i on. */
static size_t section_infos(const struct elf_func_recs *recs, int i, struct func_info *out) {
    size_t n = 0;
    for (int j = i; j < recs->n; j++) {
        const struct elf_func_rec *r = &recs->recs[j];
        if (strcmp(r->section, recs->recs[i].section) != 0)
            continue;
        if (out)
            out[n] = (struct func_info){r->insn_off, (uint32_t)r->type_id};
        n++;
    }
    return n;
}

void *elf_btf_ext_build(struct btf *btf, const struct elf_func_recs *recs, uint32_t *size) {
    /* the record size, then per section: its name, its count, its records */
    size_t len = sizeof(uint32_t);
    for (int i = 0; i < recs->n; i++)
        if (!seen_before(recs, i))
            len += 2 * sizeof(uint32_t) + section_infos(recs, i, NULL) * sizeof(struct func_info);
    struct ext_header h = {.magic = BTF_MAGIC,
                           .version = 1,
                           .hdr_len = sizeof(h),
                           .func_info_len = (uint32_t)len,
                           .line_info_off = (uint32_t)len};
    char *buf = malloc(sizeof(h) + len);
    if (!buf)
        return NULL;
    memcpy(buf, &h, sizeof(h));
    char *p = buf + sizeof(h);
    uint32_t rec_size = sizeof(struct func_info);
    memcpy(p, &rec_size, sizeof(rec_size));
    p += sizeof(rec_size);
    for (int i = 0; i < recs->n; i++) {
        if (seen_before(recs, i))
            continue;
        int name = btf__add_str(btf, recs->recs[i].section);
        uint32_t head[2] = {(uint32_t)name, (uint32_t)section_infos(recs, i, NULL)};
        if (name < 0) {
            free(buf);
            return NULL;
        }
        memcpy(p, head, sizeof(head));
        p += sizeof(head);
        p += section_infos(recs, i, (struct func_info *)(void *)p) * sizeof(struct func_info);
    }
    *size = (uint32_t)(sizeof(h) + len);
    return buf;
}
