#define G_LOG_DOMAIN "sd-test-restart"

#include "config.h"

#include "sd-test-server.h"

#include <sqlite3.h>
#include <string.h>

typedef struct
{
  SdTestServer *server;
} Fixture;

/* @data is non-NULL for a server whose log the test reads. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = data != NULL ? sd_test_server_new_logged (NULL) : sd_test_server_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

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

static SdTestResponse *
sign_in (Fixture    *fixture,
         const char *email,
         const char *password)
{
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);

  return sd_test_request (fixture->server, "POST", "/api/v1/session", NULL, json);
}

static void
assert_same_body (SdTestResponse *response,
                  SdTestResponse *expected)
{
  g_assert_cmpuint (response->status, ==, expected->status);
  g_assert_true (g_bytes_equal (response->body, expected->body));
}

static void
test_persistence (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *signed_out = sd_test_login (fixture->server, SD_TEST_OTHER, SD_TEST_PASSWORD);
  g_autofree char *fresh = NULL;
  g_autofree char *messages_path = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(SdTestResponse) message = NULL;
  g_autoptr(SdTestResponse) solved = NULL;
  g_autoptr(SdTestResponse) deleted = NULL;
  g_autoptr(SdTestResponse) list_before = NULL;
  g_autoptr(SdTestResponse) agent_list_before = NULL;
  g_autoptr(SdTestResponse) messages_before = NULL;
  g_autoptr(SdTestResponse) session_before = NULL;
  g_autoptr(SdTestResponse) categories_before = NULL;
  gint64 id;

  ticket = post (fixture, customer, "/api/v1/tickets", "restart-ticket",
                 "{\"category\": \"installation\", \"subject\": \"Setup wizard hangs\","
                 " \"description\": \"The wizard hangs at the licence page.\"}");
  g_assert_cmpuint (ticket->status, ==, 201);
  id = json_object_get_int_member (sd_test_response_object (ticket), "id");
  messages_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
  message = post (fixture, customer, messages_path, "restart-message",
                  "{\"body\": \"It happens with the quokka edition only.\"}");
  g_assert_cmpuint (message->status, ==, 201);
  solved = sd_test_request (fixture->server, "PATCH", "/api/v1/tickets/3", agent,
                            "{\"status\": \"solved\"}");
  g_assert_cmpuint (solved->status, ==, 200);
  deleted = sd_test_request (fixture->server, "DELETE", "/api/v1/session", signed_out, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);

  list_before = get (fixture, customer, "/api/v1/tickets");
  agent_list_before = get (fixture, agent, "/api/v1/tickets");
  messages_before = get (fixture, customer, messages_path);
  session_before = get (fixture, customer, "/api/v1/session");
  categories_before = get (fixture, customer, "/api/v1/categories");

  sd_test_server_restart (fixture->server);

  /* Sessions survive; a signed-out one stays signed out. */
  {
    g_autoptr(SdTestResponse) session = get (fixture, customer, "/api/v1/session");
    g_autoptr(SdTestResponse) agent_session = get (fixture, agent, "/api/v1/session");
    g_autoptr(SdTestResponse) revoked = NULL;

    assert_same_body (session, session_before);
    revoked = sd_test_request (fixture->server, "GET", "/api/v1/session", signed_out, NULL);
    sd_test_assert_error (revoked, 401, "unauthorized", NULL);
  }
  fresh = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);

  /* Everything is still there, exactly, and the demo data was not added twice. */
  {
    g_autoptr(SdTestResponse) list = get (fixture, fresh, "/api/v1/tickets");
    g_autoptr(SdTestResponse) agent_list = get (fixture, agent, "/api/v1/tickets");
    g_autoptr(SdTestResponse) messages = get (fixture, fresh, messages_path);
    g_autoptr(SdTestResponse) categories = get (fixture, fresh, "/api/v1/categories");
    g_autoptr(SdTestResponse) search = get (fixture, fresh, "/api/v1/tickets?q=quokka");
    JsonArray *found = json_object_get_array_member (sd_test_response_object (search),
                                                     "tickets");

    assert_same_body (list, list_before);
    assert_same_body (agent_list, agent_list_before);
    assert_same_body (messages, messages_before);
    assert_same_body (categories, categories_before);
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (found, 0), "id"),
                     ==, id);
  }

  /* Idempotency keys too: retries after a restart create nothing. */
  {
    g_autoptr(SdTestResponse) ticket_again = NULL;
    g_autoptr(SdTestResponse) message_again = NULL;
    g_autoptr(SdTestResponse) list = NULL;

    ticket_again = post (fixture, customer, "/api/v1/tickets", "restart-ticket",
                         "{\"category\": \"installation\", \"subject\": \"Setup wizard hangs\","
                         " \"description\": \"The wizard hangs at the licence page.\"}");
    assert_same_body (ticket_again, ticket);
    message_again = post (fixture, customer, messages_path, "restart-message",
                          "{\"body\": \"It happens with the quokka edition only.\"}");
    assert_same_body (message_again, message);
    list = get (fixture, customer, "/api/v1/tickets");
    assert_same_body (list, list_before);
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

static int
schema_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT version FROM schema_version", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

/*
 * A data dir of schema version 1, whose search table has no prefix indexes,
 * is brought up to date when the server starts, and its searches answer as
 * a store made with the current schema did.
 */
static void
test_search_after_migration (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *db_path = g_build_filename (fixture->server->data_dir, "supportdesk.db", NULL);
  const char *searches[] = {
    "?q=printer", "?q=PRINT", "?q=pr", "?q=p", "?q=printer%20spool", "?q=printer%20spo",
    "?q=caf%C3%A9", "?q=CAFE%20mach", "?q=machin", "?q=install", "?q=instal&category=installation",
    "?q=quokka", "?q=queue&limit=1", "?q=zzzz", "?q=firewall",
  };
  GPtrArray *before = g_ptr_array_new_with_free_func ((GDestroyNotify)sd_test_response_free);
  GPtrArray *agent_before = g_ptr_array_new_with_free_func ((GDestroyNotify)sd_test_response_free);
  sqlite3 *db = NULL;
  gint64 id = 0;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *json = NULL;
      g_autofree char *messages_path = NULL;
      g_autoptr(SdTestResponse) ticket = NULL;
      g_autoptr(SdTestResponse) message = NULL;

      json = g_strdup_printf ("{\"category\": \"%s\", \"subject\": \"%s %u\","
                              " \"description\": \"The printer queue is stuck, try %u.\"}",
                              i % 2 == 0 ? "installation" : "other",
                              i % 3 == 0 ? "Printer spooler" : "Café machine", i, i);
      ticket = post (fixture, customer, "/api/v1/tickets", NULL, json);
      g_assert_cmpuint (ticket->status, ==, 201);
      id = json_object_get_int_member (sd_test_response_object (ticket), "id");
      messages_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
      message = post (fixture, agent, messages_path, NULL,
                      i == 4 ? "{\"body\": \"Reinstalling the quokka driver helps.\"}"
                             : "{\"body\": \"Please install the latest driver.\"}");
      g_assert_cmpuint (message->status, ==, 201);
    }

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/tickets", searches[i], NULL);

      g_ptr_array_add (before, get (fixture, customer, path));
      g_ptr_array_add (agent_before, get (fixture, agent, path));
    }

  /* The search table as schema version 1 made it, with the same content. */
  sd_test_server_stop (fixture->server);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (schema_version (db), >=, 2);
  exec_sql (db,
            "BEGIN;"
            "CREATE VIRTUAL TABLE ticket_search_old USING fts5 ("
            "  subject, messages, tokenize = 'unicode61 remove_diacritics 2'"
            ");"
            "INSERT INTO ticket_search_old (rowid, subject, messages)"
            "  SELECT rowid, subject, messages FROM ticket_search;"
            "DROP TABLE ticket_search;"
            "ALTER TABLE ticket_search_old RENAME TO ticket_search;"
            "UPDATE schema_version SET version = 1;"
            "COMMIT;");
  sqlite3_close (db);

  sd_test_server_start_on_same_port (fixture->server);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/tickets", searches[i], NULL);
      g_autoptr(SdTestResponse) search = get (fixture, customer, path);
      g_autoptr(SdTestResponse) agent_search = get (fixture, agent, path);

      assert_same_body (search, g_ptr_array_index (before, i));
      assert_same_body (agent_search, g_ptr_array_index (agent_before, i));
    }

  /* The migrated table is the one kept up to date. */
  {
    g_autofree char *messages_path = NULL;
    g_autoptr(SdTestResponse) message = NULL;
    g_autoptr(SdTestResponse) search = NULL;
    JsonArray *found;

    messages_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
    message = post (fixture, customer, messages_path, NULL,
                    "{\"body\": \"Now the wombat tray jams.\"}");
    g_assert_cmpuint (message->status, ==, 201);
    search = get (fixture, customer, "/api/v1/tickets?q=wom");
    found = json_object_get_array_member (sd_test_response_object (search), "tickets");
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (found, 0), "id"),
                     ==, id);
  }

  sd_test_server_stop (fixture->server);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (schema_version (db), >=, 2);
  sqlite3_close (db);

  g_ptr_array_unref (before);
  g_ptr_array_unref (agent_before);
}

