#define G_LOG_DOMAIN "sd-test-tickets"

#include "config.h"

#include "sd-test-server.h"

#include <sqlite3.h>
#include <string.h>

typedef struct
{
  SdTestServer *server;
  char         *customer;  /* customer@example.com: tickets 1–4 */
  char         *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->customer, g_free);
  g_clear_pointer (&fixture->agent, g_free);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/*
 * A ticket body from raw JSON values; NULL leaves the member out.
 */
static char *
ticket_json (const char *category,
             const char *subject,
             const char *description)
{
  g_autoptr(GString) json = g_string_new ("{\"unknown_member\": [1, 2]");

  if (category != NULL)
    g_string_append_printf (json, ", \"category\": %s", category);
  if (subject != NULL)
    g_string_append_printf (json, ", \"subject\": %s", subject);
  if (description != NULL)
    g_string_append_printf (json, ", \"description\": %s", description);
  g_string_append (json, "}");

  return g_string_free (g_steal_pointer (&json), FALSE);
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

static gint64
create_ticket (Fixture    *fixture,
               const char *token,
               const char *category,
               const char *subject,
               const char *description)
{
  g_autofree char *subject_json = sd_test_json_string (subject);
  g_autofree char *description_json = sd_test_json_string (description);
  g_autofree char *category_json = sd_test_json_string (category);
  g_autofree char *json = ticket_json (category_json, subject_json, description_json);
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (fixture->server, "POST", "/api/v1/tickets", token, json);
  g_assert_cmpuint (response->status, ==, 201);

  return json_object_get_int_member (sd_test_response_object (response), "id");
}

static SdTestResponse *
post_message (Fixture    *fixture,
              const char *token,
              gint64      ticket_id,
              const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                           ticket_id);
  g_autofree char *body_json = sd_test_json_string (body);
  g_autofree char *json = g_strdup_printf ("{\"body\": %s}", body_json);

  return sd_test_request (fixture->server, "POST", path, token, json);
}

static SdTestResponse *
get_ticket (Fixture    *fixture,
            const char *token,
            gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);

  return get (fixture, token, path);
}

static JsonArray *
ticket_messages (Fixture        *fixture,
                 gint64          id,
                 SdTestResponse **out_response)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);

  *out_response = get (fixture, fixture->agent, path);

  return json_object_get_array_member (sd_test_response_object (*out_response), "messages");
}

static guint
count_messages (Fixture *fixture,
                gint64   id)
{
  g_autoptr(SdTestResponse) response = NULL;

  return json_array_get_length (ticket_messages (fixture, id, &response));
}

/* The ids of the one page that @query lists; asserts that there is no next page. */
static GArray *
list_ids (Fixture    *fixture,
          const char *token,
          const char *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/tickets", query, NULL);
  g_autoptr(SdTestResponse) response = get (fixture, token, path);
  JsonObject *object = sd_test_response_object (response);
  JsonArray *tickets = json_object_get_array_member (object, "tickets");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_nonnull (tickets);
  g_assert_true (json_object_has_member (object, "next_cursor"));
  g_assert_true (json_object_get_null_member (object, "next_cursor"));

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (tickets, i), "id");

      g_array_append_val (ids, id);
    }

  return ids;
}

/* Asserts that @query lists exactly @expected (-1 terminated), in this order. */
static void
assert_list (Fixture      *fixture,
             const char   *token,
             const char   *query,
             const gint64 *expected)
{
  g_autoptr(GArray) ids = list_ids (fixture, token, query);
  guint n = 0;

  while (expected[n] >= 0)
    n++;

  g_test_message ("list %s", query);
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), expected, n * sizeof (gint64));
}

static char *
search_query (const char *q,
              const char *more)
{
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);

  return g_strdup_printf ("?q=%s%s", escaped, more != NULL ? more : "");
}

