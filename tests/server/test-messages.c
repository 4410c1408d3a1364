#define G_LOG_DOMAIN "sd-test-messages"

#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/* The demo's firewall.log, attached to the third message of ticket 1. */
#define FIREWALL_LOG_SIZE 242

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

static gint64
assert_timestamp (const char *text)
{
  g_autoptr(GDateTime) time = NULL;

  g_assert_nonnull (text);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                                       text, 0, 0));
  time = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (time);

  return g_date_time_to_unix (time);
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

/* One page of a ticket's messages; @query may be "". */
static SdTestResponse *
get_messages (Fixture    *fixture,
              const char *token,
              gint64      ticket_id,
              const char *query)
{
  g_autofree char *path = NULL;

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages%s", ticket_id, query);

  return get (fixture, token, path);
}

static JsonArray *
messages_of (SdTestResponse *response)
{
  JsonArray *messages = json_object_get_array_member (sd_test_response_object (response),
                                                      "messages");

  g_assert_nonnull (messages);

  return messages;
}

static gint64
message_id (JsonArray *messages,
            guint      index)
{
  return json_object_get_int_member (json_array_get_object_element (messages, index), "id");
}

static SdTestResponse *
post_raw (Fixture    *fixture,
          const char *token,
          gint64      ticket_id,
          const char *json)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                           ticket_id);

  return sd_test_request (fixture->server, "POST", path, token, json);
}

static SdTestResponse *
post_message (Fixture    *fixture,
              const char *token,
              gint64      ticket_id,
              const char *body)
{
  g_autofree char *body_json = sd_test_json_string (body);
  g_autofree char *json = g_strdup_printf ("{\"body\": %s}", body_json);

  return post_raw (fixture, token, ticket_id, json);
}

static gint64
message_count (Fixture *fixture,
               gint64   ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  g_autoptr(SdTestResponse) response = get (fixture, fixture->agent, path);

  return json_object_get_int_member (sd_test_response_object (response), "message_count");
}

static void
assert_author (JsonObject *message,
               const char *name,
               const char *role)
{
  JsonObject *author = json_object_get_object_member (message, "author");

  g_assert_nonnull (author);
  g_assert_cmpint (json_object_get_int_member (author, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (author, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (author, "role"), ==, role);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SdTestResponse) response = get_messages (fixture, fixture->customer, 1, "");
  g_autoptr(SdTestResponse) as_agent = get_messages (fixture, fixture->agent, 1, "");
  g_autoptr(SdTestResponse) ticket = get (fixture, fixture->customer, "/api/v1/tickets/1");
  JsonObject *object = sd_test_response_object (response);
  JsonArray *messages = messages_of (response);
  JsonArray *attachments;
  JsonObject *attachment;
  g_autofree char *url = NULL;
  const char *sha256;

  g_assert_true (json_object_get_null_member (object, "next_cursor"));
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  g_assert_cmpint (json_object_get_int_member (sd_test_response_object (ticket), "message_count"),
                   ==, 3);

  /* Oldest first; the description opens the conversation. */
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      g_assert_cmpint (json_object_get_int_member (message, "ticket_id"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (message, "kind"), ==, "comment");
      g_assert_nonnull (json_object_get_array_member (message, "attachments"));
      assert_timestamp (json_object_get_string_member (message, "created_at"));
      if (i > 0)
        {
          JsonObject *previous = json_array_get_object_element (messages, i - 1);

          g_assert_cmpint (json_object_get_int_member (message, "id"),
                           >, json_object_get_int_member (previous, "id"));
          g_assert_cmpint (assert_timestamp (json_object_get_string_member (message,
                                                                            "created_at")),
                           >=,
                           assert_timestamp (json_object_get_string_member (previous,
                                                                            "created_at")));
        }
    }

  g_assert_true (g_str_has_prefix (json_object_get_string_member (
                                     json_array_get_object_element (messages, 0), "body"),
                                   "Since Monday the update service cannot reach the server."));
  assert_author (json_array_get_object_element (messages, 0), "Alex Morgan", "customer");
  assert_author (json_array_get_object_element (messages, 1), "Jordan Lee", "agent");
  assert_author (json_array_get_object_element (messages, 2), "Alex Morgan", "customer");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2),
                                                  "body"),
                   ==, "Here is the log from this morning.");

  /* Attachments belong to their message. */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_array_get_object_element (messages, i), "attachments")), ==, 0);
  attachments = json_object_get_array_member (json_array_get_object_element (messages, 2),
                                              "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpint (json_object_get_int_member (attachment, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, "firewall.log");
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==, "text/plain");
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, FIREWALL_LOG_SIZE);
  sha256 = json_object_get_string_member (attachment, "sha256");
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{64}$", sha256, 0, 0));
  url = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT,
                         json_object_get_int_member (attachment, "id"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "url"), ==, url);

  /* Support reads the same conversation. */
  g_assert_true (json_node_equal (as_agent->json, response->json));
}

