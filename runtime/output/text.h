/* T_TEXT values as text: what bpftrace's user space makes of strftime(),
 * ntop(), strerror() and syscall_name() values. Pure functions, so the
 * unit tests can check them. */
#ifndef TRAWK_OUT_TEXT_H
#define TRAWK_OUT_TEXT_H

#include <stdint.h>

#include "strbuf.h"
#include "types.h"

/* Formats a T_TEXT value read from p. */
void out_fmt_text(struct out_str *s, const struct type *t, const void *p);

/* strftime(3) of boot_ns + boot_offset_ns (the realtime of boot) in local
 * time, with bpftrace's extensions %f (microseconds), %k (nanoseconds) and
 * %l (milliseconds); "(?)" when it cannot. max is bpftrace's output limit. */
void out_fmt_strftime(struct out_str *s, const char *fmt, uint64_t boot_ns, int64_t boot_offset_ns,
                      int max);
/* CLOCK_REALTIME minus CLOCK_BOOTTIME, in ns, measured between two reads. */
int64_t out_boot_offset_ns(void);
/* inet_ntop of an AF_INET or AF_INET6 address; other families print as bpftrace does. */
void out_fmt_inet(struct out_str *s, const struct text_inet *a);
/* The name of syscall nr on this architecture, NULL when unknown. */
const char *out_syscall_name(int64_t nr);
void out_fmt_strerror(struct out_str *s, int64_t err);
void out_fmt_username(struct out_str *s, uint64_t uid);
/* cgroup_path(): "name:/path" in each cgroup hierarchy whose name matches
 * the glob filter (NULL for all), comma-separated (cgroup_path.c). */
void out_fmt_cgroup_path(struct out_str *s, uint64_t id, const char *filter);

#endif