static void
assert_search (Fixture      *fixture,
               const char   *token,
               const char   *q,
               const char   *more,
               const gint64 *expected)
{
  g_autofree char *query = search_query (q, more);

  assert_list (fixture, token, query, expected);
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SdTestResponse) session = get (fixture, fixture->customer, "/api/v1/session");
  g_autoptr(SdTestResponse) created = NULL;
  g_autoptr(SdTestResponse) fetched = NULL;
  g_autoptr(SdTestResponse) messages_response = NULL;
  g_autoptr(GArray) ids = NULL;
  JsonObject *me = json_object_get_object_member (sd_test_response_object (session), "user");
  JsonObject *ticket, *requester, *message, *author;
  JsonArray *messages;
  gint64 id, created_at;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  created = sd_test_request (fixture->server, "POST", "/api/v1/tickets", fixture->customer,
                             "{\"category\": \"billing\","
                             " \"subject\": \"  \\tCharged twice in November \",\n"
                             " \"description\": \"\\n  We were charged twice.\\n\\n"
                             "Invoice 1 and invoice 2.  \\n\"}");
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_content_type (created->headers, NULL),
                   ==, "application/json");
  ticket = sd_test_response_object (created);

  id = json_object_get_int_member (ticket, "id");
  g_assert_cmpint (id, >, 5);
  g_assert_cmpstr (json_object_get_string_member (ticket, "subject"),
                   ==, "Charged twice in November");
  g_assert_cmpstr (json_object_get_string_member (ticket, "category"), ==, "billing");
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "pending");
  requester = json_object_get_object_member (ticket, "requester");
  g_assert_cmpint (json_object_get_int_member (requester, "id"),
                   ==, json_object_get_int_member (me, "id"));
  g_assert_cmpstr (json_object_get_string_member (requester, "name"), ==, "Alex Morgan");
  g_assert_cmpint (json_object_get_int_member (ticket, "message_count"), ==, 1);
  created_at = assert_timestamp (json_object_get_string_member (ticket, "created_at"));
  g_assert_cmpint (ABS (created_at - now), <=, 60);
  g_assert_cmpstr (json_object_get_string_member (ticket, "updated_at"),
                   ==, json_object_get_string_member (ticket, "created_at"));
  g_assert_cmpstr (json_object_get_string_member (ticket, "last_message_at"),
                   ==, json_object_get_string_member (ticket, "created_at"));

  /* The ticket reads back as it was answered. */
  fetched = get_ticket (fixture, fixture->customer, id);
  g_assert_true (json_node_equal (fetched->json, created->json));

  /* Its description is the first message of the conversation. */
  messages = ticket_messages (fixture, id, &messages_response);
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  message = json_array_get_object_element (messages, 0);
  g_assert_cmpint (json_object_get_int_member (message, "id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (message, "ticket_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (message, "kind"), ==, "comment");
  g_assert_cmpstr (json_object_get_string_member (message, "body"),
                   ==, "We were charged twice.\n\nInvoice 1 and invoice 2.");
  g_assert_cmpstr (json_object_get_string_member (message, "created_at"),
                   ==, json_object_get_string_member (ticket, "created_at"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (message, "attachments")),
                    ==, 0);
  author = json_object_get_object_member (message, "author");
  g_assert_cmpint (json_object_get_int_member (author, "id"),
                   ==, json_object_get_int_member (me, "id"));
  g_assert_cmpstr (json_object_get_string_member (author, "name"), ==, "Alex Morgan");
  g_assert_cmpstr (json_object_get_string_member (author, "role"), ==, "customer");

  /* The newest activity comes first. */
  ids = list_ids (fixture, fixture->customer, "");
  g_assert_cmpuint (ids->len, ==, 5);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id);

  /* Agents may open tickets too. */
  g_assert_cmpint (create_ticket (fixture, fixture->agent, "other", "Internal check", "Body"),
                   >, id);
}

static void
test_create_invalid (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *long_201 = sd_test_repeat ("a", 201);
  g_autofree char *long_201_accented = sd_test_repeat ("é", 201);
  g_autofree char *text_65537 = sd_test_repeat ("x", 65537);
  g_autofree char *json_201 = sd_test_json_string (long_201);
  g_autofree char *json_201_accented = sd_test_json_string (long_201_accented);
  g_autofree char *json_65537 = sd_test_json_string (text_65537);
  const struct {
    const char *category;
    const char *subject;
    const char *description;
    const char *field;
  } cases[] = {
    { "\"billing\"", NULL, "\"Text\"", "subject" },
    { "\"billing\"", "null", "\"Text\"", "subject" },
    { "\"billing\"", "5", "\"Text\"", "subject" },
    { "\"billing\"", "[\"Subject\"]", "\"Text\"", "subject" },
    { "\"billing\"", "\"\"", "\"Text\"", "subject" },
    { "\"billing\"", "\" \\t \\n \"", "\"Text\"", "subject" },
    { "\"billing\"", json_201, "\"Text\"", "subject" },
    { "\"billing\"", json_201_accented, "\"Text\"", "subject" },
    { "\"billing\"", "\"First line\\nsecond line\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"First line\\rsecond line\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"Tab\\tinside\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"Next line\\u0085inside\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"Line separator\\u2028inside\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"Paragraph separator\\u2029inside\"", "\"Text\"", "subject" },
    /* White space is white space in every script. */
    { "\"billing\"", "\"\\u00a0\\u3000\\u2003\"", "\"Text\"", "subject" },
    { "\"billing\"", "\"Subject\"", NULL, "description" },
    { "\"billing\"", "\"Subject\"", "true", "description" },
    { "\"billing\"", "\"Subject\"", "{}", "description" },
    { "\"billing\"", "\"Subject\"", "\"\"", "description" },
    { "\"billing\"", "\"Subject\"", "\"  \\n\\t\\r\\n  \"", "description" },
    { "\"billing\"", "\"Subject\"", "\"\\u00a0\\n\\u3000\\u2028\"", "description" },
    { "\"billing\"", "\"Subject\"", json_65537, "description" },
    { NULL, "\"Subject\"", "\"Text\"", "category" },
    { "7", "\"Subject\"", "\"Text\"", "category" },
    { "\"\"", "\"Subject\"", "\"Text\"", "category" },
    { "\"no-such-category\"", "\"Subject\"", "\"Text\"", "category" },
    { "\"Billing\"", "\"Subject\"", "\"Text\"", "category" },
  };
  g_autoptr(GArray) before = list_ids (fixture, fixture->agent, "");
  g_autoptr(GArray) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = ticket_json (cases[i].category, cases[i].subject,
                                           cases[i].description);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("case %u: field %s", i, cases[i].field);
      response = sd_test_request (fixture->server, "POST", "/api/v1/tickets", fixture->customer,
                                  json);
      sd_test_assert_error (response, 400, "invalid_field", cases[i].field);
    }

  /* A refused ticket leaves nothing behind. */
  after = list_ids (fixture, fixture->agent, "");
  g_assert_cmpmem (after->data, after->len * sizeof (gint64),
                   before->data, before->len * sizeof (gint64));
}

