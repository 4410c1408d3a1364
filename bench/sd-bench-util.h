#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What every benchmark shares: statistics over repeated runs, the memory of
 * this process, and the one result line each prints:
 *   NAME value=… reference=… ratio=… budget=… ok|over
 */

/* The median of @values (sorted in place); 0 when empty. */
double   sd_bench_median       (GArray     *values);
/* The @p-th percentile (0–100) of @values, nearest rank (sorted in place). */
double   sd_bench_percentile   (GArray     *values,
                                double      p);
/* A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1. */
gint64   sd_bench_status_kib   (const char *field);
/* Resets VmHWM to the current VmRSS (Linux 4.0 and later); FALSE when it cannot. */
gboolean sd_bench_reset_hwm    (void);
/*
 * Prints the result line. @unit follows value and reference ("ms", "MiB",
 * "req/s"); @lower_is_better says which way the budget goes: ratio at most
 * @budget, or at least.
 */
void     sd_bench_print_result (const char *name,
                                double      value,
                                double      reference,
                                const char *unit,
                                double      budget,
                                gboolean    lower_is_better,
                                gboolean    extra_ok);

G_END_DECLS
