#define G_LOG_DOMAIN "sd-test-outbox-faults"

#include "config.h"

#include "sd-outbox.h"
#include "sd-test-client.h"
#include "sd-test-proxy.h"
#include "sd-upload.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/*
 * SdOutbox's promise, under faults, against the real server: a network
 * that drops, cuts, stalls and refuses requests (sd-fault-proxy), a server
 * killed with SIGKILL and started again, and the program itself killed with
 * items in its outbox. Whatever happens, every item the user was told is
 * stored reaches the server exactly once, with its files intact.
 *
 * Each test runs trials, each from a seed of its own that fixes its items,
 * the proxy's faults and the moment of a kill. The first seed is printed;
 * SD_TEST_SEED=N runs the tests from seed N again (the timing of the
 * machine still varies from run to run).
 */

#define FLAKY_TRIALS       5
#define FLAKY_ITEMS        6
#define CREATE_KILL_TRIALS 10
#define CREATE_KILL_ITEMS  6
#define UPLOAD_KILL_TRIALS 6
#define BIG_FILE_SIZE      (3 * 1024 * 1024)
#define WRITER_TRIALS      8
#define WRITER_ITEMS       5
#define DESCRIPTION        "Written under faults"
/*
 * How long an outbox may take to send everything. Far more than a trial
 * needs, but the proxy's 503 and 429 each say "Retry-After: 1", and the
 * outbox rightly waits that second every time.
 */
#define DRAIN_TIMEOUT_SECONDS 60
/* A timer may fire this much before a wait measured from outside it would end. */
#define TIMER_SLACK_MS        100

/* A file the user attached, as it is on the user's disk. */
typedef struct
{
  char  *path;
  char  *name;
  gsize  size;
  char  *sha256;
} LocalFile;

/* One item the user created, and what the server must show of it. */
typedef struct
{
  /* The subject of a new ticket, or the body of a message: unique, to be counted. */
  char      *marker;
  /* The ticket a message is for; 0 for a new ticket. */
  gint64     ticket_id;
  GPtrArray *files;
  /* The user was told it is stored: it must arrive. Otherwise it may, but once at most. */
  gboolean   confirmed;
} Expected;

typedef struct
{
  SdTestServer *server;
  SdTestProxy  *proxy;
  /* Straight to the server: what the test itself uses. */
  SdClient     *client;
  const char   *token;
  char         *dir;
  guint32       seed;
  /* Existing tickets that messages go to. */
  gint64        targets[2];
  guint         n_sent;
} Fixture;

static void
local_file_free (LocalFile *file)
{
  g_free (file->path);
  g_free (file->name);
  g_free (file->sha256);
  g_free (file);
}

static void
expected_free (Expected *expected)
{
  g_free (expected->marker);
  g_ptr_array_unref (expected->files);
  g_free (expected);
}

static Expected *
expected_new (guint32 seed,
              guint   index,
              gint64  ticket_id)
{
  Expected *expected = g_new0 (Expected, 1);

  expected->marker = g_strdup_printf ("Outbox trial %08x item %02u", seed, index);
  expected->ticket_id = ticket_id;
  expected->files = g_ptr_array_new_with_free_func ((GDestroyNotify)local_file_free);
  expected->confirmed = TRUE;

  return expected;
}

/* Attaches a new file of @size random bytes, written to the fixture's folder. */
static void
expected_add_file (Fixture  *fixture,
                   Expected *expected,
                   GRand    *rand,
                   gsize     size)
{
  LocalFile *file = g_new0 (LocalFile, 1);
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i += 4)
    {
      guint32 value = g_rand_int (rand);

      memcpy (data + i, &value, MIN (4, size - i));
    }

  file->name = g_strdup_printf ("%s-%u.bin", expected->marker, expected->files->len);
  g_strdelimit (file->name, " ", '-');
  file->path = g_build_filename (fixture->dir, file->name, NULL);
  file->size = size;
  file->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  g_file_set_contents (file->path, (const char *)data, size, &error);
  g_assert_no_error (error);

  g_ptr_array_add (expected->files, file);
}

/* A new ticket or a message to one of the targets, with up to @max_files small files. */
static Expected *
random_item (Fixture *fixture,
             GRand   *rand,
             guint32  seed,
             guint    index,
             guint    max_files)
{
  gboolean ticket = g_rand_boolean (rand);
  Expected *expected = expected_new (seed, index,
                                     ticket ? 0 : fixture->targets[g_rand_int_range (rand, 0, 2)]);
  guint n_files = g_rand_int_range (rand, 0, (gint32)max_files + 1);

  /* Empty files are allowed, and a boundary of their own. */
  for (guint i = 0; i < n_files; i++)
    expected_add_file (fixture, expected, rand, g_rand_int_range (rand, 0, 48 * 1024));

  return expected;
}