static void
test_create_limits (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *subject_200 = sd_test_repeat ("a", 200);
  g_autofree char *subject_200_accented = sd_test_repeat ("é", 200);
  g_autofree char *subject_200_emoji = sd_test_repeat ("\xf0\x9f\x98\x80", 200);
  g_autofree char *subject_200_padded = g_strconcat ("  ", subject_200, " \t", NULL);
  g_autofree char *subject_200_wide_padded = g_strconcat ("\u3000\u00a0", subject_200, "\u2003",
                                                          NULL);
  g_autofree char *description_65536 = sd_test_repeat ("x", 65536);
  g_autofree char *description_65536_accented = sd_test_repeat ("ü", 65536);
  g_autofree char *description_65536_padded = g_strconcat ("\n  ", description_65536, "  \n",
                                                           NULL);
  const struct {
    const char *subject;
    const char *description;
    const char *stored_subject;
  } cases[] = {
    { subject_200, "Text", subject_200 },
    { subject_200_accented, "Text", subject_200_accented },
    { subject_200_emoji, "Text", subject_200_emoji },
    { subject_200_padded, "Text", subject_200 },
    { subject_200_wide_padded, "Text", subject_200 },
    { "\u00a0Non-breaking\u00a0spaces\u00a0", "Text", "Non-breaking\u00a0spaces" },
    { "S", description_65536, "S" },
    { "Ü", description_65536_accented, "Ü" },
    { "P", description_65536_padded, "P" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 id;
      g_autoptr(SdTestResponse) ticket = NULL;
      g_autoptr(SdTestResponse) messages_response = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (cases[i].description));
      JsonArray *messages;
      const char *body;

      g_test_message ("case %u", i);
      id = create_ticket (fixture, fixture->customer, "account", cases[i].subject,
                          cases[i].description);
      ticket = get_ticket (fixture, fixture->customer, id);
      g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "subject"),
                       ==, cases[i].stored_subject);

      messages = ticket_messages (fixture, id, &messages_response);
      body = json_object_get_string_member (json_array_get_object_element (messages, 0), "body");
      g_assert_cmpstr (body, ==, trimmed);
    }
}

