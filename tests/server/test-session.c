#define G_LOG_DOMAIN "sd-test-session"

#include "config.h"

#include "sd-test-server.h"

#include <sqlite3.h>
#include <string.h>

#define THIRTY_DAYS (30 * 24 * 60 * 60)

typedef struct
{
  SdTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* A sign-in request whose members are written into JSON as they are given. */
static SdTestResponse *
sign_in (SdTestServer *server,
         const char   *json)
{
  return sd_test_request (server, "POST", "/api/v1/session", NULL, json);
}

static SdTestResponse *
sign_in_as (SdTestServer *server,
            const char   *email,
            const char   *password)
{
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);

  return sign_in (server, json);
}

/* Asserts an RFC 3339 UTC timestamp with a "Z" and returns it in Unix seconds. */
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

static void
assert_customer (JsonObject *user)
{
  JsonObject *organization;

  g_assert_nonnull (user);
  g_assert_cmpint (json_object_get_int_member_with_default (user, "id", 0), >, 0);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, SD_TEST_CUSTOMER);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Alex Morgan");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "customer");
  organization = json_object_get_object_member (user, "organization");
  g_assert_nonnull (organization);
  g_assert_cmpint (json_object_get_int_member_with_default (organization, "id", 0), >, 0);
  g_assert_cmpstr (json_object_get_string_member (organization, "name"), ==, "Example Corp");
}

static const char *
error_message (SdTestResponse *response)
{
  JsonObject *error = json_object_get_object_member (sd_test_response_object (response), "error");

  return json_object_get_string_member (error, "message");
}

static void
test_health (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) head = NULL;

  /* No token needed: monitoring has none. */
  response = sd_test_request (fixture->server, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL),
                   ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (response), "status"),
                   ==, "ok");

  head = sd_test_request (fixture->server, "HEAD", "/healthz", NULL, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) session = NULL;
  JsonObject *object;
  const char *token;
  const char *expires_at;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires;

  response = sign_in_as (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_assert_cmpuint (response->status, ==, 201);
  object = sd_test_response_object (response);

  /* 256 random bits in URL-safe base64 without padding. */
  token = json_object_get_string_member (object, "token");
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_true (g_regex_match_simple ("^[A-Za-z0-9_-]+$", token, 0, 0));

  expires_at = json_object_get_string_member (object, "expires_at");
  expires = assert_timestamp (expires_at);
  g_assert_cmpint (expires, >=, now + THIRTY_DAYS - 60);
  g_assert_cmpint (expires, <=, now + THIRTY_DAYS + 60);

  assert_customer (json_object_get_object_member (object, "user"));

  /* The session describes itself with the same user and expiry. */
  session = sd_test_request (fixture->server, "GET", "/api/v1/session", token, NULL);
  g_assert_cmpuint (session->status, ==, 200);
  object = sd_test_response_object (session);
  assert_customer (json_object_get_object_member (object, "user"));
  g_assert_cmpstr (json_object_get_string_member (object, "expires_at"), ==, expires_at);
}

