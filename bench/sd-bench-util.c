#define G_LOG_DOMAIN "sd-bench"

#include "config.h"

#include "sd-bench-util.h"

#include <stdio.h>
#include <string.h>

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

double
sd_bench_median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);

  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

double
sd_bench_percentile (GArray *values,
                     double  p)
{
  guint rank;

  if (values->len == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  /* Nearest rank: the smallest value with at least p % of all at or below it. */
  rank = (guint)MAX (1.0, (p / 100.0) * values->len + 0.999999);
  rank = MIN (rank, values->len);

  return g_array_index (values, double, rank - 1);
}

gint64
sd_bench_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *found;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  found = strstr (status, key);
  if (found == NULL)
    return -1;

  return g_ascii_strtoll (found + strlen (key), NULL, 10);
}

gboolean
sd_bench_reset_hwm (void)
{
  /* "5" clears the peak resident set size (proc(5), clear_refs). */
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fputs ("5", file) >= 0;

  return fclose (file) == 0 && ok;
}

void
sd_bench_print_result (const char *name,
                       double      value,
                       double      reference,
                       const char *unit,
                       double      budget,
                       gboolean    lower_is_better,
                       gboolean    extra_ok)
{
  double ratio = reference > 0 ? value / reference : 0;
  gboolean ok = reference > 0 && (lower_is_better ? ratio <= budget : ratio >= budget);

  printf ("%s value=%.*f%s reference=%.*f%s ratio=%.2f budget=%.2f %s\n",
          name,
          value < 100 ? 2 : 0, value, unit,
          reference < 100 ? 2 : 0, reference, unit,
          ratio, budget, ok && extra_ok ? "ok" : "over");
  fflush (stdout);
}
