#define G_LOG_DOMAIN "sd-bench-search"

#include "config.h"

#include "sd-api.h"
#include "sd-bench-util.h"
#include "sd-bench-words.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/*
 * search: GET /api/v1/tickets?q=… on the seeded service, timed from this
 * client over loopback (libsoup, one kept-alive connection: the time from
 * sending the request to having read the whole answer), against the very
 * queries the server runs for it (built by sd-api.h's functions: the same
 * SQL, the same MATCH expression, the same bindings, every row read; first
 * the hits up to one more than "few", which choose the plan, then the query
 * of that plan) run here directly on the same database with the sqlite3 C
 * API. Both alternate, query by query, so that a noisy neighbour hurts both
 * alike.
 *
 * One line: the median of all server times against the median of all
 * direct times; the budget is a ratio of at most 2 and, in absolute
 * terms, a median under 10 ms. Lines starting with '#' give each query
 * kind and the 95th percentile.
 */

#define MEDIAN_LIMIT_MS 10.0
#define PAGE_SIZE 50

typedef struct
{
  char         *name;
  char         *q;
  const char   *category;
  const char   *status;
  char         *path;
  char         *match;
  sqlite3_stmt *few_hits_stmt;
  sqlite3_stmt *walk_stmt;
  sqlite3_stmt *by_id_stmt;
  GArray       *server_ms;
  GArray       *direct_ms;
  guint         n_results;
} Query;

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    g_error ("Cannot prepare %s: %s", sql, sqlite3_errmsg (db));

  return stmt;
}

/*
 * The statements sd_api_tickets_list() prepares for a customer's search with
 * these filters, in the plan that walks the organization's tickets newest
 * first or (@few_hits) in the one that looks the hits up by id.
 */