static guint32
first_seed (void)
{
  const char *text = g_getenv ("SD_TEST_SEED");
  guint64 seed;

  if (text == NULL)
    return g_test_rand_int ();

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &seed, NULL))
    g_error ("SD_TEST_SEED must be a whole number below 2^32, not “%s”", text);

  return (guint32)seed;
}

static void
item_sent_cb (SdOutbox     *outbox,
              SdOutboxItem *item,
              GObject      *created,
              Fixture      *fixture)
{
  g_assert_true (SD_IS_TICKET (created) || SD_IS_MESSAGE (created));
  fixture->n_sent++;
}

/* An outbox on <dir>/@name with short waits, counting "item-sent" in the fixture. */
static SdOutbox *
new_outbox (Fixture    *fixture,
            const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  SdOutbox *outbox = sd_outbox_new (dir);

  sd_outbox_set_backoff (outbox, 10, 100);
  g_signal_connect (outbox, "item-sent", G_CALLBACK (item_sent_cb), fixture);
  fixture->n_sent = 0;

  return outbox;
}

static void
load (SdOutbox *outbox)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_outbox_load_async (outbox, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_outbox_load_finish (outbox, result, &error));
  g_assert_no_error (error);
}

/* Stores @expected in @outbox, as the app does when the user sends it. */
static void
add (Fixture  *fixture,
     SdOutbox *outbox,
     Expected *expected)
{
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < expected->files->len; i++)
    {
      LocalFile *file = g_ptr_array_index (expected->files, i);
      g_autoptr(GFile) gfile = g_file_new_for_path (file->path);

      g_ptr_array_add (uploads, sd_upload_new (fixture->client, gfile, file->name,
                                               "application/octet-stream"));
    }

  if (expected->ticket_id == 0)
    sd_outbox_add_ticket_async (outbox, "billing", expected->marker, DESCRIPTION, uploads, NULL,
                                sd_test_store_result_cb, &result);
  else
    sd_outbox_add_message_async (outbox, expected->ticket_id, expected->marker, uploads, NULL,
                                 sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  item = sd_outbox_add_finish (outbox, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
}

static gboolean
drained_or_stuck (gpointer data)
{
  GListModel *model = data;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdOutboxItem) item = g_list_model_get_item (model, i);

      if (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_FAILED)
        return TRUE;
    }

  return n == 0;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/*
 * Waits until @outbox has sent everything. An item refused for good, or
 * still there after DRAIN_TIMEOUT_SECONDS, fails the test, saying why.
 */
static void
drain (SdOutbox *outbox)
{
  GListModel *model = G_LIST_MODEL (outbox);
  gint64 deadline = g_get_monotonic_time () + DRAIN_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, tick_cb, NULL);

  while (!drained_or_stuck (outbox) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SdOutboxItem) item = g_list_model_get_item (model, i);
      const GError *error = sd_outbox_item_get_error (item);

      g_test_message ("Still in the outbox (state %d): “%s”: %s",
                      sd_outbox_item_get_state (item),
                      sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_TICKET
                      ? sd_outbox_item_get_subject (item) : sd_outbox_item_get_body (item),
                      error != NULL ? error->message : "no error");
      if (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_FAILED)
        g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
}

/* The names in @outbox's folder, hidden ones included. */
static GPtrArray *
list_outbox_dir (SdOutbox *outbox)
{
  g_autofree char *path = g_file_get_path (sd_outbox_get_directory (outbox));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));

  return names;
}

static gboolean
outbox_dir_is_empty (gpointer data)
{
  g_autoptr(GPtrArray) names = list_outbox_dir (data);

  return names->len == 0;
}

/* Every element of the array @member on all pages of @path (with a query), from the server. */
static GPtrArray *
list_all (Fixture    *fixture,
          const char *path,
          const char *member)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *cursor = NULL;

  do
    {
      g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
      g_autofree char *page = g_strconcat (path, escaped != NULL ? "&cursor=" : "", escaped,
                                           NULL);
      g_autoptr(SdTestResponse) response = NULL;
      JsonObject *object;
      JsonArray *items;
      JsonNode *next;

      response = sd_test_request (fixture->server, "GET", page, fixture->token, NULL);
      g_assert_cmpuint (response->status, ==, 200);
      object = sd_test_response_object (response);
      items = json_object_get_array_member (object, member);
      for (guint i = 0; i < json_array_get_length (items); i++)
        g_ptr_array_add (all, json_node_copy (json_array_get_element (items, i)));

      g_clear_pointer (&cursor, g_free);
      next = json_object_get_member (object, "next_cursor");
      if (next != NULL && JSON_NODE_HOLDS_VALUE (next))
        cursor = g_strdup (json_node_get_string (next));
    }
  while (cursor != NULL);

  return g_steal_pointer (&all);
}

