/* Events user space acts on: errorf() and warnf(), system() and cat().
 * errorf() and warnf(): printf to stderr, framed like a compile message
 * at the call ("FILE:L:C-C: ERROR: " and any "expanded from" notes). The frame is rendered here,
 * once, and becomes part of the event's format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

#define MARK "\x01"
/* the kernel's MAX_BPRINTF_VARARGS */
#define DEBUGF_MAX_ARGS 12

/* Appends s to out with every '%' doubled, so printf prints it as is. */
static void put_escaped(FILE *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%')
            fputc('%', out);
        fputc(s[i], out);
    }
}

/* The frame of a message at loc around the user's format. */
static char *framed_format(struct cg *cg, const struct loc *loc, bool error, const char *fmt,
                           size_t fmt_len, bool with_source) {
    char *text = NULL, *res = NULL;
    size_t text_len = 0, res_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    if (!mem)
        return NULL;
    FILE *saved = cg->d->out;
    int nerrors = cg->d->nerrors;
    enum diag_code last = cg->d->last_code;
    cg->d->out = mem;
    if (error)
        diag_error(cg->d, loc, E_ARGS, "%s", MARK);
    else
        diag_warning(cg->d, loc, "%s", MARK);
    cg->d->out = saved;
    cg->d->nerrors = nerrors;
    cg->d->last_code = last;
    fclose(mem);
    const char *mark = text ? strstr(text, MARK) : NULL;
    FILE *out = mark ? open_memstream(&res, &res_len) : NULL;
    if (out) {
        put_escaped(out, text, (size_t)(mark - text));
        fwrite(fmt, 1, fmt_len, out);
        /* bpftrace shows the source only in the "expanded from" notes */
        const char *notes = mark + 1;
        for (int line = 0; line < 3 && notes && !with_source; line++) {
            notes = strchr(notes, '\n');
            notes = notes ? notes + 1 : NULL;
        }
        if (!with_source)
            fputc('\n', out);
        if (notes)
            put_escaped(out, notes, strlen(notes));
        fclose(out);
    }
    free(text);
    return res;
}

/* system(fmt, ...) and cat(fmt, ...): user space formats the command or
 * the file name, then runs or reads it. */
void cg_user_action(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, call->sym == F_CAT ? EV_CAT : EV_SYSTEM, &id);
    if (!ev)
        return;
    ev->fmt = strndup(call->a->str, call->a->len);
    if (call->sym == F_CAT)
        ev->top = (uint64_t)cg->sema->max_cat_bytes;
    cg_send_record(cg, ev, id, call->a->next);
}

void cg_diagf(struct cg *cg, struct node *call) {
    if (call->sym != F_ERRORF && cg->d->no_warnings)
        return; /* --no-warnings silences warnf() too */
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_DIAGF, &id);
    if (!ev)
        return;
    ev->fmt =
        framed_format(cg, &call->loc, call->sym == F_ERRORF, call->a->str, call->a->len, false);
    ev->diag_fmt = strndup(call->a->str, call->a->len);
    ev->diag_loc = call->loc;
    ev->diag_error = call->sym == F_ERRORF;
    if (!ev->fmt || !ev->diag_fmt) {
        cg_error(cg, &call->loc, E_LIMIT, "out of memory");
        return;
    }
    cg_send_record(cg, ev, id, call->a->next);
}

/* A warning printed when the program reaches this point, with the source
 * line as a compile-time warning has it. */
void cg_runtime_warning(struct cg *cg, const struct loc *loc, const char *msg) {
    if (cg->d->no_warnings)
        return;
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_DIAGF, &id);
    if (!ev)
        return;
    ev->fmt = framed_format(cg, loc, false, msg, strlen(msg), true);
    if (!ev->fmt) {
        cg_error(cg, loc, E_LIMIT, "out of memory");
        return;
    }
    cg_send_record(cg, ev, id, NULL);
}

/* The bytes of s (n of them) and a NUL, as 4-byte stores into the frame. */
static int literal_in_frame(struct cg *cg, const char *s, size_t n) {
    int size = (int)((n + 1 + 7) & ~(size_t)7);
    int off = cg_frame_alloc(cg, size);
    for (int i = 0; i < size; i += 4) {
        uint8_t word[4] = {0};
        for (int j = 0; j < 4 && (size_t)(i + j) < n; j++)
            word[j] = (uint8_t)s[i + j];
        int32_t w;
        memcpy(&w, word, 4);
        emit(&cg->e, ST_MEM(BPF_W, cg->fp, off + i, w));
    }
    return off;
}

/* fmt and its arguments as the kernel's printk-like helpers take them:
 * R2 = fmt, R3 = its size with the NUL, R4 = an array of u64 (a string
 * passes its address in the frame), R5 = the array's size. Returns false
 * after reporting too many arguments. */
static bool vprintk_args(struct cg *cg, struct node *call, const char *what) {
    int nargs = (int)ast_list_len(call->a->next);
    if (nargs > DEBUGF_MAX_ARGS) {
        cg_error(cg, &call->loc, E_ARGS, "%s() takes at most %d arguments after the format", what,
                 DEBUGF_MAX_ARGS);
        return false;
    }
    int fmt = literal_in_frame(cg, call->a->str, call->a->len);
    int data = cg_frame_alloc(cg, nargs ? nargs * 8 : 8);
    int i = 0;
    for (struct node *a = call->a->next; a; a = a->next, i++) {
        if (cg_is_mem_type(a->ty)) {
            int off = cg_mem_value(cg, a);
            cg_stack_ptr(cg, R1, off);
            emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, data + i * 8));
        } else {
            struct val v = cg_int(cg, a);
            int reg = cg_val_reg(cg, &v, &a->loc);
            emit(&cg->e, STX_MEM(BPF_DW, cg->fp, reg, data + i * 8));
            cg_val_free(cg, &v);
        }
    }
    cg_stack_ptr(cg, R2, fmt);
    emit(&cg->e, MOV64_IMM(R3, (int32_t)call->a->len + 1));
    cg_stack_ptr(cg, R4, data);
    emit(&cg->e, MOV64_IMM(R5, nargs * 8));
    return true;
}

/* debugf(fmt, ...): bpf_trace_vprintk into the kernel's trace pipe. */
void cg_debugf(struct cg *cg, struct node *call) {
    int mark = cg_frame_mark(cg);
    if (vprintk_args(cg, call, "debugf")) {
        /* trace_vprintk takes (fmt, size, data, len): one register down */
        emit(&cg->e, MOV64_REG(R1, R2));
        emit(&cg->e, MOV64_REG(R2, R3));
        emit(&cg->e, MOV64_REG(R3, R4));
        emit(&cg->e, MOV64_REG(R4, R5));
        emit(&cg->e, CALL_HELPER(BPF_FUNC_trace_vprintk));
    }
    cg_frame_release(cg, mark);
}

/* printf in a pinned iterator: bpf_seq_printf into the seq_file its
 * readers read (ctx->meta->seq), as no trawk reads the event buffer. */
void cg_seq_printf(struct cg *cg, struct node *call) {
    int mark = cg_frame_mark(cg);
    if (vprintk_args(cg, call, "printf")) {
        cg_ctx(cg, R1);
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R1, 0)); /* struct bpf_iter_meta *meta */
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R1, 0)); /* struct seq_file *seq */
        emit(&cg->e, CALL_HELPER(BPF_FUNC_seq_printf));
    }
    cg_frame_release(cg, mark);
}
