/* The files a usdt attach point's PATH names: one file resolved as
 * bpftrace resolves it (sys/binpath.h), every match of a glob, or with -p
 * and an empty PATH or "*", the files the process maps (reached through
 * /proc/PID/root, which works in any mount namespace). */
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
