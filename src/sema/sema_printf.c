/* printf format strings: each conversion against the kind of its argument. */
#include <string.h>

#include "sema/sema_impl.h"

/* %gr: GFP flags by name, an integer conversion */
#define VERB_GFP '\x01'
#define VERB_GFP_S "\x01"

/* Skips flags, width, precision and length of the conversion at fmt[0]
 * (just after '%'); returns the conversion character or 0. */
static char conversion(const char *fmt, size_t *used) {
    size_t i = 0;
    while (fmt[i] && strchr("-+ #0", fmt[i]))
        i++;
    while (fmt[i] >= '0' && fmt[i] <= '9')
        i++;
    if (fmt[i] == '.') {
        i++;
        while (fmt[i] >= '0' && fmt[i] <= '9')
            i++;
    }
    while (fmt[i] && strchr("hljzt", fmt[i]))
        i++;
    *used = i + (fmt[i] ? 1 : 0);
    if (fmt[i] == 'r' && (fmt[i + 1] == 'x' || fmt[i + 1] == 'h'))
        (*used)++; /* %rx, %rh: a buffer in hex */
    if (fmt[i] == 'g' && fmt[i + 1] == 'r') {
        (*used)++;
        return VERB_GFP;
    }
    return fmt[i];
}

/* As current bpftrace: %s prints anything, the other verbs take integers. */
static bool verb_accepts(char verb, const struct type *t) {
    if (verb == 's')
        return true;
    if (verb == 'r')
        return t->kind == T_BUF;
    return t->kind == T_INT || t->kind == T_BOOL;
}

/* Checks one conversion; returns false after reporting. */
static bool check_verb(struct sema *s, struct node *call, const char *what, char verb,
                       struct node *arg) {
    (void)what;
    if (!verb || !strchr("diuoxXcspr" VERB_GFP_S, verb)) {
        sema_error(s, &call->loc, E_PRINTF, "unsupported format specifier: %c", verb ? verb : ' ');
        return false;
    }
    if (!arg || !arg->ty)
        return true; /* count checked by the caller; untyped args reported already */
    if (verb_accepts(verb, arg->ty))
        return true;
    char name[3] = {verb, '\0', '\0'};
    if (verb == VERB_GFP)
        memcpy(name, "gr", 3);
    sema_error(s, &call->loc, E_PRINTF, "unsupported format specifier for type '%s': %s",
               sema_tname(arg->ty), name);
    return false;
}

/* Counts the conversions of the format; with check, also checks each one
 * against its argument. Returns the count, or -1 after a reported error. */
static int each_conversion(struct sema *s, struct node *call, const char *what, bool check) {
    struct node *fmt = call->a;
    struct node *arg = fmt->next;
    int expected = 0;
    bool ok = true;
    for (size_t i = 0; i < fmt->len; i++) {
        if (fmt->str[i] != '%')
            continue;
        if (fmt->str[i + 1] == '%') {
            i++;
            continue;
        }
        size_t used;
        char verb = conversion(fmt->str + i + 1, &used);
        i += used;
        expected++;
        if (check && ok)
            ok = check_verb(s, call, what, verb, arg);
        if (arg)
            arg = arg->next;
    }
    return ok ? expected : -1;
}

int sema_printf_check(struct sema *s, struct node *call, const char *what) {
    int supplied = (int)ast_list_len(call->a->next);
    int expected = each_conversion(s, call, what, false);
    if (supplied != expected) {
        sema_error(s, &call->loc, E_PRINTF,
                   "%s arguments for format string (%d supplied, %d expected)",
                   supplied < expected ? "not enough" : "too many", supplied, expected);
        return -1;
    }
    return each_conversion(s, call, what, true) < 0 ? -1 : 0;
}
