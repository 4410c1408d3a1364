#define G_LOG_DOMAIN "sd-test-idempotency"

#include "config.h"

#include "sd-test-server.h"

#include <string.h>

#define TICKET_JSON \
  "{\"category\": \"billing\", \"subject\": \"Refund\", \"description\": \"Please refund.\"}"
#define OTHER_TICKET_JSON \
  "{\"category\": \"billing\", \"subject\": \"Refund\", \"description\": \"Another text.\"}"

typedef struct
{
  SdTestServer *server;
  char         *customer;  /* customer@example.com: tickets 1–4 */
  char         *other;     /* other@example.org: ticket 5 */
  char         *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->other = sd_test_login (fixture->server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->other, g_free);
  g_clear_pointer (&fixture->agent, g_free);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* A JSON POST with an Idempotency-Key (none for NULL). */
static SdTestResponse *
post (Fixture    *fixture,
      const char *token,
      const char *path,
      const char *key,
      const char *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  const char *headers[] = { "Idempotency-Key", key, NULL };

  return sd_test_request_full (fixture->server, "POST", path, token, "application/json", body,
                               key != NULL ? headers : NULL);
}

static SdTestResponse *
get (Fixture    *fixture,
     const char *token,
     const char *path)
{
  SdTestResponse *response = sd_test_request (fixture->server, "GET", path, token, NULL);

  g_test_message ("GET %s", path);
  g_assert_cmpuint (response->status, ==, 200);

  return response;
}

/* How many tickets @token sees. */
static guint
count_tickets (Fixture    *fixture,
               const char *token)
{
  g_autoptr(SdTestResponse) response = get (fixture, token, "/api/v1/tickets?limit=100");
  JsonObject *object = sd_test_response_object (response);

  g_assert_true (json_object_get_null_member (object, "next_cursor"));

  return json_array_get_length (json_object_get_array_member (object, "tickets"));
}

static gint64
message_count (Fixture *fixture,
               gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(SdTestResponse) response = get (fixture, fixture->agent, path);

  return json_object_get_int_member (sd_test_response_object (response), "message_count");
}

static gint64
id_of (SdTestResponse *response)
{
  return json_object_get_int_member (sd_test_response_object (response), "id");
}

/* Asserts that @repeat answers exactly what @first did. */
static void
assert_same_answer (SdTestResponse *repeat,
                    SdTestResponse *first)
{
  g_assert_cmpuint (repeat->status, ==, first->status);
  g_assert_cmpstr (soup_message_headers_get_content_type (repeat->headers, NULL),
                   ==, "application/json");
  g_assert_true (g_bytes_equal (repeat->body, first->body));
}

static void
test_tickets (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SdTestResponse) first = NULL;
  g_autoptr(SdTestResponse) second = NULL;
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(SdTestResponse) third = NULL;
  g_autoptr(SdTestResponse) fourth = NULL;
  g_autofree char *new_session = NULL;
  g_autoptr(SdTestResponse) conflict = NULL;
  g_autoptr(SdTestResponse) other_endpoint = NULL;
  g_autoptr(SdTestResponse) other_user = NULL;
  g_autoptr(SdTestResponse) other_user_again = NULL;
  g_autoptr(SdTestResponse) unkeyed = NULL;
  g_autoptr(SdTestResponse) unkeyed_again = NULL;
  g_autofree char *messages_path = NULL;
  guint before = count_tickets (fixture, fixture->customer);

  first = post (fixture, fixture->customer, "/api/v1/tickets", "ticket-key-1", TICKET_JSON);
  g_assert_cmpuint (first->status, ==, 201);

  /* A retry after a lost answer creates nothing and answers the same. */
  second = post (fixture, fixture->customer, "/api/v1/tickets", "ticket-key-1", TICKET_JSON);
  assert_same_answer (second, first);
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before + 1);

  /* Even after the ticket has changed, the first answer is given unchanged. */
  messages_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                   id_of (first));
  reply = post (fixture, fixture->agent, messages_path, NULL, "{\"body\": \"Refunded.\"}");
  g_assert_cmpuint (reply->status, ==, 201);
  third = post (fixture, fixture->customer, "/api/v1/tickets", "ticket-key-1", TICKET_JSON);
  assert_same_answer (third, first);
  g_assert_cmpint (message_count (fixture, id_of (first)), ==, 2);

  /* The key is the user's, not the session's: a retry after signing in again is a retry. */
  new_session = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fourth = post (fixture, new_session, "/api/v1/tickets", "ticket-key-1", TICKET_JSON);
  assert_same_answer (fourth, first);

  /* The key cannot be reused for another request. */
  conflict = post (fixture, fixture->customer, "/api/v1/tickets", "ticket-key-1",
                   OTHER_TICKET_JSON);
  g_assert_cmpuint (conflict->status, ==, 409);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (sd_test_response_object (conflict), "error"),
                     "code"), ==, "conflict");
  other_endpoint = post (fixture, fixture->customer, "/api/v1/tickets/1/messages",
                         "ticket-key-1", "{\"body\": \"Hello\"}");
  g_assert_cmpuint (other_endpoint->status, ==, 409);
  g_assert_cmpint (message_count (fixture, 1), ==, 3);
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before + 1);

  /* Keys belong to their user: the same key is another user's own. */
  other_user = post (fixture, fixture->other, "/api/v1/tickets", "ticket-key-1", TICKET_JSON);
  g_assert_cmpuint (other_user->status, ==, 201);
  g_assert_cmpint (id_of (other_user), !=, id_of (first));
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (sd_test_response_object (other_user),
                                                    "requester"), "name"),
                   ==, "Sam Rivera");
  other_user_again = post (fixture, fixture->other, "/api/v1/tickets", "ticket-key-1",
                           TICKET_JSON);
  assert_same_answer (other_user_again, other_user);
  g_assert_cmpuint (count_tickets (fixture, fixture->other), ==, 2);
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before + 1);

  /* Without a key, every request is carried out. */
  unkeyed = post (fixture, fixture->customer, "/api/v1/tickets", NULL, TICKET_JSON);
  g_assert_cmpuint (unkeyed->status, ==, 201);
  unkeyed_again = post (fixture, fixture->customer, "/api/v1/tickets", NULL, TICKET_JSON);
  g_assert_cmpuint (unkeyed_again->status, ==, 201);
  g_assert_cmpint (id_of (unkeyed_again), !=, id_of (unkeyed));
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before + 3);
}