static GPtrArray *
list_messages (Fixture *fixture,
               gint64   ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT
                                           "/messages?limit=100", ticket_id);

  return list_all (fixture, path, "messages");
}

/* The attachments on the server are the user's files, byte for byte (by their SHA-256). */
static void
assert_attachments (Expected   *expected,
                    JsonObject *message)
{
  JsonArray *attachments = json_object_get_array_member (message, "attachments");

  g_assert_cmpuint (json_array_get_length (attachments), ==, expected->files->len);

  for (guint i = 0; i < expected->files->len; i++)
    {
      LocalFile *file = g_ptr_array_index (expected->files, i);
      JsonObject *found = NULL;

      for (guint j = 0; j < json_array_get_length (attachments); j++)
        {
          JsonObject *attachment = json_array_get_object_element (attachments, j);

          if (g_strcmp0 (json_object_get_string_member (attachment, "filename"), file->name) == 0)
            {
              g_assert_null (found);
              found = attachment;
            }
        }

      g_assert_nonnull (found);
      g_assert_cmpint (json_object_get_int_member (found, "size"), ==, (gint64)file->size);
      g_assert_cmpstr (json_object_get_string_member (found, "sha256"), ==, file->sha256);
    }
}

/* Whether @n copies on the server are right for @expected; fails the test if not. */
static gboolean
assert_count (Expected *expected,
              guint     n)
{
  if (n == 1 || (n == 0 && !expected->confirmed))
    return n == 1;

  g_test_message ("“%s” (%s) is on the server %u times", expected->marker,
                  expected->confirmed ? "stored" : "never confirmed", n);
  g_assert_cmpuint (n, ==, 1);

  return FALSE;
}

/* How many of @objects (JsonNode) have @value as @member; *@found is the last of them. */
static guint
count_with (GPtrArray   *objects,
            const char  *member,
            const char  *value,
            JsonObject **found)
{
  guint n = 0;

  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (objects, i));

      if (g_strcmp0 (json_object_get_string_member_with_default (object, member, NULL),
                     value) == 0)
        {
          if (found != NULL)
            *found = object;
          n++;
        }
    }

  return n;
}

/* How many of @items the server has, once or more: what it had done when it was killed. */
static guint
count_present (Fixture   *fixture,
               GPtrArray *items)
{
  g_autoptr(GPtrArray) tickets = list_all (fixture, "/api/v1/tickets?limit=100", "tickets");
  g_autoptr(GPtrArray) messages = list_messages (fixture, fixture->targets[0]);
  g_autoptr(GPtrArray) more = list_messages (fixture, fixture->targets[1]);
  guint n = 0;

  g_ptr_array_extend_and_steal (messages, g_steal_pointer (&more));
  for (guint i = 0; i < items->len; i++)
    {
      Expected *expected = g_ptr_array_index (items, i);

      if (expected->ticket_id == 0)
        n += count_with (tickets, "subject", expected->marker, NULL) > 0;
      else
        n += count_with (messages, "body", expected->marker, NULL) > 0;
    }

  return n;
}

/* The invariant: nothing lost, nothing twice, every file intact; asked of the server directly. */
static void
assert_exactly_once (Fixture   *fixture,
                     GPtrArray *items)
{
  g_autoptr(GPtrArray) tickets = list_all (fixture, "/api/v1/tickets?limit=100", "tickets");
  g_autoptr(GHashTable) threads = NULL;

  threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify)g_ptr_array_unref);

  for (guint i = 0; i < items->len; i++)
    {
      Expected *expected = g_ptr_array_index (items, i);
      JsonObject *found = NULL;
      GPtrArray *messages;
      guint n = 0;

      if (expected->ticket_id == 0)
        {
          g_autoptr(GPtrArray) first = NULL;

          n = count_with (tickets, "subject", expected->marker, &found);
          if (!assert_count (expected, n))
            continue;

          /* A new ticket's files are on its first message, the description. */
          first = list_messages (fixture, json_object_get_int_member (found, "id"));
          g_assert_cmpuint (first->len, ==, 1);
          found = json_node_get_object (g_ptr_array_index (first, 0));
          g_assert_cmpstr (json_object_get_string_member (found, "body"), ==, DESCRIPTION);
          assert_attachments (expected, found);
          continue;
        }

      messages = g_hash_table_lookup (threads, &expected->ticket_id);
      if (messages == NULL)
        {
          messages = list_messages (fixture, expected->ticket_id);
          g_hash_table_insert (threads, g_memdup2 (&expected->ticket_id, sizeof (gint64)),
                               messages);
        }

      n = count_with (messages, "body", expected->marker, &found);
      if (assert_count (expected, n))
        assert_attachments (expected, found);
    }
}