static void
test_after (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SdTestResponse) all_response = get_messages (fixture, fixture->customer, 4, "");
  JsonArray *all = messages_of (all_response);
  guint n = json_array_get_length (all);
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(SdTestResponse) news = NULL;

  g_assert_cmpuint (n, ==, 4);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *query = g_strdup_printf ("?after=%" G_GINT64_FORMAT, message_id (all, i));
      g_autoptr(SdTestResponse) response = get_messages (fixture, fixture->customer, 4, query);
      JsonArray *newer = messages_of (response);

      g_assert_cmpuint (json_array_get_length (newer), ==, n - i - 1);
      for (guint j = 0; j < json_array_get_length (newer); j++)
        g_assert_true (json_node_equal (json_array_get_element (newer, j),
                                        json_array_get_element (all, i + 1 + j)));
      g_assert_true (json_object_get_null_member (sd_test_response_object (response),
                                                  "next_cursor"));
    }

  {
    g_autoptr(SdTestResponse) from_zero = get_messages (fixture, fixture->customer, 4, "?after=0");

    g_assert_true (json_node_equal (from_zero->json, all_response->json));
  }

  /* Polling with the newest id known fetches just what is new. */
  reply = post_message (fixture, fixture->agent, 4, "Something new.");
  g_assert_cmpuint (reply->status, ==, 201);
  {
    g_autofree char *query = g_strdup_printf ("?after=%" G_GINT64_FORMAT,
                                              message_id (all, n - 1));

    news = get_messages (fixture, fixture->customer, 4, query);
  }
  g_assert_cmpuint (json_array_get_length (messages_of (news)), ==, 1);
  g_assert_true (json_node_equal (json_array_get_element (messages_of (news), 0), reply->json));
}