static void
test_list_order (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdTestResponse) response = get (fixture, fixture->agent, "/api/v1/tickets");
  JsonObject *object = sd_test_response_object (response);
  JsonArray *tickets = json_object_get_array_member (object, "tickets");
  g_autoptr(GArray) customer_ids = list_ids (fixture, fixture->customer, "");
  g_autoptr(GArray) ids = NULL;
  gint64 first, second;

  g_assert_cmpuint (json_array_get_length (tickets), ==, 5);
  g_assert_true (json_object_get_null_member (object, "next_cursor"));

  /* Newest activity first, ties broken by id. */
  for (guint i = 1; i < json_array_get_length (tickets); i++)
    {
      JsonObject *newer = json_array_get_object_element (tickets, i - 1);
      JsonObject *older = json_array_get_object_element (tickets, i);
      gint64 newer_at = assert_timestamp (json_object_get_string_member (newer, "updated_at"));
      gint64 older_at = assert_timestamp (json_object_get_string_member (older, "updated_at"));

      g_assert_cmpint (newer_at, >=, older_at);
      if (newer_at == older_at)
        g_assert_cmpint (json_object_get_int_member (newer, "id"),
                         >, json_object_get_int_member (older, "id"));
    }

  /* Each entry is the ticket as it reads on its own. */
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonNode *entry = json_array_get_element (tickets, i);
      g_autoptr(SdTestResponse) ticket = NULL;

      ticket = get_ticket (fixture, fixture->agent,
                           json_object_get_int_member (json_node_get_object (entry), "id"));
      g_assert_true (json_node_equal (entry, ticket->json));
    }

  g_assert_cmpuint (customer_ids->len, ==, 4);

  /* Even when created in the same second, the later one is listed first. */
  first = create_ticket (fixture, fixture->customer, "billing", "First", "One");
  second = create_ticket (fixture, fixture->customer, "billing", "Second", "Two");
  ids = list_ids (fixture, fixture->customer, "");
  g_assert_cmpuint (ids->len, ==, 6);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, second);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, first);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  const gint64 pending[] = { 3, 1, -1 };
  const gint64 solved[] = { 2, 4, -1 };
  const gint64 agent_pending[] = { 3, 5, 1, -1 };
  const gint64 billing[] = { 2, -1 };
  const gint64 firewall[] = { 1, -1 };
  const gint64 none[] = { -1 };
  g_autoptr(GArray) all = list_ids (fixture, fixture->customer, "");
  g_autoptr(GArray) empty_status = list_ids (fixture, fixture->customer, "?status=&category=&q=");
  const struct {
    const char *query;
    const char *field;
  } invalid[] = {
    { "?status=open", "status" },
    { "?status=Pending", "status" },
    { "?status=pending,solved", "status" },
    { "?category=nope", "category" },
    { "?category=BILLING", "category" },
    { "?status=pending&category=nope", "category" },
  };

  /* The demo's order: 3 (6 h ago), 1 (2 days), 2 (5 days), 4 (12 days). */
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpmem (all->data, all->len * sizeof (gint64),
                   empty_status->data, empty_status->len * sizeof (gint64));

  assert_list (fixture, fixture->customer, "?status=pending", pending);
  assert_list (fixture, fixture->customer, "?status=solved", solved);
  assert_list (fixture, fixture->agent, "?status=pending", agent_pending);
  assert_list (fixture, fixture->customer, "?category=billing", billing);
  assert_list (fixture, fixture->customer, "?category=antivirus-firewall", firewall);
  assert_list (fixture, fixture->customer, "?category=other", none);

  /* Filters combine. */
  assert_list (fixture, fixture->customer, "?status=solved&category=billing", billing);
  assert_list (fixture, fixture->customer, "?status=pending&category=billing", none);
  assert_list (fixture, fixture->customer, "?status=pending&category=antivirus-firewall",
               firewall);
  assert_list (fixture, fixture->customer, "?status=solved&category=antivirus-firewall", none);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/tickets", invalid[i].query, NULL);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %s", path);
      response = sd_test_request (fixture->server, "GET", path, fixture->customer, NULL);
      sd_test_assert_error (response, 400, "invalid_field", invalid[i].field);
    }
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  const gint64 ticket_1[] = { 1, -1 };
  const gint64 ticket_2[] = { 2, -1 };
  const gint64 ticket_4[] = { 4, -1 };
  const gint64 none[] = { -1 };
  gint64 fresh;
  g_autoptr(SdTestResponse) reply = NULL;

  /* A word of the subject, in any case. */
  assert_search (fixture, fixture->customer, "firewall", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "FIREWALL", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "  Firewall   UPDATE ", NULL, ticket_1);

  /* Every word must match, across the subject and all the messages. */
  assert_search (fixture, fixture->customer, "firewall invoice", NULL, none);
  assert_search (fixture, fixture->customer, "firewall morning", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "vat corrected", NULL, ticket_2);

  /* Words found only in later messages, written by the customer or by support. */
  assert_search (fixture, fixture->customer, "log from this morning", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "administrator", NULL, ticket_4);

  /* The last word is a prefix, for search as you type. */
  assert_search (fixture, fixture->customer, "instal", NULL, ticket_4);
  assert_search (fixture, fixture->customer, "stops administ", NULL, ticket_4);
  assert_search (fixture, fixture->customer, "v", "&category=billing", ticket_2);
  assert_search (fixture, fixture->customer, "zzzz", NULL, none);
  /* Words before the last one are whole words. */
  assert_search (fixture, fixture->customer, "instal stops", NULL, none);

  /* What people type is words, never query syntax. */
  assert_search (fixture, fixture->customer, "firewall OR invoice", NULL, none);
  assert_search (fixture, fixture->customer, "firewall NOT update", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "\"firewall\"", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "(firewall) \"update", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "fire*", NULL, ticket_1);
  assert_search (fixture, fixture->customer, "firewall NEAR(update", NULL, none);

  /* Combined with the other filters. */
  assert_search (fixture, fixture->customer, "firewall", "&status=pending", ticket_1);
  assert_search (fixture, fixture->customer, "firewall", "&status=solved", none);
  assert_search (fixture, fixture->customer, "invoice", "&category=billing&status=solved",
                 ticket_2);
  assert_search (fixture, fixture->customer, "invoice", "&category=account", none);

  /* New tickets and new messages are searchable at once. */
  fresh = create_ticket (fixture, fixture->customer, "other", "Café machine", "It is broken.");
  {
    const gint64 expected[] = { fresh, -1 };

    assert_search (fixture, fixture->customer, "café", NULL, expected);
    assert_search (fixture, fixture->customer, "CAFE", NULL, expected);
    assert_search (fixture, fixture->customer, "CAFÉ machi", NULL, expected);
    assert_search (fixture, fixture->customer, "machine broken", NULL, expected);
    assert_search (fixture, fixture->customer, "kettle", NULL, none);

    reply = post_message (fixture, fixture->agent, fresh, "Have you tried the kettle instead?");
    g_assert_cmpuint (reply->status, ==, 201);
    assert_search (fixture, fixture->customer, "KETTLE café", NULL, expected);
    assert_search (fixture, fixture->agent, "kettle", NULL, expected);
  }
}

/* Walks the whole list @query pages of @limit and returns the ids. */
static GArray *
walk (Fixture    *fixture,
      const char *token,
      const char *query,
      guint       limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(SdTestResponse) response = NULL;
      JsonObject *object;
      JsonArray *tickets;

      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

          path = g_strdup_printf ("/api/v1/tickets?limit=%u%s&cursor=%s", limit, query, escaped);
        }
      else
        {
          path = g_strdup_printf ("/api/v1/tickets?limit=%u%s", limit, query);
        }

      response = get (fixture, token, path);
      object = sd_test_response_object (response);
      tickets = json_object_get_array_member (object, "tickets");
      g_assert_cmpuint (json_array_get_length (tickets), <=, limit);

      for (guint i = 0; i < json_array_get_length (tickets); i++)
        {
          JsonObject *ticket = json_array_get_object_element (tickets, i);
          gint64 id = json_object_get_int_member (ticket, "id");

          g_array_append_val (ids, id);
        }

      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        {
          cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
          g_assert_nonnull (cursor);
          g_assert_cmpstr (cursor, !=, "");
          /* A page that has a next one is full. */
          g_assert_cmpuint (json_array_get_length (tickets), ==, limit);
        }

      g_assert_cmpuint (++pages, <, 100);
    }
  while (cursor != NULL);

  return ids;
}

