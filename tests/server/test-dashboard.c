#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/*
 * Dashboard sessions: an agent who redeemed a PIN or an invitation sees
 * what the customer sees, and can change nothing. And invitations, the
 * PIN-less way in.
 */

#define INVITATION_LIFETIME (24 * 60 * 60)
#define DASHBOARD_LIFETIME (60 * 60)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonObject *
get_object (SdTestServer    *server,
            const char      *path,
            const char      *token,
            SdTestResponse **out_response)
{
  SdTestResponse *response = sd_test_request (server, "GET", path, token, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  *out_response = response;

  return sd_test_response_object (response);
}

static gint64
user_id (SdTestServer *server,
         const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;
  JsonObject *session = get_object (server, "/api/v1/session", token, &response);

  return json_object_get_int_member (json_object_get_object_member (session, "user"), "id");
}

/* The customer makes a PIN, the agent redeems it: the dashboard token. */
static char *
open_with_pin (SdTestServer *server,
               const char   *customer,
               const char   *email,
               const char   *agent)
{
  g_autoptr(SdTestResponse) created = NULL;
  g_autoptr(SdTestResponse) opened = NULL;
  g_autofree char *json = NULL;

  created = sd_test_request (server, "POST", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (created->status, ==, 201);
  json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}", email,
                          json_object_get_string_member (sd_test_response_object (created),
                                                         "pin"));
  opened = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent, json);
  g_assert_cmpuint (opened->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (opened), "token"));
}

static SdTestResponse *
redeem_invitation (SdTestServer *server,
                   const char   *agent,
                   gint64        id)
{
  g_autofree char *json = g_strdup_printf ("{\"invitation_id\": %" G_GINT64_FORMAT "}", id);

  return sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent, json);
}

static gint64
invite (SdTestServer *server,
        const char   *customer,
        gint64        ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/invitations",
                                           ticket_id);
  g_autoptr(SdTestResponse) response = sd_test_request (server, "POST", path, customer, NULL);

  g_assert_cmpuint (response->status, ==, 201);

  return json_object_get_int_member (sd_test_response_object (response), "id");
}

/* The same request by two users answers the same bytes. */
static void
assert_same_view (SdTestServer *server,
                  const char   *path,
                  const char   *customer,
                  const char   *dashboard)
{
  g_autoptr(SdTestResponse) theirs = sd_test_request (server, "GET", path, customer, NULL);
  g_autoptr(SdTestResponse) ours = sd_test_request (server, "GET", path, dashboard, NULL);

  g_test_message ("GET %s", path);
  g_assert_cmpuint (ours->status, ==, theirs->status);
  g_assert_true (g_bytes_equal (ours->body, theirs->body));
}

static void
test_reads (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *dashboard = open_with_pin (server, customer, SD_TEST_CUSTOMER, agent);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 customer_id = user_id (server, customer);
  gint64 agent_id = user_id (server, agent);
  JsonObject *object;
  JsonArray *tickets;
  const char *same[] = {
    "/api/v1/tickets",
    "/api/v1/tickets?status=solved",
    "/api/v1/tickets?q=firewall",
    "/api/v1/tickets/1",
    "/api/v1/tickets/1/messages",
    "/api/v1/tickets/3/messages?limit=1",
    "/api/v1/tickets/5",
    "/api/v1/tickets/5/messages",
    "/api/v1/categories",
    "/api/v1/support-pin",
    "/api/v1/access-log",
    "/api/v1/invitations",
  };

  /* The session is the customer's, held by the agent, for an hour. */
  object = get_object (server, "/api/v1/session", dashboard, &response);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "user"),
                                               "id"), ==, customer_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "user"),
                                                  "role"), ==, "customer");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                              "dashboard_agent"),
                                               "id"), ==, agent_id);
  sd_test_assert_time_near (json_object_get_string_member (object, "expires_at"),
                            now_seconds () + DASHBOARD_LIFETIME, 60);
  g_clear_pointer (&response, sd_test_response_free);

  /* The customer's organization's tickets, and no others. */
  object = get_object (server, "/api/v1/tickets?limit=100", dashboard, &response);
  tickets = json_object_get_array_member (object, "tickets");
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member (json_array_get_object_element (tickets, i), "id");
      g_hash_table_add (ids, id);
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 4);
  for (gint64 id = 1; id <= 4; id++)
    g_assert_true (g_hash_table_contains (ids, &id));
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "GET", "/api/v1/tickets/5", dashboard, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* Every read answers what the customer would get. */
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    assert_same_view (server, same[i], customer, dashboard);

  /* Attachments too, byte for byte. */
  {
    g_autoptr(SdTestResponse) messages = NULL;
    JsonArray *list;
    guint found = 0;

    object = get_object (server, "/api/v1/tickets/1/messages", customer, &messages);
    list = json_object_get_array_member (object, "messages");
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonArray *attachments = json_object_get_array_member (
          json_array_get_object_element (list, i), "attachments");

        for (guint j = 0; j < json_array_get_length (attachments); j++)
          {
            const char *url = json_object_get_string_member (
              json_array_get_object_element (attachments, j), "url");

            assert_same_view (server, url, customer, dashboard);
            found++;
          }
      }
    g_assert_cmpuint (found, >=, 1);
  }

  response = sd_test_request (server, "HEAD", "/api/v1/tickets", dashboard, NULL);
  g_assert_cmpuint (response->status, ==, 200);
}

