#include "config.h"

#include "sd-support-page.h"
#include "sd-test-app.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

/*
 * Makes the README's and the metainfo's screenshots: the real app against
 * the demo data of a real service, each page rendered by GTK itself into a
 * PNG under $SD_SCREENSHOT_DIR. Run by build-aux/screenshots, never by the
 * test suite.
 */

#define WIDTH  1000
#define HEIGHT 700

static const char *out_dir;

static void
save (SdTestApp  *app,
      const char *name)
{
  GtkWidget *window = GTK_WIDGET (app->window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (out_dir, file, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  /* Animations end, lists fill and toasts go before the picture is taken. */
  sd_test_spin (1500);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s\n", path);
}

/* As sd_test_app_sign_in(), finding the fields by their names in the language shown. */
static void
sign_in (SdTestApp *app)
{
  GtkWidget *root = GTK_WIDGET (app->window);

  sd_test_wait_until (g_strcmp0 (sd_window_get_state (app->window), "sign-in") == 0 &&
                      gtk_widget_get_mapped (root));
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, _("Email"), G_TYPE_NONE, FALSE)),
                         "customer@example.com");
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, _("Password"), G_TYPE_NONE, FALSE)),
                         SD_TEST_PASSWORD);
  sd_test_click (root, _("Sign in"));
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (app->window), "signed-in") == 0);
}

static void
ticket_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  SdSupportPage *support;
  SdClient *client;
  SdTestApp *app;
  GtkWidget *field;

  /* As main.c does, so that LANGUAGE shows the app translated (from its install prefix). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  out_dir = g_getenv ("SD_SCREENSHOT_DIR");
  if (out_dir == NULL || g_mkdir_with_parents (out_dir, 0755) != 0)
    g_error ("Set SD_SCREENSHOT_DIR to a folder to write the screenshots into");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  app = sd_test_app_new ();
  gtk_window_set_default_size (GTK_WINDOW (app->window), WIDTH, HEIGHT);

  save (app, "sign-in");

  sign_in (app);
  client = sd_window_get_client (app->window);
  support = SD_SUPPORT_PAGE (sd_test_find_type (GTK_WIDGET (app->window), SD_TYPE_SUPPORT_PAGE,
                                                NULL));
  save (app, "support");

  /* The demo's first ticket: a conversation with an agent and a file. */
  sd_client_get_ticket_async (client, 1, NULL, ticket_loaded_cb, &result);
  sd_test_wait_until (result != NULL);
  ticket = sd_client_get_ticket_finish (client, result, NULL);
  g_assert_nonnull (ticket);
  sd_support_page_open_ticket (support, ticket);
  field = sd_test_find (GTK_WIDGET (app->window), _("New message"), GTK_TYPE_TEXT_VIEW, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field)),
                            "Thank you! I will try the new rule set this afternoon.", -1);
  save (app, "ticket");

  gtk_widget_activate_action (GTK_WIDGET (app->window), "win.new-ticket", NULL);
  field = sd_test_find (GTK_WIDGET (app->window), _("Subject"), G_TYPE_NONE, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (field), "Scanner stops after ten pages");
  save (app, "new-ticket");

  gtk_widget_activate_action (GTK_WIDGET (app->window), "win.show-page", "s", "pin");
  sd_test_click (GTK_WIDGET (app->window), _("Renew"));
  sd_test_spin (1000);
  save (app, "support-pin");

  sd_test_app_free (app);

  return 0;
}