/* The lines of the proxy's log from @offset on that name @fault. */
static guint
count_faults (const char *log,
              gsize       offset,
              const char *fault)
{
  g_auto(GStrv) lines = g_strsplit (log + offset, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], fault) != NULL)
      n++;

  return n;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sd_test_server_new (NULL);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  fixture->token = sd_client_get_token (fixture->client);
  fixture->dir = g_dir_make_tmp ("supportdesk-outbox-faults-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->targets[0] = sd_test_create_ticket (fixture->server, fixture->token,
                                               "Faulty conversation one");
  fixture->targets[1] = sd_test_create_ticket (fixture->server, fixture->token,
                                               "Faulty conversation two");

  fixture->seed = first_seed ();
  g_test_message ("First seed %" G_GUINT32_FORMAT " (SD_TEST_SEED=%" G_GUINT32_FORMAT
                  " replays it)", fixture->seed, fixture->seed);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->proxy, sd_test_proxy_free);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  fixture->token = NULL;
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* A client like the fixture's, but through the proxy. */
static SdClient *
new_proxied_client (Fixture *fixture)
{
  SdClient *client = sd_client_new (sd_test_proxy_get_url (fixture->proxy));

  sd_client_set_token (client, fixture->token);

  return client;
}

/* 1. About half of all requests fail, in every way a network can fail. */
static void
test_flaky_network (Fixture       *fixture,
                    gconstpointer  data)
{
  SdTestProxyOptions options = {
    .drop_request_rate = 0.15,
    .drop_response_rate = 0.15,
    .stall_rate = 0.15,
    .error_rate = 0.15,
    .stall_ms = 200,
  };
  g_autoptr(SdClient) client = NULL;

  options.seed = fixture->seed;
  fixture->proxy = sd_test_proxy_new (fixture->server->url, &options);
  client = new_proxied_client (fixture);

  for (guint trial = 0; trial < FLAKY_TRIALS; trial++)
    {
      guint32 seed = fixture->seed + trial;
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
      g_autofree char *name = g_strdup_printf ("outbox-%u", trial);
      g_autofree char *before = sd_test_proxy_read_log (fixture->proxy);
      g_autofree char *log = NULL;
      g_autoptr(SdOutbox) outbox = NULL;
      gint64 start = g_get_monotonic_time ();

      /* Each trial has the fault sequence of its own seed. */
      options.seed = seed;
      if (trial > 0)
        sd_test_proxy_restart (fixture->proxy, &options);

      outbox = new_outbox (fixture, name);
      load (outbox);
      sd_outbox_set_client (outbox, client);

      /* Added while earlier ones are on their way, as a user would. */
      for (guint i = 0; i < FLAKY_ITEMS; i++)
        {
          Expected *expected = random_item (fixture, rand, seed, i, 2);

          g_ptr_array_add (items, expected);
          add (fixture, outbox, expected);
        }

      drain (outbox);
      g_assert_cmpuint (fixture->n_sent, ==, FLAKY_ITEMS);
      /* Sent items leave the disk too. */
      sd_test_wait_until (outbox_dir_is_empty, outbox);
      sd_test_finalize_outbox (g_steal_pointer (&outbox));

      assert_exactly_once (fixture, items);

      log = sd_test_proxy_read_log (fixture->proxy);
      g_test_message ("Trial %u, seed %" G_GUINT32_FORMAT ": %" G_GINT64_FORMAT " ms, "
                      "%u requests; dropped %u requests and %u responses, %u stalls, %u errors",
                      trial, seed, (g_get_monotonic_time () - start) / 1000,
                      count_faults (log, strlen (before), " /api/v1/"),
                      count_faults (log, strlen (before), ": drop-request"),
                      count_faults (log, strlen (before), ": drop-response"),
                      count_faults (log, strlen (before), ": stall"),
                      count_faults (log, strlen (before), ": error"));
    }

  g_assert_finalize_object (g_steal_pointer (&client));
}

/* SIGKILL, as a crash or a power cut would stop it: no chance to finish anything. */
static void
kill_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (fixture->server->process, SIGKILL);
  g_subprocess_wait (fixture->server->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (fixture->server->process));
  g_clear_object (&fixture->server->process);
}

/* Down for @outage_ms (with the outbox trying meanwhile), then up on the same port and data. */
static void
restart_server_after (Fixture *fixture,
                      guint    outage_ms)
{
  sd_test_run_for (outage_ms);
  sd_test_server_start_on_same_port (fixture->server);
}

/* When to kill the server: a moment after the outbox confirmed so many items. */
typedef struct
{
  Fixture *fixture;
  guint    after_sent;
  guint    delay_ms;
  guint    left;
  guint    source;
  gboolean killed;
} CreateKill;

