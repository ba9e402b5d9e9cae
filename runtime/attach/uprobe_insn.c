/* Instructions the kernel refuses to put a uprobe on, known before asking:
 * one refused location makes it refuse a whole uprobe_multi link, and
 * finding it by halving the link costs seconds on libc. And those it
 * accepts but steps wrongly, which trawk leaves alone. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "attach/uprobe.h"

#if defined(__x86_64__)
/* arch/x86/kernel/uprobes.c refuses the LOCK prefix and the ES, CS, SS and
 * DS segment overrides; other prefixes and REX are skipped over. */
static bool refused_x86(const uint8_t *b, int n) {
    for (int i = 0; i < n; i++) {
        switch (b[i]) {
        case 0xf0:
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            return true;
        case 0x66:
        case 0x67:
        case 0xf2:
        case 0xf3:
        case 0x64:
        case 0x65:
            continue;
        default:
            if (b[i] >= 0x40 && b[i] <= 0x4f)
                continue;
            return false;
        }
    }
    return false;
}

/* The instruction after the prefixes the kernel skips over. */
static const uint8_t *opcode_x86(const uint8_t *b, int n) {
    int i = 0;
    while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0x64 ||
                     b[i] == 0x65))
        i++;
    return i < n ? b + i : NULL;
}

/* Accepted by the kernel but stepped out of line wrongly: an EVEX-encoded
 * instruction (glibc's __strchr_evex starts with vpbroadcastb into
 * %ymm17) comes back with the wrong result, and a probe on the signal
 * return trampoline (mov $15, %rax; syscall) breaks every process that
 * returns from a signal handler. Both corrupt the traced processes, so
 * trawk does not probe them (bpftrace does). */
static const char *misstepped_x86(const uint8_t *b, int n) {
    static const uint8_t sigreturn[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    const uint8_t *op = opcode_x86(b, n);
    if (op && *op == 0x62)
        return "EVEX-encoded instruction, which the kernel steps out of line wrongly";
    if (n >= (int)sizeof(sigreturn) && memcmp(b, sigreturn, sizeof(sigreturn)) == 0)
        return "signal return trampoline, which a uprobe breaks";
    return NULL;
}
#endif

const char *rt_uprobe_insn_misstepped(int fd, uint64_t offset) {
#if defined(__x86_64__)
    uint8_t b[15];
    ssize_t n = pread(fd, b, sizeof(b), (off_t)offset);
    return n > 0 ? misstepped_x86(b, (int)n) : NULL;
#else
    (void)fd, (void)offset;
    return NULL;
#endif
}

bool rt_uprobe_insn_refused(int fd, uint64_t offset) {
#if defined(__x86_64__)
    uint8_t b[15];
    ssize_t n = pread(fd, b, sizeof(b), (off_t)offset);
    return n > 0 && refused_x86(b, (int)n);
#else
    (void)fd, (void)offset;
    return false;
#endif
}
