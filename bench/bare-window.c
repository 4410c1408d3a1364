#define G_LOG_DOMAIN "sd-bench-bare-window"

#include "config.h"

#ifdef SD_BENCH_ADWAITA
#include <adwaita.h>
#else
#include <gtk/gtk.h>
#endif
#include <stdio.h>
#include <unistd.h>

/*
 * The reference of the start benchmark: a GtkApplication with one empty
 * GtkWindow of the app's default size, started and watched as start-app
 * is. At its first painted frame it prints the time since --t0 and ends.
 *
 * Built with SD_BENCH_ADWAITA as adw-window: the same with libadwaita (an
 * AdwApplication, and an AdwApplicationWindow with only a header bar), the
 * least any libadwaita app costs, which bench/run shows beside the result.
 */

static gint64 t0;
/* --trace: when each step of the start was reached, on standard error. */
static gboolean trace;

static void
mark (const char *what)
{
  if (trace)
    g_printerr ("# %8.2f ms  %s (bare)\n", (g_get_monotonic_time () - t0) / 1000.0, what);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  mark ("frame 1 painted");
  printf ("value=%.2f\n", (g_get_monotonic_time () - t0) / 1000.0);
  fflush (stdout);
  _exit (0);
}

static void
realized_cb (GtkWidget *window)
{
  mark ("window realized");
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), window);
}

static void
activate_cb (GtkApplication *app)
{
#ifdef SD_BENCH_ADWAITA
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
#else
  GtkWidget *window = gtk_application_window_new (app);
#endif

  mark ("window made");

  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);
  g_signal_connect_after (window, "realize", G_CALLBACK (realized_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "t0", 0, 0, G_OPTION_ARG_INT64, &t0, "When the runner started this", "USEC" },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &trace, "Tell when each step was reached", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  mark ("main");
#ifdef SD_BENCH_ADWAITA
  app = GTK_APPLICATION (adw_application_new ("com.example.SupportDesk.BenchAdwaita",
                                              G_APPLICATION_DEFAULT_FLAGS));
#else
  app = gtk_application_new ("com.example.SupportDesk.BenchBare", G_APPLICATION_DEFAULT_FLAGS);
#endif
  g_signal_connect_swapped (app, "startup", G_CALLBACK (mark), (gpointer)"startup");
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  /* Only the program's name: the options were the runner's. */
  return g_application_run (G_APPLICATION (app), 1, argv);
}