static void
kill_now_cb (gpointer data)
{
  CreateKill *kill = data;

  kill->source = 0;
  kill->left = CREATE_KILL_ITEMS - kill->fixture->n_sent;
  kill_server (kill->fixture);
  kill->killed = TRUE;
}

static void
schedule_kill (CreateKill *kill)
{
  if (!kill->killed && kill->source == 0 && kill->fixture->n_sent == kill->after_sent)
    kill->source = g_timeout_add_once (kill->delay_ms, kill_now_cb, kill);
}

static void
kill_after_sent_cb (SdOutbox     *outbox,
                    SdOutboxItem *item,
                    GObject      *created,
                    CreateKill   *kill)
{
  schedule_kill (kill);
}

static gboolean
is_killed (gpointer data)
{
  return ((CreateKill *)data)->killed;
}

/*
 * 2a. The server dies while the outbox creates tickets and messages: as the
 * next request is written, while the server handles it, or as it answers.
 */
static void
test_server_killed_creating (Fixture       *fixture,
                             gconstpointer  data)
{
  for (guint trial = 0; trial < CREATE_KILL_TRIALS; trial++)
    {
      guint32 seed = fixture->seed + trial;
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
      g_autofree char *name = g_strdup_printf ("outbox-%u", trial);
      g_autoptr(SdOutbox) outbox = new_outbox (fixture, name);
      CreateKill kill = { .fixture = fixture };
      guint outage, present;

      load (outbox);
      for (guint i = 0; i < CREATE_KILL_ITEMS; i++)
        {
          Expected *expected = random_item (fixture, rand, seed, i, 0);

          g_ptr_array_add (items, expected);
          add (fixture, outbox, expected);
        }

      /* A request takes about a millisecond here: a few cover all of its stages. */
      kill.after_sent = g_rand_int_range (rand, 0, CREATE_KILL_ITEMS);
      kill.delay_ms = g_rand_int_range (rand, 0, 3);
      outage = g_rand_int_range (rand, 0, 200);
      g_signal_connect (outbox, "item-sent", G_CALLBACK (kill_after_sent_cb), &kill);
      sd_outbox_set_client (outbox, fixture->client);
      schedule_kill (&kill);

      sd_test_wait_until (is_killed, &kill);
      g_signal_handlers_disconnect_by_data (outbox, &kill);
      restart_server_after (fixture, outage);
      /* Asked before the outbox sends again: more than it knew of means answers were lost. */
      present = count_present (fixture, items);

      drain (outbox);
      g_assert_cmpuint (fixture->n_sent, ==, CREATE_KILL_ITEMS);
      sd_test_wait_until (outbox_dir_is_empty, outbox);
      sd_test_finalize_outbox (g_steal_pointer (&outbox));

      assert_exactly_once (fixture, items);

      g_test_message ("Trial %u, seed %" G_GUINT32_FORMAT ": killed %u ms after %u items were "
                      "confirmed, with %u of %u unsent and %u made on the server by then; "
                      "down for %u ms", trial, seed, kill.delay_ms, kill.after_sent, kill.left,
                      CREATE_KILL_ITEMS, present, outage);
    }
}

/* Watches the server's partial uploads, and kills it when the chosen one is far enough. */
typedef struct
{
  Fixture    *fixture;
  SdOutbox   *outbox;
  char       *files_dir;
  /* Every partial upload ever seen in files_dir, so that leftovers are not taken for new. */
  GHashTable *seen;
  /* The upload to interrupt: its name, once it is seen, and its rank among this trial's. */
  char       *target_name;
  guint       target;
  guint       first;
  goffset     threshold;
  goffset     killed_at;
  gboolean    killed;
} UploadKill;

