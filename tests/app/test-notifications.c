#include "config.h"

#include "sd-activity-watch.h"
#include "sd-pin-page.h"
#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-test-desktop.h"
#include "sd-ticket-page.h"

/*
 * The app's notifications, as the desktop gets them: a stand-in for GNOME
 * Shell's notification server receives what GApplication sends over the
 * session bus, and the test activates the notifications' actions as the
 * Shell does when the user clicks them.
 */

static SdTestNotifications *desktop;

typedef struct
{
  SdTestApp *app;
  GtkWidget *root;
  GtkWidget *other;
  char      *customer;
  char      *agent;
  GPtrArray *replies;
} Fixture;

static void
agent_replied_cb (SdActivityWatch *watch,
                  SdTicket        *ticket,
                  SdMessage       *message,
                  Fixture         *fixture)
{
  g_ptr_array_add (fixture->replies, g_object_ref (message));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  fixture->root = GTK_WIDGET (fixture->app->window);
  fixture->customer = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->app->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  fixture->replies = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = GTK_WINDOW (sd_test_find_dialog ())) != NULL)
    gtk_window_destroy (dialog);
  if (fixture->other != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->other));
  g_clear_pointer (&fixture->app, sd_test_app_free);
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->agent, g_free);
  g_clear_pointer (&fixture->replies, g_ptr_array_unref);
}

static const char *
app_id (Fixture *fixture)
{
  return g_application_get_application_id (G_APPLICATION (fixture->app->app));
}

/* Signs in and makes the session's watch quick to look. */
static SdActivityWatch *
sign_in (Fixture *fixture)
{
  SdActivityWatch *watch;

  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  /* The watch starts once the ticket list is in. */
  sd_test_wait_until ((watch = sd_window_get_activity_watch (fixture->app->window)) != NULL);
  sd_activity_watch_set_interval (watch, 1);
  g_signal_connect (watch, "agent-replied", G_CALLBACK (agent_replied_cb), fixture);

  /* In front of the user, nothing is watched: the pages refresh themselves. */
  gtk_window_present (GTK_WINDOW (fixture->root));
  sd_test_wait_until (gtk_window_is_active (GTK_WINDOW (fixture->root)));
  g_assert_false (sd_activity_watch_get_running (watch));

  return watch;
}

/* The user turns to another window; the watch starts and learns what is there. */
static void
leave (Fixture         *fixture,
       SdActivityWatch *watch)
{
  fixture->other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (fixture->other));
  sd_test_wait_until (!gtk_window_is_active (GTK_WINDOW (fixture->root)));
  sd_test_wait_until (sd_activity_watch_get_running (watch) &&
                      sd_activity_watch_get_primed (watch));
}

static void
post (Fixture    *fixture,
      const char *token,
      const char *path,
      const char *json)
{
  g_autoptr(SdTestResponse) response = sd_test_request (fixture->app->server, "POST", path,
                                                        token, json);

  g_assert_cmpuint (response->status, ==, 201);
}

static void
assert_string (GVariant   *dict,
               const char *key,
               const char *expected)
{
  const char *value = NULL;

  g_assert_true (g_variant_lookup (dict, key, "&s", &value));
  g_assert_cmpstr (value, ==, expected);
}

static SdTicket *
open_ticket (Fixture *fixture)
{
  GtkWidget *page = sd_test_find_type (fixture->root, SD_TYPE_SUPPORT_PAGE, NULL);

  return page != NULL ? sd_support_page_get_open_ticket (SD_SUPPORT_PAGE (page)) : NULL;
}

