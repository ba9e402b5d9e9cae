/* DWARF type DIEs as trawk types (types.h) and as bpftrace -lv spells
 * them. Pointers point into user memory; a pointer to a named struct or
 * union points at a forward record that ctypes completes by its tag (so
 * linked lists convert lazily, as kernel BTF types do). Enums and bools
 * are unsigned integers, as bpftrace reads DWARF. */
#include <dwarf.h>
#include <stdio.h>
#include <string.h>

#include "sys/dwarf_impl.h"

#define DWT_MAX_DEPTH 16
#define DWT_MAX_FIELDS 512

bool dwt_die_type(const struct dw_lib *L, Dwarf_Die *die, Dwarf_Die *out) {
    Dwarf_Attribute at;
    return L->dwarf_attr_integrate(die, DW_AT_type, &at) && L->dwarf_formref_die(&at, out);
}

static bool udata(const struct dw_lib *L, Dwarf_Die *die, int name, Dwarf_Word *v) {
    Dwarf_Attribute at;
    return L->dwarf_attr_integrate(die, name, &at) && L->dwarf_formudata(&at, v) == 0;
}

static const char *tag_kw(int tag) {
    switch (tag) {
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
        return "struct ";
    case DW_TAG_union_type:
        return "union ";
    case DW_TAG_enumeration_type:
        return "enum ";
    default:
        return NULL;
    }
}

/* The element count of an array DIE's first dimension (0: unknown). */
static Dwarf_Word array_count(const struct dw_lib *L, Dwarf_Die *sub) {
    Dwarf_Word n;
    if (udata(L, sub, DW_AT_count, &n))
        return n;
    return udata(L, sub, DW_AT_upper_bound, &n) ? n + 1 : 0;
}

/* bpftrace's spelling: "char* const" for a const pointer, "<unknown
 * type>" for what it does not name (arrays, volatile, functions). */
void dwt_type_name(const struct dw_lib *L, Dwarf_Die *die, bool has_type, char *buf, size_t len) {
    Dwarf_Die inner;
    char tmp[192];
    if (!has_type) {
        snprintf(buf, len, "void");
        return;
    }
    int tag = L->dwarf_tag(die);
    const char *name = L->dwarf_diename(die), *kw = tag_kw(tag);
    bool has = dwt_die_type(L, die, &inner);
    switch (tag) {
    case DW_TAG_base_type:
    case DW_TAG_typedef:
        snprintf(buf, len, "%s", name ? name : "");
        return;
    case DW_TAG_pointer_type:
        dwt_type_name(L, &inner, has, tmp, sizeof(tmp));
        snprintf(buf, len, "%s*", tmp);
        return;
    case DW_TAG_const_type:
        dwt_type_name(L, &inner, has, tmp, sizeof(tmp));
        if (has && L->dwarf_tag(&inner) == DW_TAG_pointer_type)
            snprintf(buf, len, "%s const", tmp);
        else
            snprintf(buf, len, "const %s", tmp);
        return;
    default:
        if (kw)
            snprintf(buf, len, "%s%s", kw, name ? name : "<anonymous>");
        else
            snprintf(buf, len, "<unknown type>");
    }
}

static const struct type *convert(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a,
                                  int depth);

static const struct type *base_type(const struct dw_lib *L, Dwarf_Die *die) {
    Dwarf_Word enc = 0, size = 0;
    udata(L, die, DW_AT_encoding, &enc);
    udata(L, die, DW_AT_byte_size, &size);
    if (enc == DW_ATE_float)
        return size == 4 || size == 8 ? type_float((uint32_t)size) : NULL;
    if (size == 16 && enc != DW_ATE_float)
        size = 8; /* __int128: its low 64 bits, as bpftrace reads it */
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return NULL; /* long double: no trawk type holds it */
    return type_int((uint32_t)size, enc == DW_ATE_signed || enc == DW_ATE_signed_char);
}

/* A plain char, whose arrays are strings (ctypes' convention). */
static bool is_char(const struct dw_lib *L, Dwarf_Die *die) {
    const char *name = L->dwarf_diename(die);
    return L->dwarf_tag(die) == DW_TAG_base_type && name && strstr(name, "char");
}

static const struct type *array_type(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a,
                                     int depth) {
    Dwarf_Die elem, sub;
    Dwarf_Word dims[8];
    int nd = 0;
    if (!dwt_die_type(L, die, &elem) || L->dwarf_child(die, &sub) != 0)
        return NULL;
    do
        if (L->dwarf_tag(&sub) == DW_TAG_subrange_type && nd < 8)
            dims[nd++] = array_count(L, &sub);
    while (L->dwarf_siblingof(&sub, &sub) == 0);
    const struct type *t = convert(L, &elem, a, depth + 1);
    Dwarf_Word esize;
    if (t && (L->dwarf_aggregate_size(&elem, &esize) != 0 || esize != t->size))
        return NULL; /* elements trawk reads narrower (__int128) */
    for (int i = nd - 1; t && i >= 0; i--)
        t = i == nd - 1 && is_char(L, &elem) ? type_string(a, (uint32_t)dims[i])
                                             : type_array(a, t, (uint32_t)dims[i]);
    return t;
}

