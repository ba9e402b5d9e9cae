/* Reading a DWARF package's unit index (see dwp_index.h): a header, an
 * open-addressing hash table of signatures and row numbers, then the
 * column kinds and a table of offsets and one of sizes, a row per unit. */
#include "sys/dwp_index.h"

static uint64_t rd(const unsigned char *p, int n, bool be) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

/* The .dwo section a column kind (DW_SECT_*) names in each format;
 * version 2's kind 2 is .debug_types, which a CU index does not use. */
static const char *column_section(int version, uint32_t kind) {
    static const char *const v5[] = {NULL,
                                     ".debug_info.dwo",
                                     NULL,
                                     ".debug_abbrev.dwo",
                                     ".debug_line.dwo",
                                     ".debug_loclists.dwo",
                                     ".debug_str_offsets.dwo",
                                     ".debug_macro.dwo",
                                     ".debug_rnglists.dwo"};
    static const char *const v2[] = {NULL,
                                     ".debug_info.dwo",
                                     NULL,
                                     ".debug_abbrev.dwo",
                                     ".debug_line.dwo",
                                     ".debug_loc.dwo",
                                     ".debug_str_offsets.dwo",
                                     ".debug_macinfo.dwo",
                                     ".debug_macro.dwo"};
    if (kind > DWP_INDEX_MAX_COLUMNS)
        return NULL;
    return version == 5 ? v5[kind] : v2[kind];
}

struct index {
    int version;
    uint32_t ncols, nunits, nslots;
    const unsigned char *sigs, *rows, *kinds, *offsets, *sizes;
};

/* The header, and the tables' places once they are known to fit in len. */
static bool parse_header(const unsigned char *p, size_t len, bool be, struct index *x) {
    if (len < 16)
        return false;
    /* DWARF 5: a 2-byte version and 2 bytes of padding; GNU: 4 bytes. */
    x->version = rd(p, 2, be) == 5 ? 5 : rd(p, 4, be) == 2 ? 2 : 0;
    x->ncols = rd(p + 4, 4, be);
    x->nunits = rd(p + 8, 4, be);
    x->nslots = rd(p + 12, 4, be);
    if (!x->version || x->ncols == 0 || x->ncols > DWP_INDEX_MAX_COLUMNS || x->nunits > x->nslots ||
        (x->nslots & (x->nslots - 1)))
        return false;
    uint64_t need =
        16 + (uint64_t)x->nslots * 12 + (uint64_t)x->ncols * 4 + (uint64_t)x->nunits * x->ncols * 8;
    if (need > len)
        return false;
    x->sigs = p + 16;
    x->rows = x->sigs + (size_t)x->nslots * 8;
    x->kinds = x->rows + (size_t)x->nslots * 4;
    x->offsets = x->kinds + (size_t)x->ncols * 4;
    x->sizes = x->offsets + (size_t)x->nunits * x->ncols * 4;
    return true;
}

/* The row (from 1) of sig: probing by the secondary hash visits every
 * slot once, since it is odd and the slot count a power of two; 0 when
 * an empty slot or the whole table says sig is absent, -1 when the row
 * number is out of range. */
static int64_t find_row(const struct index *x, bool be, uint64_t sig) {
    uint64_t mask = x->nslots - 1, h = sig & mask, step = ((sig >> 32) & mask) | 1;
    for (uint32_t i = 0; i < x->nslots; i++, h = (h + step) & mask) {
        uint64_t row = rd(x->rows + h * 4, 4, be);
        if (row == 0)
            return 0;
        if (rd(x->sigs + h * 8, 8, be) == sig)
            return row <= x->nunits ? (int64_t)row : -1;
    }
    return 0;
}

int dwp_index_find(const unsigned char *idx, size_t len, bool be, uint64_t sig,
                   struct dwp_contrib out[DWP_INDEX_MAX_COLUMNS]) {
    struct index x;
    if (!idx || !parse_header(idx, len, be, &x))
        return -1;
    if (x.nslots == 0)
        return 0;
    int64_t row = find_row(&x, be, sig);
    if (row <= 0)
        return (int)row;
    int n = 0;
    for (uint32_t c = 0; c < x.ncols; c++) {
        const char *name = column_section(x.version, rd(x.kinds + c * 4, 4, be));
        size_t cell = ((size_t)(row - 1) * x.ncols + c) * 4;
        for (int i = 0; name && i < n; i++)
            if (out[i].section == name)
                return -1; /* a kind twice: not an index dwp writes */
        if (name)
            out[n++] = (struct dwp_contrib){.section = name,
                                            .offset = rd(x.offsets + cell, 4, be),
                                            .size = rd(x.sizes + cell, 4, be)};
    }
    return n;
}
