/* The .note.stapsdt reader, on a program built here with <sys/sdt.h>
 * (skipped without a compiler or the header): names, operands, file
 * offsets (sdt.h puts a nop at each probe) and semaphores. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "providers/usdt_notes.h"

#define BIN "/tmp/trawk_test_usdt_notes"

static const char source[] =
    "#define _SDT_HAS_SEMAPHORES 1\n"
    "#include <sys/sdt.h>\n"
    "unsigned short pv_sem_semaphore __attribute__((section(\".probes\")));\n"
    "unsigned short pv_free_semaphore __attribute__((section(\".probes\")));\n"
    "int main(int argc, char **argv) {\n"
    "    DTRACE_PROBE2(pv, sem, argc, argv);\n"
    "    DTRACE_PROBE(pv, free);\n"
    "    DTRACE_PROBE(pv, free);\n"
    "    return 0;\n"
    "}\n";

static int build(void **state) {
    (void)state;
    FILE *f = fopen(BIN ".c", "w");
    if (!f)
        return -1;
    fputs(source, f);
    fclose(f);
    /* without a compiler or sdt.h, test_probes finds no binary and skips */
    if (system("cc -O2 -o " BIN " " BIN ".c 2>/dev/null") != 0)
        unlink(BIN);
    return 0;
}

static int clean(void **state) {
    (void)state;
    unlink(BIN);
    unlink(BIN ".c");
    return 0;
}

static unsigned char byte_at(uint64_t offset) {
    FILE *f = fopen(BIN, "rb");
    int c = EOF;
    if (f && fseek(f, (long)offset, SEEK_SET) == 0)
        c = fgetc(f);
    if (f)
        fclose(f);
    return (unsigned char)c;
}

static void test_probes(void **state) {
    (void)state;
    if (access(BIN, X_OK) != 0)
        skip();
    struct usdt_notes n;
    char err[256];
    assert_int_equal(usdt_notes_read(BIN, &n, err, sizeof(err)), 0);
    assert_int_equal(n.n, 3);
    assert_string_equal(n.v[0].provider, "pv");
    assert_string_equal(n.v[0].name, "sem");
    assert_non_null(strchr(n.v[0].args, '@'));
    assert_string_equal(n.v[1].name, "free");
    assert_string_equal(n.v[1].args, "");
    for (int i = 0; i < n.n; i++) {
        assert_int_equal(byte_at(n.v[i].offset), 0x90); /* nop */
        assert_int_not_equal(n.v[i].sem_offset, 0);
        assert_int_equal(byte_at(n.v[i].sem_offset), 0); /* unset in the file */
    }
    assert_int_not_equal(n.v[1].offset, n.v[2].offset);
    assert_int_equal(n.v[1].sem_offset, n.v[2].sem_offset);
    assert_int_not_equal(n.v[0].sem_offset, n.v[1].sem_offset);
    usdt_notes_free(&n);
}

static void test_errors(void **state) {
    (void)state;
    struct usdt_notes n;
    char err[256];
    assert_int_equal(usdt_notes_read("/nonexistent/trawk", &n, err, sizeof(err)), -1);
    assert_string_equal(err, "/nonexistent/trawk: No such file or directory");
    assert_int_equal(usdt_notes_read("CMakeLists.txt", &n, err, sizeof(err)), -1);
    assert_string_equal(err, "CMakeLists.txt: not an ELF file");
    assert_int_equal(n.n, 0);
}

/* An ELF file without USDT probes has none. */
static void test_no_notes(void **state) {
    (void)state;
    struct usdt_notes n;
    char err[256];
    assert_int_equal(usdt_notes_read("/proc/self/exe", &n, err, sizeof(err)), 0);
    assert_int_equal(n.n, 0);
    usdt_notes_free(&n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probes, build, clean),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_no_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