static void
test_rate_limit_persists (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SdTestResponse) limited = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SdTestResponse) response = sign_in (fixture, SD_TEST_OTHER, "wrong-password");

      sd_test_assert_error (response, 401, "unauthorized", NULL);
    }

  /* A restart does not give a guesser ten more tries. */
  sd_test_server_restart (fixture->server);

  limited = sign_in (fixture, SD_TEST_OTHER, SD_TEST_PASSWORD);
  sd_test_assert_error (limited, 429, "rate_limited", NULL);
  g_assert_nonnull (soup_message_headers_get_one (limited->headers, "Retry-After"));
}

static gboolean
contains (const char *data,
          gsize       length,
          const char *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (data[i] == text[0] && memcmp (data + i, text, n) == 0)
      return TRUE;

  return FALSE;
}

/* Adds to @found the secrets of @secrets that some file under @path contains. */
static void
scan_tree (const char  *path,
           const char **secrets,
           GHashTable  *found,
           guint       *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          scan_tree (child, secrets, found, n_files);
          continue;
        }

      g_file_get_contents (child, &contents, &length, &error);
      g_assert_no_error (error);
      (*n_files)++;

      for (guint i = 0; secrets[i] != NULL; i++)
        if (contains (contents, length, secrets[i]))
          g_hash_table_add (found, g_strdup_printf ("%s in %s", secrets[i], child));
    }
}

