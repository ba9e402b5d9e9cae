/* args of the probes whose context is the probed function's arguments as
 * an array of u64 (fentry/fexit, raw tracepoints): a record typed from the
 * function's BTF prototype, one 8-byte slot per argument (a struct passed
 * by value takes as many slots as its size needs). */
#include <stdlib.h>

#include "codegen/cg.h"
#include "ctypes/ctypes.h"
#include "providers/provider_impl.h"

#define BTF_ARGS_MAX 16

const struct type *provider_btf_args(struct ctypes *ct, struct type_arena *a,
                                     const struct btf_args_spec *s) {
    struct ctypes_param params[BTF_ARGS_MAX];
    const struct type *ret = NULL;
    int n = ct ? ctypes_func_params(ct, s->module, s->func, params, BTF_ARGS_MAX, &ret) : -1;
    if (n < 0)
        return NULL;
    struct type_field fields[BTF_ARGS_MAX + 1] = {0};
    int nf = 0;
    uint32_t slot = 0;
    for (int i = s->skip; i < n; i++) {
        if (!params[i].ty)
            return NULL;
        fields[nf++] =
            (struct type_field){.ty = params[i].ty, .offset = slot * 8, .name = params[i].name};
        slot += params[i].ty->size > 8 ? (params[i].ty->size + 7) / 8 : 1;
    }
    if (s->retval && ret && ret != &type_void)
        fields[nf++] = (struct type_field){.ty = ret, .offset = slot++ * 8, .name = "retval"};
    return type_record(a, type_strdup(a, s->tag), false, slot * 8, nf, fields);
}

/* The record is the context itself: fields load directly. */
enum args_space provider_btf_emit_args(struct cg *cg, int reg) {
    cg_ctx(cg, reg);
    return ARGS_CTX;
}

void provider_btf_emit_argn(struct cg *cg, int n, int reg) {
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, (int16_t)(n * 8)));
}
