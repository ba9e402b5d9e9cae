#include "text.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* bpftrace formats into max_strlen bytes */
#define STRFTIME_MAX 64

/* Replaces each %f, %k, %l of fmt by the fraction of the second. As in
 * bpftrace, the "%f" of "%%f" is replaced too, which leaves "%" before
 * digits: strftime(3) fails on that in bpftrace, so it is reported here
 * (returns false). */
static bool expand_fraction(struct out_str *o, const char *fmt, uint64_t ns) {
    char buf[24];
    bool ok = true, escaped = false; /* escaped: the previous '%' opened a conversion */
    for (const char *p = fmt; *p; p++) {
        const char *f = p[0] == '%' ? strchr("fkl", p[1] ? p[1] : 'x') : NULL;
        if (f) {
            if (*f == 'f')
                snprintf(buf, sizeof(buf), "%06llu", (unsigned long long)(ns / 1000));
            else if (*f == 'k')
                snprintf(buf, sizeof(buf), "%09llu", (unsigned long long)ns);
            else
                snprintf(buf, sizeof(buf), "%03llu", (unsigned long long)(ns / 1000000));
            ok &= !escaped;
            out_str_puts(o, buf);
            p++;
            escaped = false;
        } else {
            escaped = *p == '%' && !escaped;
            out_str_putc(o, *p);
        }
    }
    return ok;
}

void out_fmt_strftime(struct out_str *s, const char *fmt, uint64_t boot_ns, int64_t boot_offset_ns,
                      int max) {
    int64_t real = (int64_t)boot_ns + boot_offset_ns;
    time_t secs = (time_t)(real / 1000000000);
    int64_t frac = real % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    struct tm tm;
    if (!secs || !localtime_r(&secs, &tm)) {
        out_str_puts(s, "(?)");
        return;
    }
    struct out_str f;
    out_str_init(&f);
    bool ok = expand_fraction(&f, fmt ? fmt : "", (uint64_t)frac);
    char buf[1024];
    size_t cap = max > 0 && (size_t)max < sizeof(buf) ? (size_t)max : sizeof(buf);
    size_t n = ok && f.p ? strftime(buf, cap, f.p, &tm) : 0;
    out_str_free(&f);
    if (!n) {
        out_str_puts(s, "(?)");
        return;
    }
    out_str_putn(s, buf, n);
}

static int64_t ts_ns(const struct timespec *t) {
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* The realtime clock read on both sides of the boot clock: the pair with
 * the smallest gap estimates their difference best. */
int64_t out_boot_offset_ns(void) {
    int64_t best = 0, gap = INT64_MAX;
    for (int i = 0; i < 5; i++) {
        struct timespec a, boot, b;
        clock_gettime(CLOCK_REALTIME, &a);
        clock_gettime(CLOCK_BOOTTIME, &boot);
        clock_gettime(CLOCK_REALTIME, &b);
        int64_t d = ts_ns(&b) - ts_ns(&a);
        if (d >= 0 && d < gap) {
            gap = d;
            best = (ts_ns(&a) + ts_ns(&b)) / 2 - ts_ns(&boot);
        }
    }
    return best;
}

void out_fmt_inet(struct out_str *s, const struct text_inet *a) {
    char buf[INET6_ADDRSTRLEN];
    int af = a->af == AF_INET6 ? AF_INET6 : AF_INET;
    if (a->af != AF_INET && a->af != AF_INET6) {
        out_str_puts(s, "(?)");
        return;
    }
    if (inet_ntop(af, a->addr, buf, sizeof(buf)))
        out_str_puts(s, buf);
    else
        out_str_puts(s, "(?)");
}

static const char *const syscall_names[] = {
#include "syscall_names.inc"
};

const char *out_syscall_name(int64_t nr) {
    if (nr < 0 || nr >= (int64_t)(sizeof(syscall_names) / sizeof(syscall_names[0])))
        return NULL;
    return syscall_names[nr];
}

/* glibc's messages; numbers it does not know are "Unknown error", as in bpftrace. */
void out_fmt_strerror(struct out_str *s, int64_t err) {
    const char *d = err > 0 && err < 4096 ? strerrordesc_np((int)err) : NULL;
    out_str_puts(s, d ? d : err == 0 ? "Success" : "Unknown error");
}

/* The user's name from the password database; bpftrace prints the
 * number when there is none. */
void out_fmt_username(struct out_str *s, uint64_t uid) {
    struct passwd pw, *res = NULL;
    char buf[1024];
    if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
        out_str_puts(s, res->pw_name);
        return;
    }
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)uid);
    out_str_puts(s, buf);
}

void out_fmt_text(struct out_str *s, const struct type *t, const void *p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    switch (t->text) {
    case TEXT_STRFTIME:
        out_fmt_strftime(s, t->tag, v, out_boot_offset_ns(), STRFTIME_MAX);
        break;
    case TEXT_INET: {
        struct text_inet a;
        memcpy(&a, p, sizeof(a));
        out_fmt_inet(s, &a);
        break;
    }
    case TEXT_STRERROR:
        out_fmt_strerror(s, (int64_t)v);
        break;
    case TEXT_SYSCALL: {
        const char *name = out_syscall_name((int64_t)v);
        out_str_puts(s, name ? name : "Unknown syscall");
        break;
    }
    case TEXT_USERNAME:
        out_fmt_username(s, v);
        break;
    case TEXT_SIGNAL:
        /* glibc's names ("Unknown signal 0" included); N/A beyond them, as bpftrace */
        out_str_puts(s, (int64_t)v >= 0 && (int64_t)v < NSIG ? strsignal((int)v) : "N/A");
        break;
    case TEXT_CGPATH:
        out_fmt_cgroup_path(s, v, t->tag);
        break;
    case TEXT_MACADDR: {
        const uint8_t *b = p;
        char buf[18];
        snprintf(buf, sizeof(buf), "%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4],
                 b[5]);
        out_str_puts(s, buf);
        break;
    }
    }
}