static gboolean
poll_uploads_cb (gpointer data)
{
  UploadKill *kill = data;
  g_autoptr(GDir) dir = g_dir_open (kill->files_dir, 0, NULL);
  const char *name;

  while (dir != NULL && kill->target_name == NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_suffix (name, ".part") || g_hash_table_contains (kill->seen, name))
        continue;

      g_hash_table_add (kill->seen, g_strdup (name));
      if (g_hash_table_size (kill->seen) == kill->first + kill->target + 1)
        kill->target_name = g_strdup (name);
    }

  if (kill->target_name != NULL)
    {
      g_autofree char *path = g_build_filename (kill->files_dir, kill->target_name, NULL);
      GStatBuf buf;

      /* Gone means stored, and the answer may not have left: a moment as good as any. */
      if (g_stat (path, &buf) != 0)
        kill->killed_at = -1;
      else if (buf.st_size >= kill->threshold)
        kill->killed_at = buf.st_size;
      else
        return G_SOURCE_CONTINUE;

      kill_server (kill->fixture);
      kill->killed = TRUE;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
killed_or_drained (gpointer data)
{
  UploadKill *kill = data;

  return kill->killed || g_list_model_get_n_items (G_LIST_MODEL (kill->outbox)) == 0;
}

/* 2b. The server dies part way through receiving a file of a few MiB. */
static void
test_server_killed_uploading (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *files_dir = g_build_filename (fixture->server->data_dir, "files", NULL);
  guint interrupted = 0;

  for (guint trial = 0; trial < UPLOAD_KILL_TRIALS; trial++)
    {
      guint32 seed = fixture->seed + trial;
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
      g_autofree char *name = g_strdup_printf ("outbox-%u", trial);
      g_autoptr(SdOutbox) outbox = new_outbox (fixture, name);
      UploadKill kill = { .fixture = fixture, .outbox = outbox, .files_dir = files_dir,
                          .seen = seen };
      Expected *expected;
      guint poll;

      load (outbox);

      /*
       * Three files of a few MiB, the uploads to interrupt, and a small one
       * after them: a ticket with one, a message with one, a ticket with two.
       */
      expected = expected_new (seed, 0, 0);
      expected_add_file (fixture, expected, rand, BIG_FILE_SIZE);
      g_ptr_array_add (items, expected);
      expected = expected_new (seed, 1, fixture->targets[trial % 2]);
      expected_add_file (fixture, expected, rand, BIG_FILE_SIZE);
      g_ptr_array_add (items, expected);
      expected = expected_new (seed, 2, 0);
      expected_add_file (fixture, expected, rand, BIG_FILE_SIZE);
      expected_add_file (fixture, expected, rand, 1000);
      g_ptr_array_add (items, expected);
      for (guint i = 0; i < items->len; i++)
        add (fixture, outbox, g_ptr_array_index (items, i));

      /* Mostly part way through the file; sometimes just as it is stored, before its answer. */
      kill.first = g_hash_table_size (seen);
      kill.target = g_rand_int_range (rand, 0, 3);
      if (g_rand_int_range (rand, 0, 4) == 0)
        kill.threshold = BIG_FILE_SIZE + 1;
      else
        kill.threshold = (goffset)(g_rand_double (rand) * BIG_FILE_SIZE);

      poll = g_timeout_add (1, poll_uploads_cb, &kill);
      sd_outbox_set_client (outbox, fixture->client);
      sd_test_wait_until (killed_or_drained, &kill);

      if (kill.killed)
        restart_server_after (fixture, g_rand_int_range (rand, 0, 200));
      else
        g_source_remove (poll);

      drain (outbox);
      g_assert_cmpuint (fixture->n_sent, ==, items->len);
      sd_test_wait_until (outbox_dir_is_empty, outbox);
      sd_test_finalize_outbox (g_steal_pointer (&outbox));

      assert_exactly_once (fixture, items);

      if (kill.killed && kill.killed_at >= 0)
        interrupted++;
      g_test_message ("Trial %u, seed %" G_GUINT32_FORMAT ": upload %u, at %" G_GOFFSET_FORMAT
                      " of %d bytes: %s", trial, seed, kill.target, kill.killed_at,
                      BIG_FILE_SIZE,
                      !kill.killed ? "not killed, it was done before"
                      : kill.killed_at >= 0 ? "killed mid-upload" : "killed once stored");
      g_free (kill.target_name);
    }

  g_test_message ("%u of %u trials killed the server mid-upload", interrupted,
                  UPLOAD_KILL_TRIALS);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The writer's argument for @expected. */
static char *
writer_spec (Expected *expected)
{
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autofree char *files = NULL;

  for (guint i = 0; i < expected->files->len; i++)
    g_strv_builder_add (paths, ((LocalFile *)g_ptr_array_index (expected->files, i))->path);
  list = g_strv_builder_end (paths);
  files = g_strjoinv (",", list);

  if (expected->ticket_id == 0)
    return g_strdup_printf ("ticket:%s:%s", expected->marker, files);

  return g_strdup_printf ("message:%" G_GINT64_FORMAT ":%s:%s", expected->ticket_id,
                          expected->marker, files);
}

/* 3. The program dies with items in its outbox: being added, waiting, or on their way. */
static void
test_app_killed (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "outbox-writer", NULL);
  SdTestProxyOptions options = { .drop_response_rate = 0.1, .stall_rate = 0.6, .stall_ms = 150 };

  options.seed = fixture->seed;
  fixture->proxy = sd_test_proxy_new (fixture->server->url, &options);

  for (guint trial = 0; trial < WRITER_TRIALS; trial++)
    {
      guint32 seed = fixture->seed + trial;
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
      g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *name = g_strdup_printf ("outbox-%u", trial);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autoptr(SdOutbox) outbox = NULL;
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = NULL;
      guint confirmed = 0, sent = 0, loaded;
      guint half_written = 0, half_removed = 0;
      gboolean done = FALSE;
      gint64 delay;

      options.seed = seed;
      if (trial > 0)
        sd_test_proxy_restart (fixture->proxy, &options);

      /* One larger file makes the copy into the outbox take long enough to be interrupted. */
      for (guint i = 0; i < WRITER_ITEMS; i++)
        g_ptr_array_add (items, random_item (fixture, rand, seed, i, 2));
      expected_add_file (fixture, g_ptr_array_index (items, g_rand_int_range (rand, 0,
                                                                              WRITER_ITEMS)),
                         rand, 1024 * 1024);

      g_ptr_array_add (argv, g_strdup (writer));
      g_ptr_array_add (argv, g_strdup (path));
      g_ptr_array_add (argv, g_strdup (sd_test_proxy_get_url (fixture->proxy)));
      for (guint i = 0; i < items->len; i++)
        {
          Expected *expected = g_ptr_array_index (items, i);

          /* Only what the writer reports as stored must arrive. */
          expected->confirmed = FALSE;
          g_ptr_array_add (argv, writer_spec (expected));
        }
      g_ptr_array_add (argv, NULL);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_subprocess_launcher_setenv (launcher, "SD_TEST_TOKEN", fixture->token, TRUE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                              &error);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "loaded");

      /* Half the kills fall early, among the adds; the others anywhere in the sending. */
      delay = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, 40)
                                    : g_rand_int_range (rand, 0, 800);
      sd_test_run_for (delay);
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);

      while (TRUE)
        {
          g_free (line);
          line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
          g_assert_no_error (error);
          if (line == NULL)
            break;

          if (g_str_has_prefix (line, "added "))
            {
              for (guint i = 0; i < items->len; i++)
                {
                  Expected *expected = g_ptr_array_index (items, i);

                  if (g_str_equal (expected->marker, line + strlen ("added ")))
                    {
                      g_assert_false (expected->confirmed);
                      expected->confirmed = TRUE;
                      confirmed++;
                    }
                }
            }
          else if (g_str_has_prefix (line, "sent "))
            sent++;
          else if (g_str_equal (line, "done"))
            done = TRUE;
        }

      /* Killed, or done before the kill came: never a crash of its own. */
      if (g_subprocess_get_if_exited (process))
        {
          g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
          g_assert_true (done);
        }
      else
        {
          g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
        }

      /* The next run finds only whole items: nothing half written or half removed. */
      outbox = new_outbox (fixture, name);
      names = list_outbox_dir (outbox);
      for (guint i = 0; i < names->len; i++)
        {
          const char *entry = g_ptr_array_index (names, i);

          half_written += g_str_has_prefix (entry, ".new-");
          half_removed += g_str_has_prefix (entry, ".sent-");
        }
      g_clear_pointer (&names, g_ptr_array_unref);
      load (outbox);
      loaded = g_list_model_get_n_items (G_LIST_MODEL (outbox));
      names = list_outbox_dir (outbox);
      for (guint i = 0; i < names->len; i++)
        {
          const char *entry = g_ptr_array_index (names, i);

          g_assert_false (g_str_has_prefix (entry, ".new-"));
          g_assert_false (g_str_has_prefix (entry, ".sent-"));
          g_assert_false (g_str_has_prefix (entry, ".broken-"));
        }
      g_assert_cmpuint (names->len, ==, loaded);

      sd_outbox_set_client (outbox, fixture->client);
      drain (outbox);
      g_assert_cmpuint (fixture->n_sent, ==, loaded);
      sd_test_wait_until (outbox_dir_is_empty, outbox);
      sd_test_finalize_outbox (g_steal_pointer (&outbox));

      assert_exactly_once (fixture, items);

      g_test_message ("Trial %u, seed %" G_GUINT32_FORMAT ": killed after %" G_GINT64_FORMAT
                      " ms; %u of %u items stored, %u sent by then, %u left to send; "
                      "%u half-written and %u half-removed folders cleared", trial, seed, delay,
                      confirmed, WRITER_ITEMS, sent, loaded, half_written, half_removed);
    }
}