static void
test_pagination (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *bad_limits[] = { "0", "101", "-1", "abc", "2.0" };
  const char *bad_cursors[] = { "garbage", "AAAA", "bTox" };
  g_autoptr(SdTestResponse) all_response = NULL;
  g_autoptr(GPtrArray) walked = g_ptr_array_new_with_free_func (
    (GDestroyNotify)json_node_unref);
  g_autofree char *cursor = NULL;
  JsonArray *all;
  guint pages = 0;

  /* Ticket 4 has 4 messages; add a few more. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("Message %u", i);
      g_autoptr(SdTestResponse) reply = post_message (fixture, fixture->agent, 4, text);

      g_assert_cmpuint (reply->status, ==, 201);
    }

  all_response = get_messages (fixture, fixture->customer, 4, "");
  all = messages_of (all_response);
  g_assert_cmpuint (json_array_get_length (all), ==, 7);

  /* Two at a time: three full pages and a last one with one message. */
  do
    {
      g_autofree char *query = NULL;
      g_autoptr(SdTestResponse) response = NULL;
      JsonObject *object;
      JsonArray *page;

      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

          query = g_strdup_printf ("?limit=2&cursor=%s", escaped);
        }
      else
        {
          query = g_strdup ("?limit=2");
        }

      response = get_messages (fixture, fixture->customer, 4, query);
      object = sd_test_response_object (response);
      page = messages_of (response);
      g_assert_cmpuint (json_array_get_length (page), ==, pages < 3 ? 2 : 1);
      for (guint i = 0; i < json_array_get_length (page); i++)
        g_ptr_array_add (walked, json_node_copy (json_array_get_element (page, i)));

      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
      pages++;
    }
  while (cursor != NULL && pages < 10);

  g_assert_cmpuint (pages, ==, 4);
  g_assert_cmpuint (walked->len, ==, 7);
  for (guint i = 0; i < walked->len; i++)
    g_assert_true (json_node_equal (g_ptr_array_index (walked, i),
                                    json_array_get_element (all, i)));

  /* "after" and a cursor together: the later of the two wins. */
  {
    g_autoptr(SdTestResponse) first = get_messages (fixture, fixture->customer, 4, "?limit=1");
    const char *first_cursor = json_object_get_string_member (sd_test_response_object (first),
                                                              "next_cursor");
    g_autofree char *escaped = g_uri_escape_string (first_cursor, NULL, FALSE);
    g_autofree char *later_after = g_strdup_printf ("?after=%" G_GINT64_FORMAT "&cursor=%s",
                                                    message_id (all, 4), escaped);
    g_autofree char *earlier_after = g_strdup_printf ("?after=%" G_GINT64_FORMAT "&cursor=%s",
                                                      message_id (all, 0) - 1, escaped);
    g_autoptr(SdTestResponse) by_after = get_messages (fixture, fixture->customer, 4,
                                                       later_after);
    g_autoptr(SdTestResponse) by_cursor = get_messages (fixture, fixture->customer, 4,
                                                        earlier_after);

    g_assert_cmpuint (json_array_get_length (messages_of (by_after)), ==, 2);
    g_assert_cmpint (message_id (messages_of (by_after), 0), ==, message_id (all, 5));
    g_assert_cmpuint (json_array_get_length (messages_of (by_cursor)), ==, 6);
    g_assert_cmpint (message_id (messages_of (by_cursor), 0), ==, message_id (all, 1));
  }

  /* Without a limit, pages have 50 messages. */
  for (guint i = 7; i < 55; i++)
    {
      g_autoptr(SdTestResponse) reply = post_message (fixture, fixture->agent, 4, "More");

      g_assert_cmpuint (reply->status, ==, 201);
    }
  {
    g_autoptr(SdTestResponse) first = get_messages (fixture, fixture->customer, 4, "");
    const char *next = json_object_get_string_member (sd_test_response_object (first),
                                                      "next_cursor");
    g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);
    g_autofree char *query = g_strdup_printf ("?cursor=%s", escaped);
    g_autoptr(SdTestResponse) rest = get_messages (fixture, fixture->customer, 4, query);
    JsonArray *page = messages_of (rest);

    g_assert_cmpuint (json_array_get_length (messages_of (first)), ==, 50);
    g_assert_cmpuint (json_array_get_length (page), ==, 5);
    g_assert_cmpint (message_id (page, 0), >, message_id (messages_of (first), 49));
    g_assert_true (json_object_get_null_member (sd_test_response_object (rest), "next_cursor"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad_limits); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/4/messages?limit=%s",
                                               bad_limits[i]);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %s", path);
      response = sd_test_request (fixture->server, "GET", path, fixture->customer, NULL);
      sd_test_assert_error (response, 400, "invalid_field", "limit");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_cursors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/4/messages?cursor=%s",
                                               bad_cursors[i]);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %s", path);
      response = sd_test_request (fixture->server, "GET", path, fixture->customer, NULL);
      sd_test_assert_error (response, 400, "invalid_field", "cursor");
    }
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SdTestResponse) session = get (fixture, fixture->customer, "/api/v1/session");
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(SdTestResponse) multiline = NULL;
  g_autoptr(SdTestResponse) list = NULL;
  JsonObject *me = json_object_get_object_member (sd_test_response_object (session), "user");
  JsonObject *message, *author;
  JsonArray *messages;
  gint64 count = message_count (fixture, 3);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  reply = post_raw (fixture, fixture->customer, 3,
                    "{\"body\": \" \\n\\tThanks, that helps. \\n\", \"unknown\": true}");
  g_assert_cmpuint (reply->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL),
                   ==, "application/json");
  message = sd_test_response_object (reply);
  g_assert_cmpint (json_object_get_int_member (message, "id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (message, "ticket_id"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (message, "kind"), ==, "comment");
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==, "Thanks, that helps.");
  g_assert_cmpint (ABS (assert_timestamp (json_object_get_string_member (message, "created_at")) -
                        now), <=, 60);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (message, "attachments")),
                    ==, 0);
  author = json_object_get_object_member (message, "author");
  g_assert_cmpint (json_object_get_int_member (author, "id"),
                   ==, json_object_get_int_member (me, "id"));
  assert_author (message, "Alex Morgan", "customer");

  /* Lines inside a message are kept. */
  multiline = post_message (fixture, fixture->customer, 3, "First line\n\n  Second line\tend");
  g_assert_cmpuint (multiline->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (multiline), "body"),
                   ==, "First line\n\n  Second line\tend");

  /* Both read back as answered, at the end of the conversation. */
  list = get_messages (fixture, fixture->customer, 3, "");
  messages = messages_of (list);
  g_assert_cmpuint (json_array_get_length (messages), ==, count + 2);
  g_assert_true (json_node_equal (json_array_get_element (messages, count), reply->json));
  g_assert_true (json_node_equal (json_array_get_element (messages, count + 1), multiline->json));
  g_assert_cmpint (message_count (fixture, 3), ==, count + 2);
}

