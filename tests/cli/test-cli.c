#define G_LOG_DOMAIN "sd-test-cli"

#include "config.h"

#include "sd-credentials.h"
#include "sd-test-server.h"

#include <glib/gstdio.h>
#include <string.h>

/*
 * The real supportdesk-cli binary against the real server: an agent's
 * whole day, a script that opens a ticket with files, --json for every
 * command, and every way a command can fail, each with its exit status
 * and its one line on standard error. Sessions come from
 * SUPPORTDESK_TOKEN, except in the test of the keyring itself.
 */

typedef struct
{
  SdTestServer *server;
  char         *dir;             /* the CLI's working folder */
  char         *agent_token;
  char         *customer_token;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sd_test_server_new (NULL);
  fixture->dir = g_dir_make_tmp ("supportdesk-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->agent_token = sd_test_login (fixture->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  fixture->customer_token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->agent_token, g_free);
  g_clear_pointer (&fixture->customer_token, g_free);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/*
 * Runs supportdesk-cli ARGS… in the fixture's folder, against its server,
 * with @token as SUPPORTDESK_TOKEN (NULL: none, so the keyring is asked)
 * and @input on standard input (NULL: empty).
 */
static Run *
run_cliv (Fixture            *fixture,
          const char         *token,
          const char         *input,
          const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("SD_CLI_BINARY");
  Run *run = g_new0 (Run, 1);

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *)binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, fixture->dir);
  g_subprocess_launcher_setenv (launcher, "SUPPORTDESK_SERVER", fixture->server->url, TRUE);
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "SUPPORTDESK_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "SUPPORTDESK_TOKEN");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out,
                                 &run->err, &error);
  g_assert_no_error (error);

  /* An exit, never a crash or a critical (G_DEBUG makes those fatal). */
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  return run;
}

#define run_cli(fixture, token, input, ...) \
  run_cliv ((fixture), (token), (input), (const char * const[]) { __VA_ARGS__, NULL })

static void
assert_success (Run *run)
{
  if (run->status != 0)
    g_printerr ("supportdesk-cli failed (%d): %s", run->status, run->err);
  g_assert_cmpint (run->status, ==, 0);
}

/* One line on standard error, naming the program, with @part in it; nothing on standard output. */
static void
assert_failure (Run        *run,
                int         status,
                const char *part)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_true (g_str_has_prefix (run->err, "supportdesk-cli: "));
  if (strstr (run->err, part) == NULL)
    g_printerr ("“%s” is not in the error “%s”\n", part, run->err);
  g_assert_nonnull (strstr (run->err, part));
  g_assert_cmpstr (run->out, ==, "");
}

static void
assert_contains (const char *text,
                 const char *part)
{
  /* On standard error: the text may span lines, which the TAP output must not. */
  if (strstr (text, part) == NULL)
    g_printerr ("“%s” is not in “%s”\n", part, text);
  g_assert_nonnull (strstr (text, part));
}

/* The output of --json, which must be one JSON object. */
static JsonObject *
parse_json (Run         *run,
            JsonNode   **out_root)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  assert_success (run);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  *out_root = json_node_copy (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_root));

  return json_node_get_object (*out_root);
}

static gint64
create_ticket (Fixture    *fixture,
               const char *subject,
               const char *description)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, "billing");
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  json_generator_set_root (generator, body);
  json = json_generator_to_data (generator, NULL);

  response = sd_test_request (fixture->server, "POST", "/api/v1/tickets",
                              fixture->customer_token, json);
  g_assert_cmpuint (response->status, ==, 201);

  return json_object_get_int_member (sd_test_response_object (response), "id");
}

/* The ticket's messages as the API gives them. */
static JsonNode *
get_messages (Fixture *fixture,
              gint64   ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                           ticket_id);
  g_autoptr(SdTestResponse) response = sd_test_request (fixture->server, "GET", path,
                                                        fixture->agent_token, NULL);

  g_assert_cmpuint (response->status, ==, 200);

  return json_node_copy (response->json);
}

static JsonObject *
last_message (JsonNode *messages)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (messages), "messages");

  return json_array_get_object_element (array, json_array_get_length (array) - 1);
}

