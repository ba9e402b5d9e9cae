/* Instructions the kernel refuses to put a uprobe on, known before asking:
 * one refused location makes it refuse a whole uprobe_multi link, and
 * finding it by halving the link costs seconds on libc. */
#include <stdint.h>
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
#endif

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
