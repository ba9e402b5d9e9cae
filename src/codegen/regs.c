/* The register pool: R6-R9 (R6-R8 when R9 points at a scratch frame) hold
 * temporaries because helper calls keep them. */
#include "codegen/cg.h"

int cg_reg_alloc(struct cg *cg, const struct loc *loc) {
    for (int r = CG_POOL_FIRST; r <= cg->pool_last; r++) {
        if (!cg->reg_busy[r]) {
            cg->reg_busy[r] = true;
            return r;
        }
    }
    cg_error(cg, loc, E_LIMIT, "expression too complex: out of BPF registers");
    return CG_POOL_FIRST;
}

void cg_reg_free(struct cg *cg, int reg) {
    if (reg >= CG_POOL_FIRST && reg <= cg->pool_last)
        cg->reg_busy[reg] = false;
}

void cg_val_free(struct cg *cg, struct val *v) {
    if (v->kind == V_REG)
        cg_reg_free(cg, v->reg);
    v->kind = V_IMM;
    v->imm = 0;
}

static void load_imm(struct cg *cg, int reg, int64_t imm) {
    if (imm >= INT32_MIN && imm <= INT32_MAX)
        emit(&cg->e, MOV64_IMM(reg, (int32_t)imm));
    else
        emit_ld_imm64(&cg->e, reg, imm);
}

int cg_val_reg(struct cg *cg, struct val *v, const struct loc *loc) {
    if (v->kind == V_REG)
        return v->reg;
    int reg = cg_reg_alloc(cg, loc);
    load_imm(cg, reg, v->imm);
    v->kind = V_REG;
    v->reg = reg;
    return reg;
}

void cg_val_to(struct cg *cg, const struct val *v, int reg) {
    if (v->kind == V_IMM)
        load_imm(cg, reg, v->imm);
    else if (v->reg != reg)
        emit(&cg->e, MOV64_REG(reg, v->reg));
}
