/* Modules of the standard library that a script must import by name
 * ("import "stdlib/test";"), unlike stdlib/base.bt. */
#include <stddef.h>

#include "stdlib/stdlib.h"

/* bpftrace's stdlib/test is C, for its C interop tests; trawk compiles no
 * C, so the same function is a macro of its own language. */
static const char test_bt[] = "// __always_true(): 1, to check that imports work\n"
                              "macro __always_true() { 1 }\n";

const struct stdlib_module stdlib_imports[] = {
    {"stdlib/test", test_bt},
    {NULL, NULL},
};
