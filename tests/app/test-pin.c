#include "config.h"

#include "sd-credentials.h"
#include "sd-pin-page.h"
#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"

typedef struct
{
  SdTestApp *app;
  GtkWidget *root;
  GtkWidget *page;
  char      *customer;  /* a session of the customer's own, to ask the server */
  char      *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  fixture->root = GTK_WIDGET (fixture->app->window);
  fixture->customer = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->app->server, SD_TEST_AGENT, SD_TEST_PASSWORD);

  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "pin");
  sd_test_wait_until ((fixture->page = sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE,
                                                          NULL)) != NULL);
  /* Loaded: no PIN was ever made for the demo customer. */
  sd_test_wait_until (sd_test_has_label (fixture->page, "No active PIN"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = GTK_WINDOW (sd_test_find_dialog ())) != NULL)
    gtk_window_destroy (dialog);
  g_clear_pointer (&fixture->app, sd_test_app_free);
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->agent, g_free);
}

/* The digits shown, without the grouping, when they are shown as "ddd ddd ddd"; else NULL. */
static char *
shown_pin (Fixture *fixture)
{
  GtkWidget *label = sd_test_find_type (fixture->page, GTK_TYPE_LABEL, "support-pin");
  const char *text;

  if (label == NULL || gtk_widget_has_css_class (label, "dim-label"))
    return NULL;

  text = gtk_label_get_text (GTK_LABEL (label));
  if (!g_regex_match_simple ("^[0-9]{3} [0-9]{3} [0-9]{3}$", text, 0, 0))
    return NULL;

  return g_strdup_printf ("%.3s%.3s%.3s", text, text + 4, text + 8);
}

static gboolean
shows_new_pin (Fixture     *fixture,
               const char  *old,
               char       **out_pin)
{
  g_autofree char *pin = shown_pin (fixture);

  if (pin == NULL || g_strcmp0 (pin, old) == 0)
    return FALSE;

  *out_pin = g_steal_pointer (&pin);
  return TRUE;
}

/* Waits for a PIN other than @old (NULL for any) to be shown, and returns it. */
static char *
wait_for_new_pin (Fixture    *fixture,
                  const char *old)
{
  char *pin = NULL;

  sd_test_wait_until (shows_new_pin (fixture, old, &pin));

  return pin;
}

static gboolean
has_label_suffix (GtkWidget  *widget,
                  const char *suffix)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget) && g_str_has_suffix (gtk_label_get_text (GTK_LABEL (widget)), suffix))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_suffix (child, suffix))
      return TRUE;

  return FALSE;
}

static gboolean
is_sensitive (Fixture    *fixture,
              const char *label)
{
  GtkWidget *button = sd_test_find (fixture->page, label, GTK_TYPE_BUTTON, FALSE);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static guint
redeem (Fixture    *fixture,
        const char *pin)
{
  g_autofree char *json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}",
                                           SD_TEST_CUSTOMER, pin);
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (fixture->app->server, "POST", "/api/v1/agent/dashboard-sessions",
                              fixture->agent, json);
  return response->status;
}

static gboolean
pin_active_on_server (Fixture *fixture)
{
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (fixture->app->server, "GET", "/api/v1/support-pin",
                              fixture->customer, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  return json_object_get_boolean_member (sd_test_response_object (response), "active");
}

typedef struct
{
  gboolean  done;
  gboolean  failed;
  char     *pin;
} Lookup;

static void
pin_lookup_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->pin = sd_credentials_lookup_pin_finish (result, &error);
  /* An item deleted while the search loads it fails the search. */
  if (error != NULL)
    g_test_message ("Keyring lookup failed, asking again: %s", error->message);
  lookup->failed = error != NULL;
  lookup->done = TRUE;
}

/* The PIN the keyring holds for the customer, as the app would find it after a restart. */
static char *
keyring_pin (Fixture *fixture)
{
  Lookup lookup = { 0 };

  do
    {
      lookup.done = FALSE;
      sd_credentials_lookup_pin_async (fixture->app->server->url, SD_TEST_CUSTOMER, NULL,
                                       pin_lookup_cb, &lookup);
      sd_test_wait_until (lookup.done);
    }
  while (lookup.failed);

  return lookup.pin;
}

