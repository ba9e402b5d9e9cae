/* The files a usdt attach point's PATH names: one file resolved as
 * bpftrace resolves it (sys/binpath.h), every match of a glob, or with -p
 * the files the process maps (an empty PATH or a glob is matched against
 * them, reached through /proc/PID/root). */
#ifndef TRAWK_USDT_PATHS_H
#define TRAWK_USDT_PATHS_H

struct usdt_paths {
    char **v;
    int n;
};

/* Fills out (possibly empty). Returns 0, -1 when path names no file. */
int usdt_paths_resolve(const char *path, int pid, struct usdt_paths *out);
void usdt_paths_free(struct usdt_paths *p);

#endif