/* One wait of the outbox after a failed attempt: why, and how long it was. */
typedef struct
{
  guint  status;
  gint64 retry_after;
  gint64 duration;
} Wait;

/* The waits of one item, as its "state" shows them. */
typedef struct
{
  GArray *waits;
  /* The wait under way, while the item is WAITING. */
  Wait    current;
  gint64  waiting_since;
  guint   n_retry_after;
} WaitLog;

static void
state_cb (SdOutboxItem *item,
          GParamSpec   *pspec,
          WaitLog      *log)
{
  SdOutboxItemState state = sd_outbox_item_get_state (item);

  if (state == SD_OUTBOX_ITEM_STATE_WAITING)
    {
      const GError *error = sd_outbox_item_get_error (item);

      log->waiting_since = g_get_monotonic_time ();
      log->current.status = sd_client_error_get_status (error);
      log->current.retry_after = sd_client_error_get_retry_after (error);
      if (log->current.retry_after > 0)
        log->n_retry_after++;
    }
  else if (state == SD_OUTBOX_ITEM_STATE_SENDING && log->waiting_since > 0)
    {
      log->current.duration = g_get_monotonic_time () - log->waiting_since;
      g_array_append_val (log->waits, log->current);
      log->waiting_since = 0;
    }
}

/* In the second wait with a Retry-After or later: a second to change the proxy in. */
static gboolean
in_retry_after_wait (gpointer data)
{
  WaitLog *log = data;

  return log->n_retry_after >= 2 && log->waiting_since > 0 && log->current.retry_after > 0;
}

