#define G_LOG_DOMAIN "sd-bench-scroll-app"

#include "config.h"

#include "sd-application.h"
#include "sd-bench-app.h"
#include "sd-bench-util.h"
#include "sd-ticket-list.h"
#include "sd-window.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

/*
 * The app as its main.c starts it, signed in from the keyring, scrolled
 * through its whole ticket list as a user dragging the scroll bar to the
 * end would: at each frame the list's scroll position goes to its end,
 * so that the view asks for the rows there and the list fetches the next
 * page. When the list has every ticket, and a second later, it prints the
 * resident memory of the process (VmRSS, in MiB) and ends.
 *   scroll-app --store-token TOKEN --email E --server URL
 */

/* What settles after the last page: rows bound, pages freed, JSON dropped. */
#define SETTLE_MS 1000

static gint64 started;
static gint64 done_at;
static char *email;

static void
finish (guint n_items)
{
  gint64 rss = sd_bench_status_kib ("VmRSS");
  gint64 hwm = sd_bench_status_kib ("VmHWM");

  printf ("# %u tickets, scrolled in %.1f s; VmRSS %.1f MiB, VmHWM %.1f MiB\n", n_items,
          (done_at - started) / (double)G_USEC_PER_SEC, rss / 1024.0, hwm / 1024.0);
  printf ("value=%.2f\n", rss / 1024.0);
  fflush (stdout);
  _exit (0);
}

static gboolean
tick_cb (GtkWidget     *window,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  GtkListView *view = sd_bench_app_find_ticket_view (window);
  SdTicketList *list;
  GtkAdjustment *adjustment;

  if (view == NULL || !sd_bench_app_view_shows_rows (view))
    return G_SOURCE_CONTINUE;

  list = SD_TICKET_LIST (sd_bench_app_ticket_model (view));
  if (started == 0)
    {
      SdClient *client = sd_window_get_client (SD_WINDOW (window));
      SdUser *user = client != NULL ? sd_client_get_user (client) : NULL;

      /* Another account's list would measure another list. */
      if (user == NULL || g_strcmp0 (sd_user_get_email (user), email) != 0)
        g_error ("The app resumed %s, not %s", user != NULL ? sd_user_get_email (user) : "nobody",
                 email);
      started = g_get_monotonic_time ();
    }

  if (sd_ticket_list_get_error (list) != NULL)
    g_error ("The list failed: %s", sd_ticket_list_get_error (list)->message);

  if (done_at != 0)
    {
      if (g_get_monotonic_time () - done_at >= SETTLE_MS * 1000)
        finish (g_list_model_get_n_items (G_LIST_MODEL (list)));
      return G_SOURCE_CONTINUE;
    }

  if (!sd_ticket_list_get_loading (list) && !sd_ticket_list_get_has_more (list))
    {
      done_at = g_get_monotonic_time ();
      return G_SOURCE_CONTINUE;
    }

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));

  return G_SOURCE_CONTINUE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SdApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *server = NULL;
  const GOptionEntry entries[] = {
    { "store-token", 0, 0, G_OPTION_ARG_STRING, &token, "Keep this session first", "TOKEN" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Whose session it is", "E" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--server"))
      server = argv[i + 1];
  if (token == NULL || email == NULL || server == NULL)
    g_error ("Give --store-token, --email and --server");

  /* The account to show is the last one kept for the server. */
  sd_bench_app_store_token (server, email, token);

  app = sd_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
