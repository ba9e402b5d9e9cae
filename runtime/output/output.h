/* Turning what the BPF programs produce into bpftrace's output, in the
 * sink's format (sink.h): ring buffer events (printf, print, time, print/clear/zero of a
 * map) and the maps at exit. */
#ifndef TRAWK_OUTPUT_H
#define TRAWK_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest.h"
#include "sink.h"

/* Handles one ring buffer record whose event kind is not EV_EXIT. */
void out_event(const struct out_sink *o, const struct manifest *m, const void *rec, uint32_t size);

/* Prints what bpftrace prints when its main loop ends: the sink's end
 * (two newlines in text, even when there is no map), then every user map in name order, back to
 * back. A keyed map with no entries prints nothing; so does a scalar that is not in its map (unlike
 * print(), which shows its zero value). */
void out_print_all_maps(const struct out_sink *o, const struct manifest *m);
/* The maps a script names, sorted by name; *n of them. Free the array. */
const struct map_desc **out_user_maps(const struct manifest *m, int *n);

/* Prints one map (print(@m, top, div)); top = 0 prints all, div = 0 or 1 divides nothing. */
void out_print_map(const struct out_sink *o, const struct manifest *m, const struct map_desc *map,
                   uint64_t top, uint64_t div);

/* What the map dump at exit makes besides bpftrace's text (dump.c). Maps
 * that fold are those keyed by anything (stacks, comm...) whose value is a
 * count, a sum or an integer: see out_prof_from_map. */
struct out_dump_opts {
    bool folded;                 /* -f folded: those maps as folded stacks, instead of text */
    const char *svg_path;        /* --flamegraph FILE: an SVG flame graph of them */
    const char *speedscope_path; /* --speedscope FILE: a speedscope profile of them */
    const char *title;           /* of the SVG and the speedscope file */
};

/* The dump at exit: out_print_all_maps, or folded stacks, when print (the
 * config's print_maps_on_exit); then the files asked for, either way.
 * o NULL is bpftrace's text alone. */
void out_dump_maps(const struct out_sink *o, const struct manifest *m,
                   const struct out_dump_opts *opts, bool print);

#endif
