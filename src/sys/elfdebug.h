/* The separate debug file of an ELF file (Debian's -dbg packages), found as
 * gdb and bcc find it: through the build id under /usr/lib/debug/.build-id,
 * then through .gnu_debuglink next to the file, in its .debug directory and
 * under /usr/lib/debug. Its .symtab lists the local functions that a
 * stripped library's .dynsym lacks. */
#ifndef TRAWK_ELFDEBUG_H
#define TRAWK_ELFDEBUG_H

#include <gelf.h>
#include <stddef.h>

/* Puts the debug file of elf (read from path) in out. Returns 0, or -1
 * when it has none that exists. */
int elfdebug_find(Elf *elf, const char *path, char *out, size_t outlen);

#endif
