/* Function calls: printf, print, time, exit, clear, zero, delete and str.
 * Everything printed goes to user space as a ring buffer record built on
 * the stack: an event_header, then the arguments at 8-byte aligned offsets. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_map.h"

struct event_desc *cg_event_new(struct cg *cg, enum event_kind kind, int *id) {
    struct manifest *m = cg->m;
    struct event_desc *ev = realloc(m->events, (size_t)(m->nevents + 1) * sizeof(*ev));
    if (!ev) {
        cg_error(cg, &cg->unit->probe->loc, E_LIMIT, "out of memory");
        return NULL;
    }
    m->events = ev;
    *id = m->nevents++;
    ev = &m->events[*id];
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->map = -1;
    return ev;
}

void cg_events_truncate(struct manifest *m, int n) {
    for (int i = n; i < m->nevents; i++)
        event_desc_free(&m->events[i]);
    if (n < m->nevents)
        m->nevents = n;
}

static char *dup_bytes(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = 0;
    }
    return p;
}

void cg_note_stream(struct cg *cg) {
    if (!cg->unit || !cg->unit->prov->runs_once)
        cg->m->streams = true;
}

void cg_ringbuf_output(struct cg *cg, int off, int size) {
    int sent = emit_label(&cg->e);
    if (cg->perf_buffer) {
        /* bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, data, size) */
        cg_ctx(cg, R1);
        emit_ld_map(&cg->e, R2, cg->m->ringbuf_map);
        emit(&cg->e, MOV32_IMM(R3, -1)); /* BPF_F_CURRENT_CPU, zero-extended */
        cg_stack_ptr(cg, R4, off);
        emit(&cg->e, MOV64_IMM(R5, size));
        emit(&cg->e, CALL_HELPER(BPF_FUNC_perf_event_output));
    } else {
        emit_ld_map(&cg->e, R1, cg->m->ringbuf_map);
        cg_stack_ptr(cg, R2, off);
        emit(&cg->e, MOV64_IMM(R3, size));
        emit(&cg->e, MOV64_IMM(R4, 0));
        emit(&cg->e, CALL_HELPER(BPF_FUNC_ringbuf_output));
    }
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), sent);
    /* the ring buffer was full: count the lost event in .lost (direct value access) */
    emit(&cg->e, INSN(BPF_LD | BPF_DW | BPF_IMM, R1, BPF_PSEUDO_MAP_VALUE, 0, cg->m->lost_map));
    emit(&cg->e, LD_IMM64_HI(0));
    emit(&cg->e, MOV64_IMM(R2, 1));
    emit(&cg->e, ATOMIC_ADD64(R1, R2, 0));
    emit_place(&cg->e, sent);
}

/* The type an argument has in the record: integers travel as 8 bytes,
 * enums keep their names and pointers their pointee. */
static const struct type *record_type(struct cg *cg, const struct type *t) {
    if (t->kind != T_INT || t->size == 8)
        return t;
    if (t->enum_def)
        return type_enum(cg->sema->types, 8, t->is_signed, t->enum_def);
    return type_int(8, t->is_signed);
}

/* Builds and sends a record with the given arguments; fills ev's args. */
void cg_send_record(struct cg *cg, struct event_desc *ev, int id, struct node *args) {
    int n = (int)ast_list_len(args);
    ev->args = calloc((size_t)(n ? n : 1), sizeof(*ev->args));
    uint32_t size = sizeof(struct event_header);
    int i = 0;
    for (struct node *a = args; a; a = a->next, i++) {
        const struct type *t = record_type(cg, a->ty);
        ev->args[i] = (struct event_arg){.ty = t, .offset = size, .loc = a->loc};
        size += (t->size + 7) & ~7u;
    }
    ev->nargs = n;
    ev->size = size;
    if (ev->kind != EV_EXIT)
        cg_note_stream(cg);
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, (int)size);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    i = 0;
    bool zero_fill = cg->zero_fill;
    cg->zero_fill = false; /* user space reads record strings up to the NUL */
    /* Evaluating an argument may add events (a runtime warning), moving
     * the events array: ev is not used past this point, its args are. */
    struct event_arg *arg = ev->args;
    for (struct node *a = args; a; a = a->next, i++)
        cg_store_value(cg, a, arg[i].ty, rec + (int)arg[i].offset);
    cg->zero_fill = zero_fill;
    cg_ringbuf_output(cg, rec, (int)size);
    cg_frame_release(cg, mark);
}

