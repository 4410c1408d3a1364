#define G_LOG_DOMAIN "sd-test-outbox"

#include "config.h"

#include "sd-outbox.h"
#include "sd-test-client.h"
#include "sd-upload.h"

#include <glib/gstdio.h>
#include <string.h>

/*
 * SdOutbox against the real server: items are on disk before they are
 * sent, survive a new outbox on the same folder, go out in order, exactly
 * once, and stay (unsent, unharmed) when the server refuses them.
 */

typedef struct
{
  SdTestServer *server;
  SdClient     *client;
  char         *dir;
  GFile        *outbox_dir;
  SdOutbox     *outbox;
  /* What "item-sent" gave: SdTicket or SdMessage, in order. */
  GPtrArray    *sent;
  guint         sessions_ended;
} Fixture;

static void
item_sent_cb (SdOutbox     *outbox,
              SdOutboxItem *item,
              GObject      *created,
              Fixture      *fixture)
{
  g_assert_true (SD_IS_OUTBOX_ITEM (item));
  g_ptr_array_add (fixture->sent, g_object_ref (created));
}

static void
session_ended_cb (SdOutbox *outbox,
                  Fixture  *fixture)
{
  fixture->sessions_ended++;
}

static SdOutbox *
new_outbox (Fixture *fixture)
{
  SdOutbox *outbox = sd_outbox_new (fixture->outbox_dir);

  sd_outbox_set_backoff (outbox, 20, 200);
  g_signal_connect (outbox, "item-sent", G_CALLBACK (item_sent_cb), fixture);
  g_signal_connect (outbox, "session-ended", G_CALLBACK (session_ended_cb), fixture);

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

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outbox_path = NULL;

  fixture->server = sd_test_server_new (NULL);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  fixture->dir = g_dir_make_tmp ("supportdesk-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  outbox_path = g_build_filename (fixture->dir, "outbox", NULL);
  fixture->outbox_dir = g_file_new_for_path (outbox_path);
  fixture->sent = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->outbox = new_outbox (fixture);
  load (fixture->outbox);
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
  sd_test_finalize_outbox (fixture->outbox);
  g_clear_pointer (&fixture->sent, g_ptr_array_unref);
  g_clear_object (&fixture->outbox_dir);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* A file of @text in the fixture's folder, as an SdUpload not yet started. */
static SdUpload *
new_upload (Fixture    *fixture,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return sd_upload_new (fixture->client, file, name, "text/plain");
}

static SdOutboxItem *
add_ticket (SdOutbox   *outbox,
            const char *subject,
            GPtrArray  *uploads)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdOutboxItem *item;

  sd_outbox_add_ticket_async (outbox, "billing", subject, "The invoice total is wrong.",
                              uploads, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  item = sd_outbox_add_finish (outbox, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);

  return item;
}

static SdOutboxItem *
add_message (SdOutbox   *outbox,
             gint64      ticket_id,
             const char *body)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdOutboxItem *item;

  sd_outbox_add_message_async (outbox, ticket_id, body, NULL, NULL, sd_test_store_result_cb,
                               &result);
  sd_test_wait_for_result (&result);
  item = sd_outbox_add_finish (outbox, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);

  return item;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} SentWait;

static gboolean
sent_enough (gpointer data)
{
  SentWait *wait = data;

  return wait->fixture->sent->len >= wait->n;
}

static void
wait_for_sent (Fixture *fixture,
               guint    n)
{
  SentWait wait = { fixture, n };

  sd_test_wait_until (sent_enough, &wait);
}

static gboolean
sessions_ended (gpointer data)
{
  return ((Fixture *)data)->sessions_ended > 0;
}

static gboolean
outbox_is_empty (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 0;
}

typedef struct
{
  SdOutboxItem      *item;
  SdOutboxItemState  state;
} StateWait;

static gboolean
item_in_state (gpointer data)
{
  StateWait *wait = data;

  return sd_outbox_item_get_state (wait->item) == wait->state;
}

static void
wait_for_state (SdOutboxItem      *item,
                SdOutboxItemState  state)
{
  StateWait wait = { item, state };

  sd_test_wait_until (item_in_state, &wait);
}

/* The ids of the tickets on the server whose subject has @word, from the fixture's own request. */
static guint
count_tickets (Fixture    *fixture,
               const char *word)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets?q=%s", word);
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *tickets;

  response = sd_test_request (fixture->server, "GET", path,
                              sd_client_get_token (fixture->client), NULL);
  g_assert_cmpuint (response->status, ==, 200);
  tickets = json_object_get_array_member (sd_test_response_object (response), "tickets");

  return json_array_get_length (tickets);
}

