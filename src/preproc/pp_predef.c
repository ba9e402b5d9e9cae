/* The macros a script and its headers can test: what clang predefines for
 * a C parse on this machine (glibc and the uapi headers depend on them),
 * and what bpftrace adds. */
#include "pp.h"

static const char *const common[][2] = {
    {"__STDC__", "1"},
    {"__STDC_HOSTED__", "1"},
    {"__STDC_VERSION__", "201710L"},
    {"__GNUC__", "4"},
    {"__GNUC_MINOR__", "2"},
    {"__GNUC_PATCHLEVEL__", "1"},
    {"__GNUC_STDC_INLINE__", "1"},
    {"__clang__", "1"},
    {"__llvm__", "1"},
    {"__NO_INLINE__", "1"},
    {"__linux__", "1"},
    {"__linux", "1"},
    {"__gnu_linux__", "1"},
    {"__unix__", "1"},
    {"__unix", "1"},
    {"__ELF__", "1"},
    {"__CHAR_BIT__", "8"},
    {"__ORDER_LITTLE_ENDIAN__", "1234"},
    {"__ORDER_BIG_ENDIAN__", "4321"},
    {"__ORDER_PDP_ENDIAN__", "3412"},
    {"__SIZEOF_SHORT__", "2"},
    {"__SIZEOF_INT__", "4"},
    {"__SIZEOF_LONG_LONG__", "8"},
    {"__SIZEOF_FLOAT__", "4"},
    {"__SIZEOF_DOUBLE__", "8"},
    {"__SIZEOF_WCHAR_T__", "4"},
    {"__SIZEOF_WINT_T__", "4"},
    {"__SCHAR_MAX__", "127"},
    {"__SHRT_MAX__", "32767"},
    {"__INT_MAX__", "2147483647"},
    {"__LONG_LONG_MAX__", "9223372036854775807LL"},
    {"__WCHAR_MAX__", "2147483647"},
    {"__INTMAX_MAX__", "9223372036854775807L"},
    {"__UINTMAX_MAX__", "18446744073709551615UL"},
    {"__INT8_TYPE__", "signed char"},
    {"__INT16_TYPE__", "short"},
    {"__INT32_TYPE__", "int"},
    {"__INT64_TYPE__", "long int"},
    {"__UINT8_TYPE__", "unsigned char"},
    {"__UINT16_TYPE__", "unsigned short"},
    {"__UINT32_TYPE__", "unsigned int"},
    {"__UINT64_TYPE__", "long unsigned int"},
    {"__INTMAX_TYPE__", "long int"},
    {"__UINTMAX_TYPE__", "long unsigned int"},
    {"__WCHAR_TYPE__", "int"},
    {"__WINT_TYPE__", "unsigned int"},
    {"__CHAR16_TYPE__", "unsigned short"},
    {"__CHAR32_TYPE__", "unsigned int"},
    {"__USER_LABEL_PREFIX__", ""},
    {"__REGISTER_PREFIX__", ""},
    {"__ATOMIC_RELAXED", "0"},
    {"__ATOMIC_CONSUME", "1"},
    {"__ATOMIC_ACQUIRE", "2"},
    {"__ATOMIC_RELEASE", "3"},
    {"__ATOMIC_ACQ_REL", "4"},
    {"__ATOMIC_SEQ_CST", "5"},
};

/* 64-bit little-endian Linux (x86_64, aarch64): LP64 */
static const char *const lp64[][2] = {
    {"__LP64__", "1"},
    {"_LP64", "1"},
    {"__BYTE_ORDER__", "__ORDER_LITTLE_ENDIAN__"},
    {"__LITTLE_ENDIAN__", "1"},
    {"__SIZEOF_LONG__", "8"},
    {"__SIZEOF_POINTER__", "8"},
    {"__SIZEOF_SIZE_T__", "8"},
    {"__SIZEOF_PTRDIFF_T__", "8"},
    {"__SIZEOF_LONG_DOUBLE__", "16"},
    {"__SIZEOF_INT128__", "16"},
    {"__LONG_MAX__", "9223372036854775807L"},
    {"__SIZE_MAX__", "18446744073709551615UL"},
    {"__PTRDIFF_MAX__", "9223372036854775807L"},
    {"__INTPTR_MAX__", "9223372036854775807L"},
    {"__UINTPTR_MAX__", "18446744073709551615UL"},
    {"__SIZE_TYPE__", "long unsigned int"},
    {"__PTRDIFF_TYPE__", "long int"},
    {"__INTPTR_TYPE__", "long int"},
    {"__UINTPTR_TYPE__", "long unsigned int"},
    {"__BIGGEST_ALIGNMENT__", "16"},
};

static const char *const arch[][2] = {
#if defined(__x86_64__)
    {"__x86_64__", "1"}, {"__x86_64", "1"}, {"__amd64__", "1"}, {"__amd64", "1"},
#elif defined(__aarch64__)
    {"__aarch64__", "1"},
    {"__ARM_64BIT_STATE", "1"},
    {"__ARM_ARCH", "8"},
#endif
    {NULL, NULL},
};

static void define_all(struct pp_state *st, const char *const (*defs)[2], size_t n) {
    for (size_t i = 0; i < n; i++)
        if (defs[i][0])
            pp_macro_define_str(st, defs[i][0], defs[i][1]);
}

void pp_predefine(struct pp_state *st, const struct preproc_opts *opts) {
    define_all(st, common, sizeof(common) / sizeof(common[0]));
    define_all(st, lp64, sizeof(lp64) / sizeof(lp64[0]));
    define_all(st, arch, sizeof(arch) / sizeof(arch[0]));
    if (opts->have_btf) {
        /* as bpftrace: BTF supplies the kernel's types, and scripts may test for it */
        pp_macro_define_str(st, "BPFTRACE_HAVE_BTF", "1");
        pp_macro_define_str(st, "_LINUX_TYPES_H", "1");
        /* what linux/types.h would have added beyond BTF's typedefs */
        pp_macro_define_str(st, "__aligned_u64", "__u64 __attribute__((aligned(8)))");
        pp_macro_define_str(st, "__aligned_be64", "__be64 __attribute__((aligned(8)))");
        pp_macro_define_str(st, "__aligned_le64", "__le64 __attribute__((aligned(8)))");
    }
}
