#define G_LOG_DOMAIN "sd-test-visibility"

#include "config.h"

#include "sd-test-server.h"

#include <string.h>

/* Ticket 5 is Sam Rivera's (Northwind Traders); tickets 1–4 are Example Corp's. */
#define FOREIGN_TICKET 5
#define MISSING_TICKET 6

typedef struct
{
  SdTestServer *server;
  char         *customer;  /* customer@example.com, Example Corp */
  char         *other;     /* other@example.org, Northwind Traders */
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
               const char *subject)
{
  g_autofree char *json = NULL;
  g_autoptr(SdTestResponse) response = NULL;

  json = g_strdup_printf ("{\"category\": \"other\", \"subject\": \"%s\","
                          " \"description\": \"Details of %s\"}", subject, subject);
  response = sd_test_request (fixture->server, "POST", "/api/v1/tickets", token, json);
  g_assert_cmpuint (response->status, ==, 201);

  return json_object_get_int_member (sd_test_response_object (response), "id");
}

static gint64
message_count (Fixture *fixture,
               gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(SdTestResponse) response = get (fixture, fixture->agent, path);

  return json_object_get_int_member (sd_test_response_object (response), "message_count");
}

/* The ids that @query lists for @token, walking every page. */
static GArray *
list_ids (Fixture    *fixture,
          const char *token,
          const char *query)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(SdTestResponse) response = NULL;
      JsonObject *object;
      JsonArray *tickets;

      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

          path = g_strdup_printf ("/api/v1/tickets?limit=2%s&cursor=%s", query, escaped);
        }
      else
        {
          path = g_strdup_printf ("/api/v1/tickets?limit=2%s", query);
        }

      response = get (fixture, token, path);
      object = sd_test_response_object (response);
      tickets = json_object_get_array_member (object, "tickets");
      for (guint i = 0; i < json_array_get_length (tickets); i++)
        {
          gint64 id = json_object_get_int_member (json_array_get_object_element (tickets, i),
                                                  "id");

          g_array_append_val (ids, id);
        }

      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
    }
  while (cursor != NULL);

  return ids;
}

static gboolean
ids_contain (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;

  return FALSE;
}

/* Asserts that @query lists exactly the ids in @expected (-1 terminated), in any order. */
static void
assert_ids (Fixture      *fixture,
            const char   *token,
            const char   *query,
            const gint64 *expected)
{
  g_autoptr(GArray) ids = list_ids (fixture, token, query);
  guint n = 0;

  g_test_message ("list %s", query);
  for (; expected[n] >= 0; n++)
    g_assert_true (ids_contain (ids, expected[n]));
  g_assert_cmpuint (ids->len, ==, n);
}

/* The error's code and message, with the id it names replaced by "#". */
static char *
normalized_error (SdTestResponse *response,
                  gint64          id)
{
  JsonObject *error = json_object_get_object_member (sd_test_response_object (response), "error");
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autoptr(GString) text = NULL;

  g_assert_nonnull (error);
  text = g_string_new (json_object_get_string_member (error, "code"));
  g_string_append_c (text, ' ');
  g_string_append (text, json_object_get_string_member (error, "message"));
  g_string_replace (text, id_text, "#", 0);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static SdTestResponse *
request_on_ticket (Fixture    *fixture,
                   const char *token,
                   const char *method,
                   const char *id,
                   const char *suffix,
                   const char *json)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s%s", id, suffix);

  g_test_message ("%s %s", method, path);

  return sd_test_request (fixture->server, method, path, token, json);
}

static void
test_foreign_ticket (Fixture       *fixture,
                     gconstpointer  data)
{
  const struct {
    const char *method;
    const char *suffix;
    const char *json;
  } requests[] = {
    { "GET", "", NULL },
    { "GET", "/messages", NULL },
    { "GET", "/messages?after=0&limit=1", NULL },
    { "POST", "/messages", "{\"body\": \"Let me in\"}" },
    /* Not even a validation error tells that the ticket exists. */
    { "POST", "/messages", "{\"body\": \"\"}" },
    /* Nor the rule that only agents change the status. */
    { "PATCH", "", "{\"status\": \"solved\"}" },
    { "PATCH", "", "{\"status\": \"nonsense\"}" },
  };
  g_autofree char *foreign = g_strdup_printf ("%d", FOREIGN_TICKET);
  g_autofree char *missing = g_strdup_printf ("%d", MISSING_TICKET);
  g_autoptr(SdTestResponse) before = get (fixture, fixture->agent, "/api/v1/tickets/5");
  g_autoptr(SdTestResponse) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(SdTestResponse) denied = NULL;
      g_autoptr(SdTestResponse) absent = NULL;
      g_autofree char *denied_error = NULL;
      g_autofree char *absent_error = NULL;

      denied = request_on_ticket (fixture, fixture->customer, requests[i].method, foreign,
                                  requests[i].suffix, requests[i].json);
      sd_test_assert_error (denied, 404, "not_found", NULL);
      absent = request_on_ticket (fixture, fixture->customer, requests[i].method, missing,
                                  requests[i].suffix, requests[i].json);
      sd_test_assert_error (absent, 404, "not_found", NULL);

      /* Someone else's ticket and no ticket at all answer alike. */
      denied_error = normalized_error (denied, FOREIGN_TICKET);
      absent_error = normalized_error (absent, MISSING_TICKET);
      g_assert_cmpstr (denied_error, ==, absent_error);
    }

  /* And nothing was changed. */
  after = get (fixture, fixture->agent, "/api/v1/tickets/5");
  g_assert_true (json_node_equal (after->json, before->json));

  /* The same holds the other way round. */
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(SdTestResponse) denied = NULL;

      denied = request_on_ticket (fixture, fixture->other, requests[i].method, "1",
                                  requests[i].suffix, requests[i].json);
      sd_test_assert_error (denied, 404, "not_found", NULL);
    }
  g_assert_cmpint (message_count (fixture, 1), ==, 3);
}

