/* preproc_run: the token loop that feeds the two outputs. Script tokens
 * that no macro touched are copied with the text around them (comments,
 * blanks), so the script keeps its lines and columns; header tokens are
 * written as plain text for the C declaration parser. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

static struct diag *diag_of(struct pp_state *st, const struct pp_tok *t) {
    return t->file->is_script ? st->d : &t->file->diag;
}

static struct loc loc_cols(const struct pp_tok *t, int ncols) {
    struct loc l = pp_tok_loc(t);
    if (ncols > 0)
        l.last_column = l.first_column + ncols;
    return l;
}

void pp_error(struct pp_state *st, const struct pp_tok *t, int ncols, const char *fmt, ...) {
    struct diag *d = diag_of(st, t);
    struct loc l = loc_cols(t, ncols);
    va_list ap;
    va_start(ap, fmt);
    diag_verror(d, &l, E_SYNTAX, fmt, ap);
    va_end(ap);
    if (d != st->d) {
        st->d->nerrors++;
        st->d->last_code = E_SYNTAX;
    }
}

void pp_warning(struct pp_state *st, const struct pp_tok *t, int ncols, const char *fmt, ...) {
    struct loc l = loc_cols(t, ncols);
    va_list ap;
    va_start(ap, fmt);
    diag_vwarning(diag_of(st, t), &l, fmt, ap);
    va_end(ap);
}

/* ---- the script's output ---- */

static void script_copy(struct pp_state *st, int upto) {
    const char *s = st->script->text;
    st->script_pending_nl += st->script_deferred_nl;
    st->script_deferred_nl = 0;
    for (; st->script_pending_nl > 0; st->script_pending_nl--)
        pp_buf_addc(&st->script_out, '\n');
    if (upto > st->script_cursor) {
        pp_buf_add(&st->script_out, s + st->script_cursor, (size_t)(upto - st->script_cursor));
        st->script_cursor = upto;
    }
}

void pp_script_skip(struct pp_state *st, int off) {
    const char *s = st->script->text;
    for (; st->script_cursor < off; st->script_cursor++)
        st->script_pending_nl += s[st->script_cursor] == '\n';
}

static bool is_word(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '@';
}

/* Whether two tokens written side by side would read as one. */
static bool would_glue(char a, char b) {
    if (is_word(a) || is_word(b))
        return is_word(a) && is_word(b);
    return ispunct((unsigned char)a) && ispunct((unsigned char)b) && !strchr("()[]{},;", a) &&
           !strchr("()[]{},;", b);
}

static void emit_script(struct pp_state *st, const struct pp_tok *t) {
    if (!t->expanded) {
        if (t->end > st->script_cursor)
            script_copy(st, t->end);
        return;
    }
    struct pp_buf *b = &st->script_out;
    if (t->start > st->script_cursor) {
        script_copy(st, t->start);
    } else {
        /* lines skipped before this use, not those inside it (those follow its text) */
        for (; st->script_pending_nl > 0; st->script_pending_nl--)
            pp_buf_addc(b, '\n');
    }
    char last = b->len ? b->data[b->len - 1] : ' ';
    if (t->len && !isspace((unsigned char)last) && (t->space || would_glue(last, t->text[0])))
        pp_buf_addc(b, ' ');
    pp_buf_add(b, t->text, (size_t)t->len);
    int before = st->script_pending_nl;
    pp_script_skip(st, t->end);
    st->script_deferred_nl += st->script_pending_nl - before;
    st->script_pending_nl = before;
}

static void emit_cdecl(struct pp_state *st, const struct pp_tok *t) {
    struct pp_buf *b = &st->cdecls_out;
    if (t->at_bol && b->len)
        pp_buf_addc(b, '\n');
    else if (t->space || (b->len && would_glue(b->data[b->len - 1], t->text[0])))
        pp_buf_addc(b, ' ');
    pp_buf_add(b, t->text, (size_t)t->len);
}

static bool is_directive(const struct pp_tok *t) {
    return t->at_bol && !t->expanded && t->kind == PK_PUNCT && pp_tok_is(t, "#");
}

static void run(struct pp_state *st, struct pp_tok *t) {
    while (t && !st->fatal) {
        if (t->kind == PK_EOF) {
            pp_file_end(st, t);
            if (t->file->is_script)
                break;
            st->depth--;
            if (st->cdecls_out.len)
                pp_buf_addc(&st->cdecls_out, '\n');
            t = t->next;
        } else if (is_directive(t)) {
            pp_directive(st, &t);
        } else if (!pp_expand_one(st, &t)) {
            if (t->file->is_script)
                emit_script(st, t);
            else if (t->len)
                emit_cdecl(st, t);
            t = t->next;
        }
    }
    if (!st->fatal)
        script_copy(st, (int)strlen(st->script->text));
}

/* ---- entry ---- */

static bool has_directive(const char *text) {
    const char *p = text;
    if (p[0] == '#' && p[1] == '!')
        p = strchr(p, '\n');
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        if (*p == '#')
            return true;
        p = strchr(p, '\n');
    }
    return false;
}

static struct pp_file *script_file(struct pp_state *st, const char *text,
                                   const struct preproc_opts *opts) {
    struct pp_file *f = pp_alloc(&st->arena, sizeof(*f));
    f->name = st->d->filename;
    f->dir = opts->script_dir ? opts->script_dir : ".";
    f->text = text;
    f->is_script = true;
    f->dir_index = -1;
    f->diag = *st->d;
    return f;
}

/* --include files, as if #included before the script's first line. */
static struct pp_tok *forced_includes(struct pp_state *st, const struct preproc_opts *opts,
                                      struct pp_tok *script) {
    struct pp_tok *rest = script;
    struct pp_file cwd = {.dir = ".", .dir_index = -1}; /* like -include: from the cwd */
    for (int i = opts->ninclude_files - 1; i >= 0; i--) {
        const char *name = opts->include_files[i];
        int idx = -1;
        const char *path = pp_search(st, name, true, &cwd, false, &idx);
        struct pp_tok *toks = path ? pp_include_file(st, path, idx, rest) : NULL;
        if (!toks) {
            diag_plain_error(st->d, E_IO, "'%s' file not found", name);
            return NULL;
        }
        rest = toks;
    }
    if (st->kconfig) {
        struct pp_tok *toks = pp_include_file(st, st->kconfig, -1, rest);
        rest = toks ? toks : rest;
    }
    return rest;
}

int preproc_run(const char *text, const struct preproc_opts *opts, struct diag *d,
                struct preproc_out *out) {
    out->script = out->cdecls = NULL;
    if (opts->ninclude_files == 0 && !has_directive(text)) {
        out->script = strdup(text);
        out->cdecls = strdup("");
        return out->script && out->cdecls ? 0 : -1;
    }
    struct pp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -1;
    int before = d->nerrors;
    st->d = d;
    pp_predefine(st, opts);
    pp_search_init(st, opts);
    st->script = script_file(st, text, opts);
    if (text[0] == '#' && text[1] == '!') /* kept for the parser, which skips it */
        script_copy(st, (int)strcspn(text, "\n"));
    struct pp_tok *toks = forced_includes(st, opts, pp_lex(st, st->script));
    if (toks)
        run(st, toks);
    out->script = pp_buf_take(&st->script_out);
    out->cdecls = pp_buf_take(&st->cdecls_out);
    pp_arena_free(&st->arena);
    free(st);
    return d->nerrors > before ? -1 : 0;
}

void preproc_out_free(struct preproc_out *out) {
    free(out->script);
    free(out->cdecls);
    out->script = out->cdecls = NULL;
}