static void
test_messages (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SdTestResponse) first = NULL;
  g_autoptr(SdTestResponse) second = NULL;
  g_autoptr(SdTestResponse) conflict = NULL;
  g_autoptr(SdTestResponse) other_ticket = NULL;
  g_autoptr(SdTestResponse) agent = NULL;
  g_autoptr(SdTestResponse) reopen = NULL;
  g_autoptr(SdTestResponse) reopen_again = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  gint64 count_1 = message_count (fixture, 1);
  gint64 count_2 = message_count (fixture, 2);
  gint64 count_3 = message_count (fixture, 3);

  first = post (fixture, fixture->customer, "/api/v1/tickets/1/messages", "message-key",
                "{\"body\": \"Any news?\"}");
  g_assert_cmpuint (first->status, ==, 201);
  second = post (fixture, fixture->customer, "/api/v1/tickets/1/messages", "message-key",
                 "{\"body\": \"Any news?\"}");
  assert_same_answer (second, first);
  g_assert_cmpint (message_count (fixture, 1), ==, count_1 + 1);

  conflict = post (fixture, fixture->customer, "/api/v1/tickets/1/messages", "message-key",
                   "{\"body\": \"Any news at all?\"}");
  g_assert_cmpuint (conflict->status, ==, 409);
  other_ticket = post (fixture, fixture->customer, "/api/v1/tickets/3/messages", "message-key",
                       "{\"body\": \"Any news?\"}");
  g_assert_cmpuint (other_ticket->status, ==, 409);
  g_assert_cmpint (message_count (fixture, 1), ==, count_1 + 1);
  g_assert_cmpint (message_count (fixture, 3), ==, count_3);

  agent = post (fixture, fixture->agent, "/api/v1/tickets/1/messages", "message-key",
                "{\"body\": \"Any news?\"}");
  g_assert_cmpuint (agent->status, ==, 201);
  g_assert_cmpint (id_of (agent), !=, id_of (first));
  g_assert_cmpint (message_count (fixture, 1), ==, count_1 + 2);

  /* A repeated reply on a solved ticket reopens it once, with one event. */
  reopen = post (fixture, fixture->customer, "/api/v1/tickets/2/messages", "reopen-key",
                 "{\"body\": \"Still wrong.\"}");
  g_assert_cmpuint (reopen->status, ==, 201);
  reopen_again = post (fixture, fixture->customer, "/api/v1/tickets/2/messages", "reopen-key",
                       "{\"body\": \"Still wrong.\"}");
  assert_same_answer (reopen_again, reopen);
  g_assert_cmpint (message_count (fixture, 2), ==, count_2 + 2);
  ticket = get (fixture, fixture->customer, "/api/v1/tickets/2");
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                   ==, "pending");
}