/*
 * Asserts that no file of the data dir holds any of @secrets, while one of
 * them holds @control: proof that the scan sees what the server stores.
 */
static void
assert_no_secrets (Fixture     *fixture,
                   const char **secrets,
                   const char  *control)
{
  const char *controls[] = { control, NULL };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *db = g_build_filename (fixture->server->data_dir, "supportdesk.db", NULL);
  guint n_files = 0;

  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  scan_tree (fixture->server->data_dir, secrets, found, &n_files);
  g_test_message ("scanned %u files", n_files);
  g_assert_cmpuint (n_files, >, 1);
  n_files = 0;
  scan_tree (fixture->server->data_dir, controls, seen, &n_files);
  g_assert_cmpuint (g_hash_table_size (seen), >, 0);

  if (g_hash_table_size (found) > 0)
    {
      g_autofree char **list = (char **)g_hash_table_get_keys_as_array (found, NULL);
      g_autofree char *joined = g_strjoinv (", ", list);

      g_error ("Secrets found on disk: %s", joined);
    }
}

static void
test_no_secrets_on_disk (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *customer = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  g_autofree char *agent = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autofree char *after_restart = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(SdTestResponse) failed = NULL;

  ticket = post (fixture, customer, "/api/v1/tickets", "secret-check",
                 "{\"category\": \"account\", \"subject\": \"Password\","
                 " \"description\": \"Reset it in the kiwi portal.\"}");
  g_assert_cmpuint (ticket->status, ==, 201);
  failed = sign_in (fixture, SD_TEST_OTHER, "mistyped-password");
  sd_test_assert_error (failed, 401, "unauthorized", NULL);

  /* While the server runs, with its write-ahead log... */
  {
    const char *secrets[] = { customer, agent, SD_TEST_PASSWORD, "mistyped-password", NULL };

    assert_no_secrets (fixture, secrets, "kiwi portal");
  }

  /* ...and after its log has been folded into the database. */
  sd_test_server_restart (fixture->server);
  after_restart = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_server_stop (fixture->server);
  {
    const char *secrets[] = { customer, agent, after_restart, SD_TEST_PASSWORD,
                              "mistyped-password", NULL };
    g_autofree char *log = sd_test_server_read_log (fixture->server);

    assert_no_secrets (fixture, secrets, "kiwi portal");

    /* The request log names requests, never what they carried. */
    g_assert_nonnull (strstr (log, "POST /api/v1/session 201"));
    g_assert_nonnull (strstr (log, "POST /api/v1/session 401"));
    for (guint i = 0; secrets[i] != NULL; i++)
      g_assert_null (strstr (log, secrets[i]));
    g_assert_null (strstr (log, "kiwi"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, logged) \
  g_test_add ("/sd/server/restart/" path, Fixture, logged, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("persistence", test_persistence, NULL);
  ADD ("rate-limit", test_rate_limit_persists, NULL);
  ADD ("no-secrets-on-disk", test_no_secrets_on_disk, "logged");
  ADD ("search-after-migration", test_search_after_migration, NULL);

#undef ADD

  return g_test_run ();
}
