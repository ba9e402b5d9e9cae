/* Where the running kernel keeps the current task's name: the offset of
 * task_struct.comm, found in the kernel's BTF by streaming through the file
 * (libbpf's full parse costs hundreds of milliseconds and megabytes; this
 * reads it once through a small buffer). Programs then read the name with
 * two loads instead of bpf_get_current_comm. */
#ifndef TRAWK_KTASK_H
#define TRAWK_KTASK_H

#include <stdbool.h>

/* The byte offset of comm (char[16]) in task_struct, or -1 when BTF lacks
 * it or the kernel may leave bytes after the name's NUL (before 6.2
 * neither the helper nor every writer of comm pads it). Cached. */
int ktask_comm_offset(void);
/* The same search in the BTF file at path, without the version check. */
int ktask_comm_offset_in(const char *path);
/* The byte offsets of task_struct.pid and .tgid (u32 each: the thread's
 * and the process's ids, the halves of bpf_get_current_pid_tgid), or -1
 * when the kernel's BTF lacks them. Cached. */
int ktask_pid_offset(bool tgid);

/* Every offset ktask finds, -1 for those missing (comm without the
 * version check). */
struct ktask_offsets {
    int comm, pid, tgid;
};
void ktask_offsets_in(const char *path, struct ktask_offsets *o);

/* Whether a kernel release string ("6.18.0-foo") is at least major.minor. */
bool ktask_release_at_least(const char *release, int major, int minor);

#endif