static char *
renew_pin (Fixture *fixture)
{
  g_autoptr(SdTestResponse) response = sd_test_request (fixture->server, "POST",
                                                        "/api/v1/support-pin",
                                                        fixture->customer_token, NULL);

  g_assert_cmpuint (response->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (response), "pin"));
}

static char *
group_pin (const char *pin)
{
  return g_strdup_printf ("%.3s %.3s %.3s", pin, pin + 3, pin + 6);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = fixture_path (fixture, name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* List, read, answer, solve, then open a customer's dashboard with the PIN they gave. */
static void
test_agent_day (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 id = create_ticket (fixture, "Refund for the double charge",
                             "We were charged twice in March.");
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *pin = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *session = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(SdTestResponse) log = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *ticket_path = NULL;
  JsonObject *message;
  JsonArray *entries;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) search = NULL;
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) reply = NULL;
  g_autoptr(Run) solve = NULL;
  g_autoptr(Run) dashboard = NULL;
  g_autoptr(Run) as_customer = NULL;

  /* The list: a table with a header, the new ticket first, its time relative to now. */
  list = run_cli (fixture, fixture->agent_token, NULL, "tickets");
  assert_success (list);
  g_assert_true (g_str_has_prefix (list->out, "ID "));
  assert_contains (list->out, "SUBJECT");
  assert_contains (list->out, "Refund for the double charge");
  assert_contains (list->out, "just now");
  g_assert_cmpstr (list->err, ==, "");

  search = run_cli (fixture, fixture->agent_token, NULL, "tickets", "--search", "double charge",
                    "--status", "pending");
  assert_success (search);
  assert_contains (search->out, "Refund for the double charge");
  g_assert_null (strstr (search->out, "Firewall blocks"));

  show = run_cli (fixture, fixture->agent_token, NULL, "show", id_text);
  assert_success (show);
  assert_contains (show->out, "Refund for the double charge");
  assert_contains (show->out, "We were charged twice in March.");
  assert_contains (show->out, "Alex Morgan (customer)");

  reply = run_cli (fixture, fixture->agent_token, NULL, "reply", id_text, "--message",
                   "The second charge is refunded.");
  assert_success (reply);
  assert_contains (reply->out, "Replied to ticket #");
  messages = get_messages (fixture, id);
  message = last_message (messages);
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==,
                   "The second charge is refunded.");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message,
                                                                                 "author"),
                                                  "role"), ==, "agent");

  solve = run_cli (fixture, fixture->agent_token, NULL, "status", id_text, "solved");
  assert_success (solve);
  assert_contains (solve->out, "is solved");
  ticket_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  ticket = sd_test_request (fixture->server, "GET", ticket_path, fixture->agent_token, NULL);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (ticket), "status"),
                   ==, "solved");

  /* The customer reads a PIN out over the phone, grouped as the app shows it. */
  pin = renew_pin (fixture);
  grouped = group_pin (pin);
  dashboard = run_cli (fixture, fixture->agent_token, NULL, "dashboard", "--customer",
                       SD_TEST_CUSTOMER, "--pin", grouped);
  assert_success (dashboard);
  /* Only the token, so that $(supportdesk-cli dashboard …) is the token. */
  g_assert_cmpuint (strlen (dashboard->out), ==, 43 + 1);
  session = g_strstrip (g_strdup (dashboard->out));

  as_customer = run_cli (fixture, session, NULL, "whoami", "--json");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     parse_json (as_customer, &root), "user"), "email"), ==, SD_TEST_CUSTOMER);

  log = sd_test_request (fixture->server, "GET", "/api/v1/access-log", fixture->customer_token,
                         NULL);
  entries = json_object_get_array_member (sd_test_response_object (log), "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "via"), ==, "pin");
}

