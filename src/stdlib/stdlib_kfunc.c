/* stdlib/kfunc.bt: kfunc_exist() and kfunc_allowed(), on the lines of
 * bpftrace's own module, so that an argument that is no string literal is
 * reported at the same fail() (line 10 or 24, column 5). The builtins
 * answer while compiling (src/sema/sema_kfunc.c). */
#include "stdlib/stdlib.h"

const char stdlib_kfunc_bt[] =
    "// kfunc_exist(name): whether the kernel's BTF has the function name.\n"
    "// A constant, known while compiling.\n"
    "//\n"
    "// name must be a string literal.\n"
    "macro kfunc_exist(kfunc)\n"
    "{\n"
    "  if comptime (is_literal(kfunc) && is_str(kfunc)) {\n"
    "    __builtin_kfunc_exist(kfunc)\n"
    "  } else {\n"
    "    fail(\"kfunc_exist() accepts a string literal only\");\n"
    "    false\n"
    "  }\n"
    "}\n"
    "\n"
    "// kfunc_allowed(name): whether the probe's program type may call the kfunc\n"
    "// name, as the kernel answers a program that calls it. A constant.\n"
    "//\n"
    "// name must be a string literal.\n"
    "macro kfunc_allowed(kfunc)\n"
    "{\n"
    "  if comptime (is_literal(kfunc) && is_str(kfunc)) {\n"
    "    __builtin_kfunc_allowed(kfunc)\n"
    "  } else {\n"
    "    fail(\"kfunc_allowed() accepts a string literal only\");\n"
    "    false\n"
    "  }\n"
    "}\n";