static void
test_agent_reply (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *reply = "The import ran late; yesterday's figures are there now.";
  SdActivityWatch *watch = sign_in (fixture);
  g_autoptr(GVariant) notification = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GVariant) buttons = NULL;
  g_autoptr(GVariant) button = NULL;
  g_autoptr(GVariant) button_target = NULL;
  SdTicket *ticket;

  leave (fixture, watch);
  post (fixture, fixture->agent, "/api/v1/tickets/3/messages",
        "{\"body\": \"The import ran late; yesterday's figures are there now.\"}");

  /* The watch tells the window, and the window the desktop. */
  sd_test_wait_until (fixture->replies->len > 0);
  g_assert_cmpstr (sd_message_get_body (g_ptr_array_index (fixture->replies, 0)), ==, reply);
  sd_test_wait_until ((notification = sd_test_notifications_find (desktop, app_id (fixture),
                                                                  "ticket-3")) != NULL);

  assert_string (notification, "title",
                 "New reply to “Sales figures from yesterday are missing”");
  assert_string (notification, "body",
                 "Jordan Lee: The import ran late; yesterday's figures are there now.");
  assert_string (notification, "default-action", "app.open-ticket");
  target = g_variant_lookup_value (notification, "default-action-target", G_VARIANT_TYPE_INT64);
  g_assert_nonnull (target);
  g_assert_cmpint (g_variant_get_int64 (target), ==, 3);

  buttons = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 1);
  button = g_variant_get_child_value (buttons, 0);
  assert_string (button, "label", "Open ticket");
  assert_string (button, "action", "app.open-ticket");
  button_target = g_variant_lookup_value (button, "target", G_VARIANT_TYPE_INT64);
  g_assert_nonnull (button_target);
  g_assert_cmpint (g_variant_get_int64 (button_target), ==, 3);

  /* The user clicks it: the window comes to the front with the ticket, and it is withdrawn. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app->app), "open-ticket", target);
  sd_test_wait_until ((ticket = open_ticket (fixture)) != NULL &&
                      sd_ticket_get_id (ticket) == 3 &&
                      sd_test_has_label (fixture->root, reply));
  sd_test_wait_until (gtk_window_is_active (GTK_WINDOW (fixture->root)));
  sd_test_wait_until (sd_test_notifications_withdrawn (desktop, app_id (fixture), "ticket-3"));
  g_assert_false (sd_activity_watch_get_running (watch));
}

static void
test_pin_used (Fixture       *fixture,
               gconstpointer  data)
{
  SdActivityWatch *watch = sign_in (fixture);
  g_autoptr(SdTestResponse) renewed = NULL;
  g_autoptr(SdTestResponse) status = NULL;
  g_autoptr(GVariant) notification = NULL;
  g_autoptr(GVariant) buttons = NULL;
  g_autoptr(GVariant) button = NULL;
  g_autofree char *json = NULL;
  const char *body = NULL;
  const char *old_pin;
  GtkWidget *page = NULL;
  GtkWidget *label = NULL;

  renewed = sd_test_request (fixture->app->server, "POST", "/api/v1/support-pin",
                             fixture->customer, NULL);
  g_assert_cmpuint (renewed->status, ==, 201);
  old_pin = json_object_get_string_member (sd_test_response_object (renewed), "pin");

  leave (fixture, watch);
  json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}", SD_TEST_CUSTOMER,
                          old_pin);
  post (fixture, fixture->agent, "/api/v1/agent/dashboard-sessions", json);

  sd_test_wait_until ((notification = sd_test_notifications_find (desktop, app_id (fixture),
                                                                  "support-pin")) != NULL);
  assert_string (notification, "title", "Support used your PIN");
  g_assert_true (g_variant_lookup (notification, "body", "&s", &body));
  g_assert_true (g_str_has_prefix (body, "Jordan Lee opened your dashboard on "));
  assert_string (notification, "default-action", "app.show-pin");
  buttons = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 1);
  button = g_variant_get_child_value (buttons, 0);
  assert_string (button, "label", "Renew PIN");
  assert_string (button, "action", "app.renew-pin");

  /* "Renew PIN": the window comes up on the PIN page with a new PIN, no questions asked. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app->app), "renew-pin", NULL);
  sd_test_wait_until ((page = sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE, NULL)) != NULL &&
                      (label = sd_test_find_type (page, GTK_TYPE_LABEL, "support-pin")) != NULL &&
                      g_regex_match_simple ("^[0-9]{3} [0-9]{3} [0-9]{3}$",
                                            gtk_label_get_text (GTK_LABEL (label)), 0, 0));
  g_assert_null (sd_test_find_dialog ());
  status = sd_test_request (fixture->app->server, "GET", "/api/v1/support-pin",
                            fixture->customer, NULL);
  g_assert_true (json_object_get_boolean_member (sd_test_response_object (status), "active"));
  sd_test_wait_until (sd_test_notifications_withdrawn (desktop, app_id (fixture),
                                                       "support-pin"));
}

/* Signing out takes back what was said about the account. */
static void
test_sign_out_withdraws (Fixture       *fixture,
                         gconstpointer  data)
{
  SdActivityWatch *watch = sign_in (fixture);
  g_autoptr(GVariant) notification = NULL;

  leave (fixture, watch);
  post (fixture, fixture->agent, "/api/v1/tickets/1/messages", "{\"body\": \"Any luck?\"}");
  sd_test_wait_until ((notification = sd_test_notifications_find (desktop, app_id (fixture),
                                                                  "ticket-1")) != NULL);
  g_assert_false (sd_test_notifications_withdrawn (desktop, app_id (fixture), "ticket-1"));

  gtk_widget_activate_action (fixture->root, "win.sign-out", NULL);
  sd_test_wait_until (sd_test_notifications_withdrawn (desktop, app_id (fixture), "ticket-1"));
  g_assert_null (sd_window_get_activity_watch (fixture->app->window));
}

/* A notification clicked before there is a session: the ticket opens once the user signs in. */
static void
test_open_before_sign_in (Fixture       *fixture,
                          gconstpointer  data)
{
  SdTicket *ticket;

  g_assert_cmpstr (sd_window_get_state (fixture->app->window), ==, "sign-in");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app->app), "open-ticket",
                                  g_variant_new_int64 (1));
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  sd_test_wait_until ((ticket = open_ticket (fixture)) != NULL &&
                      sd_ticket_get_id (ticket) == 1 &&
                      sd_test_has_label (fixture->root, "Here is the log from this morning."));

  /* The PIN notification's default action: the PIN page, nothing renewed. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app->app), "show-pin", NULL);
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE, NULL) != NULL &&
                      sd_test_has_label (fixture->root, "No active PIN"));
  g_assert_null (sd_test_find_dialog ());
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GLib picks where notifications go once per process: to the stand-in, owned first. */
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  desktop = sd_test_notifications_new ();

#define ADD(path, func) \
  g_test_add ("/sd/app/notifications/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("agent-reply", test_agent_reply);
  ADD ("pin-used", test_pin_used);
  ADD ("sign-out-withdraws", test_sign_out_withdraws);
  ADD ("open-before-sign-in", test_open_before_sign_in);

#undef ADD

  status = g_test_run ();
  g_clear_pointer (&desktop, sd_test_notifications_free);

  return status;
}
