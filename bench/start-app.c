#define G_LOG_DOMAIN "sd-bench-start-app"

#include "config.h"

#include "sd-application.h"
#include "sd-bench-app.h"
#include "sd-window.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

/*
 * The app as its main.c starts it, plus a watch on its window's frame
 * clock: after each painted frame it looks whether the ticket list shows
 * rows; at the first frame that does, it prints the time since --t0 (the
 * CLOCK_MONOTONIC microseconds at which the runner started this program)
 * and ends at once.
 *   start-app --t0 USEC --server URL            (resumes the keyring's session)
 *   start-app --store-token TOKEN --email E --server URL
 *                                               (keeps the session there first, and ends)
 */

static gint64 t0;
/* --trace: when each step of the start was reached, on standard error. */
static gboolean trace;

static void
mark (const char *what)
{
  if (trace)
    g_printerr ("# %8.2f ms  %s (at %.3f)\n", (g_get_monotonic_time () - t0) / 1000.0, what,
                (g_get_real_time () % (1000 * G_USEC_PER_SEC)) / 1000.0);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  GtkListView *view = sd_bench_app_find_ticket_view (window);
  static guint frames;

  if (trace)
    {
      g_autofree char *what = g_strdup_printf ("frame %u painted (%s, list %s)", ++frames,
                                               sd_window_get_state (SD_WINDOW (window)),
                                               view == NULL ? "not set"
                                               : sd_bench_app_view_shows_rows (view) ? "shows rows"
                                               : "empty");
      mark (what);
    }

  if (view == NULL || !sd_bench_app_view_shows_rows (view))
    return;

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
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  mark ("window made");
  g_signal_connect_after (window, "realize", G_CALLBACK (realized_cb), NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SdApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *email = NULL;
  g_autofree char *server = NULL;
  const GOptionEntry entries[] = {
    { "t0", 0, 0, G_OPTION_ARG_INT64, &t0, "When the runner started this", "USEC" },
    { "store-token", 0, 0, G_OPTION_ARG_STRING, &token, "Keep this session and end", "TOKEN" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Whose session it is", "E" },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &trace, "Tell when each step was reached", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The app's own options (--server) stay in argv for it. */
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  if (token != NULL)
    {
      for (int i = 1; i + 1 < argc; i++)
        if (g_str_equal (argv[i], "--server"))
          server = g_strdup (argv[i + 1]);
      if (server == NULL || email == NULL)
        g_error ("--store-token needs --email and --server");
      sd_bench_app_store_token (server, email, token);
      return 0;
    }

  mark ("main");
  app = sd_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  g_signal_connect_swapped (app, "startup", G_CALLBACK (mark), (gpointer)"startup");

  return g_application_run (G_APPLICATION (app), argc, argv);
}
