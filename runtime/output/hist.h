/* Histogram buckets: the index the BPF program stores a value under, and
 * the text bpftrace prints for a row of bucket counts.
 *
 * A hist/lhist map's key is the user key followed by a u64 bucket index; the
 * code generator computes the index in BPF exactly as the functions below do
 * (they mirror bpftrace's own log2() and linear() helpers).
 *
 * hist(v, k), k = 0..5 sub-bucket bits, N = 2^k:
 *   index 0                  v < 0                      label (..., 0)
 *   index 1 + v              0 <= v < N                 label [v]
 *   index ((l+1) << k) + x + 1   v >= N, where l = floor(log2(v)) - k and
 *                            x = (v >> l) & (N - 1), the k bits after the
 *                            leading 1.
 *   k = 0: 0 -> 1, 1 -> 2, 2..3 -> 3, 4..7 -> 4, ..., 2^62.. -> 64:
 *   labels (..., 0) [0] [1] [2, 4) [4, 8) ... [1K, 2K) ...
 *   k = 2: 0..3 -> 1..4, 4 -> 5, 5 -> 6, 6 -> 7, 7 -> 8, 8..9 -> 9,
 *   10..11 -> 10, 12..13 -> 11, 14..15 -> 12, 16..19 -> 13 ...
 *   Bucket i >= 1 spans [L(i-1), L(i)) where L(j) = j for j <= 2N and
 *   otherwise 2^p * (N + (j & (N-1))) with p = (j >> k) - 1; a span of one
 *   value prints as [lo]. Bucket 0 prints as (..., 0). A bound 2^p * m
 *   with p >= 10 prints as 2^(p - 10d) * m followed by "KMGTPE"[d-1],
 *   d = p / 10: 1K, 2K, ..., 512K, 1M for k = 0, but with k = 2 the bound
 *   2^20 = 2^18 * 4 prints as 1024K.
 *
 * lhist(v, min, max, step):
 *   index 0                          v < min              (..., min)
 *   index 1 + (v - min) / step       min <= v <= max      [lo, lo + step)
 *   index 1 + (max - min) / step     v > max              [lo, ...)
 *   with unsigned division. v == max shares the last index with v > max,
 *   so lhist(x, 0, 10, 2) has buckets (..., 0) [0, 2) ... [8, 10)
 *   [10, ...). A bound prints with K or M only when step is a multiple of
 *   1024 (and the bound a multiple of 1024 or 1024^2); with step 1 a bucket
 *   prints as [lo].
 *
 * Rows: only buckets from the first to the last non-zero one; each row is
 * the label left-justified in 16 columns, the count right-justified in 8,
 * " |", floor(count / max * 52) '@' (computed in float, as bpftrace does)
 * padded to 52 columns, "|". hist counts are divided by print()'s div,
 * lhist counts never are. */
#ifndef TRAWK_OUT_HIST_H
#define TRAWK_OUT_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* bpftrace reads at most this many buckets of a hist or an lhist. */
#define HIST_MAX_BUCKETS (65 * 32)
#define LHIST_MAX_BUCKETS 1002

uint64_t hist_bucket_index(int64_t v, int bits);
uint64_t lhist_bucket_index(int64_t v, int64_t min, int64_t max, int64_t step);

/* L(j) above: the smallest value of hist bucket j >= 1 (bucket j spans
 * [L(j-1), L(j))), as a number; UINT64_MAX past 2^64. */
uint64_t hist_bucket_low(uint64_t j, int k);

/* Append the rows for counts[0..n) (n buckets, indexed as above). */
void hist_render(struct out_str *s, const uint64_t *counts, size_t n, int bits, uint64_t div);
void lhist_render(struct out_str *s, const uint64_t *counts, size_t n, int64_t min, int64_t max,
                  int64_t step);

#endif