/* The agent saves what the customer attached, and reads it. */
static void
test_download (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) download = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) named = NULL;
  g_autoptr(JsonNode) messages = get_messages (fixture, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (fixture, "firewall.log");
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *id_text = NULL;
  JsonObject *attachment;
  gsize length;

  attachment = json_array_get_object_element (
    json_object_get_array_member (last_message (messages), "attachments"), 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, "firewall.log");
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (attachment, "id"));

  show = run_cli (fixture, fixture->agent_token, NULL, "show", "1");
  assert_success (show);
  assert_contains (show->out, "firewall.log");

  download = run_cli (fixture, fixture->agent_token, NULL, "download", id_text);
  assert_success (download);
  assert_contains (download->out, "firewall.log");
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
  g_assert_cmpstr (sha256, ==, json_object_get_string_member (attachment, "sha256"));

  /* A second time, the file is there: it is not replaced, and nothing is downloaded. */
  g_file_set_contents (path, "the agent's notes", -1, &error);
  g_assert_no_error (error);
  again = run_cli (fixture, fixture->agent_token, NULL, "download", id_text);
  assert_failure (again, 2, "already exists");
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "the agent's notes");

  /* Named with -o, it is replaced: naming it is the permission. */
  named = run_cli (fixture, fixture->agent_token, NULL, "download", id_text, "-o",
                   "firewall.log");
  assert_success (named);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_cmpuint (length, ==, json_object_get_int_member (attachment, "size"));
}

/* A name from the customer never becomes a hidden file in the agent's folder. */
static void
test_download_unsafe_name (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("echo hello\n", 11);
  g_autoptr(SdTestResponse) upload = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autoptr(Run) reply = NULL;
  g_autoptr(Run) refused = NULL;
  g_autoptr(Run) named = NULL;
  g_autofree char *token_json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *hidden = fixture_path (fixture, ".bashrc");
  g_autofree char *chosen = fixture_path (fixture, "rc.txt");
  JsonObject *attachment;

  upload = sd_test_request_full (fixture->server, "POST", "/api/v1/uploads?filename=.bashrc",
                                 fixture->customer_token, "text/plain", body, NULL);
  g_assert_cmpuint (upload->status, ==, 201);
  token_json = g_strdup_printf ("{\"body\": \"My shell setup\", \"uploads\": [\"%s\"]}",
                                json_object_get_string_member (sd_test_response_object (upload),
                                                               "token"));
  path = g_strdup ("/api/v1/tickets/1/messages");
  g_clear_pointer (&upload, sd_test_response_free);
  upload = sd_test_request (fixture->server, "POST", path, fixture->customer_token, token_json);
  g_assert_cmpuint (upload->status, ==, 201);

  messages = get_messages (fixture, 1);
  attachment = json_array_get_object_element (
    json_object_get_array_member (last_message (messages), "attachments"), 0);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (attachment, "id"));

  refused = run_cli (fixture, fixture->agent_token, NULL, "download", id_text);
  assert_failure (refused, 2, "not safe");
  g_assert_false (g_file_test (hidden, G_FILE_TEST_EXISTS));

  named = run_cli (fixture, fixture->agent_token, NULL, "download", id_text, "-o", "rc.txt");
  assert_success (named);
  g_assert_true (g_file_test (chosen, G_FILE_TEST_IS_REGULAR));
}

/* What a customer's script does: a ticket, its description piped in, a log file attached. */
static void
test_script_create (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *description = "The nightly import failed.\nThe log is attached.\n";
  g_autoptr(Run) create = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autofree char *sha256 = NULL;
  JsonObject *ticket;
  JsonObject *first;
  JsonArray *attachments;
  JsonObject *attachment;

  write_file (fixture, "import.log", "02:00 import started\n02:01 connection refused\n");
  sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                          "02:00 import started\n02:01 connection refused\n",
                                          -1);

  create = run_cli (fixture, fixture->customer_token, description, "create", "--json",
                    "--category", "data-not-captured", "--subject", "Nightly import failed",
                    "--attach", "import.log");
  ticket = parse_json (create, &root);
  g_assert_cmpstr (json_object_get_string_member (ticket, "subject"), ==,
                   "Nightly import failed");
  g_assert_cmpstr (json_object_get_string_member (ticket, "category"), ==, "data-not-captured");
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "pending");
  /* Not a terminal: no progress on standard error. */
  g_assert_cmpstr (create->err, ==, "");

  messages = get_messages (fixture, json_object_get_int_member (ticket, "id"));
  first = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (messages), "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "body"), ==,
                   "The nightly import failed.\nThe log is attached.");
  attachments = json_object_get_array_member (first, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, "import.log");
  /* Guessed from the name, as the app does: text/plain or text/x-log, as the system knows it. */
  g_assert_true (g_str_has_prefix (json_object_get_string_member (attachment, "content_type"),
                                   "text/"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);
}