static void printf_call(struct cg *cg, struct node *call) {
    if (cg->target && cg->target->kind == PK_ITER && cg->target->spec.path) {
        cg_seq_printf(cg, call); /* pinned: read by others, through the seq_file */
        return;
    }
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_PRINTF, &id);
    if (!ev)
        return;
    ev->fmt = dup_bytes(call->a->str, call->a->len);
    cg_send_record(cg, ev, id, call->a->next);
}

static int64_t const_arg(const struct node *n, int64_t dflt) {
    return n && n->kind == N_INT ? (int64_t)n->num : dflt;
}

/* Events user space carries out on a whole map: print(@m), clear(@m), zero(@m). */
static void map_event(struct cg *cg, enum event_kind kind, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, kind, &id);
    if (!ev)
        return;
    struct node *map = call->a;
    ev->map = cg_map_index(cg, map);
    ev->top = (uint64_t)const_arg(map->next, 0);
    ev->div = (uint64_t)const_arg(map->next ? map->next->next : NULL, 0);
    cg_send_record(cg, ev, id, NULL);
}

static void print_call(struct cg *cg, struct node *call) {
    struct node *arg = call->a;
    if (arg->kind == N_MAP && !arg->a) {
        map_event(cg, EV_PRINT_MAP, call);
        return;
    }
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_PRINT, &id);
    if (!ev)
        return;
    struct node *saved = arg->next;
    arg->next = NULL;
    cg_send_record(cg, ev, id, arg);
    arg->next = saved;
}

static void time_call(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_TIME, &id);
    if (!ev)
        return;
    if (call->a)
        ev->fmt = dup_bytes(call->a->str, call->a->len);
    cg_send_record(cg, ev, id, NULL);
}

/* exit() tells user space to stop, then leaves the probe. */
static void exit_call(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_EXIT, &id);
    if (!ev)
        return;
    struct node zero = {.kind = N_INT, .loc = call->loc, .ty = &type_s64};
    struct node *code = call->a ? call->a : &zero;
    cg_send_record(cg, ev, id, code);
    emit_jump(&cg->e, JA(0), cg->exit_label);
}

/* Leaves bpf_map_delete_elem's result in r0. */
static void delete_call(struct cg *cg, struct node *call) {
    struct node *map = call->a;
    if (!map->next) {
        cg_map_delete(cg, map);
        return;
    }
    /* delete(@m, key): the same as delete(@m[key]) */
    struct node keyed = *map;
    keyed.a = map->next;
    cg_map_delete(cg, &keyed);
}

