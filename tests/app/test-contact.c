#include "config.h"

#include "sd-sign-in-page.h"
#include "sd-test-app.h"

/*
 * "Contact Support": by email and by live chat, for customers who cannot
 * sign in or whose service has no tickets, from the keys "support-email"
 * and "live-chat-url" (their defaults are the build's options, given to
 * this test as SD_TEST_SUPPORT_EMAIL and SD_TEST_LIVE_CHAT_URL).
 */

typedef struct
{
  SdTestApp *app;
  GSettings *settings;
  GtkWidget *root;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  fixture->settings = g_object_ref (sd_application_get_settings (fixture->app->app));
  fixture->root = GTK_WIDGET (fixture->app->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_settings_reset (fixture->settings, "support-email");
  g_settings_reset (fixture->settings, "live-chat-url");
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

static void
test_mailto (void)
{
  const struct {
    const char *address;
    const char *subject;
    const char *uri;
  } cases[] = {
    { "support@example.com", "Support request",
      "mailto:support@example.com?subject=Support%20request" },
    { "help+app@example.com", "Rechnung & Lieferung?",
      "mailto:help%2Bapp@example.com?subject=Rechnung%20%26%20Lieferung%3F" },
    { "support@example.com", "Demande d’assistance",
      "mailto:support@example.com?subject=Demande%20d%E2%80%99assistance" },
    { "support@example.com", NULL, "mailto:support@example.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *uri = sd_application_build_mailto_uri (cases[i].address,
                                                               cases[i].subject);
      g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);

      g_assert_cmpstr (uri, ==, cases[i].uri);
      g_assert_nonnull (parsed);
      g_assert_cmpstr (g_uri_get_scheme (parsed), ==, "mailto");
    }
}

static gboolean
enabled (Fixture    *fixture,
         const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->app->app), action);
}

/* Opens the menu of the menu button @label and says whether it shows @text. */
static gboolean
menu_shows (Fixture    *fixture,
            const char *label,
            const char *text)
{
  GtkWidget *button = sd_test_find (fixture->root, label, GTK_TYPE_MENU_BUTTON, FALSE);
  GtkPopover *popover;
  gboolean shown;

  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  sd_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  /* Section titles come in an idle callback once the items are in. */
  sd_test_spin (100);
  shown = sd_test_has_label (GTK_WIDGET (popover), text);

  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  sd_test_wait_until (!gtk_widget_get_mapped (GTK_WIDGET (popover)));

  return shown;
}

static gboolean
contact_button_shown (Fixture *fixture)
{
  return sd_test_find (fixture->root, "Contact Support", GTK_TYPE_MENU_BUTTON, FALSE) != NULL;
}

static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *email = g_settings_get_string (fixture->settings, "support-email");
  g_autofree char *chat = g_settings_get_string (fixture->settings, "live-chat-url");

  g_assert_cmpstr (email, ==, g_getenv ("SD_TEST_SUPPORT_EMAIL"));
  g_assert_cmpstr (chat, ==, g_getenv ("SD_TEST_LIVE_CHAT_URL"));
  g_assert_cmpstr (email, ==, "support@example.com");
  g_assert_cmpstr (chat, ==, "https://example.com/supportdesk/chat");

  g_assert_true (enabled (fixture, "contact-email"));
  g_assert_true (enabled (fixture, "contact-chat"));
}

static void
test_sign_in_page (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Who cannot sign in finds it on the page itself, and in its menu. */
  g_assert_cmpstr (sd_window_get_state (fixture->app->window), ==, "sign-in");
  sd_test_wait_until (contact_button_shown (fixture));
  g_assert_true (menu_shows (fixture, "Contact Support", "Email"));
  g_assert_true (menu_shows (fixture, "Contact Support", "Live Chat"));
  g_assert_true (menu_shows (fixture, "Main Menu", "Contact Support"));
  g_assert_true (menu_shows (fixture, "Main Menu", "Email"));

  /* A service without email support: only the chat is offered. */
  g_settings_set_string (fixture->settings, "support-email", "");
  g_assert_false (enabled (fixture, "contact-email"));
  g_assert_true (enabled (fixture, "contact-chat"));
  g_assert_true (contact_button_shown (fixture));
  g_assert_false (menu_shows (fixture, "Contact Support", "Email"));
  g_assert_true (menu_shows (fixture, "Contact Support", "Live Chat"));

  /* Neither: "Contact Support" is gone, button and menu section alike. */
  g_settings_set_string (fixture->settings, "live-chat-url", "");
  g_assert_false (enabled (fixture, "contact-chat"));
  g_assert_false (contact_button_shown (fixture));
  g_assert_false (menu_shows (fixture, "Main Menu", "Contact Support"));
  g_assert_true (menu_shows (fixture, "Main Menu", "About SupportDesk"));

  g_settings_reset (fixture->settings, "support-email");
  g_assert_true (enabled (fixture, "contact-email"));
  g_assert_true (contact_button_shown (fixture));
}

static void
test_primary_menu (Fixture       *fixture,
                   gconstpointer  data)
{
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  /* The sign-in page, with its own menu, fades out first. */
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_SIGN_IN_PAGE, NULL) == NULL);
  g_assert_true (menu_shows (fixture, "Main Menu", "Sign out"));

  g_assert_true (menu_shows (fixture, "Main Menu", "Contact Support"));
  g_assert_true (menu_shows (fixture, "Main Menu", "Email"));
  g_assert_true (menu_shows (fixture, "Main Menu", "Live Chat"));

  g_settings_set_string (fixture->settings, "live-chat-url", "");
  g_assert_true (menu_shows (fixture, "Main Menu", "Email"));
  g_assert_false (menu_shows (fixture, "Main Menu", "Live Chat"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sd/app/contact/mailto", test_mailto);

#define ADD(path, func) \
  g_test_add ("/sd/app/contact/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("defaults", test_defaults);
  ADD ("sign-in-page", test_sign_in_page);
  ADD ("primary-menu", test_primary_menu);

#undef ADD

  return g_test_run ();
}