/* `dmesg | supportdesk-cli reply 1 --message … --attach -`: standard input is the file. */
static void
test_script_attach_stdin (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *log = "[    0.000000] Linux version 6.1\n[    1.234567] usb 1-1: reset\n";
  g_autoptr(Run) reply = NULL;
  g_autoptr(Run) both = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, log, -1);
  JsonObject *message;
  JsonObject *attachment;

  write_file (fixture, "screenshot.png", "not really a PNG");

  reply = run_cli (fixture, fixture->customer_token, log, "reply", "1", "--json", "--message",
                   "The kernel log, and a screenshot", "--attach", "-", "--stdin-name",
                   "dmesg.txt", "--attach", "screenshot.png");
  message = parse_json (reply, &root);
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==,
                   "The kernel log, and a screenshot");

  messages = get_messages (fixture, 1);
  message = last_message (messages);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (message,
                                                                         "attachments")), ==, 2);
  attachment = json_array_get_object_element (json_object_get_array_member (message,
                                                                            "attachments"), 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, "dmesg.txt");
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);

  /* Standard input cannot be the message and the file at once. */
  both = run_cli (fixture, fixture->customer_token, log, "reply", "1", "--attach", "-");
  assert_failure (both, 2, "--message");
}

/* Runs a command with --json; its parsed output is kept in @roots for the test's length. */
static JsonObject *
run_json (Fixture    *fixture,
          const char *token,
          GPtrArray  *roots,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  JsonNode *root = NULL;
  JsonObject *object;
  va_list va;

  va_start (va, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (va, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (va);
  g_ptr_array_add (args, (char *)"--json");
  g_ptr_array_add (args, NULL);

  run = run_cliv (fixture, token, NULL, (const char * const *)args->pdata);
  g_assert_cmpstr (run->err, ==, "");
  object = parse_json (run, &root);
  g_ptr_array_add (roots, root);

  return object;
}

static void
assert_members (JsonObject *object,
                const char *first_member,
                ...)
{
  va_list va;

  va_start (va, first_member);
  for (const char *member = first_member; member != NULL; member = va_arg (va, const char *))
    if (!json_object_has_member (object, member))
      {
        g_printerr ("The JSON output has no member “%s”\n", member);
        g_assert_not_reached ();
      }
  va_end (va);
}

/* Every command prints one JSON object with --json, with the members a program needs. */
static void
test_json (Fixture       *fixture,
           gconstpointer  data)
{
  const char *agent = fixture->agent_token;
  const char *customer = fixture->customer_token;
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *invitation_id = NULL;
  g_autofree char *pin = NULL;
  JsonObject *object;
  JsonArray *array;

  object = run_json (fixture, agent, roots, "whoami", NULL);
  assert_members (object, "server", "user", NULL);
  g_assert_cmpstr (json_object_get_string_member (object, "server"), ==, fixture->server->url);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "user"),
                                                  "role"), ==, "agent");

  object = run_json (fixture, agent, roots, "categories", NULL);
  array = json_object_get_array_member (object, "categories");
  g_assert_cmpuint (json_array_get_length (array), ==, 6);
  assert_members (json_array_get_object_element (array, 0), "id", "name", NULL);

  object = run_json (fixture, agent, roots, "tickets", "--limit", "2", NULL);
  assert_members (object, "tickets", "has_more", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "tickets")),
                    ==, 2);
  g_assert_true (json_object_get_boolean_member (object, "has_more"));
  assert_members (json_array_get_object_element (json_object_get_array_member (object,
                                                                               "tickets"), 0),
                  "id", "subject", "category", "status", "requester", "updated_at", NULL);

  object = run_json (fixture, agent, roots, "show", "1", NULL);
  assert_members (object, "ticket", "messages", NULL);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "ticket"),
                                               "id"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "messages")),
                    ==, 3);

  object = run_json (fixture, agent, roots, "reply", "1", "--message", "Noted.", NULL);
  assert_members (object, "id", "ticket_id", "kind", "author", "body", "attachments", NULL);

  object = run_json (fixture, agent, roots, "status", "1", "solved", NULL);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "solved");

  object = run_json (fixture, customer, roots, "create", "--category", "billing", "--subject",
                     "JSON", "--description", "From a script", NULL);
  assert_members (object, "id", "subject", "status", "created_at", NULL);

  object = run_json (fixture, customer, roots, "pin", "renew", NULL);
  assert_members (object, "active", "pin", "expires_at", NULL);
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "pin")), ==, 9);
  pin = g_strdup (json_object_get_string_member (object, "pin"));

  object = run_json (fixture, customer, roots, "pin", "show", NULL);
  assert_members (object, "active", "expires_at", "used_at", "used_by", NULL);
  g_assert_true (json_object_get_boolean_member (object, "active"));

  object = run_json (fixture, agent, roots, "dashboard", "--customer", SD_TEST_CUSTOMER,
                     "--pin", pin, NULL);
  assert_members (object, "server", "token", "customer", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                 "customer"),
                                                  "email"), ==, SD_TEST_CUSTOMER);

  object = run_json (fixture, customer, roots, "invite", "1", NULL);
  assert_members (object, "id", "ticket_id", "created_at", "expires_at", NULL);
  invitation_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (object,
                                                                                    "id"));

  object = run_json (fixture, customer, roots, "access-log", NULL);
  assert_members (object, "entries", "invitations", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")),
                    ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "invitations")), ==, 1);

  object = run_json (fixture, customer, roots, "revoke", invitation_id, NULL);
  g_assert_cmpuint (json_object_get_size (object), ==, 0);

  object = run_json (fixture, customer, roots, "pin", "clear", NULL);
  g_assert_cmpuint (json_object_get_size (object), ==, 0);

  object = run_json (fixture, agent, roots, "download", "1", NULL);
  assert_members (object, "attachment", "path", NULL);
  g_assert_true (g_file_test (json_object_get_string_member (object, "path"),
                              G_FILE_TEST_IS_REGULAR));
}