typedef struct
{
  const char *method;
  const char *path;
  const char *json;
} Write;

static void
test_read_only (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *dashboard = open_with_pin (server, customer, SD_TEST_CUSTOMER, agent);
  gint64 invitation = invite (server, customer, 2);
  g_autofree char *revoke = g_strdup_printf ("/api/v1/invitations/%" G_GINT64_FORMAT, invitation);
  g_autofree char *new_pin = NULL;
  g_autofree char *redeem_json = NULL;
  g_autoptr(SdTestResponse) before_tickets = NULL;
  g_autoptr(SdTestResponse) before_messages = NULL;
  g_autoptr(SdTestResponse) before_pin = NULL;
  g_autoptr(SdTestResponse) before_invitations = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GBytes) file = g_bytes_new_static ("evidence", 8);
  const char * const key[] = { "Idempotency-Key", "dashboard-write", NULL };

  /* A live PIN the agent could try to redeem again through the dashboard. */
  response = sd_test_request (server, "POST", "/api/v1/support-pin", customer, NULL);
  g_assert_cmpuint (response->status, ==, 201);
  new_pin = g_strdup (json_object_get_string_member (sd_test_response_object (response), "pin"));
  g_clear_pointer (&response, sd_test_response_free);
  redeem_json = g_strdup_printf ("{\"customer_email\": \"%s\", \"pin\": \"%s\"}",
                                 SD_TEST_CUSTOMER, new_pin);

  before_tickets = sd_test_request (server, "GET", "/api/v1/tickets?limit=100", customer, NULL);
  before_messages = sd_test_request (server, "GET", "/api/v1/tickets/1/messages?limit=100",
                                     customer, NULL);
  before_pin = sd_test_request (server, "GET", "/api/v1/support-pin", customer, NULL);
  before_invitations = sd_test_request (server, "GET", "/api/v1/invitations", customer, NULL);

  {
    const Write writes[] = {
      { "POST", "/api/v1/tickets",
        "{\"category\": \"billing\", \"subject\": \"On your behalf\", \"description\": \"x\"}" },
      { "POST", "/api/v1/tickets/1/messages", "{\"body\": \"On your behalf\"}" },
      { "PATCH", "/api/v1/tickets/1", "{\"status\": \"solved\"}" },
      { "POST", "/api/v1/support-pin", NULL },
      { "DELETE", "/api/v1/support-pin", NULL },
      { "POST", "/api/v1/tickets/1/invitations", NULL },
      { "DELETE", revoke, NULL },
      { "POST", "/api/v1/agent/dashboard-sessions", redeem_json },
      { "DELETE", "/api/v1/session", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
      {
        g_autoptr(GBytes) body = NULL;

        g_test_message ("%s %s", writes[i].method, writes[i].path);
        if (writes[i].json != NULL)
          body = g_bytes_new_static (writes[i].json, strlen (writes[i].json));

        response = sd_test_request_full (server, writes[i].method, writes[i].path, dashboard,
                                         body != NULL ? "application/json" : NULL, body, key);
        sd_test_assert_error (response, 403, "forbidden", NULL);
        g_clear_pointer (&response, sd_test_response_free);
      }
  }

  /* Uploads are refused before their body is stored. */
  response = sd_test_request_full (server, "POST", "/api/v1/uploads?filename=evidence.txt",
                                   dashboard, "text/plain", file, NULL);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* Nothing changed, and the session itself lives on. */
  {
    g_autoptr(SdTestResponse) tickets = NULL;
    g_autoptr(SdTestResponse) messages = NULL;
    g_autoptr(SdTestResponse) pin = NULL;
    g_autoptr(SdTestResponse) invitations = NULL;

    tickets = sd_test_request (server, "GET", "/api/v1/tickets?limit=100", customer, NULL);
    messages = sd_test_request (server, "GET", "/api/v1/tickets/1/messages?limit=100", customer,
                                NULL);
    pin = sd_test_request (server, "GET", "/api/v1/support-pin", customer, NULL);
    invitations = sd_test_request (server, "GET", "/api/v1/invitations", customer, NULL);
    g_assert_true (g_bytes_equal (tickets->body, before_tickets->body));
    g_assert_true (g_bytes_equal (messages->body, before_messages->body));
    g_assert_true (g_bytes_equal (pin->body, before_pin->body));
    g_assert_true (g_bytes_equal (invitations->body, before_invitations->body));
    g_assert_true (json_object_get_boolean_member (sd_test_response_object (pin), "active"));
  }

  response = sd_test_request (server, "GET", "/api/v1/session", dashboard, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, sd_test_response_free);

  /* The PIN the dashboard tried to spend is still good for the agent's own
   * session. */
  response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent,
                              redeem_json);
  g_assert_cmpuint (response->status, ==, 201);
}

