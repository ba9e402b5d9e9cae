/* libdw, opened when it is first needed (dw_ustack unwinding a stack, a
 * uprobe's DWARF arguments or types) rather than at every start: its
 * libraries cost startup time for the programs that do not use it, as the
 * Prometheus server's library does. */
#ifndef TRAWK_DW_LIB_H
#define TRAWK_DW_LIB_H

#include <elfutils/libdwfl.h>

#define DW_LIB_FUNCS(X)                                                                            \
    X(dwfl_begin)                                                                                  \
    X(dwfl_end)                                                                                    \
    X(dwfl_report_begin)                                                                           \
    X(dwfl_report_begin_add)                                                                       \
    X(dwfl_report_end)                                                                             \
    X(dwfl_report_offline)                                                                         \
    X(dwfl_linux_proc_report)                                                                      \
    X(dwfl_linux_proc_find_elf)                                                                    \
    X(dwfl_build_id_find_elf)                                                                      \
    X(dwfl_standard_find_debuginfo)                                                                \
    X(dwfl_offline_section_address)                                                                \
    X(dwfl_module_getdwarf)                                                                        \
    X(dwfl_module_info)                                                                            \
    X(dwfl_addrmodule)                                                                             \
    X(dwfl_module_eh_cfi)                                                                          \
    X(dwfl_module_dwarf_cfi)                                                                       \
    X(dwarf_cfi_addrframe)                                                                         \
    X(dwarf_frame_info)                                                                            \
    X(dwarf_frame_cfa)                                                                             \
    X(dwarf_frame_register)                                                                        \
    X(dwarf_get_units)                                                                             \
    X(dwarf_cu_info)                                                                               \
    X(dwarf_begin)                                                                                 \
    X(dwarf_end)                                                                                   \
    X(dwarf_getelf)                                                                                \
    X(dwarf_child)                                                                                 \
    X(dwarf_siblingof)                                                                             \
    X(dwarf_tag)                                                                                   \
    X(dwarf_diename)                                                                               \
    X(dwarf_attr_integrate)                                                                        \
    X(dwarf_hasattr_integrate)                                                                     \
    X(dwarf_formref_die)                                                                           \
    X(dwarf_formudata)                                                                             \
    X(dwarf_formsdata)                                                                             \
    X(dwarf_formflag)                                                                              \
    X(dwarf_formstring)                                                                            \
    X(dwarf_aggregate_size)                                                                        \
    X(dwarf_getsrclines)                                                                           \
    X(dwarf_onesrcline)                                                                            \
    X(dwarf_lineaddr)                                                                              \
    X(dwarf_lineno)                                                                                \
    X(dwarf_linesrc)                                                                               \
    X(dwarf_linebeginstatement)

struct dw_lib {
#define DW_LIB_FIELD(name) __typeof__(name) *name;
    DW_LIB_FUNCS(DW_LIB_FIELD)
#undef DW_LIB_FIELD
    Dwfl_Callbacks callbacks; /* /proc/PID/maps and the files it names */
};

/* The library's functions, NULL when libdw.so.1 cannot be loaded; then a
 * warning naming who wanted it ("dw_ustack") is printed once. */
const struct dw_lib *dw_lib_get(const char *who);

#endif