static gboolean
keyring_pin_is (Fixture    *fixture,
                const char *expected)
{
  g_autofree char *pin = keyring_pin (fixture);

  return g_strcmp0 (pin, expected) == 0;
}

static void
test_renew_and_copy (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *pin = NULL;
  g_autofree char *copied = NULL;

  g_assert_null (shown_pin (fixture));
  g_assert_false (is_sensitive (fixture, "Copy"));
  g_assert_false (is_sensitive (fixture, "Clear"));

  /* With no PIN to lose, renewing asks nothing. */
  sd_test_click (fixture->page, "Renew");
  pin = wait_for_new_pin (fixture, NULL);
  g_assert_null (sd_test_find_dialog ());
  g_assert_true (sd_test_has_label_prefix (fixture->page, "Active until "));
  g_assert_true (pin_active_on_server (fixture));
  sd_test_wait_until (keyring_pin_is (fixture, pin));

  /* The plain digits go to the clipboard, and a toast says so. */
  sd_test_click (fixture->page, "Copy");
  copied = sd_test_read_clipboard (gtk_widget_get_clipboard (fixture->root));
  g_assert_cmpstr (copied, ==, pin);
  sd_test_wait_until (sd_test_has_label (fixture->root, "PIN copied"));
}

static void
test_renew_again (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *kept = NULL;
  AdwMessageDialog *dialog = NULL;

  sd_test_click (fixture->page, "Renew");
  first = wait_for_new_pin (fixture, NULL);

  /* Someone may have the PIN already: renewing asks first, and "Cancel" keeps it. */
  sd_test_click (fixture->page, "Renew");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "cancel");
  /* Nothing was sent: the page is not waiting for a renewal, and shows the same digits. */
  g_assert_true (is_sensitive (fixture, "Renew"));
  kept = shown_pin (fixture);
  g_assert_cmpstr (kept, ==, first);
  g_assert_null (sd_test_find_dialog ());

  sd_test_click (fixture->page, "Renew");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "renew");
  second = wait_for_new_pin (fixture, first);
  sd_test_wait_until (keyring_pin_is (fixture, second));

  /* The old PIN opens nothing any more; the new one opens the dashboard, once. */
  g_assert_cmpuint (redeem (fixture, first), ==, 403);
  g_assert_cmpuint (redeem (fixture, second), ==, 201);
  g_assert_cmpuint (redeem (fixture, second), ==, 403);

  /* Once used, the page says by whom, and the digits are gone, here and in the keyring. */
  sd_pin_page_refresh (SD_PIN_PAGE (fixture->page));
  sd_test_wait_until (sd_test_has_label_prefix (fixture->page, "Used by Jordan Lee on "));
  g_assert_null (shown_pin (fixture));
  g_assert_false (is_sensitive (fixture, "Copy"));
  sd_test_wait_until (keyring_pin_is (fixture, NULL));
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *pin = NULL;

  sd_test_click (fixture->page, "Renew");
  pin = wait_for_new_pin (fixture, NULL);
  sd_test_wait_until (keyring_pin_is (fixture, pin));
  g_assert_true (pin_active_on_server (fixture));

  sd_test_click (fixture->page, "Clear");
  sd_test_wait_until (shown_pin (fixture) == NULL &&
                      sd_test_has_label (fixture->page, "No active PIN"));
  g_assert_false (pin_active_on_server (fixture));
  g_assert_cmpuint (redeem (fixture, pin), ==, 403);
  sd_test_wait_until (keyring_pin_is (fixture, NULL));
  g_assert_false (is_sensitive (fixture, "Clear"));
}

