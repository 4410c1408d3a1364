#include "config.h"

#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"

/* The demo's first ticket: three messages, the last with "firewall.log". */
#define TICKET_ID 1
#define SUBJECT   "Firewall blocks the update service"

typedef struct
{
  SdTestApp    *app;
  SdTicketPage *page;
} Fixture;

typedef struct
{
  gboolean  done;
  SdTicket *ticket;
} Fetch;

static void
ticket_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  fetch->ticket = sd_client_get_ticket_finish (SD_CLIENT (source), result, &error);
  g_assert_no_error (error);
  fetch->done = TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *root;
  SdClient *client;
  Fetch fetch = { 0 };

  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  root = GTK_WIDGET (fixture->app->window);
  client = sd_window_get_client (fixture->app->window);

  sd_client_get_ticket_async (client, TICKET_ID, NULL, ticket_fetched_cb, &fetch);
  sd_test_wait_until (fetch.done);
  sd_support_page_open_ticket (SD_SUPPORT_PAGE (sd_test_find_type (root, SD_TYPE_SUPPORT_PAGE,
                                                                   NULL)),
                               fetch.ticket);
  g_object_unref (fetch.ticket);

  fixture->page = SD_TICKET_PAGE (sd_test_find_type (root, SD_TYPE_TICKET_PAGE, NULL));
  g_assert_nonnull (fixture->page);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page), "Here is the log from this "
                                                                     "morning."));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

static GtkTextBuffer *
reply_buffer (Fixture *fixture)
{
  GtkWidget *view = sd_test_find_type (GTK_WIDGET (fixture->page), GTK_TYPE_TEXT_VIEW, NULL);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

static char *
reply_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = reply_buffer (fixture);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
reply_text_is (Fixture    *fixture,
               const char *text)
{
  g_autofree char *current = reply_text (fixture);

  return g_str_equal (current, text);
}

static gboolean
is_sensitive (Fixture    *fixture,
              const char *label)
{
  GtkWidget *widget = sd_test_find (GTK_WIDGET (fixture->page), label, G_TYPE_NONE, FALSE);

  g_assert_nonnull (widget);
  return gtk_widget_is_sensitive (widget);
}

/* Whether a label below @widget starts with @prefix: for texts that hold a time. */
static gboolean
has_label_prefix (GtkWidget  *widget,
                  const char *prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_prefix (child, prefix))
      return TRUE;

  return FALSE;
}

static char *
sign_in_token (Fixture    *fixture,
               const char *email)
{
  g_autofree char *json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}",
                                           email, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (fixture->app->server, "POST", "/api/v1/session", NULL, json);
  g_assert_cmpuint (response->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (response), "token"));
}

/* How many messages of the ticket, as the server has them, have @body. */
static guint
count_messages (Fixture    *fixture,
                const char *body)
{
  const char *token = sd_client_get_token (sd_window_get_client (fixture->app->window));
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%d/messages?limit=100", TICKET_ID);
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *messages;
  guint count = 0;

  response = sd_test_request (fixture->app->server, "GET", path, token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  messages = json_object_get_array_member (sd_test_response_object (response), "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "body"), body) == 0)
        count++;
    }

  return count;
}

static void
test_shows_ticket (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  g_assert_true (sd_test_has_label (page, SUBJECT));
  g_assert_true (has_label_prefix (page, "#1 · "));
  g_assert_true (sd_test_has_label (page, "Pending"));
  g_assert_true (sd_test_has_label (page, "Thank you for the report. Could you send us the "
                                          "firewall log from the time of the failed update?"));

  /* The controls are there under the names assistive technologies read out. */
  g_assert_nonnull (sd_test_find (page, "Back", GTK_TYPE_BUTTON, FALSE));
  g_assert_nonnull (sd_test_find (page, "Invite agent to dashboard", GTK_TYPE_BUTTON, FALSE));
  g_assert_nonnull (sd_test_find (page, "Quote", GTK_TYPE_BUTTON, FALSE));
  g_assert_nonnull (sd_test_find (page, "Attach files", GTK_TYPE_BUTTON, FALSE));
  g_assert_nonnull (sd_test_find (page, "firewall.log", GTK_TYPE_BUTTON, FALSE));
  g_assert_nonnull (sd_test_find (page, "Save", GTK_TYPE_BUTTON, FALSE));

  /* Nothing to send yet. */
  g_assert_false (is_sensitive (fixture, "Send"));
}

static void
test_quote (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *text = NULL;

  gtk_text_buffer_set_text (reply_buffer (fixture), "About this:", -1);
  sd_test_click (GTK_WIDGET (fixture->page), "Quote");

  /* The first message, as "> " lines after what was written, with the field focused. */
  text = reply_text (fixture);
  g_assert_true (g_str_has_prefix (text, "About this:\n> Since Monday the update service"));
  g_assert_true (gtk_widget_has_focus (sd_test_find_type (GTK_WIDGET (fixture->page),
                                                          GTK_TYPE_TEXT_VIEW, NULL)));
  g_assert_true (is_sensitive (fixture, "Send"));
}

static gboolean no_unsent_messages (Fixture *fixture);

static void
test_send (Fixture       *fixture,
           gconstpointer  data)
{
  const char *body = "Thank you, the rule set works.";

  gtk_text_buffer_set_text (reply_buffer (fixture), body, -1);
  g_assert_true (is_sensitive (fixture, "Send"));
  sd_test_click (GTK_WIDGET (fixture->page), "Send");

  /* The field empties; the message goes out once, and shows in the conversation. */
  sd_test_wait_until (reply_text_is (fixture, ""));
  g_assert_false (is_sensitive (fixture, "Send"));
  sd_test_wait_until (count_messages (fixture, body) == 1 && no_unsent_messages (fixture) &&
                      sd_test_has_label (GTK_WIDGET (fixture->page), body));
  g_assert_cmpuint (count_messages (fixture, body), ==, 1);
}

static guint
count_unsent_messages (Fixture *fixture)
{
  SdOutbox *outbox = sd_window_get_outbox (fixture->app->window);

  return outbox != NULL ? g_list_model_get_n_items (G_LIST_MODEL (outbox)) : 0;
}

static gboolean
no_unsent_messages (Fixture *fixture)
{
  return count_unsent_messages (fixture) == 0;
}

static void
test_send_while_server_down (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *body = "This must not be lost.";
  g_autofree char *waiting = NULL;

  sd_test_server_stop (fixture->app->server);
  gtk_text_buffer_set_text (reply_buffer (fixture), body, -1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "ticket.send", NULL);

  /* Kept in the outbox and shown where it will appear, saying what is going on. */
  sd_test_wait_until (reply_text_is (fixture, "") &&
                      sd_test_has_label (GTK_WIDGET (fixture->page), body) &&
                      sd_test_has_label (GTK_WIDGET (fixture->page), "Waiting for network"));
  g_assert_cmpuint (count_unsent_messages (fixture), ==, 1);

  /* The service comes back; Retry sends it now, once. */
  sd_test_server_start_on_same_port (fixture->app->server);
  sd_test_click (GTK_WIDGET (fixture->page), "Retry");
  sd_test_wait_until (no_unsent_messages (fixture) && count_messages (fixture, body) == 1);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page), body));
  sd_test_spin (200);
  g_assert_cmpuint (count_messages (fixture, body), ==, 1);
}

