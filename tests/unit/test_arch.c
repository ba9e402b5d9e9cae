/* The pt_regs register tables: checked against the running kernel's own
 * struct pt_regs (from BTF), and the code providers emit from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "codegen/cg.h"
#include "codegen/disasm.h"
#include "ctypes/ctypes.h"
#include "providers/arch.h"

/* The kernel spells the x86-64 registers without their "r" prefix. */
static void test_table_matches_kernel_btf(void **state) {
    (void)state;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        printf("SKIP: no kernel BTF at /sys/kernel/btf/vmlinux\n");
        skip();
    }
    struct type_arena *a = type_arena_new();
    struct ctypes *ct = ctypes_new(a, NULL);
    const struct type *regs = ctypes_lookup(ct, "struct pt_regs");
    assert_non_null(regs);
    const struct arch *arch = arch_current();
    int checked = 0;
    for (const struct arch_reg *r = arch->regs; r->name; r++, checked++) {
        uint32_t off;
        if (!type_field_find(regs, r->name, &off))
            fail_msg("struct pt_regs has no field %s", r->name);
        assert_int_equal(off, r->offset);
    }
    assert_int_equal(checked, 21);
    static const char *const args[] = {"di", "si", "dx", "cx", "r8", "r9"};
    for (int i = 0; i < arch->nargs; i++)
        assert_int_equal(arch->arg_offset[i], arch_reg_offset(arch, args[i]));
    assert_int_equal(arch->ret_offset, arch_reg_offset(arch, "ax"));
    assert_int_equal(arch_reg_offset(arch, "nope"), -1);
    /* reg() takes bpftrace's names */
    assert_int_equal(arch_user_reg_offset(arch, "pc"), arch_reg_offset(arch, "ip"));
    assert_int_equal(arch_user_reg_offset(arch, "orig_rax"), arch_reg_offset(arch, "orig_ax"));
    assert_int_equal(arch_user_reg_offset(arch, "orig_ax"), -1);
    assert_int_equal(arch_user_reg_offset(arch, "sp"), arch_reg_offset(arch, "sp"));
    ctypes_free(ct);
    type_arena_free(a);
}

static void test_emitted_loads(void **state) {
    (void)state;
    struct cg cg;
    memset(&cg, 0, sizeof(cg));
    cg.sp = R10;
    cg.ctx_slot = -8;
    emit_init(&cg.e);
    arch_emit_pt_regs_arg(&cg, 1, R6);
    arch_emit_pt_regs_retval(&cg, R7);
    char line[4][128];
    assert_int_equal(cg.e.n, 4);
    for (int i = 0; i < 4; i++)
        disasm_insn(&cg.e.insns[i], line[i], sizeof(line[i]));
    assert_string_equal(line[0], "r6 = *(u64 *)(r10 -8)");
    assert_string_equal(line[1], "r6 = *(u64 *)(r6 +104)"); /* rsi: the second argument */
    assert_string_equal(line[3], "r7 = *(u64 *)(r7 +80)");  /* rax */
    emit_free(&cg.e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_kernel_btf),
        cmocka_unit_test(test_emitted_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