/*
 * Text from a customer cannot rewrite what the agent's terminal shows: a
 * carriage return would print over the line, a bidi override reverse it.
 * (The service refuses other control characters; the CLI would too.)
 */
static void
test_terminal_escapes (Fixture       *fixture,
                       gconstpointer  data)
{
  gint64 id = create_ticket (fixture, "Harmless",
                             "Refund approved\rRefund denied \xe2\x80\xae" "evil\r\nNext line");
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autoptr(Run) show = run_cli (fixture, fixture->agent_token, NULL, "show", id_text);
  g_autoptr(Run) json = run_cli (fixture, fixture->agent_token, NULL, "show", id_text,
                                 "--json");

  assert_success (show);
  g_assert_null (strchr (show->out, '\r'));
  g_assert_null (strstr (show->out, "\xe2\x80\xae"));
  assert_contains (show->out, "Refund approved\xef\xbf\xbdRefund denied");
  /* A Windows line end is a line end. */
  assert_contains (show->out, "evil\n  Next line");

  /* JSON carries the text exactly, escaped: a program decides what to do with it. */
  assert_success (json);
  g_assert_null (strchr (json->out, '\r'));
  assert_contains (json->out, "\\r");
}

static void
test_help (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(Run) help = run_cli (fixture, NULL, NULL, "--help");
  g_autoptr(Run) command = run_cli (fixture, NULL, NULL, "download", "--help");
  g_autoptr(Run) help_command = run_cli (fixture, NULL, NULL, "help", "tickets");
  g_autoptr(Run) nothing = run_cliv (fixture, NULL, NULL, (const char * const[]) { NULL });

  assert_success (help);
  assert_contains (help->out, "dashboard");
  assert_contains (help->out, "Exit status");

  assert_success (command);
  assert_contains (command->out, "-o, --output=FILE");
  assert_contains (command->out, "never replaces a file");
  assert_contains (command->out, "4    not signed in");

  assert_success (help_command);
  assert_contains (help_command->out, "--search=WORDS");

  assert_failure (nothing, 2, "no command given");
}