static const struct type *pointer_type(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a,
                                       int depth) {
    Dwarf_Die to;
    if (!dwt_die_type(L, die, &to))
        return type_ptr_to(a, NULL, AS_USER);
    /* qualifiers and typedefs say nothing about what is pointed at */
    int tag;
    while (((tag = L->dwarf_tag(&to)) == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
            tag == DW_TAG_typedef) &&
           dwt_die_type(L, &to, &to))
        ;
    const char *name = L->dwarf_diename(&to), *kw = tag_kw(tag);
    if (tag == DW_TAG_subroutine_type || tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
        tag == DW_TAG_typedef)
        return type_ptr_to(a, NULL, AS_USER); /* a function, or void through a typedef */
    if (kw && name && tag != DW_TAG_enumeration_type) {
        char tagname[256];
        snprintf(tagname, sizeof(tagname), "%s%s", kw, name);
        return type_ptr_to(a, type_record_forward(a, type_strdup(a, tagname)), AS_USER);
    }
    const struct type *t = convert(L, &to, a, depth + 1);
    return t ? type_ptr_to(a, t, AS_USER) : type_ptr_to(a, NULL, AS_USER);
}

static bool member(const struct dw_lib *L, Dwarf_Die *m, struct type_arena *a, int depth,
                   struct type_field *f) {
    Dwarf_Die ty;
    Dwarf_Word off = 0, bits = 0, bitpos = 0;
    if (!dwt_die_type(L, m, &ty) || !(f->ty = convert(L, &ty, a, depth + 1)))
        return false;
    const char *name = L->dwarf_diename(m);
    f->name = name ? type_strdup(a, name) : NULL;
    if (udata(L, m, DW_AT_bit_size, &bits) && bits && f->ty->size) {
        udata(L, m, DW_AT_data_bit_offset, &bitpos);
        uint32_t unit = f->ty->size * 8;
        f->offset = (uint32_t)(bitpos / unit) * f->ty->size;
        f->bit_offset = (uint16_t)(bitpos - f->offset * 8);
        f->bit_size = (uint16_t)bits;
        return true;
    }
    udata(L, m, DW_AT_data_member_location, &off);
    f->offset = (uint32_t)off;
    return true;
}

static const struct type *record_type(const struct dw_lib *L, Dwarf_Die *die, int tag,
                                      struct type_arena *a, int depth) {
    const char *name = L->dwarf_diename(die);
    char tagname[256];
    if (name)
        snprintf(tagname, sizeof(tagname), "%s%s", tag_kw(tag), name);
    const char *tagp = name ? type_strdup(a, tagname) : NULL;
    Dwarf_Word size = 0;
    if (!udata(L, die, DW_AT_byte_size, &size) || depth > DWT_MAX_DEPTH)
        return type_record_forward(a, tagp); /* a declaration only */
    static struct type_field fields[DWT_MAX_DEPTH + 1][DWT_MAX_FIELDS];
    struct type_field *fs = fields[depth];
    int n = 0;
    Dwarf_Die m;
    if (L->dwarf_child(die, &m) == 0)
        do
            if (L->dwarf_tag(&m) == DW_TAG_member && n < DWT_MAX_FIELDS) {
                fs[n] = (struct type_field){0};
                n += member(L, &m, a, depth, &fs[n]);
            }
        while (L->dwarf_siblingof(&m, &m) == 0);
    return type_record(a, tagp, tag == DW_TAG_union_type, (uint32_t)size, n, fs);
}

static const struct type *convert(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a,
                                  int depth) {
    Dwarf_Die inner;
    if (depth > DWT_MAX_DEPTH)
        return NULL;
    int tag = L->dwarf_tag(die);
    switch (tag) {
    case DW_TAG_base_type:
        return base_type(L, die);
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
        return pointer_type(L, die, a, depth);
    case DW_TAG_typedef:
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
        return dwt_die_type(L, die, &inner) ? convert(L, &inner, a, depth + 1) : NULL;
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
        return record_type(L, die, tag, a, depth);
    case DW_TAG_enumeration_type: {
        Dwarf_Word size = 4; /* an unsigned integer, as bpftrace reads DWARF enums */
        udata(L, die, DW_AT_byte_size, &size);
        return size == 1 || size == 2 || size == 4 || size == 8 ? type_int((uint32_t)size, false)
                                                                : NULL;
    }
    case DW_TAG_array_type:
        return array_type(L, die, a, depth);
    default:
        return NULL;
    }
}

const struct type *dwt_convert(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a) {
    return L ? convert(L, die, a, 0) : NULL;
}