/* 4. Refused with Retry-After, the outbox waits as long as it is told, then sends once. */
static void
test_retry_after (Fixture       *fixture,
                  gconstpointer  data)
{
  SdTestProxyOptions options = { .error_rate = 1 };
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (Wait));
  WaitLog log = { .waits = waits };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)expected_free);
  g_autoptr(SdClient) client = NULL;
  g_autoptr(SdOutbox) outbox = NULL;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autofree char *proxy_log = NULL;
  Expected *expected;
  guint answered = 0;

  options.seed = fixture->seed;
  fixture->proxy = sd_test_proxy_new (fixture->server->url, &options);
  client = new_proxied_client (fixture);

  /* Every answer is the proxy's 500, 503 or 429; the last two say "Retry-After: 1". */
  expected = expected_new (fixture->seed, 0, 0);
  g_ptr_array_add (items, expected);
  outbox = new_outbox (fixture, "outbox");
  load (outbox);
  add (fixture, outbox, expected);
  item = g_list_model_get_item (G_LIST_MODEL (outbox), 0);
  g_signal_connect (item, "notify::state", G_CALLBACK (state_cb), &log);
  sd_outbox_set_client (outbox, client);
  sd_test_wait_until (in_retry_after_wait, &log);

  /* Nothing got through; then the errors stop, in the middle of a wait. */
  tickets = list_all (fixture, "/api/v1/tickets?limit=100", "tickets");
  g_assert_cmpuint (count_with (tickets, "subject", expected->marker, NULL), ==, 0);
  options.error_rate = 0;
  sd_test_proxy_restart (fixture->proxy, &options);

  drain (outbox);
  g_assert_cmpuint (fixture->n_sent, ==, 1);
  g_signal_handlers_disconnect_by_data (item, &log);
  g_clear_object (&item);
  sd_test_finalize_outbox (g_steal_pointer (&outbox));
  assert_exactly_once (fixture, items);

  /*
   * Never sooner than asked, give or take how early a timer may fire; the
   * other waits are the outbox's own backoff, at most 100 ms. No upper
   * bound: a busy machine may be slow.
   */
  for (guint i = 0; i < waits->len; i++)
    {
      Wait *wait = &g_array_index (waits, Wait, i);

      g_test_message ("Wait %u: status %u, Retry-After %" G_GINT64_FORMAT " s, waited %"
                      G_GINT64_FORMAT " ms", i, wait->status, wait->retry_after,
                      wait->duration / 1000);
      if (wait->retry_after > 0)
        g_assert_cmpint (wait->duration / 1000, >=,
                         wait->retry_after * 1000 - TIMER_SLACK_MS);
      if (wait->status != 0)
        answered++;
    }
  g_assert_cmpuint (log.n_retry_after, >=, 2);

  /* Each failure the outbox saw answered was one error of the proxy's; then one went through. */
  proxy_log = sd_test_proxy_read_log (fixture->proxy);
  g_assert_cmpuint (count_faults (proxy_log, 0, "POST /api/v1/tickets: error"), ==, answered);
  g_assert_cmpuint (count_faults (proxy_log, 0, "POST /api/v1/tickets: pass"), ==, 1);
  g_assert_true (g_strrstr (proxy_log, ": error") < strstr (proxy_log, ": pass"));

  g_assert_finalize_object (g_steal_pointer (&client));
}

#define add_test(path, func) \
  g_test_add ("/sd/client/outbox-faults/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("flaky-network", test_flaky_network);
  add_test ("server-killed-creating", test_server_killed_creating);
  add_test ("server-killed-uploading", test_server_killed_uploading);
  add_test ("app-killed", test_app_killed);
  add_test ("retry-after", test_retry_after);

  return g_test_run ();
}
