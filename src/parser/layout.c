/* Recording what --fmt needs while lexing (see layout.h). */
#include "parser/layout.h"

#include <stdio.h>
#include <stdlib.h>

static void *layout_grow(void *p, size_t *cap, size_t n, size_t size) {
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 64;
    void *q = realloc(p, *cap * size);
    if (!q) {
        fputs("trawk: out of memory\n", stderr);
        abort();
    }
    return q;
}

void layout_mark(struct layout *l, int line, int col) {
    l->marks = layout_grow(l->marks, &l->cap, l->nmarks, sizeof(*l->marks));
    l->marks[l->nmarks++] = (struct layout_pos){line, col};
}

void layout_line_end(struct layout *l, int line, int col) {
    l->skip_nl = layout_grow(l->skip_nl, &l->skip_cap, l->nskip, sizeof(*l->skip_nl));
    l->skip_nl[l->nskip++] = (struct layout_pos){line, col};
}

void layout_free(struct layout *l) {
    free(l->marks);
    free(l->skip_nl);
    free(l->header);
}
