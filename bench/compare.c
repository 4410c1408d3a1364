#define G_LOG_DOMAIN "sd-bench-compare"

#include "config.h"

#include "sd-bench-util.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

/*
 * Runs a program and its reference by turns, each --runs times after
 * --warmup untimed runs, and prints the result line from their medians.
 * Each run must print a line "value=NUMBER" (in --unit); other lines that
 * start with '#' are passed on. An argument "@T0@" becomes the
 * CLOCK_MONOTONIC time in microseconds just before the program is started,
 * for programs that measure from their own start.
 *   compare --name start --unit ms --budget 1.5 -- PROGRAM ARG… :: REFERENCE ARG…
 */

typedef struct
{
  GMainLoop *loop;
  char      *out;
  GError    *error;
  gboolean   timed_out;
} Communicated;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communicated *done = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &done->out, NULL,
                                        &done->error);
  g_main_loop_quit (done->loop);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  Communicated *done = user_data;

  done->timed_out = TRUE;
  g_main_loop_quit (done->loop);

  return G_SOURCE_REMOVE;
}

static double
run_once (char       **argv,
          guint        timeout_s,
          const char  *label,
          gboolean     show_comments)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *t0 = NULL;
  g_auto(GStrv) lines = NULL;
  double value = -1;

  t0 = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (g_str_equal (argv[i], "@T0@") ? t0 : argv[i]));
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *)args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                               &error);
  if (process == NULL)
    g_error ("Cannot start %s: %s", argv[0], error->message);

  /* A run that hangs would hold up everything: it is stopped, and fails. */
  {
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Communicated done = { loop, NULL, NULL, FALSE };
    guint timeout = g_timeout_add_seconds (timeout_s, timed_out_cb, &done);

    g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &done);
    g_main_loop_run (loop);
    if (done.timed_out)
      {
        g_subprocess_force_exit (process);
        g_error ("%s took longer than %u s", label, timeout_s);
      }
    g_source_remove (timeout);
    if (done.error != NULL)
      g_error ("%s: %s", label, done.error->message);
    out = done.out;
    g_subprocess_wait (process, NULL, NULL);
  }

  lines = g_strsplit (out != NULL ? out : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "value="))
        value = g_ascii_strtod (lines[i] + strlen ("value="), NULL);
      else if (show_comments && lines[i][0] == '#')
        printf ("%s\n", lines[i]);
    }

  if (value < 0)
    g_error ("%s printed no value (exit status %d)", label,
             g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1);

  return value;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *unit = g_strdup ("");
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) references = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) commands = NULL;
  char **program, **reference;
  double budget = 0;
  int runs = 7, warmup = 1, timeout = 120;
  gboolean higher_is_better = FALSE, verbose = FALSE;
  int split = -1;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Name of the result line", "NAME" },
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit, "Unit of the values", "UNIT" },
    { "budget", 0, 0, G_OPTION_ARG_DOUBLE, &budget, "Largest (or smallest) ratio", "RATIO" },
    { "higher-is-better", 0, 0, G_OPTION_ARG_NONE, &higher_is_better,
      "The ratio must be at least the budget", NULL },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of each (default 7)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Untimed runs of each first (default 1)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds one run may take (120)", "S" },
    { "verbose", 0, 0, G_OPTION_ARG_NONE, &verbose, "Print every run", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &commands, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("-- PROGRAM ARG… :: REFERENCE ARG…");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || name == NULL || budget <= 0 ||
      commands == NULL || runs < 1 || warmup < 0 || timeout < 1)
    {
      g_printerr ("compare: %s\n", error != NULL ? error->message : "give --name, --budget and "
                                                                    "the two commands");
      return 2;
    }

  for (int i = 0; commands[i] != NULL; i++)
    if (g_str_equal (commands[i], "::"))
      split = i;
  if (split <= 0 || commands[split + 1] == NULL)
    {
      g_printerr ("compare: give PROGRAM ARG… :: REFERENCE ARG…\n");
      return 2;
    }
  g_free (commands[split]);
  commands[split] = NULL;
  program = commands;
  reference = commands + split + 1;

  for (int run = -warmup; run < runs; run++)
    {
      /* Turns swap every run, so that neither always follows the other. */
      for (int turn = 0; turn < 2; turn++)
        {
          gboolean is_program = (turn + run) % 2 == 0;
          double value = run_once (is_program ? program : reference, timeout,
                                   is_program ? program[0] : reference[0],
                                   verbose || (run == 0 && is_program));

          if (verbose)
            printf ("# %s %s %d: %s %.2f%s\n", name, run < 0 ? "warm-up" : "run",
                    run < 0 ? run + warmup + 1 : run + 1, is_program ? "program" : "reference",
                    value, unit);
          if (run >= 0)
            g_array_append_val (is_program ? values : references, value);
        }
    }

  sd_bench_print_result (name, sd_bench_median (values), sd_bench_median (references), unit,
                         budget, !higher_is_better, TRUE);

  /* The commands' separator was freed already; the rest goes with the array. */
  commands[split] = g_strdup ("::");

  return 0;
}