void cg_call_stmt(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_PRINTF:
        printf_call(cg, call);
        break;
    case F_PRINT:
        print_call(cg, call);
        break;
    case F_TIME:
        time_call(cg, call);
        break;
    case F_EXIT:
        exit_call(cg, call);
        break;
    case F_CLEAR:
        map_event(cg, EV_CLEAR, call);
        break;
    case F_ZERO:
        map_event(cg, EV_ZERO, call);
        break;
    case F_DELETE:
        delete_call(cg, call);
        break;
    case F_JOIN:
        cg_join(cg, call);
        break;
    case F_ERRORF:
    case F_WARNF:
        cg_diagf(cg, call);
        break;
    case F_DEBUGF:
        cg_debugf(cg, call);
        break;
    case F_SYSTEM:
    case F_CAT:
        cg_user_action(cg, call);
        break;
    case F_SIGNAL:
    case F_SIGNAL_THREAD:
        cg_signal(cg, call);
        break;
    case F_WRITE_USER:
        cg_write_user(cg, call);
        break;
    case F_OVERRIDE:
        cg_override(cg, call);
        break;
    case F_STR:
    case F_GETOPT:
    case F_COMPTIME:
        break; /* no effect as a statement */
    case F_HAS_KEY:
    case F_STRFTIME:
    case F_BSWAP:
    case F_STRERROR:
    case F_SYSCALL_NAME:
    case F_SIGNAL_NAME:
    case F_CGROUP_PATH:
    case F_LEN:
    case F_NSECS:
    case F_STRLEN:
    case F_STRNCMP:
    case F_REG:
    case F_SOCKET_COOKIE:
    case F_PERCPU_KADDR:
    case F_SKBOUTPUT:
    case F_STRSTR:
    case F_MEMCMP:
    case F_STRCONTAINS: {
        struct val v = cg_stdlib_int(cg, call);
        cg_val_free(cg, &v);
        break;
    }
    default:
        cg_error(cg, &call->loc, E_CONTEXT, "%s() must be assigned to a map", call->str);
        break;
    }
}

struct val cg_call_int(struct cg *cg, struct node *call) {
    if (call->sym == F_DELETE) {
        delete_call(cg, call);
        /* true when the key was there: r0 == 0 */
        int reg = cg_reg_alloc(cg, &call->loc);
        emit(&cg->e, MOV64_IMM(reg, 1));
        int done = emit_label(&cg->e);
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), done);
        emit(&cg->e, MOV64_IMM(reg, 0));
        emit_place(&cg->e, done);
        return (struct val){.kind = V_REG, .reg = reg};
    }
    return cg_stdlib_int(cg, call);
}

/* A typed pointer says which memory it points into; a plain integer does
 * not, and bpf_probe_read_str picks the address space itself on x86-64. */
/* bpftrace pads str() reads by one byte below this max_strlen */
#define STR_PAD_LIMIT 1024

static int str_helper(const struct type *t) {
    if (!t || !t->is_ptr)
        return BPF_FUNC_probe_read_str;
    return t->addr == AS_USER ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;
}

/* bpftrace reads max_strlen + 1 bytes (below 1024) so that a string with no
 * NUL in its first max_strlen bytes prints with the truncation trailer (so
 * does str(p, n) when a run-time n is longer than that). The read above stopped one short: when it
 * filled the buffer, the last byte becomes the source's own (a NUL when the string ended there). */
static void str_last_byte(struct cg *cg, struct node *call, const struct val *len, int preg,
                          int off) {
    int n = (int)call->ty->size;
    int done = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, n, 0), done);
    if (len->kind == V_REG) /* a run-time length no longer than the buffer */
        emit_jump(&cg->e, JMP_IMM(BPF_JLE, len->reg, n, 0), done);
    cg_stack_ptr(cg, R1, off + n - 1);
    emit(&cg->e, MOV64_IMM(R2, 1));
    emit(&cg->e, MOV64_REG(R3, preg));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R3, n - 1));
    emit(&cg->e, CALL_HELPER(cg_read_helper(call->a->ty)));
    emit_place(&cg->e, done);
}

/* str(s, n) of a string s: as bpftrace, its first n - 1 characters (none
 * for n <= 1): a NUL at n - 1 of the copy at off, when that is inside it. */
