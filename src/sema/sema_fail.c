/* fail(fmt, args...): a compile-time error at the call, its message
 * formatted like printf from literal arguments. Wherever the call is
 * checked it fails (a plain if does not stop it; only an untaken
 * comptime branch does). It leaves no code. */
#include <stdio.h>
#include <string.h>

#include "sema/sema_impl.h"

/* One conversion of fmt starting at *p ('%'), written to out with arg.
 * false when the conversion cannot take the argument. */
static bool convert(const char **p, const struct ct_val *arg, char *out, size_t size) {
    const char *start = *p;
    const char *q = start + 1;
    q += strspn(q, "-+ #0");
    q += strspn(q, "0123456789");
    if (*q == '.')
        q += 1 + strspn(q + 1, "0123456789");
    int longs = (int)strspn(q, "lhjzt");
    q += longs;
    char conv = *q;
    if (!conv || !strchr("diouxXcs", conv))
        return false;
    *p = q + 1;
    char spec[64];
    size_t flags = (size_t)(q - start) - (size_t)longs;
    if (flags > sizeof(spec) - 5)
        return false;
    memcpy(spec, start, flags);
    if (conv == 's' && arg->kind == CT_STR) {
        snprintf(spec + flags, sizeof(spec) - flags, "s");
        snprintf(out, size, spec, arg->s);
        return true;
    }
    if (arg->kind != CT_INT)
        return false;
    if (conv == 's') { /* a number where text is asked for: its decimal digits */
        char digits[32];
        snprintf(digits, sizeof(digits), "%lld", (long long)arg->i);
        snprintf(spec + flags, sizeof(spec) - flags, "s");
        snprintf(out, size, spec, digits);
        return true;
    }
    /* without a length, C's int conversions take an int, as bpftrace's do */
    snprintf(spec + flags, sizeof(spec) - flags, "%s%c", longs ? "ll" : "", conv);
    if (longs)
        snprintf(out, size, spec, (long long)arg->i);
    else
        snprintf(out, size, spec, (int)arg->i);
    return true;
}

/* The message; empty, as bpftrace's is, when the arguments do not fit. */
static void format(const char *fmt, const struct ct_val *args, int nargs, char *msg, size_t size) {
    size_t len = 0;
    int used = 0;
    msg[0] = '\0';
    for (const char *p = fmt; *p && len + 1 < size;) {
        char piece[1024];
        if (p[0] == '%' && p[1] == '%') {
            snprintf(piece, sizeof(piece), "%%");
            p += 2;
        } else if (p[0] == '%') {
            if (used == nargs || !convert(&p, &args[used++], piece, sizeof(piece))) {
                msg[0] = '\0';
                return;
            }
        } else {
            piece[0] = *p++;
            piece[1] = '\0';
        }
        len += (size_t)snprintf(msg + len, size - len, "%s", piece);
    }
}

const struct type *sema_check_fail(struct sema *s, struct node *call, int nargs) {
    const struct type *t = sema_expr(s, call->a);
    if (!t)
        return &type_void;
    if (call->a->kind != N_STRING) {
        sema_error(s, &call->loc, E_ARGS, "fail() expects a string literal (%s provided)",
                   sema_base_type_name(t));
        return &type_void;
    }
    struct ct_val args[32];
    int n = 0;
    for (struct node *a = call->a->next; a; a = a->next) {
        if (!sema_expr(s, a))
            return &type_void;
        if (!sema_ct_eval(s, a, &args[n < 32 ? n : 31])) {
            sema_error(s, &call->loc, E_ARGS, "fail() arguments need to be literals");
            return &type_void;
        }
        n += n < 32;
    }
    (void)nargs;
    char msg[4096];
    format(call->a->str, args, n, msg, sizeof(msg));
    sema_error(s, &call->loc, E_ARGS, "%s", msg);
    return &type_void;
}