/* The last message of a ticket. */
static JsonObject *
last_message (SdTestServer    *server,
              const char      *token,
              gint64           ticket_id,
              SdTestResponse **out_response)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT
                                           "/messages?limit=100", ticket_id);
  JsonObject *object = get_object (server, path, token, out_response);
  JsonArray *list = json_object_get_array_member (object, "messages");

  g_assert_cmpuint (json_array_get_length (list), >, 0);

  return json_array_get_object_element (list, json_array_get_length (list) - 1);
}

static void
test_invitations (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *refusal = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) listed = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  gint64 customer_id = user_id (server, customer);
  gint64 agent_id = user_id (server, agent);
  JsonObject *object;
  JsonObject *message;
  JsonArray *entries;
  gint64 id, count_before;

  {
    g_autoptr(SdTestResponse) ticket = NULL;
    g_autofree char *with_pin = NULL;

    object = get_object (server, "/api/v1/tickets/1", customer, &ticket);
    count_before = json_object_get_int_member (object, "message_count");

    /* An earlier visit with a PIN, for the order of the access log. */
    with_pin = open_with_pin (server, customer, SD_TEST_CUSTOMER, agent);
  }

  response = sd_test_request (server, "POST", "/api/v1/tickets/1/invitations", customer, NULL);
  g_assert_cmpuint (response->status, ==, 201);
  object = sd_test_response_object (response);
  id = json_object_get_int_member (object, "id");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (json_object_get_int_member (object, "ticket_id"), ==, 1);
  sd_test_assert_time_near (json_object_get_string_member (object, "created_at"),
                            now_seconds (), 60);
  sd_test_assert_time_near (json_object_get_string_member (object, "expires_at"),
                            now_seconds () + INVITATION_LIFETIME, 60);

  /* The ticket tells the story. */
  message = last_message (server, customer, 1, &messages);
  g_assert_cmpstr (json_object_get_string_member (message, "kind"), ==, "event");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (message, "author"),
                                               "id"), ==, customer_id);
  g_assert_cmpstr (json_object_get_string_member (message, "body"), !=, "");
  g_clear_pointer (&messages, sd_test_response_free);
  {
    g_autoptr(SdTestResponse) ticket = NULL;

    object = get_object (server, "/api/v1/tickets/1", customer, &ticket);
    g_assert_cmpint (json_object_get_int_member (object, "message_count"), ==, count_before + 1);
  }

  /* And the customer's list has it, newest first. */
  {
    gint64 second = invite (server, customer, 2);
    JsonArray *invitations;

    object = get_object (server, "/api/v1/invitations", customer, &listed);
    invitations = json_object_get_array_member (object, "invitations");
    g_assert_cmpuint (json_array_get_length (invitations), ==, 2);
    object = json_array_get_object_element (invitations, 0);
    g_assert_cmpint (json_object_get_int_member (object, "id"), ==, second);
    g_assert_cmpint (json_object_get_int_member (object, "ticket_id"), ==, 2);
    object = json_array_get_object_element (invitations, 1);
    g_assert_cmpint (json_object_get_int_member (object, "id"), ==, id);
    g_assert_true (json_object_equal (object, sd_test_response_object (response)));
    g_clear_pointer (&listed, sd_test_response_free);
  }
  g_clear_pointer (&response, sd_test_response_free);

  /* Any agent may come in, without a PIN, more than once. */
  for (guint i = 0; i < 2; i++)
    {
      const char *dashboard;

      response = redeem_invitation (server, agent, id);
      g_assert_cmpuint (response->status, ==, 201);
      object = sd_test_response_object (response);
      dashboard = json_object_get_string_member (object, "token");
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                                  "customer"),
                                                   "id"), ==, customer_id);
      sd_test_assert_time_near (json_object_get_string_member (object, "expires_at"),
                                now_seconds () + DASHBOARD_LIFETIME, 60);

      /* Read-only like any dashboard session. */
      {
        g_autoptr(SdTestResponse) write = NULL;

        write = sd_test_request (server, "POST", "/api/v1/tickets/1/messages", dashboard,
                                 "{\"body\": \"hello\"}");
        sd_test_assert_error (write, 403, "forbidden", NULL);
      }
      g_clear_pointer (&response, sd_test_response_free);
    }

  /* Each visit is in the access log, newest first, naming the ticket; and
   * in the ticket. The PIN visit names none. */
  object = get_object (server, "/api/v1/access-log", customer, &response);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 2),
                                                  "via"), ==, "pin");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (entries, 2),
                                              "ticket_id"));
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "via"), ==, "invitation");
      g_assert_cmpint (json_object_get_int_member (entry, "ticket_id"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "agent"),
                                                   "id"), ==, agent_id);
      sd_test_assert_time_near (json_object_get_string_member (entry, "at"), now_seconds (), 60);
    }
  g_clear_pointer (&response, sd_test_response_free);

  message = last_message (server, customer, 1, &messages);
  g_assert_cmpstr (json_object_get_string_member (message, "kind"), ==, "event");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (message, "author"),
                                               "id"), ==, agent_id);
  g_clear_pointer (&messages, sd_test_response_free);

  /* Revoked: gone from the list, and no way in. */
  path = g_strdup_printf ("/api/v1/invitations/%" G_GINT64_FORMAT, id);
  response = sd_test_request (server, "DELETE", path, customer, NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  g_clear_pointer (&response, sd_test_response_free);

  object = get_object (server, "/api/v1/invitations", customer, &listed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "invitations")),
                    ==, 1);
  g_clear_pointer (&listed, sd_test_response_free);

  response = redeem_invitation (server, agent, id);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  refusal = g_strdup (json_object_get_string_member (
    json_object_get_object_member (sd_test_response_object (response), "error"), "message"));
  g_clear_pointer (&response, sd_test_response_free);

  /* An unknown invitation answers the same. */
  response = redeem_invitation (server, agent, 999999);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_assert_cmpstr (json_object_get_string_member (
    json_object_get_object_member (sd_test_response_object (response), "error"), "message"), ==,
                   refusal);
  g_clear_pointer (&response, sd_test_response_free);

  response = sd_test_request (server, "DELETE", path, customer, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
}