static void
test_pagination (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *bad_limits[] = { "0", "101", "-1", "abc", "1.5", "1e1", "+5", " 5", "5x",
                               "99999999999999999999" };
  const char *bad_cursors[] = { "garbage", "AAAA", "eyJpZCI6MX0", "null" };
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) search = NULL;

  /* Several tickets with the same activity second test the tie-breaking. */
  for (guint i = 0; i < 4; i++)
    create_ticket (fixture, i % 2 == 0 ? fixture->customer : fixture->agent, "billing",
                   "Paging test", "Many tickets at once");

  all = list_ids (fixture, fixture->agent, "");
  g_assert_cmpuint (all->len, ==, 9);

  for (guint limit = 1; limit <= 4; limit++)
    {
      g_autoptr(GArray) walked = walk (fixture, fixture->agent, "", limit);

      g_test_message ("walk with limit %u", limit);
      g_assert_cmpmem (walked->data, walked->len * sizeof (gint64),
                       all->data, all->len * sizeof (gint64));
    }

  /* With filters, and with a customer's view. */
  search = list_ids (fixture, fixture->customer, "?q=paging&category=billing");
  g_assert_cmpuint (search->len, ==, 2);
  {
    g_autoptr(GArray) walked = walk (fixture, fixture->customer, "&q=paging&category=billing", 1);
    g_autoptr(GArray) customer = list_ids (fixture, fixture->customer, "");
    g_autoptr(GArray) customer_walked = walk (fixture, fixture->customer, "", 1);

    g_assert_cmpmem (walked->data, walked->len * sizeof (gint64),
                     search->data, search->len * sizeof (gint64));
    g_assert_cmpmem (customer_walked->data, customer_walked->len * sizeof (gint64),
                     customer->data, customer->len * sizeof (gint64));
  }

  {
    g_autoptr(GArray) hundred = walk (fixture, fixture->agent, "", 100);

    g_assert_cmpuint (hundred->len, ==, 9);
  }

  /* Without a limit, pages have 50 tickets. */
  for (guint i = 0; i < 46; i++)
    create_ticket (fixture, fixture->agent, "other", "Bulk", "Bulk ticket");
  {
    g_autoptr(SdTestResponse) response = get (fixture, fixture->agent, "/api/v1/tickets");
    JsonObject *object = sd_test_response_object (response);
    g_autoptr(GArray) walked = walk (fixture, fixture->agent, "", 50);
    g_autoptr(GArray) hundred = walk (fixture, fixture->agent, "", 100);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "tickets")),
                      ==, 50);
    g_assert_false (json_object_get_null_member (object, "next_cursor"));
    g_assert_cmpuint (walked->len, ==, 55);
    g_assert_cmpuint (hundred->len, ==, 55);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad_limits); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (bad_limits[i], NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets?limit=%s", escaped);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %s", path);
      response = sd_test_request (fixture->server, "GET", path, fixture->agent, NULL);
      sd_test_assert_error (response, 400, "invalid_field", "limit");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_cursors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets?cursor=%s", bad_cursors[i]);
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("GET %s", path);
      response = sd_test_request (fixture->server, "GET", path, fixture->agent, NULL);
      sd_test_assert_error (response, 400, "invalid_field", "cursor");
    }
}

/* The ids of @all (in its order) that are in @some. */
static GArray *
ids_among (GArray *all,
           GArray *some)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < all->len; i++)
    for (guint j = 0; j < some->len; j++)
      if (g_array_index (all, gint64, i) == g_array_index (some, gint64, j))
        {
          g_array_append_val (ids, g_array_index (all, gint64, i));
          break;
        }

  return ids;
}

static void
assert_same_ids (GArray *ids,
                 GArray *expected)
{
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64),
                   expected->data, expected->len * sizeof (gint64));
}

/*
 * A word that many tickets hold (more than a thousand: the server walks the
 * tickets newest first) and one that a few hold (it looks them up by id and
 * sorts them) are answered in the same order, with the same pages, as the
 * list without a search.
 */