static void str_truncate(struct cg *cg, struct node *len_node, int off, int size) {
    struct val len = cg_int(cg, len_node);
    if (len.kind == V_IMM) {
        int64_t at = len.imm <= 1 ? 0 : len.imm - 1;
        if (at < size)
            emit(&cg->e, ST_MEM(BPF_B, cg->fp, off + (int)at, 0));
        return;
    }
    int done = emit_label(&cg->e), positive = emit_label(&cg->e);
    emit(&cg->e, MOV64_REG(R2, len.reg));
    cg_val_free(cg, &len);
    emit_jump(&cg->e, JMP_IMM(BPF_JSGT, R2, 0, 0), positive);
    emit(&cg->e, MOV64_IMM(R2, 1));
    emit_place(&cg->e, positive);
    emit_jump(&cg->e, JMP_IMM(BPF_JGT, R2, size, 0), done);
    emit(&cg->e, ALU64_IMM(BPF_SUB, R2, 1));
    cg_stack_ptr(cg, R1, off);
    emit(&cg->e, ALU64_REG(BPF_ADD, R1, R2));
    emit(&cg->e, ST_MEM(BPF_B, R1, 0, 0));
    emit_place(&cg->e, done);
}

/* str(ptr[, len]) reads a NUL-terminated string into r10 + off. */
void cg_str_call(struct cg *cg, struct node *call, int off, int size) {
    if (call->sym == F_NTOP) {
        cg_ntop(cg, call, off);
        return;
    }
    if (call->sym == F_PTON) {
        cg_pton(cg, call, off);
        return;
    }
    if (call->sym == F_BUF) {
        cg_buf_store(cg, call, off, size);
        return;
    }
    if (call->sym == F_MACADDR) {
        cg_macaddr(cg, call, off);
        return;
    }
    if (call->sym == F_STR_CONCAT) {
        cg_str_concat(cg, call, off, size);
        return;
    }
    if (call->sym == F_PATH) {
        cg_path_store(cg, call, off, size);
        return;
    }
    if (call->sym == F_KSTACK || call->sym == F_USTACK || call->sym == F_KSYM ||
        call->sym == F_USYM || call->sym == F_DW_USTACK) {
        cg_stack_store(cg, call, off, size);
        return;
    }
    if (call->sym != F_STR) {
        cg_error(cg, &call->loc, E_TYPE, "%s() does not return a string", call->str);
        return;
    }
    struct node *arg = call->a;
    if (arg->ty && arg->ty->kind == T_STRING) {
        const struct type *t = call->ty->size < (uint32_t)size ? call->ty : arg->ty;
        cg_store_value(cg, arg, t, off);
        if (arg->next)
            str_truncate(cg, arg->next, off, (int)t->size);
        return;
    }
    if (cg->zero_fill)
        cg_zero(cg, off, size);
    struct val p = cg_int(cg, arg);
    int preg = cg_val_reg(cg, &p, &arg->loc);
    /* without a length, bpftrace's read is one longer than the string */
    struct val len = {.kind = V_IMM, .imm = (int64_t)size + 1};
    if (arg->next)
        len = cg_int(cg, arg->next);
    if (len.kind == V_REG) {
        /* clamp a run-time length so the verifier sees it fits the buffer */
        int ok = emit_label(&cg->e);
        emit(&cg->e, MOV64_REG(R2, len.reg));
        emit_jump(&cg->e, JMP_IMM(BPF_JLE, R2, size, 0), ok);
        emit(&cg->e, MOV64_IMM(R2, size));
        emit_place(&cg->e, ok);
    } else {
        emit(&cg->e, MOV64_IMM(R2, len.imm > size || len.imm < 0 ? size : (int32_t)len.imm));
    }
    emit(&cg->e, MOV64_REG(R3, preg));
    cg_stack_ptr(cg, R1, off);
    emit(&cg->e, CALL_HELPER(str_helper(arg->ty)));
    bool pad = call->ty->size < STR_PAD_LIMIT && (int)call->ty->size <= size;
    if (pad && (len.kind == V_REG || len.imm > (int64_t)call->ty->size))
        str_last_byte(cg, call, &len, preg, off);
    cg_val_free(cg, &len);
    cg_val_free(cg, &p);
}
