#define G_LOG_DOMAIN "sd-test-ticket-list"

#include "config.h"

#include "sd-test-client.h"
#include "sd-ticket-list.h"

/*
 * SdTicketList against the real server: paging with a tiny page size, the
 * next page asked for by get_item() as a list view does, queries, reloads
 * that keep the objects shown, and the items-changed signals that a list
 * view relies on.
 */

#define N_CREATED 5

typedef struct
{
  SdTestServer *server;
  SdClient     *client;
  char         *token;
  gint64        created[N_CREATED];
} Fixture;

/* A copy of the model kept only from items-changed, as a list view keeps its rows. */
typedef struct
{
  GPtrArray *items;
  GArray    *changes;
} Mirror;

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  fixture->token = g_strdup (sd_client_get_token (fixture->client));

  for (guint i = 0; i < N_CREATED; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Printer number %u jams", i);

      fixture->created[i] = sd_test_create_ticket (fixture->server, fixture->token, subject);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* The ids the server lists for @query (a query string, or ""), in its order. */
static GArray *
server_ids (Fixture    *fixture,
            const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets?limit=100%s", query);
  g_autoptr(SdTestResponse) response = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *tickets;

  response = sd_test_request (fixture->server, "GET", path, fixture->token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  tickets = json_object_get_array_member (sd_test_response_object (response), "tickets");
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (tickets, i), "id");

      g_array_append_val (ids, id);
    }

  return ids;
}

static void
assert_ids (GListModel *model,
            GArray     *expected)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n_items = g_list_model_get_n_items (model);

  g_assert_cmpuint (n_items, ==, expected->len);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (model, i);
      gint64 *id = g_new (gint64, 1);

      *id = sd_ticket_get_id (ticket);
      g_assert_cmpint (*id, ==, g_array_index (expected, gint64, i));
      g_assert_true (g_hash_table_add (seen, id));
    }
}

static gboolean
is_idle (gpointer data)
{
  return !sd_ticket_list_get_loading (data);
}

static void
wait_idle (SdTicketList *list)
{
  sd_test_wait_until (is_idle, list);
}

static gboolean
is_complete (gpointer data)
{
  return !sd_ticket_list_get_loading (data) && !sd_ticket_list_get_has_more (data);
}

static void
mirror_changed_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Mirror     *mirror)
{
  Change change = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->items, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));

  g_array_append_val (mirror->changes, change);
}

static void
mirror_init (Mirror       *mirror,
             SdTicketList *list)
{
  mirror->items = g_ptr_array_new_with_free_func (g_object_unref);
  mirror->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
}

static void
mirror_assert_matches (Mirror     *mirror,
                       GListModel *model)
{
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (mirror->items, i));
    }
}

static void
mirror_clear (Mirror *mirror)
{
  g_clear_pointer (&mirror->items, g_ptr_array_unref);
  g_clear_pointer (&mirror->changes, g_array_unref);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) expected = server_ids (fixture, "");
  SdTicketList *list = sd_ticket_list_new (fixture->client, 2);
  guint has_more_notified = 0;
  guint pages = 1;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SD_TYPE_TICKET);
  g_assert_cmpuint (expected->len, >, 4);
  g_signal_connect (list, "notify::has-more", G_CALLBACK (count_notify_cb), &has_more_notified);

  sd_ticket_list_reload (list);
  g_assert_true (sd_ticket_list_get_loading (list));
  wait_idle (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_true (sd_ticket_list_get_has_more (list));
  g_assert_null (sd_ticket_list_get_error (list));

  while (sd_ticket_list_get_has_more (list))
    {
      sd_ticket_list_load_more (list);
      /* Asked again while loading: nothing more is asked for. */
      sd_ticket_list_load_more (list);
      wait_idle (list);
      pages++;
    }

  g_assert_cmpuint (pages, >, 2);
  assert_ids (G_LIST_MODEL (list), expected);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), expected->len));
  /* Became TRUE with the first page, FALSE with the last. */
  g_assert_cmpuint (has_more_notified, ==, 2);

  g_assert_finalize_object (list);
}

