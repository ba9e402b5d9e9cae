/* What a compiler ships as its own headers (clang's resource directory,
 * bpftrace's bundled copies): glibc's headers include them, and trawk has no
 * compiler installation to take them from. Searched after every directory. */
#include <string.h>

#include "pp.h"

static const char stddef_h[] =
    "#if !defined __need_size_t && !defined __need_ptrdiff_t && !defined __need_wchar_t && "
    "!defined __need_NULL && !defined __need_wint_t && !defined __need_max_align_t && "
    "!defined __need_offsetof\n"
    "#define __trawk_stddef_all 1\n"
    "#endif\n"
    "#if (defined __trawk_stddef_all || defined __need_size_t) && !defined __trawk_size_t\n"
    "#define __trawk_size_t\n"
    "typedef __SIZE_TYPE__ size_t;\n"
    "#endif\n"
    "#if (defined __trawk_stddef_all || defined __need_ptrdiff_t) && !defined __trawk_ptrdiff_t\n"
    "#define __trawk_ptrdiff_t\n"
    "typedef __PTRDIFF_TYPE__ ptrdiff_t;\n"
    "#endif\n"
    "#if (defined __trawk_stddef_all || defined __need_wchar_t) && !defined __trawk_wchar_t\n"
    "#define __trawk_wchar_t\n"
    "typedef __WCHAR_TYPE__ wchar_t;\n"
    "#endif\n"
    "#if defined __need_wint_t && !defined __trawk_wint_t\n"
    "#define __trawk_wint_t\n"
    "typedef __WINT_TYPE__ wint_t;\n"
    "#endif\n"
    "#if (defined __trawk_stddef_all || defined __need_max_align_t) && !defined __trawk_max_align\n"
    "#define __trawk_max_align\n"
    "typedef struct { long long __ll; long double __ld; } max_align_t;\n"
    "#endif\n"
    "#if defined __trawk_stddef_all || defined __need_NULL\n"
    "#undef NULL\n"
    "#define NULL ((void *)0)\n"
    "#endif\n"
    "#if defined __trawk_stddef_all || defined __need_offsetof\n"
    "#define offsetof(t, m) __builtin_offsetof(t, m)\n"
    "#endif\n"
    "#undef __trawk_stddef_all\n"
    "#undef __need_size_t\n#undef __need_ptrdiff_t\n#undef __need_wchar_t\n#undef __need_NULL\n"
    "#undef __need_wint_t\n#undef __need_max_align_t\n#undef __need_offsetof\n";

static const char stdarg_h[] = "#ifndef __GNUC_VA_LIST\n"
                               "#define __GNUC_VA_LIST 1\n"
                               "typedef __builtin_va_list __gnuc_va_list;\n"
                               "#endif\n"
                               "#if !defined __need___va_list && !defined __trawk_stdarg\n"
                               "#define __trawk_stdarg\n"
                               "typedef __builtin_va_list va_list;\n"
                               "#define va_start(ap, p) __builtin_va_start(ap, p)\n"
                               "#define va_end(ap) __builtin_va_end(ap)\n"
                               "#define va_arg(ap, t) __builtin_va_arg(ap, t)\n"
                               "#define va_copy(d, s) __builtin_va_copy(d, s)\n"
                               "#endif\n"
                               "#undef __need___va_list\n";

static const char stdbool_h[] = "#ifndef __bool_true_false_are_defined\n"
                                "#define bool _Bool\n"
                                "#define true 1\n"
                                "#define false 0\n"
                                "#define __bool_true_false_are_defined 1\n"
                                "#endif\n";

/* glibc's limits.h takes these from the compiler's through #include_next */
static const char limits_h[] = "#ifndef _GCC_LIMITS_H_\n"
                               "#define _GCC_LIMITS_H_\n"
                               "#define CHAR_BIT __CHAR_BIT__\n"
                               "#define SCHAR_MAX __SCHAR_MAX__\n"
                               "#define SCHAR_MIN (-__SCHAR_MAX__ - 1)\n"
                               "#define UCHAR_MAX (__SCHAR_MAX__ * 2 + 1)\n"
                               "#define CHAR_MIN SCHAR_MIN\n"
                               "#define CHAR_MAX SCHAR_MAX\n"
                               "#define SHRT_MAX __SHRT_MAX__\n"
                               "#define SHRT_MIN (-__SHRT_MAX__ - 1)\n"
                               "#define USHRT_MAX (__SHRT_MAX__ * 2 + 1)\n"
                               "#define INT_MAX __INT_MAX__\n"
                               "#define INT_MIN (-__INT_MAX__ - 1)\n"
                               "#define UINT_MAX (__INT_MAX__ * 2U + 1U)\n"
                               "#define LONG_MAX __LONG_MAX__\n"
                               "#define LONG_MIN (-__LONG_MAX__ - 1L)\n"
                               "#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)\n"
                               "#define LLONG_MAX __LONG_LONG_MAX__\n"
                               "#define LLONG_MIN (-__LONG_LONG_MAX__ - 1LL)\n"
                               "#define ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1ULL)\n"
                               "#endif\n";

static const struct {
    const char *name, *text;
} builtins[] = {
    {"stddef.h", stddef_h},
    {"stdarg.h", stdarg_h},
    {"stdbool.h", stdbool_h},
    {"limits.h", limits_h},
};

const char *pp_builtin_header(const char *name) {
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].text;
    return NULL;
}
