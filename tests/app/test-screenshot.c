#include "config.h"

#include "sd-drop-area.h"
#include "sd-new-ticket-page.h"
#include "sd-test-app.h"
#include "sd-test-desktop.h"

#include <glib/gstdio.h>
#include <string.h>

/*
 * "Take screenshot" in the new-ticket form. The headless session has no
 * xdg-desktop-portal, as many sessions outside GNOME have none: there the
 * button must not show. Where a portal is, the app speaks its documented
 * D-Bus protocol (a Screenshot call, then the Response signal of its
 * Request); a stand-in on the test's bus answers as the portal would. The
 * real portal, with its dialog, cannot run here.
 */

typedef struct
{
  SdTestScreenshotPortal *portal;
  SdTestApp              *app;
  GtkWidget              *root;
  SdDropArea             *drop_area;
  char                   *dir;
} Fixture;

static gboolean
categories_loaded (Fixture *fixture)
{
  GtkWidget *dropdown = sd_test_find (fixture->root, "Category", GTK_TYPE_DROP_DOWN, FALSE);

  return dropdown != NULL &&
         g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))) > 1;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The portal is there, or not, before the app looks for it. */
  if (GPOINTER_TO_INT (data))
    fixture->portal = sd_test_screenshot_portal_new ();

  fixture->dir = g_dir_make_tmp ("supportdesk-screenshot-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  fixture->root = GTK_WIDGET (fixture->app->window);

  /* The list and its categories are in: nothing is still on its way when the test ends. */
  sd_test_wait_until (sd_test_has_label (fixture->root, "Firewall blocks the update service") &&
                      categories_loaded (fixture));

  gtk_widget_activate_action (fixture->root, "win.new-ticket", NULL);
  sd_test_wait_until ((fixture->drop_area = (SdDropArea *)sd_test_find_type (
                         fixture->root, SD_TYPE_DROP_AREA, NULL)) != NULL);
  sd_test_wait_until (sd_drop_area_get_screenshot_checked (fixture->drop_area));
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
  g_clear_pointer (&fixture->portal, sd_test_screenshot_portal_free);
  remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static GtkWidget *
screenshot_button (Fixture *fixture)
{
  GtkWidget *button = sd_test_find (GTK_WIDGET (fixture->drop_area), "Take screenshot",
                                    GTK_TYPE_BUTTON, TRUE);

  g_assert_nonnull (button);
  return button;
}

static void
test_no_portal (Fixture       *fixture,
                gconstpointer  data)
{
  g_assert_false (gtk_widget_get_visible (screenshot_button (fixture)));
  /* Files still come in the other ways. */
  g_assert_nonnull (sd_test_find (GTK_WIDGET (fixture->drop_area), "Browse files",
                                  GTK_TYPE_BUTTON, FALSE));
}

/* A PNG where the portal would save one, as its file:// URI. */
static char *
make_screenshot (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "Screenshot from today.png", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guchar pixels[4 * 4 * 4];

  memset (pixels, 0x80, sizeof pixels);
  bytes = g_bytes_new (pixels, sizeof pixels);
  texture = gdk_memory_texture_new (4, 4, GDK_MEMORY_R8G8B8A8, bytes, 16);
  g_assert_true (gdk_texture_save_to_png (texture, path));

  return g_filename_to_uri (path, NULL, NULL);
}

static SdUpload *
only_upload (Fixture *fixture)
{
  GListModel *uploads = sd_drop_area_get_uploads (fixture->drop_area);
  SdUpload *upload;

  if (g_list_model_get_n_items (uploads) != 1)
    return NULL;

  /* The area keeps it. */
  upload = g_list_model_get_item (uploads, 0);
  g_object_unref (upload);
  return upload;
}

static void
test_portal (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *uri = make_screenshot (fixture);
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  gboolean interactive = FALSE;
  const char *token = NULL;
  SdUpload *upload = NULL;

  g_assert_true (gtk_widget_get_visible (screenshot_button (fixture)));

  /* The user cancels in the portal's dialog: nothing happens. */
  sd_test_click (GTK_WIDGET (fixture->drop_area), "Take screenshot");
  sd_test_wait_until (fixture->portal->n_calls == 1);
  sd_test_screenshot_portal_respond (fixture->portal, 1, NULL);
  sd_test_wait_until (gtk_widget_is_sensitive (screenshot_button (fixture)));
  g_assert_cmpuint (g_list_model_get_n_items (sd_drop_area_get_uploads (fixture->drop_area)),
                    ==, 0);
  g_assert_null (sd_drop_area_get_message (fixture->drop_area));

  /* Now they take one: it is asked for over this window, letting the user choose. */
  sd_test_click (GTK_WIDGET (fixture->drop_area), "Take screenshot");
  sd_test_wait_until (fixture->portal->n_calls == 2);
  g_assert_true (g_str_has_prefix (fixture->portal->parent_window, "x11:"));
  g_assert_true (g_variant_lookup (fixture->portal->options, "interactive", "b", &interactive));
  g_assert_true (interactive);
  g_assert_true (g_variant_lookup (fixture->portal->options, "handle_token", "&s", &token));
  /* Only one at a time. */
  g_assert_false (gtk_widget_is_sensitive (screenshot_button (fixture)));

  sd_test_screenshot_portal_respond (fixture->portal, 0, uri);
  sd_test_wait_until ((upload = only_upload (fixture)) != NULL &&
                      sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE);
  g_assert_cmpstr (sd_upload_get_filename (upload), ==, "Screenshot from today.png");
  g_assert_true (gtk_widget_is_sensitive (screenshot_button (fixture)));

  /* The portal's file is the user's: removing it from the ticket leaves it where it is. */
  sd_drop_area_remove (fixture->drop_area, upload);
  sd_test_spin (100);
  g_assert_true (g_file_query_exists (file, NULL));
}

static void
test_portal_fails (Fixture       *fixture,
                   gconstpointer  data)
{
  sd_test_click (GTK_WIDGET (fixture->drop_area), "Take screenshot");
  sd_test_wait_until (fixture->portal->n_calls == 1);
  sd_test_screenshot_portal_respond (fixture->portal, 2, NULL);

  sd_test_wait_until (sd_drop_area_get_message (fixture->drop_area) != NULL);
  g_assert_cmpstr (sd_drop_area_get_message (fixture->drop_area), ==,
                   "The screenshot could not be taken.");
  g_assert_cmpuint (g_list_model_get_n_items (sd_drop_area_get_uploads (fixture->drop_area)),
                    ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, portal, func) \
  g_test_add ("/sd/app/screenshot/" path, Fixture, GINT_TO_POINTER (portal), fixture_set_up, \
              func, fixture_tear_down)

  ADD ("no-portal", FALSE, test_no_portal);
  ADD ("portal", TRUE, test_portal);
  ADD ("portal-fails", TRUE, test_portal_fails);

#undef ADD

  return g_test_run ();
}