/* Exit status 2: the command line asks for something impossible; nothing is sent. */
static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *token = fixture->customer_token;
  struct {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { "frobnicate", NULL }, "no command 'frobnicate'" },
    { { "tickets", "--colour", NULL }, "--colour" },
    { { "tickets", "--status", "open", NULL }, "pending or solved" },
    { { "tickets", "--limit", "0", NULL }, "--limit" },
    { { "show", NULL }, "show needs ID" },
    { { "show", "twelve", NULL }, "not a ticket id" },
    { { "show", "1", "2", NULL }, "unexpected argument '2'" },
    { { "status", "1", "closed", NULL }, "pending or solved" },
    { { "create", "--subject", "No category", NULL }, "--category" },
    { { "create", "--category", "billing", NULL }, "--subject" },
    { { "create", "--category", "billing", "--subject", "Empty", "--description", " ", NULL },
      "the description is empty" },
    { { "reply", "1", "--attach", "missing.log", "--message", "Here", NULL },
      "cannot attach 'missing.log': no such file" },
    { { "pin", "rotate", NULL }, "renew, show or clear" },
    { { "dashboard", "--customer", SD_TEST_CUSTOMER, "--pin", "12345", NULL }, "nine digits" },
    { { "dashboard", "--pin", "123456789", NULL }, "--customer" },
    { { "download", "first", NULL }, "not an attachment id" },
    { { "--server", "ftp://example.com", "tickets", NULL }, "not the address of a server" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = run_cliv (fixture, token, NULL, cases[i].args);

      assert_failure (run, 2, cases[i].message);
    }

  {
    g_autoptr(Run) none = run_cli (fixture, token, NULL, "tickets", "--status", "solved");
    g_autoptr(Run) empty = run_cli (fixture, token, "", "reply", "1");
    g_autoptr(JsonNode) messages = get_messages (fixture, 1);

    /* The refused reply with a missing file sent nothing: the conversation is as it was. */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (messages), "messages")), ==, 3);
    assert_failure (empty, 2, "the message is empty");
    assert_success (none);
  }
}

/* Exit status 4: no session, a wrong password, or a session that ended. */
static void
test_auth_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Run) wrong = run_cli (fixture, NULL, SD_TEST_AGENT "\nnot-the-password\n", "login");
  g_autoptr(Run) unknown = run_cli (fixture, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
                                    "tickets");
  g_autoptr(Run) no_password = run_cli (fixture, NULL, SD_TEST_AGENT "\n", "login");
  g_autoptr(SdTestResponse) signed_out = NULL;
  g_autoptr(Run) ended = NULL;

  assert_failure (wrong, 4, "wrong email or password");
  assert_failure (unknown, 4, "SUPPORTDESK_TOKEN is not valid");
  assert_failure (no_password, 2, "no password");

  signed_out = sd_test_request (fixture->server, "DELETE", "/api/v1/session",
                                fixture->agent_token, NULL);
  g_assert_cmpuint (signed_out->status, ==, 204);
  ended = run_cli (fixture, fixture->agent_token, NULL, "whoami");
  assert_failure (ended, 4, "expired or was signed out");
}

/* Exit status 1: the service understood, and said no. */
static void
test_api_errors (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Run) unknown = run_cli (fixture, fixture->agent_token, NULL, "show", "999999");
  g_autoptr(Run) foreign = run_cli (fixture, fixture->customer_token, NULL, "show", "5");
  g_autoptr(Run) customer_status = run_cli (fixture, fixture->customer_token, NULL, "status",
                                            "1", "solved");
  g_autoptr(Run) wrong_pin = run_cli (fixture, fixture->agent_token, NULL, "dashboard",
                                      "--customer", SD_TEST_CUSTOMER, "--pin", "000-000-000");
  g_autoptr(Run) category = run_cli (fixture, fixture->customer_token, NULL, "create",
                                     "--category", "lunch", "--subject", "Menu",
                                     "--description", "What is for lunch?");
  g_autoptr(Run) attachment = run_cli (fixture, fixture->agent_token, NULL, "download",
                                       "424242");
  g_autoptr(Run) invitation = run_cli (fixture, fixture->customer_token, NULL, "revoke", "77");

  assert_failure (unknown, 1, "ticket 999999 does not exist");
  /* Another organization's ticket is no different from one that does not exist. */
  assert_failure (foreign, 1, "ticket 5 does not exist");
  assert_failure (customer_status, 1, "not allowed");
  assert_failure (wrong_pin, 1, "not allowed");
  assert_failure (category, 1, "supportdesk-cli categories");
  assert_failure (attachment, 1, "attachment 424242 does not exist");
  assert_failure (invitation, 1, "invitation 77 does not exist");
}

