/* -k: helper failures reported to user space, as bpftrace's --warnings:
 *
 *   r0 = helper(...)
 *   if (r0 s>= 0) goto ok;     // a map lookup: if (r0 != NULL)
 *   record = { EV_HELPER_ERROR id, 0, (s64)r0 };  // one event per call site
 *   ringbuf_output(record);
 * ok:
 *
 * The event names the helper and the expression's location; user space
 * prints the message (runtime/output/sink*.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

static const char *helper_name(int helper) {
    switch (helper) {
    case BPF_FUNC_probe_read:
        return "probe_read";
    case BPF_FUNC_probe_read_str:
        return "probe_read_str";
    case BPF_FUNC_probe_read_user:
        return "probe_read_user";
    case BPF_FUNC_probe_read_kernel:
        return "probe_read_kernel";
    case BPF_FUNC_probe_read_user_str:
        return "probe_read_user_str";
    case BPF_FUNC_probe_read_kernel_str:
        return "probe_read_kernel_str";
    case BPF_FUNC_map_lookup_elem:
        return "map_lookup_elem";
    case BPF_FUNC_map_update_elem:
        return "map_update_elem";
    case BPF_FUNC_d_path:
        return "d_path";
    default:
        return "unknown";
    }
}

int cg_helper_event(struct cg *cg, int helper, const struct loc *loc) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_HELPER_ERROR, &id);
    struct event_arg *arg = ev ? calloc(1, sizeof(*arg)) : NULL;
    if (!arg)
        return -1;
    *arg = (struct event_arg){.ty = &type_s64, .offset = sizeof(struct event_header), .loc = *loc};
    ev->args = arg;
    ev->nargs = 1;
    ev->size = sizeof(struct event_header) + 8;
    ev->fmt = strdup(helper_name(helper));
    return id;
}

void cg_helper_send(struct cg *cg, int id) {
    int size = (int)cg->m->events[id].size;
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, size);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, rec + 8));
    cg_note_stream(cg);
    cg_ringbuf_output(cg, rec, size);
    cg_frame_release(cg, mark);
}

/* Sends the record when the jump `skip` (on r0) is not taken; then r0 is
 * zero on that path (a NULL lookup result stays NULL for the code after). */
static void report(struct cg *cg, int helper, struct bpf_insn skip, const struct loc *loc) {
    int id = cg_helper_event(cg, helper, loc);
    if (id < 0)
        return;
    int ok = emit_label(&cg->e);
    emit_jump(&cg->e, skip, ok);
    cg_helper_send(cg, id);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit_place(&cg->e, ok);
}

/* Before 6.4 the map operations a helper call is patched into return int,
 * so r0's upper half is not the sign of an error (bpf_map_update_elem's
 * -E2BIG read as 4294967289 on 6.1): extend the low half. */
void cg_helper_result_sext(struct cg *cg) {
    emit(&cg->e, ALU64_IMM(BPF_LSH, R0, 32));
    emit(&cg->e, ALU64_IMM(BPF_ARSH, R0, 32));
}

void cg_helper_check(struct cg *cg, int helper) {
    if (!cg->helper_errors)
        return;
    cg_helper_result_sext(cg);
    report(cg, helper, JMP_IMM(BPF_JSGE, R0, 0, 0), &cg->e.loc);
}

void cg_helper_check_lookup(struct cg *cg, const struct loc *loc) {
    if (!cg->helper_errors)
        return;
    report(cg, BPF_FUNC_map_lookup_elem, JMP_IMM(BPF_JNE, R0, 0, 0), loc);
}