static void
test_auto_load (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GArray) expected = server_ids (fixture, "");
  SdTicketList *list = sd_ticket_list_new (fixture->client, 2);
  Mirror mirror;

  /* The mirror asks for every item it is told about, as a list view does for visible rows. */
  mirror_init (&mirror, list);
  sd_ticket_list_reload (list);
  sd_test_wait_until (is_complete, list);

  assert_ids (G_LIST_MODEL (list), expected);
  mirror_assert_matches (&mirror, G_LIST_MODEL (list));
  g_assert_cmpuint (mirror.changes->len, >, 2);

  mirror_clear (&mirror);
  g_assert_finalize_object (list);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  SdTicketList *list = sd_ticket_list_new (fixture->client, 50);
  const SdTicketQuery *current = sd_ticket_list_get_query (list);
  g_autoptr(SdTicketQuery) solved = sd_ticket_query_new (NULL, NULL, "solved");
  g_autoptr(SdTicketQuery) keyword = sd_ticket_query_new ("printer number 3", NULL, NULL);
  g_autoptr(SdTicketQuery) none = sd_ticket_query_new ("no-such-word-anywhere", NULL, NULL);
  g_autoptr(GArray) expected = NULL;
  guint query_notified = 0;
  Mirror mirror;

  /* Never NULL, so that the app can read its members at any time. */
  g_assert_nonnull (current);
  g_assert_null (current->q);
  g_assert_null (current->category);
  g_assert_null (current->status);

  mirror_init (&mirror, list);
  g_signal_connect (list, "notify::query", G_CALLBACK (count_notify_cb), &query_notified);

  /* Setting the query it already has still loads it. */
  sd_ticket_list_set_query (list, NULL);
  wait_idle (list);
  g_assert_cmpuint (query_notified, ==, 0);
  expected = server_ids (fixture, "");
  assert_ids (G_LIST_MODEL (list), expected);
  g_clear_pointer (&expected, g_array_unref);

  sd_ticket_list_set_query (list, solved);
  g_assert_cmpuint (query_notified, ==, 1);
  g_assert_cmpstr (sd_ticket_list_get_query (list)->status, ==, "solved");
  wait_idle (list);
  expected = server_ids (fixture, "&status=solved");
  g_assert_cmpuint (expected->len, >, 0);
  assert_ids (G_LIST_MODEL (list), expected);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (sd_ticket_get_status (ticket), ==, SD_TICKET_STATUS_SOLVED);
    }
  g_clear_pointer (&expected, g_array_unref);

  sd_ticket_list_set_query (list, keyword);
  wait_idle (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  {
    g_autoptr(SdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpint (sd_ticket_get_id (ticket), ==, fixture->created[3]);
  }

  sd_ticket_list_set_query (list, none);
  wait_idle (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_false (sd_ticket_list_get_has_more (list));
  g_assert_null (sd_ticket_list_get_error (list));

  mirror_assert_matches (&mirror, G_LIST_MODEL (list));
  mirror_clear (&mirror);
  g_assert_finalize_object (list);
}

static void
test_query_replaced (Fixture       *fixture,
                     gconstpointer  data)
{
  SdTicketList *list = sd_ticket_list_new (fixture->client, 50);
  g_autoptr(SdTicketQuery) first = sd_ticket_query_new ("printer number 1", NULL, NULL);
  g_autoptr(SdTicketQuery) second = sd_ticket_query_new ("printer number 2", NULL, NULL);
  g_autoptr(SdTicket) ticket = NULL;

  /* The first request is cancelled: only the second one's answer is shown. */
  sd_ticket_list_set_query (list, first);
  sd_ticket_list_set_query (list, second);
  wait_idle (list);
  sd_test_run_for (200);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  ticket = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpint (sd_ticket_get_id (ticket), ==, fixture->created[2]);
  g_clear_object (&ticket);

  g_assert_finalize_object (list);
}

static void
post_message (Fixture *fixture,
              gint64   ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                           ticket_id);
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (fixture->server, "POST", path, fixture->token,
                              "{\"body\": \"Still jammed\"}");
  g_assert_cmpuint (response->status, ==, 201);
}

static void
test_reload_keeps_objects (Fixture       *fixture,
                           gconstpointer  data)
{
  SdTicketList *list = sd_ticket_list_new (fixture->client, 50);
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                        g_free, g_object_unref);
  g_autoptr(GArray) expected = NULL;
  g_autoptr(SdTicket) oldest = NULL;
  guint count_notified = 0;
  guint n_items;
  Mirror mirror;

  mirror_init (&mirror, list);
  sd_ticket_list_reload (list);
  wait_idle (list);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n_items; i++)
    {
      SdTicket *ticket = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_hash_table_insert (before, g_memdup2 (&(gint64) { sd_ticket_get_id (ticket) },
                                              sizeof (gint64)),
                           ticket);
    }

  /* Nothing changed: a reload changes nothing either. */
  g_array_set_size (mirror.changes, 0);
  sd_ticket_list_reload (list);
  wait_idle (list);
  g_assert_cmpuint (mirror.changes->len, ==, 0);

  /*
   * The oldest ticket gets a message, and so moves to the top, once its time
   * is later than the others' (times are in whole seconds).
   */
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
  oldest = g_list_model_get_item (G_LIST_MODEL (list), n_items - 1);
  g_signal_connect (oldest, "notify::message-count", G_CALLBACK (count_notify_cb),
                    &count_notified);
  post_message (fixture, sd_ticket_get_id (oldest));

  sd_ticket_list_reload (list);
  wait_idle (list);
  expected = server_ids (fixture, "");
  assert_ids (G_LIST_MODEL (list), expected);
  mirror_assert_matches (&mirror, G_LIST_MODEL (list));

  /* Every ticket is still the object it was; the moved one was updated in place. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (G_LIST_MODEL (list), i);
      gint64 id = sd_ticket_get_id (ticket);

      g_assert_true (g_hash_table_lookup (before, &id) == ticket);
    }
  {
    g_autoptr(SdTicket) top = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_true (top == oldest);
  }
  g_assert_cmpuint (count_notified, ==, 1);
  /* One ticket moved: one removal and one insertion, nothing else redrawn. */
  g_assert_cmpuint (mirror.changes->len, ==, 2);

  g_signal_handlers_disconnect_by_data (oldest, &count_notified);
  mirror_clear (&mirror);
  g_assert_finalize_object (list);
}