static void
test_foreign_attachment (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SdTestResponse) messages = get (fixture, fixture->customer,
                                            "/api/v1/tickets/1/messages");
  g_autoptr(SdTestResponse) own = NULL;
  g_autoptr(SdTestResponse) agent = NULL;
  g_autoptr(SdTestResponse) foreign = NULL;
  JsonArray *list = json_object_get_array_member (sd_test_response_object (messages), "messages");
  JsonObject *message = json_array_get_object_element (list, 2);
  JsonObject *attachment = json_array_get_object_element (
    json_object_get_array_member (message, "attachments"), 0);
  const char *url = json_object_get_string_member (attachment, "url");

  own = sd_test_request (fixture->server, "GET", url, fixture->customer, NULL);
  g_assert_cmpuint (own->status, ==, 200);
  agent = sd_test_request (fixture->server, "GET", url, fixture->agent, NULL);
  g_assert_cmpuint (agent->status, ==, 200);
  foreign = sd_test_request (fixture->server, "GET", url, fixture->other, NULL);
  sd_test_assert_error (foreign, 404, "not_found", NULL);
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  const gint64 example_corp[] = { 1, 2, 3, 4, -1 };
  const gint64 example_pending[] = { 1, 3, -1 };
  const gint64 northwind[] = { 5, -1 };
  const gint64 everything[] = { 1, 2, 3, 4, 5, -1 };
  const gint64 none[] = { -1 };
  gint64 secret;

  assert_ids (fixture, fixture->customer, "", example_corp);
  assert_ids (fixture, fixture->customer, "&status=pending", example_pending);
  assert_ids (fixture, fixture->customer, "&category=account", none);
  assert_ids (fixture, fixture->other, "", northwind);
  assert_ids (fixture, fixture->other, "&status=solved", none);
  assert_ids (fixture, fixture->other, "&category=billing", none);
  assert_ids (fixture, fixture->agent, "", everything);

  /* Search finds only what the searcher may see. */
  assert_ids (fixture, fixture->customer, "&q=password", none);
  assert_ids (fixture, fixture->customer, "&q=changing%20password", none);
  assert_ids (fixture, fixture->other, "&q=password", northwind);
  assert_ids (fixture, fixture->other, "&q=firewall", none);
  assert_ids (fixture, fixture->other, "&q=invoice&status=solved", none);
  {
    const gint64 agent_password[] = { 5, -1 };

    assert_ids (fixture, fixture->agent, "&q=password", agent_password);
  }

  /* A new ticket of one organization stays out of the other's sight. */
  secret = create_ticket (fixture, fixture->other, "Zanzibar shipment lost");
  {
    const gint64 northwind_now[] = { 5, secret, -1 };
    const gint64 only_secret[] = { secret, -1 };
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, secret);
    g_autoptr(SdTestResponse) denied = NULL;

    assert_ids (fixture, fixture->other, "", northwind_now);
    assert_ids (fixture, fixture->other, "&q=zanzibar", only_secret);
    assert_ids (fixture, fixture->agent, "&q=zanzibar", only_secret);
    assert_ids (fixture, fixture->customer, "&q=zanzibar", none);
    assert_ids (fixture, fixture->customer, "&q=zanz", none);
    assert_ids (fixture, fixture->customer, "", example_corp);

    denied = sd_test_request (fixture->server, "GET", path, fixture->customer, NULL);
    sd_test_assert_error (denied, 404, "not_found", NULL);
  }
}

