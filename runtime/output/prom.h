/* The script's maps as Prometheus metrics, in the text exposition format
 * (version 0.0.4), for a Prometheus server to scrape: docs/ecosystem.md has
 * the mapping. */
#ifndef TRAWK_OUT_PROM_H
#define TRAWK_OUT_PROM_H

#include "manifest.h"
#include "strbuf.h"

/* Appends every user map of m whose values are numbers: count() as a
 * counter, sum/min/max/avg and integers as gauges, stats as a summary,
 * hist/lhist as histograms. Keys become labels. */
void out_prometheus(struct out_str *s, const struct manifest *m);

/* A map's metric name: "trawk_" and the name without '@' ("map" for the
 * anonymous map), other characters than [a-zA-Z0-9_] made '_'. */
void out_prom_name(struct out_str *s, const char *map_name);

/* Appends v as a label value: backslash, double quote and newline escaped. */
void out_prom_label_value(struct out_str *s, const char *v, size_t len);

#endif