static void
test_create_invalid (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *text_65536 = sd_test_repeat ("x", 65536);
  g_autofree char *text_65537 = sd_test_repeat ("x", 65537);
  g_autofree char *accented_65537 = sd_test_repeat ("ß", 65537);
  g_autofree char *json_65537 = sd_test_json_string (text_65537);
  g_autofree char *json_accented_65537 = sd_test_json_string (accented_65537);
  g_autofree char *padded_65536 = g_strconcat ("  \n", text_65536, "\n  ", NULL);
  g_autoptr(SdTestResponse) longest = NULL;
  g_autoptr(SdTestResponse) padded = NULL;
  const char *invalid[] = { "\"\"", "\"   \"", "\" \\n\\t\\r\\n \"", "\"\\u00a0\\u3000\\u2028\"",
                            "5", "null", "false",
                            "[\"text\"]", "{\"text\": \"x\"}", json_65537, json_accented_65537 };
  gint64 count = message_count (fixture, 1);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"body\": %s}", invalid[i]);
      g_autoptr(SdTestResponse) response = post_raw (fixture, fixture->customer, 1, json);

      g_test_message ("case %u", i);
      sd_test_assert_error (response, 400, "invalid_field", "body");
    }

  {
    g_autoptr(SdTestResponse) missing = post_raw (fixture, fixture->customer, 1, "{}");

    sd_test_assert_error (missing, 400, "invalid_field", "body");
  }

  /* Nothing was written. */
  g_assert_cmpint (message_count (fixture, 1), ==, count);

  /* 65,536 characters is the limit, counted after trimming. */
  longest = post_message (fixture, fixture->customer, 1, text_65536);
  g_assert_cmpuint (longest->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (longest), "body"),
                   ==, text_65536);
  padded = post_message (fixture, fixture->customer, 1, padded_65536);
  g_assert_cmpuint (padded->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (padded), "body"),
                   ==, text_65536);
  g_assert_cmpint (message_count (fixture, 1), ==, count + 2);
}

static void
test_agent_reply (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SdTestResponse) own_org = NULL;
  g_autoptr(SdTestResponse) other_org = NULL;
  g_autoptr(SdTestResponse) seen = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  JsonArray *messages;

  /* Support answers in every organization's tickets. */
  own_org = post_message (fixture, fixture->agent, 1, "We are looking into it.");
  g_assert_cmpuint (own_org->status, ==, 201);
  assert_author (sd_test_response_object (own_org), "Jordan Lee", "agent");

  other_org = post_message (fixture, fixture->agent, 5, "Please try to reset your password.");
  g_assert_cmpuint (other_org->status, ==, 201);
  assert_author (sd_test_response_object (other_org), "Jordan Lee", "agent");
  g_assert_cmpint (json_object_get_int_member (sd_test_response_object (other_org), "ticket_id"),
                   ==, 5);

  /* The requester sees the answer; the ticket stays pending. */
  seen = get_messages (fixture, fixture->other, 5, "");
  messages = messages_of (seen);
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_true (json_node_equal (json_array_get_element (messages, 1), other_org->json));
  ticket = get (fixture, fixture->other, "/api/v1/tickets/5");
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                   ==, "pending");
  g_assert_cmpint (json_object_get_int_member (sd_test_response_object (ticket), "message_count"),
                   ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/server/messages/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("list", test_list);
  ADD ("after", test_after);
  ADD ("pagination", test_pagination);
  ADD ("create", test_create);
  ADD ("create-invalid", test_create_invalid);
  ADD ("agent-reply", test_agent_reply);

#undef ADD

  return g_test_run ();
}
