#include "config.h"

#include "sd-test-app.h"

typedef struct
{
  SdTestApp *app;
  GSettings *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  fixture->settings = g_object_ref (sd_application_get_settings (fixture->app->app));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *about;

  while ((about = sd_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL)
    gtk_window_destroy (about);
  g_settings_reset (fixture->settings, "website-url");
  g_settings_reset (fixture->settings, "issue-url");
  g_settings_reset (fixture->settings, "support-url");
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

static AdwAboutWindow *
show_about (Fixture *fixture)
{
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app->app), "about", NULL);
  sd_test_wait_until ((about = sd_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture->app->window));

  return ADW_ABOUT_WINDOW (about);
}

static void
test_about (Fixture       *fixture,
            gconstpointer  data)
{
  AdwAboutWindow *about = show_about (fixture);
  const char * const *developers = adw_about_window_get_developers (about);

  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "SupportDesk");
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APPLICATION_ID);
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_developer_name (about), ==, "The SupportDesk developers");
  g_assert_nonnull (developers);
  g_assert_cmpstr (developers[0], ==, "The SupportDesk developers");
  g_assert_true (g_str_has_prefix (adw_about_window_get_copyright (about), "©"));

  /* The service's pages, from the settings' defaults. */
  g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://example.com/supportdesk");
  g_assert_cmpstr (adw_about_window_get_issue_url (about), ==,
                   "https://example.com/supportdesk/issues");
  g_assert_cmpstr (adw_about_window_get_support_url (about), ==,
                   "https://example.com/supportdesk/help");

  /* What is new in this version, in the markup the window takes. */
  g_assert_cmpstr (adw_about_window_get_release_notes_version (about), ==, PACKAGE_VERSION);
  g_assert_true (g_str_has_prefix (adw_about_window_get_release_notes (about),
                                   "<p>The first release of SupportDesk:</p><ul><li>"));

  /* Untranslated here (the C locale), the credits are the marker that translators replace. */
  g_assert_cmpstr (adw_about_window_get_translator_credits (about), ==, "translator-credits");
}

/* The window's way of having no such page. */
static gboolean
is_unset (const char *url)
{
  return url == NULL || *url == '\0';
}

static void
test_deployment_urls (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwAboutWindow *about;

  /* A vendor points the app at its own pages, and leaves out what it does not have. */
  g_settings_set_string (fixture->settings, "website-url", "https://support.example.net");
  g_settings_set_string (fixture->settings, "issue-url", "");
  g_settings_set_string (fixture->settings, "support-url", "");

  about = show_about (fixture);
  g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://support.example.net");
  g_assert_true (is_unset (adw_about_window_get_issue_url (about)));
  g_assert_true (is_unset (adw_about_window_get_support_url (about)));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/about/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("window", test_about);
  ADD ("deployment-urls", test_deployment_urls);

#undef ADD

  return g_test_run ();
}
