/* User-space probes on a file offset, for the uprobe and USDT attachers. */
#ifndef TRAWK_RT_UPROBE_H
#define TRAWK_RT_UPROBE_H

#include <stdbool.h>
#include <stdint.h>

/* Opens a perf event on the uprobe PMU at offset in path (a uretprobe
 * when ret): for process pid only, or every process when pid is 0. A
 * non-zero ref_ctr_offset is the file offset of a USDT semaphore, which
 * the kernel increments while the event exists. Returns the fd, or -1
 * with errno set. */
int rt_uprobe_open(const char *path, uint64_t offset, uint64_t ref_ctr_offset, bool ret, int pid);

/* Joins prog_fd to cnt offsets of path through one uprobe_multi link,
 * each with its cookie; ref_ctr_offsets may be NULL. Returns the link fd,
 * or -1 with errno set (EINVAL or ENOSYS-like errors when the kernel has
 * no uprobe_multi: fall back to rt_uprobe_open). */
int rt_uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets,
                         const uint64_t *ref_ctr_offsets, const uint64_t *cookies, uint32_t cnt,
                         bool ret, int pid);

/* Whether the kernel would refuse a uprobe on the instruction at offset
 * in the open file fd (false when unsure: the kernel then says so). */
bool rt_uprobe_insn_refused(int fd, uint64_t offset);

/* Why a uprobe on the instruction at offset would corrupt the traced
 * processes although the kernel accepts it, or NULL. */
const char *rt_uprobe_insn_misstepped(int fd, uint64_t offset);

#endif
