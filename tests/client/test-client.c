#define G_LOG_DOMAIN "sd-test-client"

#include "config.h"

#include "sd-client.h"
#include "sd-json.h"
#include "sd-test-client.h"

#include <glib/gstdio.h>
#include <string.h>

/*
 * Every call of SdClient against the real server: its success, and how the
 * server's refusals become SD_CLIENT_ERROR errors. What happens without a
 * server, or with a broken one, is in test-client-transport.c.
 */

typedef struct
{
  SdTestServer *server;
  SdClient     *client;  /* signed in as the customer */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

static void
assert_client_error (const GError  *error,
                     SdClientError  code,
                     guint          status)
{
  g_assert_error (error, SD_CLIENT_ERROR, (int)code);
  g_assert_cmpuint (sd_client_error_get_status (error), ==, status);
  g_assert_nonnull (error->message);
}

static SdUser *
sign_in (SdClient    *client,
         const char  *email,
         const char  *password,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_sign_in_async (client, email, password, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_sign_in_finish (client, result, error);
}

static SdTicket *
create_ticket (SdClient            *client,
               const char          *subject,
               const char * const  *uploads,
               const char          *key,
               GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_create_ticket_async (client, "billing", subject, "It does not work", uploads, key,
                                 NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_create_ticket_finish (client, result, error);
}

static SdTicket *
get_ticket (SdClient  *client,
            gint64     id,
            GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_get_ticket_async (client, id, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_get_ticket_finish (client, result, error);
}

static SdPage *
list_messages (SdClient  *client,
               gint64     ticket_id,
               gint64     after,
               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_list_messages_async (client, ticket_id, after, NULL, 0, NULL,
                                 sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_list_messages_finish (client, result, error);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  SdClient *client = sd_client_new (fixture->server->url);
  g_autoptr(SdUser) user = NULL;
  g_autoptr(SdUser) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  guint token_notified = 0;
  guint user_notified = 0;

  g_signal_connect (client, "notify::token", G_CALLBACK (count_notify_cb), &token_notified);
  g_signal_connect (client, "notify::user", G_CALLBACK (count_notify_cb), &user_notified);
  g_assert_null (sd_client_get_user (client));

  user = sign_in (client, SD_TEST_CUSTOMER, SD_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_user_get_email (user), ==, SD_TEST_CUSTOMER);
  g_assert_cmpint (sd_user_get_role (user), ==, SD_ROLE_CUSTOMER);
  g_assert_true (sd_client_get_user (client) == user);
  g_assert_cmpuint (strlen (sd_client_get_token (client)), ==, 43);
  g_assert_cmpuint (token_notified, ==, 1);
  g_assert_cmpuint (user_notified, ==, 1);
  token = g_strdup (sd_client_get_token (client));

  /* The token also works in a client of its own, which learns the user from it. */
  {
    SdClient *other = sd_client_new (fixture->server->url);

    sd_client_set_token (other, token);
    sd_client_get_session_async (other, NULL, sd_test_store_result_cb, &result);
    sd_test_wait_for_result (&result);
    again = sd_client_get_session_finish (other, result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (sd_user_get_id (again), ==, sd_user_get_id (user));
    g_assert_true (sd_client_get_user (other) == again);
    g_clear_object (&result);
    g_assert_finalize_object (other);
  }

  sd_client_sign_out_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_client_sign_out_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_null (sd_client_get_token (client));
  g_assert_null (sd_client_get_user (client));
  g_clear_object (&result);

  /* Revoked at once: the old token now answers 401. */
  sd_client_set_token (client, token);
  sd_client_get_session_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_get_session_finish (client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_UNAUTHORIZED, 401);
  g_assert_null (sd_client_error_get_field (error));
  g_assert_cmpint (sd_client_error_get_retry_after (error), ==, 0);
  g_clear_object (&result);

  g_assert_finalize_object (client);
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  SdClient *client = sd_client_new (fixture->server->url);
  g_autoptr(GError) error = NULL;

  g_assert_null (sign_in (client, SD_TEST_CUSTOMER, "not-the-password", &error));
  assert_client_error (error, SD_CLIENT_ERROR_UNAUTHORIZED, 401);
  g_assert_null (sd_client_get_token (client));
  g_assert_null (sd_client_get_user (client));

  g_assert_finalize_object (client);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  SdClient *client = sd_client_new (fixture->server->url);
  g_autoptr(GError) error = NULL;

  /* Ten failures are refused as such; from the eleventh on, the email is rate limited. */
  for (guint i = 0; i < 10; i++)
    {
      g_assert_null (sign_in (client, "nobody@example.com", "wrong-password", &error));
      assert_client_error (error, SD_CLIENT_ERROR_UNAUTHORIZED, 401);
      g_clear_error (&error);
    }

  g_assert_null (sign_in (client, "nobody@example.com", "wrong-password", &error));
  assert_client_error (error, SD_CLIENT_ERROR_RATE_LIMITED, 429);
  g_assert_cmpint (sd_client_error_get_retry_after (error), >=, 1);
  g_assert_cmpint (sd_client_error_get_retry_after (error), <=, 15 * 60);

  g_assert_finalize_object (client);
}

static void
test_categories (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const expected[] = {
    "antivirus-firewall", "data-not-captured", "billing", "installation", "account", "other",
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_list_categories_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  categories = sd_client_list_categories_finish (fixture->client, result, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (categories->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < categories->len; i++)
    g_assert_cmpstr (sd_category_get_id (g_ptr_array_index (categories, i)), ==, expected[i]);
  g_assert_cmpstr (sd_category_get_name (g_ptr_array_index (categories, 0)), ==,
                   "Antivirus / firewall");
}

static void
test_tickets (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdTicket) fetched = NULL;
  g_autoptr(SdTicketQuery) query = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  ticket = create_ticket (fixture->client, "Invoice twice in November", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_ticket_get_id (ticket), >, 0);
  g_assert_cmpstr (sd_ticket_get_subject (ticket), ==, "Invoice twice in November");
  g_assert_cmpstr (sd_ticket_get_category (ticket), ==, "billing");
  g_assert_cmpint (sd_ticket_get_status (ticket), ==, SD_TICKET_STATUS_PENDING);
  g_assert_cmpint (sd_ticket_get_message_count (ticket), ==, 1);

  fetched = get_ticket (fixture->client, sd_ticket_get_id (ticket), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_ticket_get_id (fetched), ==, sd_ticket_get_id (ticket));
  g_assert_cmpstr (sd_ticket_get_subject (fetched), ==, sd_ticket_get_subject (ticket));

  /* Keywords with characters that must be escaped in a query. */
  query = sd_ticket_query_new ("invoice twice & november", "billing", "pending");
  sd_client_list_tickets_async (fixture->client, query, NULL, 0, NULL, sd_test_store_result_cb,
                                &result);
  sd_test_wait_for_result (&result);
  page = sd_client_list_tickets_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpint (sd_ticket_get_id (g_ptr_array_index (page->items, 0)), ==,
                   sd_ticket_get_id (ticket));
  g_assert_null (page->next_cursor);
  g_clear_pointer (&page, sd_page_free);
  g_clear_object (&result);

  /* Paging: a page of one has a cursor, which leads to the next. */
  sd_client_list_tickets_async (fixture->client, NULL, NULL, 1, NULL, sd_test_store_result_cb,
                                &result);
  sd_test_wait_for_result (&result);
  page = sd_client_list_tickets_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_nonnull (page->next_cursor);
  /* Newest activity first: the ticket just made. */
  g_assert_cmpint (sd_ticket_get_id (g_ptr_array_index (page->items, 0)), ==,
                   sd_ticket_get_id (ticket));
  cursor = g_strdup (page->next_cursor);
  g_clear_pointer (&page, sd_page_free);
  g_clear_object (&result);

  sd_client_list_tickets_async (fixture->client, NULL, cursor, 1, NULL, sd_test_store_result_cb,
                                &result);
  sd_test_wait_for_result (&result);
  page = sd_client_list_tickets_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpint (sd_ticket_get_id (g_ptr_array_index (page->items, 0)), !=,
                   sd_ticket_get_id (ticket));
}

static void
test_invalid_field (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTicketQuery) query = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (create_ticket (fixture->client, "   ", NULL, NULL, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_FIELD, 400);
  g_assert_cmpstr (sd_client_error_get_field (error), ==, "subject");
  g_clear_error (&error);

  query = sd_ticket_query_new (NULL, NULL, "open");
  sd_client_list_tickets_async (fixture->client, query, NULL, 0, NULL, sd_test_store_result_cb,
                                &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_list_tickets_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_FIELD, 400);
  g_assert_cmpstr (sd_client_error_get_field (error), ==, "status");
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (get_ticket (fixture->client, 999999, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);
  g_clear_error (&error);

  g_assert_null (list_messages (fixture->client, 999999, 0, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);
}

static void
test_idempotent_create (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *key = sd_client_new_idempotency_key ();
  g_autofree char *other_key = sd_client_new_idempotency_key ();
  g_autoptr(SdTicket) first = NULL;
  g_autoptr(SdTicket) again = NULL;
  g_autoptr(SdTicket) other = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (key, !=, other_key);
  g_assert_cmpuint (strlen (key), >=, 1);
  g_assert_cmpuint (strlen (key), <=, 255);

  first = create_ticket (fixture->client, "Sent twice", NULL, key, &error);
  g_assert_no_error (error);
  again = create_ticket (fixture->client, "Sent twice", NULL, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_ticket_get_id (again), ==, sd_ticket_get_id (first));

  other = create_ticket (fixture->client, "Sent twice", NULL, other_key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_ticket_get_id (other), !=, sd_ticket_get_id (first));

  /* The same key for another request is a conflict. */
  g_assert_null (create_ticket (fixture->client, "Something else", NULL, key, &error));
  assert_client_error (error, SD_CLIENT_ERROR_CONFLICT, 409);
}

static void
test_messages (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *key = sd_client_new_idempotency_key ();
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdMessage) message = NULL;
  g_autoptr(SdMessage) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ticket_id;
  gint64 first_id;

  ticket = create_ticket (fixture->client, "Conversation", NULL, NULL, &error);
  g_assert_no_error (error);
  ticket_id = sd_ticket_get_id (ticket);

  sd_client_post_message_async (fixture->client, ticket_id, "Any news?", NULL, key, NULL,
                                sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  message = sd_client_post_message_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_message_get_ticket_id (message), ==, ticket_id);
  g_assert_cmpint (sd_message_get_kind (message), ==, SD_MESSAGE_KIND_COMMENT);
  g_assert_cmpstr (sd_message_get_body (message), ==, "Any news?");
  g_clear_object (&result);

  /* A retry with its key posts nothing new. */
  sd_client_post_message_async (fixture->client, ticket_id, "Any news?", NULL, key, NULL,
                                sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  again = sd_client_post_message_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_message_get_id (again), ==, sd_message_get_id (message));
  g_clear_object (&result);

  page = list_messages (fixture->client, ticket_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 2);
  g_assert_cmpstr (sd_message_get_body (g_ptr_array_index (page->items, 0)), ==,
                   "It does not work");
  g_assert_cmpstr (sd_message_get_body (g_ptr_array_index (page->items, 1)), ==, "Any news?");
  first_id = sd_message_get_id (g_ptr_array_index (page->items, 0));
  g_clear_pointer (&page, sd_page_free);

  page = list_messages (fixture->client, ticket_id, first_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpint (sd_message_get_id (g_ptr_array_index (page->items, 0)), ==,
                   sd_message_get_id (message));
  g_clear_pointer (&page, sd_page_free);

  sd_client_post_message_async (fixture->client, ticket_id, " \n ", NULL, NULL, NULL,
                                sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_post_message_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_FIELD, 400);
  g_assert_cmpstr (sd_client_error_get_field (error), ==, "body");
}

static void
test_ticket_status (Fixture       *fixture,
                    gconstpointer  data)
{
  SdClient *agent = sd_test_client_new (fixture->server, SD_TEST_AGENT);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdTicket) solved = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ticket = create_ticket (fixture->client, "Please close", NULL, NULL, &error);
  g_assert_no_error (error);

  /* The status is support's to change. */
  sd_client_set_ticket_status_async (fixture->client, sd_ticket_get_id (ticket),
                                     SD_TICKET_STATUS_SOLVED, NULL, sd_test_store_result_cb,
                                     &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_set_ticket_status_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_FORBIDDEN, 403);
  g_clear_error (&error);
  g_clear_object (&result);

  sd_client_set_ticket_status_async (agent, sd_ticket_get_id (ticket), SD_TICKET_STATUS_SOLVED,
                                     NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  solved = sd_client_set_ticket_status_finish (agent, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_ticket_get_status (solved), ==, SD_TICKET_STATUS_SOLVED);
  g_clear_object (&result);

  g_assert_finalize_object (agent);
}

static GPtrArray *
list_invitations (SdClient  *client,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_list_invitations_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_list_invitations_finish (client, result, error);
}

static gboolean
revoke_invitation (SdClient  *client,
                   gint64     id,
                   GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_revoke_invitation_async (client, id, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_revoke_invitation_finish (client, result, error);
}

static char *
open_dashboard (SdClient    *agent,
                const char  *email,
                const char  *pin,
                gint64       invitation_id,
                SdUser     **customer,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_open_dashboard_async (agent, email, pin, invitation_id, NULL,
                                  sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_open_dashboard_finish (agent, result, customer, error);
}

static GPtrArray *
list_access_log (SdClient  *client,
                 GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_list_access_log_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_list_access_log_finish (client, result, error);
}

static void
test_invitations (Fixture       *fixture,
                  gconstpointer  data)
{
  SdClient *agent = sd_test_client_new (fixture->server, SD_TEST_AGENT);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdInvitation) invitation = NULL;
  g_autoptr(SdUser) customer = NULL;
  g_autoptr(GPtrArray) invitations = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dashboard_token = NULL;
  SdAccessEntry *entry;

  ticket = create_ticket (fixture->client, "Look at my dashboard", NULL, NULL, &error);
  g_assert_no_error (error);

  sd_client_invite_async (fixture->client, sd_ticket_get_id (ticket), NULL,
                          sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  invitation = sd_client_invite_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_invitation_get_ticket_id (invitation), ==, sd_ticket_get_id (ticket));
  g_assert_nonnull (sd_invitation_get_expires_at (invitation));
  g_clear_object (&result);

  /* Agents cannot invite themselves. */
  sd_client_invite_async (agent, sd_ticket_get_id (ticket), NULL, sd_test_store_result_cb,
                          &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_invite_finish (agent, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_FORBIDDEN, 403);
  g_clear_error (&error);
  g_clear_object (&result);

  invitations = list_invitations (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (invitations->len, ==, 1);
  g_assert_cmpint (sd_invitation_get_id (g_ptr_array_index (invitations, 0)), ==,
                   sd_invitation_get_id (invitation));
  g_clear_pointer (&invitations, g_ptr_array_unref);

  dashboard_token = open_dashboard (agent, NULL, NULL, sd_invitation_get_id (invitation),
                                    &customer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dashboard_token);
  g_assert_cmpstr (sd_user_get_email (customer), ==, SD_TEST_CUSTOMER);
  /* The agent's own session is untouched. */
  g_assert_cmpstr (sd_client_get_token (agent), !=, dashboard_token);

  entries = list_access_log (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (sd_access_entry_get_via (entry), ==, "invitation");
  g_assert_cmpint (sd_access_entry_get_ticket_id (entry), ==, sd_ticket_get_id (ticket));
  g_assert_cmpstr (sd_user_get_name (sd_access_entry_get_agent (entry)), !=, NULL);

  g_assert_true (revoke_invitation (fixture->client, sd_invitation_get_id (invitation), &error));
  g_assert_no_error (error);
  invitations = list_invitations (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (invitations->len, ==, 0);

  g_assert_false (revoke_invitation (fixture->client, sd_invitation_get_id (invitation), &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);

  g_assert_finalize_object (agent);
}

static SdPinStatus *
get_pin (SdClient  *client,
         GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_get_pin_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_get_pin_finish (client, result, error);
}

static SdPinStatus *
renew_pin (SdClient  *client,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_renew_pin_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_renew_pin_finish (client, result, error);
}

static void
test_support_pin (Fixture       *fixture,
                  gconstpointer  data)
{
  SdClient *agent = sd_test_client_new (fixture->server, SD_TEST_AGENT);
  g_autoptr(SdPinStatus) status = NULL;
  g_autoptr(SdPinStatus) renewed = NULL;
  g_autoptr(SdUser) customer = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dashboard_token = NULL;
  const char *pin;

  status = get_pin (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (sd_pin_status_get_active (status));
  g_assert_null (sd_pin_status_get_created_at (status));
  g_clear_object (&status);

  renewed = renew_pin (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_true (sd_pin_status_get_active (renewed));
  pin = sd_pin_status_get_pin (renewed);
  g_assert_cmpuint (strlen (pin), ==, 9);
  g_assert_nonnull (sd_pin_status_get_expires_at (renewed));

  /* PINs are for customers. */
  g_assert_null (renew_pin (agent, &error));
  assert_client_error (error, SD_CLIENT_ERROR_FORBIDDEN, 403);
  g_clear_error (&error);

  status = get_pin (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_true (sd_pin_status_get_active (status));
  g_assert_null (sd_pin_status_get_pin (status));
  g_clear_object (&status);

  g_assert_null (open_dashboard (agent, SD_TEST_CUSTOMER, "000000000", 0, NULL, &error));
  assert_client_error (error, SD_CLIENT_ERROR_FORBIDDEN, 403);
  g_clear_error (&error);

  dashboard_token = open_dashboard (agent, SD_TEST_CUSTOMER, pin, 0, &customer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dashboard_token);
  g_assert_cmpstr (sd_user_get_email (customer), ==, SD_TEST_CUSTOMER);

  status = get_pin (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (sd_pin_status_get_active (status));
  g_assert_nonnull (sd_pin_status_get_used_at (status));
  g_assert_nonnull (sd_pin_status_get_used_by (status));
  g_clear_object (&status);

  entries = list_access_log (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (sd_access_entry_get_via (g_ptr_array_index (entries, 0)), ==, "pin");
  g_assert_cmpint (sd_access_entry_get_ticket_id (g_ptr_array_index (entries, 0)), ==, 0);

  g_clear_object (&renewed);
  renewed = renew_pin (fixture->client, &error);
  g_assert_no_error (error);
  sd_client_clear_pin_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_client_clear_pin_finish (fixture->client, result, &error));
  g_assert_no_error (error);

  status = get_pin (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (sd_pin_status_get_active (status));

  g_assert_finalize_object (agent);
}

/* Uploads @bytes through the fixture, as the raw API does, and returns the token. */
static char *
upload_bytes (Fixture    *fixture,
              const char *filename,
              GBytes     *bytes)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autofree char *path = g_strconcat ("/api/v1/uploads?filename=", filename, NULL);

  response = sd_test_request_full (fixture->server, "POST", path,
                                   sd_client_get_token (fixture->client),
                                   "application/octet-stream", bytes, NULL);
  g_assert_cmpuint (response->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (response), "token"));
}

static gboolean
download (SdClient      *client,
          SdAttachment  *attachment,
          GFile         *destination,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_download_async (client, attachment, destination, NULL, sd_test_store_result_cb,
                            &result);
  sd_test_wait_for_result (&result);

  return sd_client_download_finish (client, result, error);
}

static void
test_download (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(SdAttachment) missing = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GFile) elsewhere = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GListModel) attachments = NULL;
  g_autoptr(SdAttachment) attachment = NULL;
  guint8 *data_bytes;
  gsize size = 3 * 1024 * 1024 + 17;
  gsize length = 0;

  data_bytes = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    data_bytes[i] = g_rand_int_range (rand, 0, 256);
  bytes = g_bytes_new_take (data_bytes, size);

  token = upload_bytes (fixture, "data.bin", bytes);
  ticket = create_ticket (fixture->client, "With a file",
                          (const char * const[]) { token, NULL }, NULL, &error);
  g_assert_no_error (error);

  page = list_messages (fixture->client, sd_ticket_get_id (ticket), 0, &error);
  g_assert_no_error (error);
  attachments = g_object_ref (sd_message_get_attachments (g_ptr_array_index (page->items, 0)));
  g_assert_cmpuint (g_list_model_get_n_items (attachments), ==, 1);
  attachment = g_list_model_get_item (attachments, 0);
  g_assert_cmpint (sd_attachment_get_size (attachment), ==, size);

  dir = g_dir_make_tmp ("supportdesk-download-XXXXXX", &error);
  g_assert_no_error (error);
  destination = g_file_new_build_filename (dir, "data.bin", NULL);

  g_assert_true (download (fixture->client, attachment, destination, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (g_file_peek_path (destination), &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (bytes, NULL), size);
  g_clear_pointer (&contents, g_free);

  /* An existing file is replaced. */
  g_assert_true (g_file_set_contents (g_file_peek_path (destination), "old", -1, NULL));
  g_assert_true (download (fixture->client, attachment, destination, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (g_file_peek_path (destination), &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (bytes, NULL), size);
  g_clear_pointer (&contents, g_free);

  /* A failed download leaves an existing file as it was, and creates none. */
  missing = sd_attachment_new (999999, "missing.bin", "application/octet-stream", 1, "0");
  g_assert_true (g_file_set_contents (g_file_peek_path (destination), "old", -1, NULL));
  g_assert_false (download (fixture->client, missing, destination, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (g_file_peek_path (destination), &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");

  elsewhere = g_file_new_build_filename (dir, "missing.bin", NULL);
  g_assert_false (download (fixture->client, missing, elsewhere, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);
  g_assert_false (g_file_query_exists (elsewhere, NULL));

  g_unlink (g_file_peek_path (destination));
  g_rmdir (dir);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_list_categories_async (fixture->client, cancellable, sd_test_store_result_cb,
                                   &result);
  g_cancellable_cancel (cancellable);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_list_categories_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Still exactly one completion after the loop has run on. */
  sd_test_run_for (100);
}

static void
test_query (void)
{
  g_autoptr(SdTicketQuery) empty = sd_ticket_query_new ("", NULL, "");
  g_autoptr(SdTicketQuery) some = sd_ticket_query_new ("printer", "billing", NULL);
  g_autoptr(SdTicketQuery) copy = sd_ticket_query_copy (some);

  g_assert_null (empty->q);
  g_assert_null (empty->status);
  g_assert_true (sd_ticket_query_equal (empty, NULL));
  g_assert_true (sd_ticket_query_equal (some, copy));
  g_assert_false (sd_ticket_query_equal (some, empty));
  g_assert_cmpstr (copy->q, ==, "printer");
  g_assert_cmpstr (copy->category, ==, "billing");
  g_assert_true (G_TYPE_IS_BOXED (SD_TYPE_TICKET_QUERY));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("sign-in", test_sign_in);
  ADD ("wrong-password", test_wrong_password);
  ADD ("rate-limited", test_rate_limited);
  ADD ("categories", test_categories);
  ADD ("tickets", test_tickets);
  ADD ("invalid-field", test_invalid_field);
  ADD ("not-found", test_not_found);
  ADD ("idempotent-create", test_idempotent_create);
  ADD ("messages", test_messages);
  ADD ("ticket-status", test_ticket_status);
  ADD ("invitations", test_invitations);
  ADD ("support-pin", test_support_pin);
  ADD ("download", test_download);
  ADD ("cancelled", test_cancelled);

#undef ADD

  g_test_add_func ("/sd/client/query", test_query);

  return g_test_run ();
}