/* The bodies of a ticket's comments on the server, oldest first, joined by "|". */
static char *
message_bodies (Fixture *fixture,
                gint64   ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT
                                           "/messages?limit=100", ticket_id);
  g_autoptr(SdTestResponse) response = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) bodies = NULL;
  JsonArray *messages;

  response = sd_test_request (fixture->server, "GET", path,
                              sd_client_get_token (fixture->client), NULL);
  g_assert_cmpuint (response->status, ==, 200);
  messages = json_object_get_array_member (sd_test_response_object (response), "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "kind"), "comment") == 0)
        g_strv_builder_add (builder, json_object_get_string_member (message, "body"));
    }
  bodies = g_strv_builder_end (builder);

  return g_strjoinv ("|", bodies);
}

/* The number of item folders in the outbox folder, hidden ones (being written or removed) aside. */
static guint
count_item_dirs (Fixture *fixture)
{
  g_autofree char *path = g_file_get_path (fixture->outbox_dir);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      n++;

  return n;
}

static void
test_ticket_with_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SdOutboxItem) item = NULL;
  SdTicket *ticket;

  g_ptr_array_add (uploads, new_upload (fixture, "log.txt", "error 42\n"));

  /* Not sent before it is on disk: with no client it only waits there. */
  item = add_ticket (fixture->outbox, "Outboxed invoice", uploads);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->outbox)), ==, 1);
  g_assert_cmpuint (count_item_dirs (fixture), ==, 1);
  g_assert_cmpint (sd_outbox_item_get_state (item), ==, SD_OUTBOX_ITEM_STATE_QUEUED);
  g_assert_cmpuint (sd_outbox_item_get_n_files (item), ==, 1);
  g_assert_cmpint (sd_outbox_item_get_file_size (item, 0), ==, strlen ("error 42\n"));

  /* The outbox holds its own copy: the original may go. */
  {
    g_autofree char *original = g_build_filename (fixture->dir, "log.txt", NULL);

    g_assert_cmpint (g_unlink (original), ==, 0);
  }

  sd_outbox_set_client (fixture->outbox, fixture->client);
  sd_test_wait_until (outbox_is_empty, fixture->outbox);

  g_assert_cmpuint (fixture->sent->len, ==, 1);
  ticket = g_ptr_array_index (fixture->sent, 0);
  g_assert_true (SD_IS_TICKET (ticket));
  g_assert_cmpstr (sd_ticket_get_subject (ticket), ==, "Outboxed invoice");
  g_assert_cmpuint (count_tickets (fixture, "Outboxed"), ==, 1);

  /* The attachment reached the ticket's first message. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                             sd_ticket_get_id (ticket));
    g_autoptr(SdTestResponse) response = NULL;
    JsonArray *messages;
    JsonArray *attachments;

    response = sd_test_request (fixture->server, "GET", path,
                                sd_client_get_token (fixture->client), NULL);
    messages = json_object_get_array_member (sd_test_response_object (response), "messages");
    attachments = json_object_get_array_member (json_array_get_object_element (messages, 0),
                                                "attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments,
                                                                                   0),
                                                    "filename"), ==, "log.txt");
  }

  sd_test_run_for (100);
  g_assert_cmpuint (count_item_dirs (fixture), ==, 0);
}

static void
test_survives_restart (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(SdOutbox) again = NULL;
  g_autoptr(SdOutboxItem) loaded = NULL;
  g_autofree char *key = NULL;

  item = add_ticket (fixture->outbox, "Persisted printer", NULL);
  key = g_strdup (sd_outbox_item_get_key (item));
  g_clear_object (&item);

  /* A new run on the same folder finds the item as it was written, with its key. */
  sd_test_finalize_outbox (g_steal_pointer (&fixture->outbox));
  again = new_outbox (fixture);
  load (again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (again), 0);
  g_assert_cmpstr (sd_outbox_item_get_key (loaded), ==, key);
  g_assert_cmpstr (sd_outbox_item_get_subject (loaded), ==, "Persisted printer");
  g_assert_cmpstr (sd_outbox_item_get_category (loaded), ==, "billing");
  g_assert_cmpstr (sd_outbox_item_get_body (loaded), ==, "The invoice total is wrong.");

  sd_outbox_set_client (again, fixture->client);
  sd_test_wait_until (outbox_is_empty, again);
  g_assert_cmpuint (count_tickets (fixture, "Persisted"), ==, 1);

  fixture->outbox = g_steal_pointer (&again);
}

