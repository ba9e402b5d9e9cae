/* uprobe targets: ELF symbols and file offsets, path resolution, and the
 * provider's expansion, on this test program's own executable. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "providers/provider.h"
#include "sys/binpath.h"
#include "sys/elfsyms.h"

__attribute__((noinline, used)) int test_uprobe_marker(int a) {
    return a * 3 + 1;
}

static const struct elfsym *find(const struct elfsyms *s, const char *name) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->syms[i].name, name) == 0)
            return &s->syms[i];
    return NULL;
}

/* The bytes at the computed file offset are the function's code in memory. */
static void test_symbol_offset(void **state) {
    (void)state;
    struct elfsyms s;
    char err[256], path[PATH_MAX];
    unsigned char code[16];
    uint64_t off;
    assert_int_equal(binpath_pid_exe(getpid(), path, sizeof(path)), 0);
    assert_int_equal(elfsyms_read(path, &s, err, sizeof(err)), 0);
    const struct elfsym *m = find(&s, "test_uprobe_marker");
    assert_non_null(m);
    assert_true(m->size > 0);
    assert_true(elfsyms_offset(&s, m->addr, &off));
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, code, sizeof(code), (off_t)off), (ssize_t)sizeof(code));
    close(fd);
    assert_memory_equal(code, (const void *)test_uprobe_marker, sizeof(code));
    assert_false(elfsyms_offset(&s, 0, &off)); /* the ELF header is not code */
    elfsyms_free(&s);
}

static void test_not_elf(void **state) {
    (void)state;
    struct elfsyms s;
    char err[256];
    assert_int_equal(elfsyms_read("/etc/passwd", &s, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not an ELF file"));
    assert_int_equal(elfsyms_read("/nonexistent", &s, err, sizeof(err)), -1);
    assert_false(elfsyms_is_elf("/etc/passwd"));
}

/* A stripped copy of this program finds its functions again through the
 * .gnu_debuglink to a debug file kept beside it (as Debian's -dbg packages
 * do under /usr/lib/debug). */
static void test_debuglink(void **state) {
    (void)state;
    char dir[] = "/tmp/trawk-elfdebug-XXXXXX", exe[PATH_MAX], cmd[3 * PATH_MAX], err[256];
    struct elfsyms s;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(binpath_pid_exe(getpid(), exe, sizeof(exe)), 0);
    snprintf(cmd, sizeof(cmd),
             "cd %s && objcopy --only-keep-debug %s prog.debug && strip -o prog %s && "
             "objcopy --add-gnu-debuglink=prog.debug prog",
             dir, exe, exe);
    assert_int_equal(system(cmd), 0);
    snprintf(exe, sizeof(exe), "%s/prog", dir);
    assert_int_equal(elfsyms_read(exe, &s, err, sizeof(err)), 0);
    const struct elfsym *m = find(&s, "test_uprobe_marker");
    assert_non_null(m);
    assert_true(m->size > 0);
    elfsyms_free(&s);
    snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
    assert_int_equal(system(cmd), 0);
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void test_paths(void **state) {
    (void)state;
    char out[PATH_MAX];
    /* libc is in the loader's cache and mapped by this process */
    assert_int_equal(binpath_which_so("c", 0, out, sizeof(out)), 0);
    assert_true(ends_with(out, "/libc.so.6"));
    assert_int_equal(binpath_which_so("c", getpid(), out, sizeof(out)), 0);
    assert_non_null(strstr(out, "/libc"));
    assert_int_equal(binpath_resolve("libc", 0, out, sizeof(out)), 0);
    assert_true(ends_with(out, "/libc.so.6"));
    assert_int_equal(binpath_which_so("no_such_library_x", 0, out, sizeof(out)), -1);
    /* a bare name through PATH */
    setenv("PATH", "/nonexistent:/bin:/usr/bin", 1);
    assert_int_equal(binpath_resolve("sh", 0, out, sizeof(out)), 0);
    assert_true(ends_with(out, "/sh"));
    assert_int_equal(binpath_resolve("/etc/passwd", 0, out, sizeof(out)), -1);
    assert_int_equal(binpath_resolve("no_such_binary_x", 0, out, sizeof(out)), -1);
}

/* ---- the provider ---- */

static int expand(const char *text, struct attach_target **t, int *n, char **errbuf) {
    static const struct loc loc = {1, 1, 1, 20};
    size_t len;
    FILE *err = open_memstream(errbuf, &len);
    struct diag d;
    const struct provider *p;
    diag_init(&d, "stdin", text, err);
    *t = NULL;
    *n = 0;
    int rc = provider_expand(text, &loc, &d, &p, t, n);
    diag_free(&d);
    fclose(err);
    return rc;
}

static void free_targets(struct attach_target *t, int n) {
    for (int i = 0; i < n; i++)
        attach_target_free(&t[i]);
    free(t);
}

static void expect_error(const char *text, const char *msg) {
    struct attach_target *t;
    int n;
    char *err;
    assert_int_equal(expand(text, &t, &n, &err), -1);
    if (!strstr(err, msg))
        fail_msg("expected \"%s\" in \"%s\"", msg, err);
    free(err);
    free_targets(t, n);
}

static void test_expand(void **state) {
    (void)state;
    char exe[PATH_MAX], text[PATH_MAX + 64], name[PATH_MAX + 64];
    struct attach_target *t;
    int n;
    char *err;
    assert_int_equal(binpath_pid_exe(getpid(), exe, sizeof(exe)), 0);
    snprintf(text, sizeof(text), "ur:%s:test_uprobe_mark*", exe);
    assert_int_equal(expand(text, &t, &n, &err), 1);
    snprintf(name, sizeof(name), "uretprobe:%s:test_uprobe_marker", exe);
    assert_string_equal(t[0].name, name);
    assert_int_equal(t[0].kind, PK_URETPROBE);
    assert_string_equal(t[0].spec.path, exe);
    assert_string_equal(t[0].spec.symbol, "test_uprobe_marker");
    uint64_t off = t[0].spec.offset;
    free(err);
    free_targets(t, n);

    snprintf(text, sizeof(text), "uprobe:%s:test_uprobe_marker+1", exe);
    assert_int_equal(expand(text, &t, &n, &err), 1);
    snprintf(name, sizeof(name), "uprobe:%s:test_uprobe_marker+1", exe);
    assert_string_equal(t[0].name, name);
    assert_int_equal(t[0].spec.offset, off + 1);
    free(err);
    free_targets(t, n);

    snprintf(text, sizeof(text), "uretprobe:%s:test_uprobe_marker+1", exe);
    expect_error(text, "Offset not allowed");
    snprintf(text, sizeof(text), "uprobe:%s:no_such_function_x", exe);
    expect_error(text, "No matches for uprobe");
    snprintf(text, sizeof(text), "uprobe:%s:no_such_function_x*", exe);
    expect_error(text, "Probe has no valid attach points");
    expect_error("uprobe:/etc/passwd:main",
                 "uprobe target file '/etc/passwd' does not exist or is not executable");
    expect_error("uprobe:/bin/sh", "uprobe probe type requires 2 or 3 arguments, found 1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbol_offset), cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_debuglink),     cmocka_unit_test(test_paths),
        cmocka_unit_test(test_expand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