static void
test_invitation_rights (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  gint64 id = invite (server, customer, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/invitations/%" G_GINT64_FORMAT, id);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) listed = NULL;
  JsonObject *object;

  /* Agents do not invite themselves. */
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/invitations", agent, NULL);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* Another organization's ticket and invitation do not exist for them. */
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/invitations", other, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "DELETE", path, other, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "DELETE", path, agent, NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "POST", "/api/v1/tickets/999999/invitations", customer,
                              NULL);
  sd_test_assert_error (response, 404, "not_found", NULL);
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "POST", "/api/v1/tickets/1/invitations", NULL, NULL);
  sd_test_assert_error (response, 401, "unauthorized", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* Their own list does not show it; the customer's still does. */
  object = get_object (server, "/api/v1/invitations", other, &listed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "invitations")),
                    ==, 0);
  g_clear_pointer (&listed, sd_test_response_free);
  object = get_object (server, "/api/v1/invitations", customer, &listed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "invitations")),
                    ==, 1);
  g_clear_pointer (&listed, sd_test_response_free);

  /* A PIN and an invitation, or neither: which one is meant? */
  {
    g_autofree char *both = NULL;
    const char *neither[] = {
      "{}",
      "{\"customer_email\": \"customer@example.com\"}",
    };

    both = g_strdup_printf ("{\"customer_email\": \"customer@example.com\","
                            " \"pin\": \"123456789\", \"invitation_id\": %" G_GINT64_FORMAT "}",
                            id);
    response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent, both);
    g_assert_cmpuint (response->status, ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       sd_test_response_object (response), "error"), "code"), ==,
                     "invalid_field");
    g_clear_pointer (&response, sd_test_response_free);

    for (guint i = 0; i < G_N_ELEMENTS (neither); i++)
      {
        response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent,
                                    neither[i]);
        g_assert_cmpuint (response->status, ==, 400);
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                           sd_test_response_object (response), "error"), "code"), ==,
                         "invalid_field");
        g_clear_pointer (&response, sd_test_response_free);
      }
  }

  /* An id that is not an integer. */
  response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent,
                              "{\"invitation_id\": \"1\"}");
  sd_test_assert_error (response, 400, "invalid_field", "invitation_id");
  g_clear_pointer (&response, sd_test_response_free);
  response = sd_test_request (server, "POST", "/api/v1/agent/dashboard-sessions", agent,
                              "{\"invitation_id\": 1.5}");
  sd_test_assert_error (response, 400, "invalid_field", "invitation_id");
  g_clear_pointer (&response, sd_test_response_free);

  /* Customers redeem nothing. */
  response = redeem_invitation (server, customer, id);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* After all that, the invitation is intact. */
  response = redeem_invitation (server, agent, id);
  g_assert_cmpuint (response->status, ==, 201);
}