static void
test_wrong_credentials (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SdTestResponse) wrong_password = NULL;
  g_autoptr(SdTestResponse) unknown_email = NULL;
  g_autoptr(SdTestResponse) other_case = NULL;
  g_autoptr(SdTestResponse) agent = NULL;
  JsonObject *user;

  wrong_password = sign_in_as (fixture->server, SD_TEST_CUSTOMER, "not-the-password");
  sd_test_assert_error (wrong_password, 401, "unauthorized", NULL);
  g_assert_false (json_object_has_member (sd_test_response_object (wrong_password), "token"));

  /* Nothing tells an unknown account from a wrong password. */
  unknown_email = sign_in_as (fixture->server, "nobody@example.com", SD_TEST_PASSWORD);
  sd_test_assert_error (unknown_email, 401, "unauthorized", NULL);
  g_assert_cmpstr (error_message (unknown_email), ==, error_message (wrong_password));

  /* Emails are compared without regard to case. */
  other_case = sign_in_as (fixture->server, "Customer@EXAMPLE.com", SD_TEST_PASSWORD);
  g_assert_cmpuint (other_case->status, ==, 201);
  user = json_object_get_object_member (sd_test_response_object (other_case), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, SD_TEST_CUSTOMER);

  /* Passwords are not. */
  g_clear_pointer (&wrong_password, sd_test_response_free);
  wrong_password = sign_in_as (fixture->server, SD_TEST_CUSTOMER, "DEMO-PASSWORD");
  sd_test_assert_error (wrong_password, 401, "unauthorized", NULL);

  agent = sign_in_as (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_assert_cmpuint (agent->status, ==, 201);
  user = json_object_get_object_member (sd_test_response_object (agent), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Jordan Lee");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "agent");
}

static void
test_invalid_fields (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "{\"password\": \"demo-password\"}", "email" },
    { "{\"email\": \"customer@example.com\"}", "password" },
    { "{\"email\": 5, \"password\": \"demo-password\"}", "email" },
    { "{\"email\": null, \"password\": \"demo-password\"}", "email" },
    { "{\"email\": [\"customer@example.com\"], \"password\": \"demo-password\"}", "email" },
    { "{\"email\": \"customer@example.com\", \"password\": true}", "password" },
    { "{\"email\": \"customer@example.com\", \"password\": {}}", "password" },
    { "{\"email\": \"customer@example.com\", \"password\": 12345678}", "password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTestResponse) response = sign_in (fixture->server, cases[i].json);

      g_test_message ("sign-in with %s", cases[i].json);
      sd_test_assert_error (response, 400, "invalid_field", cases[i].field);
    }
}

static void
test_sign_out (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *other = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) deleted = NULL;
  g_autoptr(SdTestResponse) after = NULL;
  g_autoptr(SdTestResponse) tickets = NULL;
  g_autoptr(SdTestResponse) again = NULL;
  g_autoptr(SdTestResponse) still = NULL;

  g_assert_cmpstr (token, !=, other);

  deleted = sd_test_request (fixture->server, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (deleted->body), ==, 0);

  /* Revoked at once, for every endpoint. */
  after = sd_test_request (fixture->server, "GET", "/api/v1/session", token, NULL);
  sd_test_assert_error (after, 401, "unauthorized", NULL);
  tickets = sd_test_request (fixture->server, "GET", "/api/v1/tickets", token, NULL);
  sd_test_assert_error (tickets, 401, "unauthorized", NULL);
  again = sd_test_request (fixture->server, "DELETE", "/api/v1/session", token, NULL);
  sd_test_assert_error (again, 401, "unauthorized", NULL);

  /* Signing out on one device leaves the others signed in. */
  still = sd_test_request (fixture->server, "GET", "/api/v1/session", other, NULL);
  g_assert_cmpuint (still->status, ==, 200);
}