static void
count_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdOutboxItem) item = sd_outbox_add_finish (SD_OUTBOX (source), result, NULL);

  g_assert_nonnull (item);
  (*(guint *)user_data)++;
}

static gboolean
six_added (gpointer data)
{
  return *(guint *)data == 6;
}

static void
test_order (Fixture       *fixture,
            gconstpointer  data)
{
  gint64 ticket_id = sd_test_create_ticket (fixture->server,
                                            sd_client_get_token (fixture->client),
                                            "Ordered conversation");
  g_autofree char *bodies = NULL;

  guint added = 0;

  /* Several adds in flight at once, while sending is under way. */
  sd_outbox_set_client (fixture->outbox, fixture->client);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *body = g_strdup_printf ("Reply %u", i);

      sd_outbox_add_message_async (fixture->outbox, ticket_id, body, NULL, NULL, count_added_cb,
                                   &added);
    }
  sd_test_wait_until (six_added, &added);
  sd_test_wait_until (outbox_is_empty, fixture->outbox);

  bodies = message_bodies (fixture, ticket_id);
  g_assert_cmpstr (bodies, ==,
                   "Made by a test|Reply 0|Reply 1|Reply 2|Reply 3|Reply 4|Reply 5");
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  gint64 ticket_id = sd_test_create_ticket (fixture->server,
                                            sd_client_get_token (fixture->client),
                                            "Still answered");
  g_autoptr(SdOutboxItem) refused = NULL;
  g_autoptr(SdOutboxItem) later = NULL;
  g_autoptr(SdOutboxItem) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bodies = NULL;

  sd_outbox_set_client (fixture->outbox, fixture->client);

  /* Ticket 5 belongs to another organization: 404, which no retry changes. */
  refused = add_message (fixture->outbox, 5, "Not yours");
  wait_for_state (refused, SD_OUTBOX_ITEM_STATE_FAILED);
  g_assert_error (sd_outbox_item_get_error (refused), SD_CLIENT_ERROR,
                  SD_CLIENT_ERROR_NOT_FOUND);

  /* A later message for the same ticket waits behind it; other tickets go on. */
  later = add_message (fixture->outbox, 5, "Also not yours");
  other = add_message (fixture->outbox, ticket_id, "Goes through");
  wait_for_sent (fixture, 1);
  g_assert_cmpint (sd_outbox_item_get_state (later), ==, SD_OUTBOX_ITEM_STATE_QUEUED);
  bodies = message_bodies (fixture, ticket_id);
  g_assert_true (g_str_has_suffix (bodies, "|Goes through"));

  /* Retried, it fails the same way; discarded, it is gone from the list and the disk. */
  sd_outbox_retry (fixture->outbox, refused);
  wait_for_state (refused, SD_OUTBOX_ITEM_STATE_FAILED);
  sd_outbox_discard_async (fixture->outbox, refused, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_outbox_discard_finish (fixture->outbox, result, &error));
  g_assert_no_error (error);

  /* Then the one behind it gets its turn, and fails on its own. */
  wait_for_state (later, SD_OUTBOX_ITEM_STATE_FAILED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->outbox)), ==, 1);
  g_assert_cmpuint (count_item_dirs (fixture), ==, 1);
}