static sqlite3_stmt *
prepare_direct (sqlite3    *db,
                const char *category,
                const char *status,
                gboolean    few_hits)
{
  g_autofree char *sql = NULL;

  sql = sd_api_build_list_sql (SD_API_LIST_ORGANIZATION | SD_API_LIST_MATCH |
                               (category != NULL ? SD_API_LIST_CATEGORY : 0) |
                               (status != NULL ? SD_API_LIST_STATUS : 0) |
                               (few_hits ? SD_API_LIST_FEW_HITS : 0));

  return prepare (db, sql);
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

/* Runs the queries as the server does, reading every column of every row; returns the rows. */
static guint
run_direct (Query  *query,
            gint64  organization_id)
{
  sqlite3_stmt *stmt;
  guint rows = 0, hits = 0;
  gint64 sum = 0;
  int rc;

  /* How many hits there are, up to one more than few, chooses the plan. */
  stmt = query->few_hits_stmt;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_text (stmt, 1, query->match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, SD_API_SEARCH_FEW_HITS + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    hits++;
  if (rc != SQLITE_DONE)
    g_error ("Query failed: %s", sqlite3_errmsg (sqlite3_db_handle (stmt)));
  sqlite3_reset (stmt);

  stmt = hits <= SD_API_SEARCH_FEW_HITS ? query->by_id_stmt : query->walk_stmt;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  bind_named_int (stmt, ":org", organization_id);
  bind_named_text (stmt, ":category", query->category);
  bind_named_text (stmt, ":status", query->status);
  bind_named_text (stmt, ":match", query->match);
  /* One more than a page, as the server asks, to know whether there is a next page. */
  bind_named_int (stmt, ":limit", PAGE_SIZE + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      rows++;
      for (int column = 0; column < sqlite3_column_count (stmt); column++)
        {
          if (sqlite3_column_type (stmt, column) == SQLITE_TEXT)
            sum += strlen ((const char *)sqlite3_column_text (stmt, column));
          else
            sum += sqlite3_column_int64 (stmt, column);
        }
    }
  if (rc != SQLITE_DONE)
    g_error ("Query failed: %s", sqlite3_errmsg (sqlite3_db_handle (stmt)));
  sqlite3_reset (stmt);

  /* Keeps the reads from being optimized away. */
  if (sum == 42)
    g_printerr (" ");

  return MIN (rows, PAGE_SIZE);
}

/*
 * Returns the number of tickets in the answer, and in *@out_ms the time from
 * sending the request to having the whole answer (read, not yet parsed).
 */
static guint
run_server (SoupSession *session,
            const char  *base_url,
            const char  *token,
            Query       *query,
            double      *out_ms)
{
  g_autofree char *url = g_strconcat (base_url, query->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gint64 start;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  start = g_get_monotonic_time ();
  body = soup_session_send_and_read (session, msg, NULL, &error);
  *out_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("GET %s: %s", query->path,
             error != NULL ? error->message : soup_message_get_reason_phrase (msg));

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &error))
    g_error ("GET %s: %s", query->path, error->message);
  object = json_node_get_object (json_parser_get_root (parser));

  return json_array_get_length (json_object_get_array_member (object, "tickets"));
}

static Query *
query_new (sqlite3    *db,
           const char *name,
           const char *q,
           const char *category,
           const char *status)
{
  Query *query = g_new0 (Query, 1);
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
  GString *path = g_string_new ("/api/v1/tickets?q=");

  g_string_append (path, escaped);
  if (category != NULL)
    g_string_append_printf (path, "&category=%s", category);
  if (status != NULL)
    g_string_append_printf (path, "&status=%s", status);

  query->name = g_strdup (name);
  query->q = g_strdup (q);
  query->category = category;
  query->status = status;
  query->path = g_string_free (path, FALSE);
  query->match = sd_api_build_search_match (q);
  query->few_hits_stmt = prepare (db, SD_API_SEARCH_HITS_SQL);
  query->walk_stmt = prepare_direct (db, category, status, FALSE);
  query->by_id_stmt = prepare_direct (db, category, status, TRUE);
  query->server_ms = g_array_new (FALSE, FALSE, sizeof (double));
  query->direct_ms = g_array_new (FALSE, FALSE, sizeof (double));

  return query;
}

static void
query_free (Query *query)
{
  g_free (query->name);
  g_free (query->q);
  g_free (query->path);
  g_free (query->match);
  sqlite3_finalize (query->few_hits_stmt);
  sqlite3_finalize (query->walk_stmt);
  sqlite3_finalize (query->by_id_stmt);
  g_array_unref (query->server_ms);
  g_array_unref (query->direct_ms);
  g_free (query);
}

static gint64
organization_of (sqlite3    *db,
                 const char *email)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  sqlite3_prepare_v2 (db, "SELECT organization_id FROM users WHERE email = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (id == 0)
    g_error ("No user %s in the database", email);

  return id;
}

/* The first rare word of the vocabulary that some ticket of the organization holds. */
static char *
find_rare_word (sqlite3 *db,
                gint64   organization_id)
{
  g_autoptr(SdBenchWords) words = sd_bench_words_new (4000, 1000);

  for (guint i = 0; i < sd_bench_words_n_rare (words); i++)
    {
      Query *query = query_new (db, "rare", sd_bench_words_rare (words, i), NULL, NULL);
      guint n = run_direct (query, organization_id);

      query_free (query);
      if (n > 0)
        return g_strdup (sd_bench_words_rare (words, i));
    }

  g_error ("No rare word is in the database: was it made by seed?");
}

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *email = g_strdup ("customer@example.com");
  g_autofree char *rare = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func ((GDestroyNotify)query_free);
  g_autoptr(GArray) all_server = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_direct = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SoupSession) session = NULL;
  sqlite3 *db = NULL;
  sqlite3 *writer = NULL;
  sqlite3_stmt *touch = NULL;
  int runs = 30, warmup = 3;
  gint64 organization_id;
  double median, reference, p95;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &base_url, "The seeded service", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "A session of --email", "TOKEN" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Whose tickets (default customer@…)", "E" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The service's supportdesk.db", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of each query (default 30)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Untimed runs first (default 3)", "N" },
    { NULL }
  };
  const struct { const char *name; const char *q; } words[] = {
    { "common", "printer" },
    { "two-words", "printer error" },
    { "prefix", "instal" },
    { "rare", NULL },
  };
  const struct { const char *name; const char *category; const char *status; } filters[] = {
    { "", NULL, NULL },
    { "+category", "installation", NULL },
    { "+category+status", "installation", "pending" },
  };

  context = g_option_context_new ("- time the ticket search against its query run directly");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      base_url == NULL || token == NULL || db_path == NULL || runs < 1 || warmup < 0)
    {
      g_printerr ("search: %s\n", error != NULL ? error->message : "give --server, --token, --db");
      return 2;
    }

  /* Read-only, beside the server's own connection (WAL lets both read at once). */
  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    g_error ("Cannot open %s: %s", db_path, sqlite3_errmsg (db));
  /*
   * The server keeps finished list answers until the database changes. A
   * search is measured as a user meets it the first time, so before each
   * request a write that changes nothing but the database's version drops
   * what the server kept.
   */
  if (sqlite3_open_v2 (db_path, &writer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
    g_error ("Cannot open %s for writing: %s", db_path, sqlite3_errmsg (writer));
  sqlite3_busy_timeout (writer, 5000);
  /* A table of the benchmark's own: rewriting a row with the same values writes nothing. */
  if (sqlite3_exec (writer, "CREATE TABLE IF NOT EXISTS bench_touch (n INTEGER)", NULL, NULL,
                    NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (writer, "INSERT INTO bench_touch VALUES (1)", -1, &touch, NULL) !=
        SQLITE_OK)
    g_error ("Cannot prepare a write to %s: %s", db_path, sqlite3_errmsg (writer));

  organization_id = organization_of (db, email);
  rare = find_rare_word (db, organization_id);

  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
      {
        g_autofree char *name = g_strconcat (words[w].name, filters[f].name, NULL);

        g_ptr_array_add (queries, query_new (db, name, words[w].q != NULL ? words[w].q : rare,
                                             filters[f].category, filters[f].status));
      }

  session = soup_session_new_with_options ("max-conns-per-host", 1, NULL);

  for (int run = -warmup; run < runs; run++)
    for (guint i = 0; i < queries->len; i++)
      {
        Query *query = g_ptr_array_index (queries, i);
        guint from_server, direct;
        double server_ms, direct_ms;
        gint64 start;

        if (sqlite3_step (touch) != SQLITE_DONE)
          g_error ("Cannot touch the database: %s", sqlite3_errmsg (writer));
        sqlite3_reset (touch);
        from_server = run_server (session, base_url, token, query, &server_ms);

        start = g_get_monotonic_time ();
        direct = run_direct (query, organization_id);
        direct_ms = elapsed_ms (start);

        /* Both must have found the same, or the comparison means nothing. */
        if (from_server != direct)
          g_error ("“%s”: the server answered %u tickets, the query %u", query->path,
                   from_server, direct);
        query->n_results = direct;

        if (run < 0)
          continue;

        g_array_append_val (query->server_ms, server_ms);
        g_array_append_val (query->direct_ms, direct_ms);
        g_array_append_val (all_server, server_ms);
        g_array_append_val (all_direct, direct_ms);
      }

  for (guint i = 0; i < queries->len; i++)
    {
      Query *query = g_ptr_array_index (queries, i);
      double server_p95 = sd_bench_percentile (query->server_ms, 95);
      double server_median = sd_bench_median (query->server_ms);
      double direct_median = sd_bench_median (query->direct_ms);

      printf ("# search %-22s q=%-16s results=%-2u server median=%.2fms p95=%.2fms"
              " direct median=%.2fms ratio=%.2f\n",
              query->name, query->q, query->n_results, server_median, server_p95,
              direct_median, direct_median > 0 ? server_median / direct_median : 0);
    }

  p95 = sd_bench_percentile (all_server, 95);
  median = sd_bench_median (all_server);
  reference = sd_bench_median (all_direct);
  printf ("# search: %u queries x %d runs, server time from the client over loopback (libsoup);"
          " server p95=%.2fms; absolute budget median < %.0fms: %s\n",
          queries->len, runs, p95, MEDIAN_LIMIT_MS, median < MEDIAN_LIMIT_MS ? "ok" : "over");
  sd_bench_print_result ("search", median, reference, "ms", 2.0, TRUE,
                         median < MEDIAN_LIMIT_MS);

  sqlite3_finalize (touch);
  sqlite3_close (writer);
  sqlite3_close (db);

  return 0;
}