static void
test_invalid_key (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *key_255 = g_strnfill (255, 'k');
  g_autofree char *key_256 = g_strnfill (256, 'k');
  const char *invalid[] = { key_256, "", "cl\xc3\xa9", "\xe2\x82\xac", "tab\there", "del\x7f",
                            "ctl\x01" };
  const char *valid[] = { key_255, "k", "with spaces inside",
                          "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" };
  guint before = count_tickets (fixture, fixture->customer);
  gint64 messages_before = message_count (fixture, 1);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(SdTestResponse) ticket = NULL;
      g_autoptr(SdTestResponse) message = NULL;

      g_test_message ("invalid key %u", i);
      ticket = post (fixture, fixture->customer, "/api/v1/tickets", invalid[i], TICKET_JSON);
      sd_test_assert_error (ticket, 400, "invalid_field", "Idempotency-Key");
      message = post (fixture, fixture->customer, "/api/v1/tickets/1/messages", invalid[i],
                      "{\"body\": \"Hello\"}");
      sd_test_assert_error (message, 400, "invalid_field", "Idempotency-Key");
    }

  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before);
  g_assert_cmpint (message_count (fixture, 1), ==, messages_before);

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(SdTestResponse) first = NULL;
      g_autoptr(SdTestResponse) again = NULL;

      g_test_message ("valid key %u", i);
      first = post (fixture, fixture->customer, "/api/v1/tickets", valid[i], TICKET_JSON);
      g_assert_cmpuint (first->status, ==, 201);
      again = post (fixture, fixture->customer, "/api/v1/tickets", valid[i], TICKET_JSON);
      assert_same_answer (again, first);
    }

  g_assert_cmpuint (count_tickets (fixture, fixture->customer),
                    ==, before + G_N_ELEMENTS (valid));
}

/*
 * docs/api.md: only successful responses are stored; a repeat of a request
 * that failed is carried out anew, so a corrected request may use its key.
 */
static void
test_failure_not_stored (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *invalid = "{\"category\": \"billing\", \"subject\": \"\", \"description\": \"x\"}";
  g_autoptr(SdTestResponse) failed = NULL;
  g_autoptr(SdTestResponse) failed_again = NULL;
  g_autoptr(SdTestResponse) corrected = NULL;
  g_autoptr(SdTestResponse) corrected_again = NULL;
  g_autoptr(SdTestResponse) old_invalid = NULL;
  g_autoptr(SdTestResponse) foreign = NULL;
  g_autoptr(SdTestResponse) message = NULL;
  guint before = count_tickets (fixture, fixture->customer);

  failed = post (fixture, fixture->customer, "/api/v1/tickets", "retry-key", invalid);
  sd_test_assert_error (failed, 400, "invalid_field", "subject");
  failed_again = post (fixture, fixture->customer, "/api/v1/tickets", "retry-key", invalid);
  sd_test_assert_error (failed_again, 400, "invalid_field", "subject");
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before);

  corrected = post (fixture, fixture->customer, "/api/v1/tickets", "retry-key", TICKET_JSON);
  g_assert_cmpuint (corrected->status, ==, 201);
  corrected_again = post (fixture, fixture->customer, "/api/v1/tickets", "retry-key",
                          TICKET_JSON);
  assert_same_answer (corrected_again, corrected);
  g_assert_cmpuint (count_tickets (fixture, fixture->customer), ==, before + 1);

  /* Now the key is taken by the request that succeeded. */
  old_invalid = post (fixture, fixture->customer, "/api/v1/tickets", "retry-key", invalid);
  g_assert_cmpuint (old_invalid->status, ==, 409);

  /* A 404 is not stored either: the key is still free. */
  foreign = post (fixture, fixture->customer, "/api/v1/tickets/5/messages", "message-retry-key",
                  "{\"body\": \"Hello\"}");
  sd_test_assert_error (foreign, 404, "not_found", NULL);
  message = post (fixture, fixture->customer, "/api/v1/tickets/1/messages", "message-retry-key",
                  "{\"body\": \"Hello\"}");
  g_assert_cmpuint (message->status, ==, 201);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/server/idempotency/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("tickets", test_tickets);
  ADD ("messages", test_messages);
  ADD ("invalid-key", test_invalid_key);
  ADD ("failure-not-stored", test_failure_not_stored);

#undef ADD

  return g_test_run ();
}