static void
test_search_many_and_few (Fixture       *fixture,
                          gconstpointer  data)
{
  const guint n_tickets = 1050;
  g_autoptr(GArray) scanner = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) toner = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) billing = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) customer_all = NULL;
  g_autoptr(GArray) agent_all = NULL;

  for (guint i = 0; i < n_tickets; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Scanner %u stops", i);
      const char *category = i % 4 == 3 ? "billing" : "installation";
      gboolean rare = i % 150 == 7;
      gint64 id;

      id = create_ticket (fixture, fixture->customer, category, subject,
                          rare ? "The toner light blinks." : "It jams on page two.");
      g_array_append_val (scanner, id);
      if (rare)
        g_array_append_val (toner, id);
      if (i % 4 == 3)
        g_array_append_val (billing, id);
    }

  /* Newer activity on older tickets, so that the order is not the order of ids. */
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
  for (guint i = 0; i < toner->len; i += 2)
    {
      g_autoptr(SdTestResponse) reply = NULL;

      reply = post_message (fixture, fixture->customer, g_array_index (toner, gint64, i),
                            "Still blinking after a new cartridge.");
      g_assert_cmpuint (reply->status, ==, 201);
    }
  {
    g_autoptr(SdTestResponse) reply = NULL;

    reply = post_message (fixture, fixture->customer, g_array_index (scanner, gint64, 10),
                          "Any news?");
    g_assert_cmpuint (reply->status, ==, 201);
  }

  customer_all = walk (fixture, fixture->customer, "", 100);
  agent_all = walk (fixture, fixture->agent, "", 100);
  g_assert_cmpuint (customer_all->len, >, n_tickets);

  /* Many hits. */
  {
    g_autoptr(GArray) expected = ids_among (customer_all, scanner);
    g_autoptr(GArray) walked = walk (fixture, fixture->customer, "&q=scanner", 100);
    g_autoptr(GArray) agent_expected = ids_among (agent_all, scanner);
    g_autoptr(GArray) agent_walked = walk (fixture, fixture->agent, "&q=SCAN", 100);
    g_autoptr(GArray) billing_expected = ids_among (customer_all, billing);
    g_autoptr(GArray) billing_walked = walk (fixture, fixture->customer,
                                             "&q=scanner%20stops&category=billing", 50);

    g_assert_cmpuint (expected->len, ==, n_tickets);
    assert_same_ids (walked, expected);
    assert_same_ids (agent_walked, agent_expected);
    assert_same_ids (billing_walked, billing_expected);
  }

  /* Few hits, one page or several. */
  {
    g_autoptr(GArray) expected = ids_among (customer_all, toner);
    g_autoptr(GArray) listed = list_ids (fixture, fixture->customer, "?q=toner");
    g_autoptr(GArray) walked = walk (fixture, fixture->customer, "&q=toner", 2);
    g_autoptr(GArray) agent_expected = ids_among (agent_all, toner);
    g_autoptr(GArray) agent_walked = walk (fixture, fixture->agent, "&q=scanner%20ton", 3);
    g_autoptr(GArray) billing_expected = NULL;
    g_autoptr(GArray) billing_walked = walk (fixture, fixture->customer,
                                             "&q=blink&category=billing&status=pending", 1);

    g_assert_cmpuint (expected->len, ==, toner->len);
    /* The tickets with the newest messages come first, not the highest ids. */
    {
      gboolean by_id = TRUE;

      for (guint i = 1; i < expected->len; i++)
        by_id = by_id && g_array_index (expected, gint64, i - 1) > g_array_index (expected, gint64, i);
      g_assert_false (by_id);
    }
    assert_same_ids (listed, expected);
    assert_same_ids (walked, expected);
    assert_same_ids (agent_walked, agent_expected);

    billing_expected = ids_among (expected, billing);
    g_assert_cmpuint (billing_expected->len, >, 0);
    assert_same_ids (billing_walked, billing_expected);
  }
}

static void
test_update_status (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SdTestResponse) before = get_ticket (fixture, fixture->agent, 1);
  g_autoptr(SdTestResponse) solved = NULL;
  g_autoptr(SdTestResponse) again = NULL;
  g_autoptr(SdTestResponse) reopened = NULL;
  g_autoptr(SdTestResponse) messages_response = NULL;
  g_autoptr(GArray) ids = NULL;
  JsonObject *ticket;
  JsonObject *event, *author;
  JsonArray *messages;
  gint64 count = json_object_get_int_member (sd_test_response_object (before), "message_count");
  gint64 updated_before = assert_timestamp (
    json_object_get_string_member (sd_test_response_object (before), "updated_at"));

  solved = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/1", fixture->agent,
                            "{\"status\": \"solved\"}");
  g_assert_cmpuint (solved->status, ==, 200);
  ticket = sd_test_response_object (solved);
  g_assert_cmpint (json_object_get_int_member (ticket, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "solved");
  g_assert_cmpint (json_object_get_int_member (ticket, "message_count"), ==, count + 1);
  g_assert_cmpint (assert_timestamp (json_object_get_string_member (ticket, "updated_at")),
                   >, updated_before);
  g_assert_cmpstr (json_object_get_string_member (ticket, "subject"),
                   ==, "Firewall blocks the update service");

  /* The change is an event in the conversation, written by the agent. */
  messages = ticket_messages (fixture, 1, &messages_response);
  g_assert_cmpuint (json_array_get_length (messages), ==, count + 1);
  event = json_array_get_object_element (messages, count);
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "event");
  g_assert_cmpstr (json_object_get_string_member (event, "body"), !=, "");
  author = json_object_get_object_member (event, "author");
  g_assert_cmpstr (json_object_get_string_member (author, "role"), ==, "agent");
  g_assert_cmpstr (json_object_get_string_member (author, "name"), ==, "Jordan Lee");

  /* The customer sees it too, and the ticket on top of the list. */
  g_clear_pointer (&before, sd_test_response_free);
  before = get_ticket (fixture, fixture->customer, 1);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (before), "status"),
                   ==, "solved");
  ids = list_ids (fixture, fixture->customer, "");
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 1);

  /* The same status again changes nothing. */
  again = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/1", fixture->agent,
                           "{\"status\": \"solved\"}");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (json_node_equal (again->json, solved->json));
  g_assert_cmpuint (count_messages (fixture, 1), ==, count + 1);

  reopened = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/1", fixture->agent,
                              "{\"status\": \"pending\"}");
  g_assert_cmpuint (reopened->status, ==, 200);
  ticket = sd_test_response_object (reopened);
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "pending");
  g_assert_cmpint (json_object_get_int_member (ticket, "message_count"), ==, count + 2);
  g_assert_cmpuint (count_messages (fixture, 1), ==, count + 2);
}