static void
test_reload_new_ticket (Fixture       *fixture,
                        gconstpointer  data)
{
  SdTicketList *list = sd_ticket_list_new (fixture->client, 50);
  g_autoptr(GArray) expected = NULL;
  g_autoptr(SdTicket) top = NULL;
  gint64 id;
  Mirror mirror;
  Change *change;

  mirror_init (&mirror, list);
  sd_ticket_list_reload (list);
  wait_idle (list);
  g_array_set_size (mirror.changes, 0);

  id = sd_test_create_ticket (fixture->server, fixture->token, "A brand new problem");
  sd_ticket_list_reload (list);
  wait_idle (list);

  expected = server_ids (fixture, "");
  assert_ids (G_LIST_MODEL (list), expected);
  top = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpint (sd_ticket_get_id (top), ==, id);

  /* Just the new row. */
  g_assert_cmpuint (mirror.changes->len, ==, 1);
  change = &g_array_index (mirror.changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);

  mirror_clear (&mirror);
  g_assert_finalize_object (list);
}

static void
test_error (Fixture       *fixture,
            gconstpointer  data)
{
  SdClient *client = sd_client_new (fixture->server->url);
  SdTicketList *list = sd_ticket_list_new (client, 10);
  const GError *error;
  guint error_notified = 0;
  guint loading_notified = 0;

  g_signal_connect (list, "notify::error", G_CALLBACK (count_notify_cb), &error_notified);
  g_signal_connect (list, "notify::loading", G_CALLBACK (count_notify_cb), &loading_notified);

  sd_client_set_token (client, "not-a-token");
  sd_ticket_list_reload (list);
  wait_idle (list);
  error = sd_ticket_list_get_error (list);
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_false (sd_ticket_list_get_has_more (list));
  g_assert_cmpuint (error_notified, ==, 1);
  g_assert_cmpuint (loading_notified, ==, 2);

  /* Trying again with a good token clears the error. */
  sd_client_set_token (client, fixture->token);
  sd_ticket_list_reload (list);
  g_assert_null (sd_ticket_list_get_error (list));
  wait_idle (list);
  g_assert_null (sd_ticket_list_get_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);
  g_assert_cmpuint (error_notified, ==, 2);

  g_assert_finalize_object (list);
  g_assert_finalize_object (client);
}

static void
test_dispose_while_loading (Fixture       *fixture,
                            gconstpointer  data)
{
  SdTicketList *list = sd_ticket_list_new (fixture->client, 2);

  /* A request in flight holds no reference to the list, and ends quietly without it. */
  sd_ticket_list_reload (list);
  g_assert_true (sd_ticket_list_get_loading (list));
  g_assert_finalize_object (list);

  sd_test_run_for (300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/client/ticket-list/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("paging", test_paging);
  ADD ("auto-load", test_auto_load);
  ADD ("query", test_query);
  ADD ("query-replaced", test_query_replaced);
  ADD ("reload-keeps-objects", test_reload_keeps_objects);
  ADD ("reload-new-ticket", test_reload_new_ticket);
  ADD ("error", test_error);
  ADD ("dispose-while-loading", test_dispose_while_loading);

#undef ADD

  return g_test_run ();
}
