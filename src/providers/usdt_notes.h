/* The USDT probes of an ELF file: its .note.stapsdt notes, read through
 * libelf, with addresses turned into file offsets (what uprobes take). */
#ifndef TRAWK_USDT_NOTES_H
#define TRAWK_USDT_NOTES_H

#include <stddef.h>
#include <stdint.h>

struct usdt_note {
    char *provider, *name;
    char *args;          /* the operand string, "" without arguments */
    uint64_t pc;         /* the probe's address as linked (prelink-adjusted) */
    uint64_t offset;     /* the file offset of pc */
    uint64_t sem_offset; /* the file offset of the semaphore, 0 for none */
};

struct usdt_notes {
    struct usdt_note *v;
    int n;
};

/* Reads the notes of path into out (empty when the file has none). Returns
 * 0, or -1 with a message in err when the file cannot be read or is not ELF. */
int usdt_notes_read(const char *path, struct usdt_notes *out, char *err, size_t errlen);
void usdt_notes_free(struct usdt_notes *notes);

#endif
