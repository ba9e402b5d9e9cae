/* DWARF packages: the .debug_cu_index reader on indexes built here (both
 * formats, both byte orders, truncated and corrupt ones), and split units
 * read from real packages of tests/runtime/helpers/dwarfprog.c made by
 * llvm-dwp (DWARF 5) and binutils' dwp (DWARF 4), whole and damaged
 * (skipped when gcc or the packer is missing). */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/dwarf_package.h"
#include "sys/dwarf_types.h"
#include "sys/dwp_index.h"
#include "sys/dwp_strings.h"

static void put(unsigned char *p, int n, uint64_t v, bool be) {
    for (int i = 0; i < n; i++)
        p[be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

struct ix_unit {
    uint64_t sig;
    uint32_t off[8], size[8];
};

struct ix {
    int version;
    bool be;
    const uint32_t *kinds;
    uint32_t ncols;
    const struct ix_unit *units;
    uint32_t nunits, nslots;
};

/* An index as the packers write it: signatures placed by the format's
 * double hashing. Returns its length. */
static size_t make_index(unsigned char *buf, const struct ix *x) {
    uint64_t mask = x->nslots - 1;
    unsigned char *sigs = buf + 16, *rows = sigs + 8 * x->nslots, *kinds = rows + 4 * x->nslots;
    unsigned char *offs = kinds + 4 * x->ncols, *sizes = offs + 4 * x->nunits * x->ncols;
    size_t len = (size_t)(sizes + 4 * x->nunits * x->ncols - buf);
    memset(buf, 0, len);
    put(buf, x->version == 5 ? 2 : 4, x->version, x->be);
    put(buf + 4, 4, x->ncols, x->be);
    put(buf + 8, 4, x->nunits, x->be);
    put(buf + 12, 4, x->nslots, x->be);
    for (uint32_t i = 0; i < x->nunits; i++) {
        uint64_t sig = x->units[i].sig, h = sig & mask, step = ((sig >> 32) & mask) | 1;
        while (rows[4 * h] || rows[4 * h + 3])
            h = (h + step) & mask;
        put(sigs + 8 * h, 8, sig, x->be);
        put(rows + 4 * h, 4, i + 1, x->be);
        for (uint32_t c = 0; c < x->ncols; c++) {
            put(offs + 4 * (i * x->ncols + c), 4, x->units[i].off[c], x->be);
            put(sizes + 4 * (i * x->ncols + c), 4, x->units[i].size[c], x->be);
        }
    }
    for (uint32_t c = 0; c < x->ncols; c++)
        put(kinds + 4 * c, 4, x->kinds[c], x->be);
    return len;
}

static const uint32_t v5_kinds[] = {1, 3, 6, 4};
/* the same low bits: the second is found by probing */
static const struct ix_unit two_units[] = {
    {0x1111222200000001ull, {0, 0, 0, 0}, {100, 50, 24, 70}},
    {0x3333444400000001ull, {100, 50, 24, 70}, {200, 60, 40, 80}},
};

/* two_units in a DWARF 5 index of nslots slots. */
static size_t v5_index(unsigned char *buf, uint32_t nslots) {
    struct ix x = {5, false, v5_kinds, 4, two_units, 2, nslots};
    return make_index(buf, &x);
}

static void check_v5_row(const unsigned char *buf, size_t len, bool be) {
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    assert_int_equal(dwp_index_find(buf, len, be, two_units[1].sig, c), 4);
    assert_string_equal(c[0].section, ".debug_info.dwo");
    assert_string_equal(c[1].section, ".debug_abbrev.dwo");
    assert_string_equal(c[2].section, ".debug_str_offsets.dwo");
    assert_string_equal(c[3].section, ".debug_line.dwo");
    assert_int_equal(c[0].offset, 100);
    assert_int_equal(c[0].size, 200);
    assert_int_equal(c[3].offset, 70);
    assert_int_equal(c[3].size, 80);
    assert_int_equal(dwp_index_find(buf, len, be, two_units[0].sig, c), 4);
    assert_int_equal(c[1].offset, 0);
    assert_int_equal(c[1].size, 50);
    assert_int_equal(dwp_index_find(buf, len, be, 0x5555000000000001ull, c), 0);
    assert_int_equal(dwp_index_find(buf, len, be, 2, c), 0);
}

static void test_index_v5(void **state) {
    (void)state;
    unsigned char buf[512];
    for (int be = 0; be < 2; be++) {
        struct ix x = {5, be, v5_kinds, 4, two_units, 2, 4};
        check_v5_row(buf, make_index(buf, &x), be);
    }
}

/* binutils' dwp: version 2, kind 5 is .debug_loc and 7 .debug_macinfo;
 * kind 2 (.debug_types) is no CU contribution. */
static void test_index_gnu_v2(void **state) {
    (void)state;
    static const uint32_t kinds[] = {1, 2, 3, 5, 7, 8};
    static const struct ix_unit u[] = {{0xabcdef, {1, 2, 3, 4, 5, 6}, {10, 20, 30, 40, 50, 60}}};
    unsigned char buf[512];
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    struct ix x = {2, false, kinds, 6, u, 1, 2};
    size_t len = make_index(buf, &x);
    assert_int_equal(dwp_index_find(buf, len, false, 0xabcdef, c), 5);
    assert_string_equal(c[1].section, ".debug_abbrev.dwo");
    assert_int_equal(c[1].offset, 3);
    assert_string_equal(c[2].section, ".debug_loc.dwo");
    assert_string_equal(c[3].section, ".debug_macinfo.dwo");
    assert_string_equal(c[4].section, ".debug_macro.dwo");
    assert_int_equal(c[4].size, 60);
}

/* Every prefix of an index is too short for its tables. */
static void test_index_truncated(void **state) {
    (void)state;
    unsigned char buf[512];
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    size_t len = v5_index(buf, 4);
    for (size_t n = 0; n < len; n++) {
        unsigned char *copy = malloc(n ? n : 1); /* ASan sees any read past n */
        memcpy(copy, buf, n);
        assert_int_equal(dwp_index_find(copy, n, false, two_units[1].sig, c), -1);
        free(copy);
    }
    assert_int_equal(dwp_index_find(NULL, 0, false, 1, c), -1);
}

/* A header field of the index set to v, then a lookup of the second unit. */
static int find_with(size_t field, int width, uint64_t v) {
    unsigned char buf[512];
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    size_t len = v5_index(buf, 4);
    put(buf + field, width, v, false);
    return dwp_index_find(buf, len, false, two_units[1].sig, c);
}

static void test_index_corrupt(void **state) {
    (void)state;
    assert_int_equal(find_with(0, 4, 3), -1);          /* no such version */
    assert_int_equal(find_with(4, 4, 0), -1);          /* no columns */
    assert_int_equal(find_with(4, 4, 9), -1);          /* more than the kinds */
    assert_int_equal(find_with(4, 4, 0xffffffff), -1); /* tables past the end */
    assert_int_equal(find_with(8, 4, 5), -1);          /* more units than slots */
    assert_int_equal(find_with(12, 4, 3), -1);         /* slots not a power of two */
    assert_int_equal(find_with(12, 4, 0x80000000), -1);
    assert_int_equal(find_with(8, 4, 0xffffffff), -1);
    /* the second unit's row number (slot 2 after probing) out of range */
    assert_int_equal(find_with(16 + 4 * 8 + 2 * 4, 4, 3), -1);
    assert_int_equal(find_with(16 + 4 * 8 + 4 * 4 + 4, 4, 1), -1);     /* a kind twice */
    assert_int_equal(find_with(16 + 4 * 8 + 4 * 4 + 4, 4, 0x7777), 3); /* unknown kind */
}

/* Every slot taken, none by sig: the probe ends after visiting them all. */
static void test_index_full_table(void **state) {
    (void)state;
    unsigned char buf[512];
    struct dwp_contrib c[DWP_INDEX_MAX_COLUMNS];
    size_t len = v5_index(buf, 2);
    assert_int_equal(dwp_index_find(buf, len, false, 0x9999000000000001ull, c), 0);
    assert_int_equal(dwp_index_find(buf, len, false, two_units[1].sig, c), 4);
}

/* Offsets (DWARF 5: after a header) into a table of which a unit names
 * two strings, one twice. */
static const char table[] = "aa\0bbb\0cc\0dd";

static size_t make_offsets(unsigned char *buf, bool header, bool be, const uint32_t *offs, int n) {
    size_t head = header ? 8 : 0;
    if (header) {
        put(buf, 4, 4 + 4 * n, be);
        put(buf + 4, 2, 5, be);
        put(buf + 6, 2, 0, be);
    }
    for (int i = 0; i < n; i++)
        put(buf + head + 4 * i, 4, offs[i], be);
    return head + 4 * n;
}

static void check_compact(bool header, bool be) {
    static const uint32_t offs[] = {3, 10, 3};
    unsigned char buf[64], *new_offs, expect[64];
    char *new_str;
    size_t size, len = make_offsets(buf, header, be, offs, 3);
    assert_true(dwp_strings_compact(buf, len, header ? 5 : 4, be, table, sizeof(table), &new_offs,
                                    &new_str, &size));
    assert_int_equal(size, 11);
    assert_memory_equal(new_str, "bbb\0dd\0bbb", 11);
    static const uint32_t moved[] = {0, 4, 7};
    assert_int_equal(make_offsets(expect, header, be, moved, 3), len);
    assert_memory_equal(new_offs, expect, len);
    free(new_offs);
    free(new_str);
}

static void test_strings_compact(void **state) {
    (void)state;
    check_compact(true, false);
    check_compact(false, false);
    check_compact(true, true);
}

/* Offsets that cannot be a unit's: the whole table is used instead. */
static void test_strings_refused(void **state) {
    (void)state;
    unsigned char buf[64], *o = NULL;
    char *str = NULL;
    size_t size;
    static const uint32_t past[] = {0, sizeof(table)}, unended[] = {10}, ok[] = {0};
    size_t len = make_offsets(buf, true, false, past, 2);
    assert_false(dwp_strings_compact(buf, len, 5, false, table, sizeof(table), &o, &str, &size));
    len = make_offsets(buf, false, false, unended, 1); /* "dd" without its NUL */
    assert_false(
        dwp_strings_compact(buf, len, 4, false, table, sizeof(table) - 1, &o, &str, &size));
    len = make_offsets(buf, true, false, ok, 1);
    assert_false(
        dwp_strings_compact(buf, len - 1, 5, false, table, sizeof(table), &o, &str, &size));
    assert_false(dwp_strings_compact(buf, 6, 5, false, table, sizeof(table), &o, &str, &size));
    put(buf, 4, 0xffffffff, false); /* 64-bit offsets */
    assert_false(dwp_strings_compact(buf, len, 5, false, table, sizeof(table), &o, &str, &size));
    assert_null(o);
    assert_null(str);
}

/* Packages built from dwarfprog.c in a directory of the group's own. */
static char dir[] = "/tmp/trawk-dwp-XXXXXX";
static bool have_v5, have_v4;

/* cmd (a format with one %s: src) run in dir, quietly. */
static bool run(const char *cmd, const char *src) {
    char line[8192];
    int n = snprintf(line, sizeof(line), "cd %s && (", dir);
    n += snprintf(line + n, sizeof(line) - n, cmd, src);
    snprintf(line + n, sizeof(line) - n, ") >/dev/null 2>&1");
    return system(line) == 0;
}

static int build(void **state) {
    (void)state;
    char src[4096];
    if (!mkdtemp(dir) || !realpath("tests/runtime/helpers/dwarfprog.c", src))
        return 0;
    /* p5 and p4: two units each (dwarfprog.c and two.c); s5: one. clang
     * for DWARF 5: llvm-dwp 14 loops forever on some of gcc 12's DWARF 5
     * units (DW_FORM_implicit_const in their abbreviations), and binutils'
     * dwp crashes on them; the timeouts stop such a packer. */
    run("echo 'int dw_second(long other, short *ptr) { return *ptr + other; }' >two.c", "");
    have_v5 = run("clang -g -gsplit-dwarf -O0 -c -o p5.o %s && clang -o s5 p5.o && "
                  "timeout 120 llvm-dwp -e s5 -o s5.dwp && clang -g -gsplit-dwarf -O0 -c two.c && "
                  "clang -o p5 p5.o two.o && timeout 120 llvm-dwp -e p5 -o p5.dwp && "
                  "rm p5.dwo two.dwo",
                  src);
    have_v4 = run("gcc -g -gdwarf-4 -gsplit-dwarf -O0 -o p4 %s two.c && "
                  "timeout 120 dwp -e p4 -o p4.dwp && rm p4-*.dwo",
                  src);
    return 0;
}

static int clean(void **state) {
    (void)state;
    run("rm -r %s", dir);
    return 0;
}

static void skip_without(bool built, const char *what) {
    if (!built) {
        print_message("skipped: could not build a package with %s\n", what);
        skip();
    }
}

static void path_of(char *out, size_t len, const char *name) {
    snprintf(out, len, "%s/%s", dir, name);
}

/* The parameters of a function whose unit is only in the package. */
static void check_params(const char *name) {
    char path[128];
    struct dwt_param ps[8];
    path_of(path, sizeof(path), name);
    struct dwt_file *f = dwt_open(path);
    assert_non_null(f);
    assert_int_equal(dwt_func_params(f, "dw_scalars", NULL, ps, 8), 4);
    assert_string_equal(ps[0].name, "a");
    assert_string_equal(ps[3].name, "s");
    assert_string_equal(ps[3].type_name, "const char*");
    assert_int_equal(dwt_func_params(f, "dw_walk", NULL, ps, 8), 2);
    assert_string_equal(ps[0].type_name, "item_t*");
    assert_int_equal(dwt_func_params(f, "dw_second", NULL, ps, 8), 2);
    assert_string_equal(ps[0].name, "other");
    assert_string_equal(ps[1].name, "ptr");
}

static void test_package_v5(void **state) {
    (void)state;
    skip_without(have_v5, "clang and llvm-dwp");
    check_params("p5");
}

static void test_package_gnu_v4(void **state) {
    (void)state;
    skip_without(have_v4, "gcc and binutils' dwp");
    check_params("p4");
}

/* The DWO id of the binary's first skeleton unit. */
static uint64_t skeleton_id(const struct dw_lib *L, const char *path) {
    int fd = open(path, O_RDONLY);
    Dwarf *dw = L->dwarf_begin(fd, DWARF_C_READ);
    Dwarf_CU *cu = NULL;
    uint64_t id = 0;
    assert_non_null(dw);
    assert_int_equal(L->dwarf_get_units(dw, NULL, &cu, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(L->dwarf_cu_info(cu, NULL, NULL, NULL, NULL, &id, NULL, NULL), 0);
    L->dwarf_end(dw);
    close(fd);
    return id;
}

static int open_fds(void) {
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "exit $(ls /proc/%d/fd | wc -l)", (int)getpid());
    return WEXITSTATUS(system(cmd));
}

/* A unit asked twice is made once; an id the package lacks is no unit;
 * the package holds one descriptor, its units none. */
static void test_package_units(void **state) {
    (void)state;
    skip_without(have_v5, "clang and llvm-dwp");
    const struct dw_lib *L = dw_lib_get("test");
    char bin[128], pkg[128];
    Dwarf_Die a, b;
    path_of(bin, sizeof(bin), "p5");
    path_of(pkg, sizeof(pkg), "p5.dwp");
    assert_non_null(L);
    uint64_t id = skeleton_id(L, bin);
    int fds = open_fds();
    struct dwp_pkg *p = dwp_open(pkg);
    assert_non_null(p);
    assert_true(dwp_unit_die(L, p, id, &a));
    assert_int_equal(open_fds(), fds + 1);
    assert_true(dwp_unit_die(L, p, id, &b));
    assert_int_equal(L->dwarf_tag(&a), DW_TAG_compile_unit);
    assert_ptr_equal(a.addr, b.addr);
    assert_non_null(strstr(L->dwarf_diename(&a), "dwarfprog.c"));
    assert_false(dwp_unit_die(L, p, id ^ 1, &a));
    dwp_close(L, p);
    assert_null(dwp_open(bin)); /* no unit index */
    assert_null(dwp_open("/nonexistent.dwp"));
}

/* Where a section lies in the file. */
static void section_at(const char *path, const char *name, off_t *off, size_t *size) {
    int fd = open(path, O_RDONLY);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t strndx;
    *size = 0;
    assert_int_equal(elf_getshdrstrndx(e, &strndx), 0);
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && !strcmp(elf_strptr(e, strndx, sh.sh_name), name)) {
            *off = (off_t)sh.sh_offset;
            *size = sh.sh_size;
        }
    }
    elf_end(e);
    close(fd);
    assert_true(*size > 0);
}

/* A copy of s5 beside a copy of its package damaged by cmd (given the
 * index's file offset): the unit is missing, nothing crashes. */
static void check_damaged(const char *name, const char *cmd, long at) {
    char line[512], path[128];
    snprintf(line, sizeof(line), "cp s5 %s && cp s5.dwp %s.dwp && ", name, name);
    snprintf(line + strlen(line), sizeof(line) - strlen(line), cmd, name, at);
    assert_true(run(line, ""));
    path_of(path, sizeof(path), name);
    struct dwt_file *f = dwt_open(path);
    struct dwt_param ps[8];
    assert_non_null(f); /* the skeletons are in the binary */
    assert_int_equal(dwt_func_params(f, "dw_scalars", NULL, ps, 8), -1);
}

/* Writes n bytes of value byte at a file offset: a format for check_damaged. */
static const char *overwrite(char *cmd, size_t len, unsigned n, unsigned byte) {
    snprintf(cmd, len,
             "head -c %u /dev/zero | tr '\\0' '\\%03o' | dd of=%%s.dwp bs=1 seek=%%ld conv=notrunc",
             n, byte);
    return cmd;
}

static void test_package_damaged(void **state) {
    (void)state;
    skip_without(have_v5, "clang and llvm-dwp");
    char pkg[128], cmd[160];
    off_t idx, info;
    size_t idx_size, info_size;
    uint32_t head[4];
    path_of(pkg, sizeof(pkg), "s5.dwp");
    section_at(pkg, ".debug_cu_index", &idx, &idx_size);
    section_at(pkg, ".debug_info.dwo", &info, &info_size);
    int fd = open(pkg, O_RDONLY);
    assert_int_equal(pread(fd, head, sizeof(head), idx), sizeof(head));
    close(fd);
    /* the tables: signatures, rows, kinds, offsets and sizes */
    long rows = idx + 16 + 8 * head[3], offsets = rows + 4 * head[3] + 4 * head[1];
    check_damaged("cut", "truncate -s 1000 %s.dwp && : %ld", 0);
    /* a slot count whose tables do not fit in the section */
    check_damaged("slots", overwrite(cmd, sizeof(cmd), 1, 0200), (long)idx + 15);
    /* row numbers past the units in every slot */
    check_damaged("rows", overwrite(cmd, sizeof(cmd), 4 * head[3], 7), rows);
    /* the first column's offset, then the last one's size, past the section */
    check_damaged("offset", overwrite(cmd, sizeof(cmd), 4, 0177), offsets);
    check_damaged("size", overwrite(cmd, sizeof(cmd), 4, 0377), (long)(idx + idx_size - 4));
    /* the unit's DWARF itself zeroed */
    check_damaged("info", overwrite(cmd, sizeof(cmd), 64, 0), (long)info);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_v5),         cmocka_unit_test(test_index_gnu_v2),
        cmocka_unit_test(test_index_truncated),  cmocka_unit_test(test_index_corrupt),
        cmocka_unit_test(test_index_full_table), cmocka_unit_test(test_strings_compact),
        cmocka_unit_test(test_strings_refused),  cmocka_unit_test(test_package_v5),
        cmocka_unit_test(test_package_gnu_v4),   cmocka_unit_test(test_package_units),
        cmocka_unit_test(test_package_damaged),
    };
    return cmocka_run_group_tests(tests, build, clean);
}