/* Exit status 3: nobody answers at the address. */
static void
test_network_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Run) down = NULL;
  g_autoptr(Run) login = NULL;
  g_autofree char *url = g_strdup (fixture->server->url);

  sd_test_server_stop (fixture->server);

  down = run_cli (fixture, fixture->agent_token, NULL, "tickets");
  assert_failure (down, 3, "cannot reach the service at");
  assert_contains (down->err, url);

  login = run_cli (fixture, NULL, SD_TEST_AGENT "\n" SD_TEST_PASSWORD "\n", "login");
  assert_failure (login, 3, "cannot reach");
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* What the keyring holds for @email on @server, as the app would find it. */
static char *
lookup_token (const char *server,
              const char *email)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  sd_credentials_lookup_token_async (server, email, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  token = sd_credentials_lookup_token_finish (result, NULL, &error);
  g_assert_no_error (error);

  return token;
}

/* login keeps the session in the keyring (no SUPPORTDESK_TOKEN); logout revokes and forgets it. */
static void
test_keyring (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Run) before = NULL;
  g_autoptr(Run) login = NULL;
  g_autoptr(Run) whoami = NULL;
  g_autoptr(Run) tickets = NULL;
  g_autoptr(Run) logout = NULL;
  g_autoptr(Run) after = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(SdTestResponse) revoked = NULL;
  g_autofree char *token = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("No session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no keyring; "
                   "build-aux/headless provides one");
      return;
    }

  before = run_cli (fixture, NULL, NULL, "whoami");
  assert_failure (before, 4, "not signed in");

  /* Not a terminal: the email and the password are the first two lines. */
  login = run_cli (fixture, NULL, SD_TEST_AGENT "\n" SD_TEST_PASSWORD "\n", "login");
  assert_success (login);
  assert_contains (login->out, "Signed in");
  assert_contains (login->out, SD_TEST_AGENT);
  /* The password is never echoed, nor prompted for, off a terminal. */
  g_assert_null (strstr (login->out, SD_TEST_PASSWORD));
  g_assert_null (strstr (login->err, "Password"));

  token = lookup_token (fixture->server->url, SD_TEST_AGENT);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 43);

  whoami = run_cli (fixture, NULL, NULL, "whoami");
  assert_success (whoami);
  assert_contains (whoami->out, SD_TEST_AGENT);
  assert_contains (whoami->out, "keyring");

  tickets = run_cli (fixture, NULL, NULL, "tickets");
  assert_success (tickets);
  assert_contains (tickets->out, "Firewall blocks the update service");

  logout = run_cli (fixture, NULL, NULL, "logout");
  assert_success (logout);
  assert_contains (logout->out, "Signed " SD_TEST_AGENT " out");

  /* Revoked on the service, and gone from the keyring. */
  revoked = sd_test_request (fixture->server, "GET", "/api/v1/session", token, NULL);
  g_assert_cmpuint (revoked->status, ==, 401);
  g_clear_pointer (&token, g_free);
  token = lookup_token (fixture->server->url, SD_TEST_AGENT);
  g_assert_null (token);

  after = run_cli (fixture, NULL, NULL, "whoami");
  assert_failure (after, 4, "not signed in");

  /* Signed out already is what logout is for. */
  again = run_cli (fixture, NULL, NULL, "logout");
  assert_success (again);
  assert_contains (again->out, "Not signed in");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("agent-day", test_agent_day);
  ADD ("download", test_download);
  ADD ("download/unsafe-name", test_download_unsafe_name);
  ADD ("script/create", test_script_create);
  ADD ("script/attach-stdin", test_script_attach_stdin);
  ADD ("json", test_json);
  ADD ("terminal-escapes", test_terminal_escapes);
  ADD ("help", test_help);
  ADD ("errors/usage", test_usage_errors);
  ADD ("errors/auth", test_auth_errors);
  ADD ("errors/api", test_api_errors);
  ADD ("errors/network", test_network_errors);
  ADD ("keyring", test_keyring);

#undef ADD

  return g_test_run ();
}