static gint64
newest_invitation (Fixture *fixture,
                   guint   *out_count)
{
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *invitations;

  response = sd_test_request (fixture->app->server, "GET", "/api/v1/invitations",
                              fixture->customer, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  invitations = json_object_get_array_member (sd_test_response_object (response), "invitations");
  *out_count = json_array_get_length (invitations);
  if (*out_count == 0)
    return 0;

  return json_object_get_int_member (json_array_get_object_element (invitations, 0), "id");
}

static void
test_invitation (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdTicket) ticket = sd_ticket_new (1);
  g_autofree char *json = NULL;
  g_autoptr(SdTestResponse) redeemed = NULL;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *ticket_page;
  GtkWidget *revoke;
  guint count;
  gint64 id;

  /* Invited from the ticket, confirmed in the dialog. */
  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "support");
  sd_support_page_open_ticket (SD_SUPPORT_PAGE (sd_test_find_type (fixture->root,
                                                                   SD_TYPE_SUPPORT_PAGE, NULL)),
                               ticket);
  sd_test_wait_until ((ticket_page = sd_test_find_type (fixture->root, SD_TYPE_TICKET_PAGE,
                                                        NULL)) != NULL);
  sd_test_click (ticket_page, "Invite agent to dashboard");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "invite");
  sd_test_wait_until (sd_test_has_label_prefix (ticket_page, "Support may open your dashboard"));
  id = newest_invitation (fixture, &count);
  g_assert_cmpuint (count, ==, 1);

  /* The PIN page lists it, with a way to take it back. */
  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "pin");
  sd_test_wait_until ((fixture->page = sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE,
                                                          NULL)) != NULL);
  sd_pin_page_refresh (SD_PIN_PAGE (fixture->page));
  sd_test_wait_until (sd_test_has_label (fixture->page, "Ticket #1") &&
                      (revoke = sd_test_find (fixture->page, "Revoke", GTK_TYPE_BUTTON,
                                              FALSE)) != NULL);

  g_signal_emit_by_name (revoke, "clicked");
  sd_test_wait_until (!sd_test_has_label (fixture->page, "Ticket #1") &&
                      sd_test_find (fixture->page, "Revoke", GTK_TYPE_BUTTON, FALSE) == NULL);
  sd_test_wait_until (sd_test_has_label (fixture->root, "Invitation revoked"));
  newest_invitation (fixture, &count);
  g_assert_cmpuint (count, ==, 0);

  /* It opens nothing any more. */
  json = g_strdup_printf ("{\"invitation_id\": %" G_GINT64_FORMAT "}", id);
  redeemed = sd_test_request (fixture->app->server, "POST", "/api/v1/agent/dashboard-sessions",
                              fixture->agent, json);
  g_assert_cmpuint (redeemed->status, ==, 403);
}

static void
test_access_log (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *pin = NULL;

  sd_test_wait_until (sd_test_has_label (fixture->page,
                                         "Nobody from support has opened your dashboard."));

  sd_test_click (fixture->page, "Renew");
  pin = wait_for_new_pin (fixture, NULL);
  g_assert_cmpuint (redeem (fixture, pin), ==, 201);

  /* The log names the agent and how they came in. */
  sd_pin_page_refresh (SD_PIN_PAGE (fixture->page));
  sd_test_wait_until (sd_test_has_label (fixture->page, "Jordan Lee") &&
                      has_label_suffix (fixture->page, " · with the PIN"));
  g_assert_true (sd_test_has_label_prefix (fixture->page, "Used by Jordan Lee on "));
  g_assert_false (sd_test_has_label (fixture->page,
                                     "Nobody from support has opened your dashboard."));
}

static void
test_sign_out_forgets_pin (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *pin = NULL;

  sd_test_click (fixture->page, "Renew");
  pin = wait_for_new_pin (fixture, NULL);
  sd_test_wait_until (keyring_pin_is (fixture, pin));

  gtk_widget_activate_action (fixture->root, "win.sign-out", NULL);
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0);
  sd_test_wait_until (keyring_pin_is (fixture, NULL));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/pin/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("renew-and-copy", test_renew_and_copy);
  ADD ("renew-again", test_renew_again);
  ADD ("clear", test_clear);
  ADD ("access-log", test_access_log);
  ADD ("invitation", test_invitation);
  ADD ("sign-out-forgets-pin", test_sign_out_forgets_pin);

#undef ADD

  return g_test_run ();
}
