#include "config.h"

#include "sd-activity-watch.h"
#include "sd-test-app.h"

/*
 * The watch against the real server: what agents and the user do through
 * the API directly, as they would from elsewhere, and what the watch tells.
 */

typedef struct
{
  SdTestServer    *server;
  SdClient        *client;
  SdActivityWatch *watch;
  char            *customer;
  char            *agent;
  /* What the watch told: (ticket id, message body) pairs, and the PIN statuses. */
  GPtrArray       *replies;
  GPtrArray       *pin_uses;
} Fixture;

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
agent_replied_cb (SdActivityWatch *watch,
                  SdTicket        *ticket,
                  SdMessage       *message,
                  Fixture         *fixture)
{
  g_ptr_array_add (fixture->replies,
                   g_strdup_printf ("%" G_GINT64_FORMAT " %s", sd_ticket_get_id (ticket),
                                    sd_message_get_body (message)));
}

static void
pin_used_cb (SdActivityWatch *watch,
             SdPinStatus     *status,
             Fixture         *fixture)
{
  g_ptr_array_add (fixture->pin_uses, g_object_ref (status));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = sd_test_server_new (NULL);
  fixture->customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  fixture->replies = g_ptr_array_new_with_free_func (g_free);
  fixture->pin_uses = g_ptr_array_new_with_free_func (g_object_unref);

  fixture->client = sd_client_new (fixture->server->url);
  sd_client_sign_in_async (fixture->client, SD_TEST_CUSTOMER, SD_TEST_PASSWORD, NULL,
                           store_result_cb, &result);
  sd_test_wait_until (result != NULL);
  user = sd_client_sign_in_finish (fixture->client, result, &error);
  g_assert_no_error (error);

  fixture->watch = sd_activity_watch_new (fixture->client);
  g_assert_cmpuint (sd_activity_watch_get_interval (fixture->watch), ==,
                    SD_ACTIVITY_WATCH_INTERVAL);
  sd_activity_watch_set_interval (fixture->watch, 1);
  g_signal_connect (fixture->watch, "agent-replied", G_CALLBACK (agent_replied_cb), fixture);
  g_signal_connect (fixture->watch, "pin-used", G_CALLBACK (pin_used_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->watch);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->agent, g_free);
  g_clear_pointer (&fixture->replies, g_ptr_array_unref);
  g_clear_pointer (&fixture->pin_uses, g_ptr_array_unref);
}

static void
post (Fixture    *fixture,
      const char *token,
      const char *method,
      const char *path,
      const char *json,
      guint       status)
{
  g_autoptr(SdTestResponse) response = sd_test_request (fixture->server, method, path, token,
                                                        json);

  g_assert_cmpuint (response->status, ==, status);
}

static void
start (Fixture *fixture)
{
  sd_activity_watch_set_running (fixture->watch, TRUE);
  g_assert_true (sd_activity_watch_get_running (fixture->watch));
  sd_test_wait_until (sd_activity_watch_get_primed (fixture->watch));
}

static void
test_agent_replies (Fixture       *fixture,
                    gconstpointer  data)
{
  start (fixture);
  /* What was there before it started is not news: the demo tickets have agents' comments. */
  g_assert_cmpuint (fixture->replies->len, ==, 0);

  /* The user's own message and an event are not told; an agent's comment is. */
  post (fixture, fixture->customer, "POST", "/api/v1/tickets/3/messages",
        "{\"body\": \"Any news?\"}", 201);
  post (fixture, fixture->agent, "PATCH", "/api/v1/tickets/1", "{\"status\": \"solved\"}", 200);
  post (fixture, fixture->agent, "POST", "/api/v1/tickets/3/messages",
        "{\"body\": \"The import ran late.\"}", 201);
  sd_test_wait_until (fixture->replies->len >= 1);

  /*
   * A later look happens only once the last one is done, so once this is
   * told, whatever the looks before it found has been told too.
   */
  post (fixture, fixture->agent, "POST", "/api/v1/tickets/1/messages",
        "{\"body\": \"Solved, as far as we can see.\"}", 201);
  sd_test_wait_until (fixture->replies->len >= 2);

  g_assert_cmpuint (fixture->replies->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->replies, 0), ==, "3 The import ran late.");
  g_assert_cmpstr (g_ptr_array_index (fixture->replies, 1), ==,
                   "1 Solved, as far as we can see.");
  g_assert_cmpuint (fixture->pin_uses->len, ==, 0);
}