/* A second customer of Example Corp, added while the server runs. */
static char *
add_colleague (SdTestServer *server)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", server->data_dir);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                              &error, sd_test_server_binary (), "add-user", data_dir_arg,
                              "--email", "colleague@example.com", "--name", "Robin Park",
                              "--role", "customer", "--organization", "Example Corp", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, SD_TEST_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  return sd_test_login (server, "colleague@example.com", SD_TEST_PASSWORD);
}

static void
test_invitation_colleague (void)
{
  g_autoptr(SdTestServer) server = sd_test_server_new (NULL);
  g_autofree char *customer = sd_test_login (server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *colleague = add_colleague (server);
  gint64 id = invite (server, customer, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/invitations/%" G_GINT64_FORMAT, id);
  g_autoptr(SdTestResponse) response = NULL;
  gint64 colleague_id = user_id (server, colleague);
  gint64 own;

  /* A colleague sees the invitation's ticket, but may not revoke it. */
  response = sd_test_request (server, "DELETE", path, colleague, NULL);
  sd_test_assert_error (response, 403, "forbidden", NULL);
  g_clear_pointer (&response, sd_test_response_free);

  /* They invite for their own dashboard. */
  own = invite (server, colleague, 1);
  response = redeem_invitation (server, agent, own);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     sd_test_response_object (response), "customer"), "id"), ==, colleague_id);
  g_clear_pointer (&response, sd_test_response_free);

  /* The first invitation still works, for the customer who made it. */
  response = redeem_invitation (server, agent, id);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     sd_test_response_object (response), "customer"), "id"), ==,
                   user_id (server, customer));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/server/dashboard/reads", test_reads);
  g_test_add_func ("/sd/server/dashboard/read-only", test_read_only);
  g_test_add_func ("/sd/server/dashboard/invitations", test_invitations);
  g_test_add_func ("/sd/server/dashboard/invitation-rights", test_invitation_rights);
  g_test_add_func ("/sd/server/dashboard/invitation-colleague", test_invitation_colleague);

  return g_test_run ();
}
