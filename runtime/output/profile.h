/* Stacks with counts, the shape flame graphs are drawn from: samples of
 * frames (root first) with a weight, grouped by the map they came from.
 * Frame names are interned once, so identical stacks compare as arrays of
 * indices and the speedscope writer gets its shared frame table for free.
 * The writers (folded.c, flame_svg.c, speedscope.c) are pure; only
 * profile_map.c reads maps and symbols. */
#ifndef TRAWK_OUT_PROFILE_H
#define TRAWK_OUT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "strbuf.h"

/* Where a frame comes from, which the SVG colours by. */
enum out_frame_kind {
    OUT_FRAME_KEY,    /* a map key that is not a stack (comm, pid...) */
    OUT_FRAME_USER,   /* a ustack frame */
    OUT_FRAME_KERNEL, /* a kstack frame */
};

struct out_frame {
    char *name;
    enum out_frame_kind kind;
};

struct out_sample {
    uint32_t *frames; /* indices into out_profiles.frames, root first */
    uint32_t nframes;
    uint64_t count;
};

/* One map's samples. */
struct out_profile {
    char *name; /* "@", "@cpu" */
    struct out_sample *v;
    size_t n, cap;
    uint64_t total;
};

struct out_profiles {
    struct out_frame *frames;
    uint32_t nframes, cap_frames;
    uint32_t *slots; /* open addressing over frames: index + 1, 0 = empty */
    uint32_t nslots;
    struct out_profile *v;
    size_t n;
};

void out_profiles_init(struct out_profiles *p);
void out_profiles_free(struct out_profiles *p);

/* The index of the frame (name, kind), added on first use. */
uint32_t out_prof_frame(struct out_profiles *p, const char *name, enum out_frame_kind kind);

/* A new, empty profile named name; the pointer lives until the next call. */
struct out_profile *out_prof_add(struct out_profiles *p, const char *name);

/* Appends a sample (frames copied). */
void out_prof_sample(struct out_profile *pr, const uint32_t *frames, uint32_t n, uint64_t count);

/* Sorts pr's samples by their frames' names and merges equal stacks (two
 * stack ids whose addresses fall in the same functions fold into one). */
void out_prof_finish(const struct out_profiles *p, struct out_profile *pr);

/* Folded stacks, one line per distinct stack: "root;...;leaf count".
 * With several profiles each line starts with its map's name as a frame,
 * so that two maps' stacks stay apart. */
void out_folded_write(struct out_str *s, const struct out_profiles *p);

/* A self-contained SVG flame graph of every profile (names as root frames
 * when there are several): root at the bottom, widths by count, colours by
 * a hash of the name, a <title> per frame for hover text. */
void out_flame_svg_write(struct out_str *s, const struct out_profiles *p, const char *title);

/* speedscope's file format: the shared frame table and one "sampled"
 * profile per map, stacks root first, weights the counts. */
void out_speedscope_write(struct out_str *s, const struct out_profiles *p, const char *name);

/* Reads map d into a new profile of p when its value is a count, a sum or
 * an integer and it has a key: stacks become their frames (user stacks
 * below kernel ones), other keys one frame each, root first. Returns 1 when
 * added, 0 when the map has no such shape, a negative errno on failure. */
int out_prof_from_map(struct out_profiles *p, const struct manifest *m, const struct map_desc *d);

/* Whether out_prof_from_map takes d. */
int out_prof_map_fits(const struct map_desc *d);

#endif