static void
test_refresh_shows_agent_reply (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *token = sign_in_token (fixture, SD_TEST_AGENT);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%d", TICKET_ID);
  g_autofree char *messages = g_strconcat (path, "/messages", NULL);
  const char *body = "Please try the rule set we published today.";
  g_autoptr(SdTestResponse) posted = NULL;
  g_autoptr(SdTestResponse) patched = NULL;

  posted = sd_test_request (fixture->app->server, "POST", messages, token,
                            "{\"body\": \"Please try the rule set we published today.\"}");
  g_assert_cmpuint (posted->status, ==, 201);
  patched = sd_test_request (fixture->app->server, "PATCH", path, token,
                             "{\"status\": \"solved\"}");
  g_assert_cmpuint (patched->status, ==, 200);

  /* What the window does when it gains the focus. */
  sd_ticket_page_refresh (fixture->page);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page), body) &&
                      sd_test_has_label (GTK_WIDGET (fixture->page), "Solved"));
}

static void
test_invite (Fixture       *fixture,
             gconstpointer  data)
{
  const char *token = sd_client_get_token (sd_window_get_client (fixture->app->window));
  g_autoptr(SdTestResponse) response = NULL;
  AdwMessageDialog *dialog;

  /* It asks first, and a "Cancel" invites no one. */
  sd_test_click (GTK_WIDGET (fixture->page), "Invite agent to dashboard");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "cancel");
  sd_test_spin (100);
  response = sd_test_request (fixture->app->server, "GET", "/api/v1/invitations", token, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      sd_test_response_object (response), "invitations")), ==, 0);
  g_clear_pointer (&response, sd_test_response_free);

  sd_test_click (GTK_WIDGET (fixture->page), "Invite agent to dashboard");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "invite");

  /* Then it says until when support may come in. */
  sd_test_wait_until (has_label_prefix (GTK_WIDGET (fixture->page),
                                        "Support may open your dashboard until "));
  g_assert_null (sd_test_find (GTK_WIDGET (fixture->page), "Invite agent to dashboard",
                               GTK_TYPE_BUTTON, FALSE));
  response = sd_test_request (fixture->app->server, "GET", "/api/v1/invitations", token, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      sd_test_response_object (response), "invitations")), ==, 1);
}

static void
test_draft_survives_other_ticket (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(SdTicket) ticket = g_object_ref (sd_ticket_page_get_ticket (fixture->page));
  g_autoptr(SdTicket) other = sd_ticket_new (TICKET_ID + 1);

  gtk_text_buffer_set_text (reply_buffer (fixture), "Half a thought", -1);

  /* Going to another ticket and back brings the unsent text back. */
  sd_ticket_page_set_ticket (fixture->page, other);
  g_assert_true (reply_text_is (fixture, ""));
  sd_ticket_page_set_ticket (fixture->page, ticket);
  g_assert_true (reply_text_is (fixture, "Half a thought"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/ticket-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("shows-ticket", test_shows_ticket);
  ADD ("quote", test_quote);
  ADD ("send", test_send);
  ADD ("send-while-server-down", test_send_while_server_down);
  ADD ("refresh", test_refresh_shows_agent_reply);
  ADD ("invite", test_invite);
  ADD ("draft", test_draft_survives_other_ticket);

#undef ADD

  return g_test_run ();
}