/* "Bearer " and @token with its first character changed. */
static char *
changed_bearer (const char *token)
{
  g_autofree char *changed = g_strdup (token);

  changed[0] = changed[0] == 'A' ? 'B' : 'A';

  return g_strdup_printf ("Bearer %s", changed);
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *off_by_one = changed_bearer (token);
  g_autofree char *basic = g_strdup_printf ("Basic %s", token);
  const char *paths[] = { "/api/v1/session", "/api/v1/tickets", "/api/v1/categories",
                          "/api/v1/tickets/1", "/api/v1/tickets/1/messages" };
  const char *authorizations[] = {
    NULL,                                            /* no header at all */
    "Bearer ",                                       /* no token */
    "Bearer garbage",
    "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    off_by_one,                                      /* a known token, one character off */
    basic,                                           /* a known token under another scheme */
    token,                                           /* a known token without a scheme */
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (guint j = 0; j < G_N_ELEMENTS (authorizations); j++)
      {
        g_autoptr(SdTestResponse) response = NULL;
        const char *headers[] = { "Authorization", authorizations[j], NULL };

        g_test_message ("GET %s with Authorization: %s", paths[i],
                        authorizations[j] != NULL ? authorizations[j] : "(none)");
        response = sd_test_request_full (fixture->server, "GET", paths[i], NULL, NULL, NULL,
                                         authorizations[j] != NULL ? headers : NULL);
        sd_test_assert_error (response, 401, "unauthorized", NULL);
      }
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdTestResponse) limited = NULL;
  g_autoptr(SdTestResponse) other_case = NULL;
  g_autoptr(SdTestResponse) other = NULL;
  g_autoptr(SdTestResponse) unknown = NULL;
  g_autoptr(SdTestResponse) unknown_limited = NULL;
  const char *retry_after;
  guint64 seconds = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      response = sign_in_as (fixture->server, SD_TEST_CUSTOMER, "guessed-password");
      g_test_message ("failed attempt %u", i + 1);
      sd_test_assert_error (response, 401, "unauthorized", NULL);
    }

  /* From the 11th attempt on, even the right password is refused. */
  limited = sign_in_as (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_assert_error (limited, 429, "rate_limited", NULL);
  g_assert_false (json_object_has_member (sd_test_response_object (limited), "token"));
  retry_after = soup_message_headers_get_one (limited->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 15 * 60, &seconds, NULL));
  g_assert_cmpuint (seconds, >=, 1);

  /* The limit is on the account, however its email is spelt. */
  other_case = sign_in_as (fixture->server, "CUSTOMER@example.com", SD_TEST_PASSWORD);
  sd_test_assert_error (other_case, 429, "rate_limited", NULL);
  g_assert_nonnull (soup_message_headers_get_one (other_case->headers, "Retry-After"));

  /* Other accounts are not locked out with it. */
  other = sign_in_as (fixture->server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_assert_cmpuint (other->status, ==, 201);

  /* An unknown email is answered as before, not as a locked account... */
  unknown = sign_in_as (fixture->server, "nobody@example.com", SD_TEST_PASSWORD);
  sd_test_assert_error (unknown, 401, "unauthorized", NULL);

  /* ...and is limited alike, so that the limit tells nothing about accounts. */
  for (guint i = 1; i < 10; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      response = sign_in_as (fixture->server, "nobody@example.com", SD_TEST_PASSWORD);
      sd_test_assert_error (response, 401, "unauthorized", NULL);
    }
  unknown_limited = sign_in_as (fixture->server, "nobody@example.com", SD_TEST_PASSWORD);
  sd_test_assert_error (unknown_limited, 429, "rate_limited", NULL);
  g_assert_nonnull (soup_message_headers_get_one (unknown_limited->headers, "Retry-After"));
  g_assert_cmpstr (error_message (unknown_limited), ==, error_message (limited));
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      unauthorized;
  guint      rate_limited;
  guint      other;
} Burst;

static void
burst_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Burst *burst = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);

  status = soup_message_get_status (msg);
  if (status == 401)
    burst->unauthorized++;
  else if (status == 429)
    burst->rate_limited++;
  else
    burst->other++;

  if (--burst->pending == 0)
    g_main_loop_quit (burst->loop);
}

static void
test_rate_limit_concurrent (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SdTestResponse) limited = NULL;
  g_autofree char *uri = g_strconcat (fixture->server->url, "/api/v1/session", NULL);
  const char *json = "{\"email\": \"customer@example.com\", \"password\": \"guess\"}";
  Burst burst = { loop, 0, 0, 0, 0 };

  /* Guesses sent all at once are counted like guesses sent one by one. */
  session = soup_session_new_with_options ("max-conns", 32, "max-conns-per-host", 32,
                                           "timeout", 30, NULL);
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                        burst_sent_cb, &burst);
      burst.pending++;
    }
  g_main_loop_run (loop);

  g_test_message ("%u unauthorized, %u rate limited", burst.unauthorized, burst.rate_limited);
  g_assert_cmpuint (burst.other, ==, 0);
  g_assert_cmpuint (burst.unauthorized, <=, 10);
  g_assert_cmpuint (burst.unauthorized + burst.rate_limited, ==, 16);

  limited = sign_in_as (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_assert_error (limited, 429, "rate_limited", NULL);
}