static void
test_unreachable_then_session_ended (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SdClient) nowhere = sd_client_new ("http://127.0.0.1:9");
  g_autoptr(SdClient) revoked = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(SdTestResponse) response = NULL;

  /* Nothing listens: the item waits and is tried again by itself. */
  sd_client_set_token (nowhere, sd_client_get_token (fixture->client));
  sd_outbox_set_client (fixture->outbox, nowhere);
  item = add_ticket (fixture->outbox, "Patient scanner", NULL);
  wait_for_state (item, SD_OUTBOX_ITEM_STATE_WAITING);
  g_assert_error (sd_outbox_item_get_error (item), SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK);
  wait_for_state (item, SD_OUTBOX_ITEM_STATE_SENDING);
  wait_for_state (item, SD_OUTBOX_ITEM_STATE_WAITING);

  /* A session that has ended stops the outbox without harming the item. */
  response = sd_test_request (fixture->server, "DELETE", "/api/v1/session",
                              sd_client_get_token (revoked), NULL);
  g_assert_cmpuint (response->status, ==, 204);
  sd_outbox_set_client (fixture->outbox, revoked);
  wait_for_state (item, SD_OUTBOX_ITEM_STATE_WAITING);
  sd_test_wait_until (sessions_ended, fixture);
  g_assert_error (sd_outbox_item_get_error (item), SD_CLIENT_ERROR,
                  SD_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_null (sd_outbox_get_client (fixture->outbox));

  /* Signed in again, it goes. */
  sd_outbox_set_client (fixture->outbox, fixture->client);
  sd_test_wait_until (outbox_is_empty, fixture->outbox);
  g_assert_cmpuint (count_tickets (fixture, "Patient"), ==, 1);
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SdOutboxItem) item = NULL;

  sd_outbox_set_online (fixture->outbox, FALSE);
  sd_outbox_set_client (fixture->outbox, fixture->client);
  item = add_ticket (fixture->outbox, "Offline router", NULL);
  sd_test_run_for (200);
  g_assert_cmpint (sd_outbox_item_get_state (item), ==, SD_OUTBOX_ITEM_STATE_QUEUED);
  g_assert_cmpuint (count_tickets (fixture, "Offline"), ==, 0);

  sd_outbox_set_online (fixture->outbox, TRUE);
  sd_test_wait_until (outbox_is_empty, fixture->outbox);
  g_assert_cmpuint (count_tickets (fixture, "Offline"), ==, 1);
}

/* Rewrites the first file's stored token of the only item on disk. */
static void
spoil_token (Fixture *fixture)
{
  g_autofree char *path = g_file_get_path (fixture->outbox_dir);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autofree char *item_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *file;
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      item_path = g_build_filename (path, name, "item.json", NULL);
  g_assert_nonnull (item_path);

  g_file_get_contents (item_path, &text, NULL, &error);
  g_assert_no_error (error);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  file = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                      "files"), 0);
  json_object_set_string_member (file, "token", "no-such-token-at-all");
  json_object_set_int_member (file, "token_expires", g_get_real_time () / G_USEC_PER_SEC + 86400);
  g_free (text);
  text = json_to_string (root, FALSE);
  g_file_set_contents (item_path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_refused_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(SdOutbox) again = NULL;

  /* A token the server no longer knows (it expired, or its file was cleaned up). */
  g_ptr_array_add (uploads, new_upload (fixture, "trace.txt", "stack trace\n"));
  item = add_ticket (fixture->outbox, "Expired attachment", uploads);
  g_clear_object (&item);
  sd_test_finalize_outbox (g_steal_pointer (&fixture->outbox));
  spoil_token (fixture);

  /* The file is uploaded again under a new key, and the ticket made once, with it. */
  again = new_outbox (fixture);
  load (again);
  sd_outbox_set_client (again, fixture->client);
  sd_test_wait_until (outbox_is_empty, again);
  g_assert_cmpuint (count_tickets (fixture, "Expired"), ==, 1);
  fixture->outbox = g_steal_pointer (&again);
}

static void
test_broken_items (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (fixture->outbox_dir);
  g_autofree char *broken = g_build_filename (path, "0000000000000001-broken", NULL);
  g_autofree char *broken_item = g_build_filename (broken, "item.json", NULL);
  g_autofree char *half = g_build_filename (path, ".new-0000000000000002-half", NULL);
  g_autofree char *aside = g_build_filename (path, ".broken-0000000000000001-broken",
                                             "item.json", NULL);
  g_autoptr(SdOutbox) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (broken, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (half, 0700), ==, 0);
  g_file_set_contents (broken_item, "{\"format\": 1, \"kind\": ", -1, &error);
  g_assert_no_error (error);

  /* Half written: never shown, so cleared. Unreadable: set aside, never deleted. */
  g_test_expect_message ("sd-outbox", G_LOG_LEVEL_WARNING, "Cannot read the outbox item*");
  again = new_outbox (fixture);
  load (again);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 0);
  g_assert_false (g_file_test (half, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  sd_test_finalize_outbox (g_steal_pointer (&again));
}

#define add_test(path, func) \
  g_test_add ("/sd/client/outbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("ticket-with-file", test_ticket_with_file);
  add_test ("survives-restart", test_survives_restart);
  add_test ("order", test_order);
  add_test ("refused", test_refused);
  add_test ("unreachable-then-session-ended", test_unreachable_then_session_ended);
  add_test ("offline", test_offline);
  add_test ("refused-token", test_refused_token);
  add_test ("broken-items", test_broken_items);

  return g_test_run ();
}
