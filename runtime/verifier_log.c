/* Reading the verifier's log: where it stopped and why. With log level 1
 * the kernel prints each instruction it walks as "N: (op) text" and ends
 * with the reason for a rejection, followed by a "processed ..." summary on
 * newer kernels. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* "12: (bf) r1 = r2" -> 12; anything else -> -1. Digits by hand: the
 * sanitizers' strtol measures the whole rest of the log (see below). */
static int insn_index(const char *line) {
    long n = 0;
    const char *end = line;

    if (!isdigit((unsigned char)line[0]))
        return -1;
    for (; isdigit((unsigned char)*end) && n < 100000000; end++)
        n = n * 10 + (*end - '0');
    if (end[0] != ':' || end[1] != ' ' || end[2] != '(')
        return -1;
    return (int)n;
}

/* Logs run to megabytes: lines are found by memchr within a length
 * measured once, as the sanitizers' string functions (with
 * strict_string_checks) measure the whole rest of the string on every
 * call, minutes for one log. */
static const char *next_line(const char *s, const char *end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl ? nl + 1 : end;
}

int rt_log_failed_insn(const char *log) {
    int last = -1;
    const char *end = log ? log + strlen(log) : NULL;

    for (const char *s = log; s && s < end; s = next_line(s, end)) {
        int n = insn_index(s);

        if (n >= 0)
            last = n;
    }
    return last;
}

static bool is_summary(const char *line, size_t len) {
    static const char *const skip[] = {"processed ", "verification time", "stack depth",
                                       "cur state:", "old state:",        NULL};

    for (int i = 0; skip[i]; i++)
        if (len >= strlen(skip[i]) && memcmp(line, skip[i], strlen(skip[i])) == 0)
            return true;
    return false;
}

const char *rt_log_last_line(const char *log, char *buf, int size) {
    const char *best = NULL;
    size_t best_len = 0;

    const char *end = log ? log + strlen(log) : NULL;
    for (const char *s = log; s && *s;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

        /* The statistics lines after the reason say nothing about it. */
        if (len > 0 && !is_summary(s, len)) {
            best = s;
            best_len = len;
        }
        s += len;
        if (*s)
            s++;
    }
    if (best_len >= (size_t)size)
        best_len = size - 1;
    if (best)
        memcpy(buf, best, best_len);
    buf[best ? best_len : 0] = '\0';
    return buf;
}

/* The verifier ends with one of these when a helper is not for this
 * program ("... cannot use helper bpf_d_path#147") or not for this attach
 * target (the helper's allowed() hook, as bpf_d_path's allowlist); the
 * helper is the one of the last call instruction it printed before. */
bool rt_log_refused_helper(const char *log, char *buf, int size) {
    static const char *const reasons[] = {"helper call is not allowed in probe",
                                          "program of this type cannot use helper"};
    const char *at = NULL;
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]) && !at; i++)
        at = strstr(log, reasons[i]);
    if (!at)
        return false;
    const char *call = NULL;
    static const char word[] = " call ";
    for (const char *s = memmem(log, (size_t)(at - log), word, sizeof(word) - 1); s;
         s = memmem(s + 1, (size_t)(at - s - 1), word, sizeof(word) - 1))
        call = s + sizeof(word) - 1;
    if (!call)
        return false;
    size_t len = strcspn(call, "#\n");
    if (call[len] != '#' || len >= (size_t)size)
        return false;
    memcpy(buf, call, len);
    buf[len] = '\0';
    return true;
}

void rt_log_print_tail(FILE *f, const char *log, int nlines) {
    const char *start = log + strlen(log);

    /* Skip a trailing newline, then walk back nlines line starts. */
    if (start > log && start[-1] == '\n')
        start--;
    for (int n = 0; start > log; start--)
        if (start[-1] == '\n' && ++n == nlines)
            break;
    fputs(start, f);
    if (*start && log[strlen(log) - 1] != '\n')
        fputc('\n', f);
}
