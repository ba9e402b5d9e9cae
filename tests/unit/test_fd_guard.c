/* rt_fd_guard_std: output keeps flowing when descriptor 1 is closed under
 * trawk, as bcc's symbolizer has closed it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime.h"

static void test_stdout_survives_close_of_fd_1(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(stdout);
    int saved = dup(1);
    assert_true(dup2(p[1], 1) == 1);
    close(p[1]);
    rt_fd_guard_std();
    close(1); /* what bcc did */
    fputs("still here\n", stdout);
    fflush(stdout);
    char buf[32] = {0};
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    FILE *copy = stdout;
    dup2(saved, 1);
    close(saved);
    stdout = fdopen(1, "w");
    fclose(copy);
    assert_true(n > 0);
    assert_string_equal(buf, "still here\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdout_survives_close_of_fd_1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