/* The list's entry for ticket @id, which must be on the first page. */
static JsonNode *
list_entry (Fixture    *fixture,
            const char *token,
            gint64      id)
{
  g_autoptr(SdTestResponse) response = get (fixture, token, "/api/v1/tickets?limit=100");
  JsonArray *tickets = json_object_get_array_member (sd_test_response_object (response),
                                                     "tickets");

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonNode *node = json_array_get_element (tickets, i);

      if (json_object_get_int_member (json_node_get_object (node), "id") == id)
        return json_node_copy (node);
    }

  g_assert_not_reached ();
}

/* Each ticket of the list is what the ticket alone answers. */
static void
assert_list_matches_tickets (Fixture    *fixture,
                             const char *token)
{
  g_autoptr(SdTestResponse) response = get (fixture, token, "/api/v1/tickets?limit=100");
  JsonArray *tickets = json_object_get_array_member (sd_test_response_object (response),
                                                     "tickets");

  g_assert_cmpuint (json_array_get_length (tickets), >, 0);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonNode *node = json_array_get_element (tickets, i);
      gint64 id = json_object_get_int_member (json_node_get_object (node), "id");
      g_autoptr(SdTestResponse) single = get_ticket (fixture, token, id);

      g_assert_true (json_node_equal (node, single->json));
    }
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/*
 * Subjects and names of any text come out of the list as they went in, and
 * the list never shows what was there before a change, whether the change
 * came through the API or from another program on the same database.
 */
static void
test_list_text_and_changes (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *hostile =
    "\"Quoted\" \\ </script> \x01\x08\t\n\r\x1b\x1f\x7f "
    "\xe2\x80\xa8\xe2\x80\xa9 Ünïcödé ✓ \xf0\x9f\x98\x80 {\"id\":99}";
  const char *subject = "Ticket with \"quotes\", \\ and ✓ \xf0\x9f\x98\x80";
  g_autofree char *db_path = g_build_filename (fixture->server->data_dir, "supportdesk.db", NULL);
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) again = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  JsonObject *ticket;
  gint64 requester_id, id;

  /* Asked twice, so that the second answer may be a kept one. */
  assert_list_matches_tickets (fixture, fixture->customer);
  before = list_entry (fixture, fixture->customer, 1);
  requester_id = json_object_get_int_member (
    json_object_get_object_member (json_node_get_object (before), "requester"), "id");

  /* Another program changes the database: the next answer shows it. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tickets SET subject = ?1, created_at = ?2"
                                       " WHERE id = 1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, hostile, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, 951782400);  /* 2000-02-29T00:00:00Z */
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE users SET name = ?1 WHERE id = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, hostile, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, requester_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  after = list_entry (fixture, fixture->customer, 1);
  ticket = json_node_get_object (after);
  g_assert_cmpstr (json_object_get_string_member (ticket, "subject"), ==, hostile);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (ticket, "requester"), "name"), ==, hostile);
  g_assert_cmpstr (json_object_get_string_member (ticket, "created_at"), ==,
                   "2000-02-29T00:00:00Z");
  assert_timestamp (json_object_get_string_member (ticket, "updated_at"));
  assert_list_matches_tickets (fixture, fixture->customer);
  assert_list_matches_tickets (fixture, fixture->agent);

  /* A change made while the answer is kept, inside a transaction of its own. */
  exec_sql (db, "BEGIN IMMEDIATE; UPDATE tickets SET message_count = message_count + 5"
                " WHERE id = 1; COMMIT");
  again = list_entry (fixture, fixture->customer, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (again), "message_count"),
                   ==, json_object_get_int_member (ticket, "message_count") + 5);
  sqlite3_close (db);

  /* A change through the API: the new ticket is listed at once. */
  id = create_ticket (fixture, fixture->customer, "billing", subject, "Some description");
  created = list_entry (fixture, fixture->customer, id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (created), "subject"),
                   ==, subject);
  assert_list_matches_tickets (fixture, fixture->customer);
}