static void
test_new_ticket (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdTestResponse) created = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  gint64 id;

  start (fixture);

  /* A ticket the watch has never seen: its first message is the user's, the next an agent's. */
  created = sd_test_request (fixture->server, "POST", "/api/v1/tickets", fixture->customer,
                             "{\"category\": \"billing\", \"subject\": \"Refund\", "
                             "\"description\": \"I paid twice.\"}");
  g_assert_cmpuint (created->status, ==, 201);
  id = json_object_get_int_member (sd_test_response_object (created), "id");
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
  post (fixture, fixture->agent, "POST", path, "{\"body\": \"Refunded.\"}", 201);

  sd_test_wait_until (fixture->replies->len >= 1);
  g_assert_cmpuint (fixture->replies->len, ==, 1);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " Refunded.", id);
  g_assert_cmpstr (g_ptr_array_index (fixture->replies, 0), ==, expected);
}

static void
test_pin_used (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SdTestResponse) renewed = NULL;
  g_autofree char *json = NULL;
  SdPinStatus *status;
  SdUser *used_by;

  renewed = sd_test_request (fixture->server, "POST", "/api/v1/support-pin", fixture->customer,
                             NULL);
  g_assert_cmpuint (renewed->status, ==, 201);

  start (fixture);
  g_assert_cmpuint (fixture->pin_uses->len, ==, 0);

  json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}", SD_TEST_CUSTOMER,
                          json_object_get_string_member (sd_test_response_object (renewed),
                                                         "pin"));
  post (fixture, fixture->agent, "POST", "/api/v1/agent/dashboard-sessions", json, 201);

  sd_test_wait_until (fixture->pin_uses->len >= 1);
  g_assert_cmpuint (fixture->pin_uses->len, ==, 1);
  status = g_ptr_array_index (fixture->pin_uses, 0);
  g_assert_false (sd_pin_status_get_active (status));
  g_assert_nonnull (sd_pin_status_get_used_at (status));
  used_by = sd_pin_status_get_used_by (status);
  g_assert_nonnull (used_by);
  g_assert_cmpstr (sd_user_get_name (used_by), ==, "Jordan Lee");
  g_assert_cmpuint (fixture->replies->len, ==, 0);
}

static void
test_stop_forgets (Fixture       *fixture,
                   gconstpointer  data)
{
  start (fixture);

  sd_activity_watch_set_running (fixture->watch, FALSE);
  g_assert_false (sd_activity_watch_get_primed (fixture->watch));

  /* While stopped (the user was looking), a reply comes: the next start takes it as seen. */
  post (fixture, fixture->agent, "POST", "/api/v1/tickets/3/messages",
        "{\"body\": \"Seen in the window.\"}", 201);
  start (fixture);
  post (fixture, fixture->agent, "POST", "/api/v1/tickets/3/messages",
        "{\"body\": \"Not seen yet.\"}", 201);

  sd_test_wait_until (fixture->replies->len >= 1);
  g_assert_cmpuint (fixture->replies->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->replies, 0), ==, "3 Not seen yet.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/app/activity-watch/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("agent-replies", test_agent_replies);
  ADD ("new-ticket", test_new_ticket);
  ADD ("pin-used", test_pin_used);
  ADD ("stop-forgets", test_stop_forgets);

#undef ADD

  return g_test_run ();
}