static void
test_categories (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(SdTestResponse) anonymous = NULL;
  static const struct {
    const char *id;
    const char *name;
  } expected[] = {
    { "antivirus-firewall", "Antivirus / firewall" },
    { "data-not-captured", "Data not captured" },
    { "billing", "Billing" },
  };
  JsonArray *categories;
  int last_position = -1;

  response = sd_test_request (fixture->server, "GET", "/api/v1/categories", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  categories = json_object_get_array_member (sd_test_response_object (response), "categories");
  g_assert_nonnull (categories);
  g_assert_cmpuint (json_array_get_length (categories), >=, G_N_ELEMENTS (expected));

  /* Each expected category is there with its name, and in this display order. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      int position = -1;

      for (guint j = 0; j < json_array_get_length (categories); j++)
        {
          JsonObject *category = json_array_get_object_element (categories, j);

          if (g_strcmp0 (json_object_get_string_member (category, "id"), expected[i].id) != 0)
            continue;

          g_assert_cmpint (position, ==, -1);
          position = j;
          g_assert_cmpstr (json_object_get_string_member (category, "name"),
                           ==, expected[i].name);
        }

      g_test_message ("category %s", expected[i].id);
      g_assert_cmpint (position, >, last_position);
      last_position = position;
    }

  anonymous = sd_test_request (fixture->server, "GET", "/api/v1/categories", NULL, NULL);
  sd_test_assert_error (anonymous, 401, "unauthorized", NULL);
}

/* Runs @sql on the server's database from a connection of its own, as another program would. */
static void
change_database (SdTestServer *server,
                 const char   *sql)
{
  g_autofree char *db_path = g_build_filename (server->data_dir, "supportdesk.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static const char *
session_name (SdTestServer *server,
              const char   *token)
{
  g_autoptr(SdTestResponse) response = sd_test_request (server, "GET", "/api/v1/session",
                                                        token, NULL);
  static char name[64];

  g_assert_cmpuint (response->status, ==, 200);
  g_strlcpy (name, json_object_get_string_member (
                     json_object_get_object_member (sd_test_response_object (response), "user"),
                     "name"), sizeof name);

  return name;
}

/*
 * The server may keep what it read of a session between requests, but never
 * past a change: another program renaming the user or ending the session, or
 * the session's end coming.
 */
static void
test_kept_sessions (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *update = NULL;
  g_autoptr(SdTestResponse) ended = NULL;
  g_autoptr(SdTestResponse) deleted = NULL;
  gint64 end;

  g_assert_cmpstr (session_name (fixture->server, token), ==, "Alex Morgan");
  g_assert_cmpstr (session_name (fixture->server, token), ==, "Alex Morgan");

  change_database (fixture->server, "UPDATE users SET name = 'Alex Renamed'"
                                    " WHERE email = '" SD_TEST_CUSTOMER "'");
  g_assert_cmpstr (session_name (fixture->server, token), ==, "Alex Renamed");

  /* Ending in two seconds, read now; then nothing changes until it has ended. */
  end = g_get_real_time () / G_USEC_PER_SEC + 2;
  update = g_strdup_printf ("UPDATE sessions SET expires_at = %" G_GINT64_FORMAT, end);
  change_database (fixture->server, update);
  g_assert_cmpstr (session_name (fixture->server, token), ==, "Alex Renamed");
  while (g_get_real_time () / G_USEC_PER_SEC <= end)
    g_usleep (100 * 1000);
  ended = sd_test_request (fixture->server, "GET", "/api/v1/session", token, NULL);
  sd_test_assert_error (ended, 401, "unauthorized", NULL);

  g_free (token);
  token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_assert_cmpstr (session_name (fixture->server, token), ==, "Alex Renamed");
  change_database (fixture->server, "DELETE FROM sessions");
  deleted = sd_test_request (fixture->server, "GET", "/api/v1/tickets", token, NULL);
  sd_test_assert_error (deleted, 401, "unauthorized", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/server/session/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("health", test_health);
  ADD ("sign-in", test_sign_in);
  ADD ("wrong-credentials", test_wrong_credentials);
  ADD ("invalid-fields", test_invalid_fields);
  ADD ("sign-out", test_sign_out);
  ADD ("unauthorized", test_unauthorized);
  ADD ("rate-limit", test_rate_limit);
  ADD ("rate-limit-concurrent", test_rate_limit_concurrent);
  ADD ("categories", test_categories);
  ADD ("kept-sessions", test_kept_sessions);

#undef ADD

  return g_test_run ();
}