static void
test_update_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  const struct {
    const char *json;
    const char *field;
  } invalid[] = {
    { "{}", "status" },
    { "{\"status\": null}", "status" },
    { "{\"status\": 1}", "status" },
    { "{\"status\": \"closed\"}", "status" },
    { "{\"status\": \"SOLVED\"}", "status" },
    { "{\"status\": \"\"}", "status" },
    { "{\"status\": [\"solved\"]}", "status" },
  };
  g_autoptr(SdTestResponse) before = get_ticket (fixture, fixture->agent, 3);
  g_autoptr(SdTestResponse) after = NULL;
  g_autoptr(SdTestResponse) forbidden = NULL;

  /* Customers ask; support decides. */
  forbidden = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/3", fixture->customer,
                               "{\"status\": \"solved\"}");
  sd_test_assert_error (forbidden, 403, "forbidden", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      g_test_message ("PATCH with %s", invalid[i].json);
      response = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/3", fixture->agent,
                                  invalid[i].json);
      sd_test_assert_error (response, 400, "invalid_field", invalid[i].field);
    }

  after = get_ticket (fixture, fixture->agent, 3);
  g_assert_true (json_node_equal (after->json, before->json));
  g_assert_cmpuint (count_messages (fixture, 3), ==, 1);
}

static void
test_reopen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(SdTestResponse) agent_reply = NULL;
  g_autoptr(SdTestResponse) messages_response = NULL;
  JsonArray *messages;
  JsonObject *comment, *event;
  guint count = count_messages (fixture, 2);
  guint count_4 = count_messages (fixture, 4);

  /* A customer who writes on a solved ticket needs help again. */
  reply = post_message (fixture, fixture->customer, 2, "The new invoice is wrong as well.");
  g_assert_cmpuint (reply->status, ==, 201);
  ticket = get_ticket (fixture, fixture->customer, 2);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                   ==, "pending");

  messages = ticket_messages (fixture, 2, &messages_response);
  g_assert_cmpuint (json_array_get_length (messages), ==, count + 2);
  comment = json_array_get_object_element (messages, count);
  event = json_array_get_object_element (messages, count + 1);
  g_assert_cmpstr (json_object_get_string_member (comment, "kind"), ==, "comment");
  g_assert_cmpstr (json_object_get_string_member (comment, "body"),
                   ==, "The new invoice is wrong as well.");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "event");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (event, "body"),
                                   "reopened this ticket"));
  g_assert_cmpint (json_object_get_int_member (sd_test_response_object (ticket), "message_count"),
                   ==, count + 2);

  /* Support's own answer on a solved ticket leaves it solved. */
  agent_reply = post_message (fixture, fixture->agent, 4, "One more hint: keep version 4.2.");
  g_assert_cmpuint (agent_reply->status, ==, 201);
  g_clear_pointer (&ticket, sd_test_response_free);
  ticket = get_ticket (fixture, fixture->customer, 4);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                   ==, "solved");
  g_assert_cmpuint (count_messages (fixture, 4), ==, count_4 + 1);
}

static void
test_activity (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SdTestResponse) before = get_ticket (fixture, fixture->customer, 1);
  g_autoptr(SdTestResponse) after = NULL;
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(GArray) ids_before = list_ids (fixture, fixture->customer, "");
  g_autoptr(GArray) ids_after = NULL;
  JsonObject *old_ticket = sd_test_response_object (before);
  JsonObject *ticket;
  const char *created_at;

  g_assert_cmpint (g_array_index (ids_before, gint64, 0), !=, 1);

  reply = post_message (fixture, fixture->customer, 1, "Any news?");
  g_assert_cmpuint (reply->status, ==, 201);
  created_at = json_object_get_string_member (sd_test_response_object (reply), "created_at");

  after = get_ticket (fixture, fixture->customer, 1);
  ticket = sd_test_response_object (after);
  g_assert_cmpint (assert_timestamp (json_object_get_string_member (ticket, "updated_at")),
                   >, assert_timestamp (json_object_get_string_member (old_ticket, "updated_at")));
  g_assert_cmpstr (json_object_get_string_member (ticket, "updated_at"), ==, created_at);
  g_assert_cmpstr (json_object_get_string_member (ticket, "last_message_at"), ==, created_at);
  g_assert_cmpstr (json_object_get_string_member (ticket, "created_at"),
                   ==, json_object_get_string_member (old_ticket, "created_at"));
  g_assert_cmpint (json_object_get_int_member (ticket, "message_count"),
                   ==, json_object_get_int_member (old_ticket, "message_count") + 1);
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "pending");

  /* It moves to the top; the others keep their order. */
  ids_after = list_ids (fixture, fixture->customer, "");
  g_assert_cmpuint (ids_after->len, ==, ids_before->len);
  g_assert_cmpint (g_array_index (ids_after, gint64, 0), ==, 1);
  for (guint i = 0, j = 1; i < ids_before->len; i++)
    if (g_array_index (ids_before, gint64, i) != 1)
      g_assert_cmpint (g_array_index (ids_after, gint64, j++),
                       ==, g_array_index (ids_before, gint64, i));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/server/tickets/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("create", test_create);
  ADD ("create-invalid", test_create_invalid);
  ADD ("create-limits", test_create_limits);
  ADD ("list-order", test_list_order);
  ADD ("filters", test_filters);
  ADD ("search", test_search);
  ADD ("pagination", test_pagination);
  ADD ("search-many-and-few", test_search_many_and_few);
  ADD ("update-status", test_update_status);
  ADD ("update-refused", test_update_refused);
  ADD ("list-text-and-changes", test_list_text_and_changes);
  ADD ("reopen", test_reopen);
  ADD ("activity", test_activity);

#undef ADD

  return g_test_run ();
}