static void
test_agent_sees_all (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SdTestResponse) solved = NULL;

  for (gint64 id = 1; id <= 5; id++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
      g_autofree char *messages = g_strconcat (path, "/messages", NULL);
      g_autoptr(SdTestResponse) ticket = get (fixture, fixture->agent, path);
      g_autoptr(SdTestResponse) list = get (fixture, fixture->agent, messages);

      g_assert_cmpint (json_object_get_int_member (sd_test_response_object (ticket), "id"),
                       ==, id);
    }

  solved = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/5", fixture->agent,
                            "{\"status\": \"solved\"}");
  g_assert_cmpuint (solved->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (solved), "status"),
                   ==, "solved");
}

static void
add_user (Fixture    *fixture,
          const char *email,
          const char *name,
          const char *organization)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                              &error, sd_test_server_binary (), "add-user",
                              "--data-dir", fixture->server->data_dir, "--email", email,
                              "--name", name, "--role", "customer",
                              "--organization", organization, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "colleague-password\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_same_organization (Fixture       *fixture,
                        gconstpointer  data)
{
  const gint64 example_corp[] = { 1, 2, 3, 4, -1 };
  g_autofree char *colleague = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(SdTestResponse) reply = NULL;
  g_autoptr(SdTestResponse) patch = NULL;
  gint64 own;

  /* Tickets belong to the organization, not only to their requester. */
  add_user (fixture, "colleague@example.com", "Casey Kim", "Example Corp");
  colleague = sd_test_login (fixture->server, "colleague@example.com", "colleague-password");

  assert_ids (fixture, colleague, "", example_corp);
  ticket = get (fixture, colleague, "/api/v1/tickets/1");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (sd_test_response_object (ticket),
                                                    "requester"), "name"),
                   ==, "Alex Morgan");

  reply = sd_test_request (fixture->server, "POST", "/api/v1/tickets/1/messages", colleague,
                           "{\"body\": \"Same problem on my computer.\"}");
  g_assert_cmpuint (reply->status, ==, 201);

  /* A visible ticket answers 403 where only the role is missing. */
  patch = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/1", colleague,
                           "{\"status\": \"solved\"}");
  sd_test_assert_error (patch, 403, "forbidden", NULL);

  own = create_ticket (fixture, colleague, "Printer offline");
  {
    const gint64 example_corp_now[] = { 1, 2, 3, 4, own, -1 };
    const gint64 northwind[] = { 5, -1 };

    assert_ids (fixture, fixture->customer, "", example_corp_now);
    assert_ids (fixture, fixture->other, "", northwind);
  }

  /* Someone of another organization still sees none of it. */
  {
    g_autoptr(SdTestResponse) foreign = NULL;

    foreign = sd_test_request (fixture->server, "GET", "/api/v1/tickets/5", colleague, NULL);
    sd_test_assert_error (foreign, 404, "not_found", NULL);
  }
}

static void
test_bad_ids (Fixture       *fixture,
              gconstpointer  data)
{
  const char *ids[] = { "abc", "-1", "0", "00", "99999999999999999999", "9223372036854775808",
                        "9223372036854775807", "1.0", "+1", "0x1", "1e0", "1abc", "%201",
                        "1%20" };
  const char *tokens[] = { fixture->customer, fixture->agent };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    for (guint j = 0; j < G_N_ELEMENTS (tokens); j++)
      {
        g_autoptr(SdTestResponse) ticket = NULL;
        g_autoptr(SdTestResponse) messages = NULL;
        g_autoptr(SdTestResponse) post = NULL;
        g_autoptr(SdTestResponse) patch = NULL;

        ticket = request_on_ticket (fixture, tokens[j], "GET", ids[i], "", NULL);
        sd_test_assert_error (ticket, 404, "not_found", NULL);
        messages = request_on_ticket (fixture, tokens[j], "GET", ids[i], "/messages", NULL);
        sd_test_assert_error (messages, 404, "not_found", NULL);
        post = request_on_ticket (fixture, tokens[j], "POST", ids[i], "/messages",
                                  "{\"body\": \"Hello\"}");
        sd_test_assert_error (post, 404, "not_found", NULL);
        patch = request_on_ticket (fixture, tokens[j], "PATCH", ids[i], "",
                                   "{\"status\": \"solved\"}");
        sd_test_assert_error (patch, 404, "not_found", NULL);
      }

  /* Nothing was written anywhere. */
  for (gint64 id = 1; id <= 5; id++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
      g_autoptr(SdTestResponse) ticket = get (fixture, fixture->agent, path);

      g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                       ==, id == 2 || id == 4 ? "solved" : "pending");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/server/visibility/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("foreign-ticket", test_foreign_ticket);
  ADD ("foreign-attachment", test_foreign_attachment);
  ADD ("lists", test_lists);
  ADD ("agent-sees-all", test_agent_sees_all);
  ADD ("same-organization", test_same_organization);
  ADD ("bad-ids", test_bad_ids);

#undef ADD

  return g_test_run ();
}
