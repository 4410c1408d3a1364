#define G_LOG_DOMAIN "sd-api-tickets"

#include "config.h"

#include "sd-api.h"

#include "sd-cursor.h"
#include "sd-json.h"
#include "sd-server-private.h"

#include <string.h>

/*
 * GET /tickets: the query (filters, search, keyset paging), its plan, the
 * answer written straight from the rows, and the answers kept until the
 * database changes.
 */

/* The row as sd_ticket_to_json (ticket_from_row (stmt)) writes it. */
static inline gint64
row_time (sqlite3_stmt *stmt,
          int           column)
{
  gint64 value = sqlite3_column_int64 (stmt, column);

  /* As sd_api_time(): no time is stored as 0. */
  return value > 0 ? value : SD_JSON_NO_TIME;
}

static void
append_ticket_row (sqlite3_stmt *stmt,
                   GString      *out)
{
  SdTicketFields fields = {
    .id = sqlite3_column_int64 (stmt, 0),
    .subject = sd_store_column_text (stmt, 1),
    .category = sd_store_column_text (stmt, 2),
    .status = SD_TICKET_STATUS_PENDING,
    .has_requester = TRUE,
    .requester_id = sqlite3_column_int64 (stmt, 4),
    .requester_name = sd_store_column_text (stmt, 5),
    .created_at = row_time (stmt, 6),
    .updated_at = row_time (stmt, 7),
    .message_count = sqlite3_column_int64 (stmt, 8),
    .last_message_at = row_time (stmt, 9),
  };

  sd_ticket_status_from_string (sd_store_column_text (stmt, 3), &fields.status);
  sd_ticket_fields_append_json (&fields, out);
}

/*
 * Answers of the list, kept while the database has not changed
 * (sd_store_get_generation()). A kept answer is keyed by the statement with
 * its values bound (its expanded SQL), which is all the answer depends on.
 */
#define LIST_CACHE_DATA_KEY "sd-api-tickets-list-cache"
#define LIST_CACHE_MAX_ANSWERS 64

typedef struct
{
  GHashTable *answers;  /* expanded SQL (sqlite3_free) → GBytes */
  guint64     generation;
} ListCache;

static void
list_cache_free (ListCache *cache)
{
  g_hash_table_unref (cache->answers);
  g_free (cache);
}

/*
 * The store's cache, emptied if the database has changed since its answers
 * were kept; NULL when whether it changed cannot be told. Called before the
 * query runs: an answer is then never kept with a generation older than its rows.
 */
static ListCache *
list_cache_get (SdStore *store)
{
  ListCache *cache = g_object_get_data (G_OBJECT (store), LIST_CACHE_DATA_KEY);
  guint64 generation = sd_store_get_generation (store);

  if (cache == NULL)
    {
      cache = g_new0 (ListCache, 1);
      cache->answers = g_hash_table_new_full (g_str_hash, g_str_equal, sqlite3_free,
                                              (GDestroyNotify)g_bytes_unref);
      g_object_set_data_full (G_OBJECT (store), LIST_CACHE_DATA_KEY, cache,
                              (GDestroyNotify)list_cache_free);
    }

  if (generation != cache->generation)
    {
      g_hash_table_remove_all (cache->answers);
      cache->generation = generation;
    }

  return generation != 0 ? cache : NULL;
}

/*
 * Each word of @q becomes an FTS5 phrase, all of which must match; the last
 * one matches as a prefix, for search as you type. Quotes are doubled, so no
 * word can use FTS5's query syntax.
 */
static char *
build_match (const char *q)
{
  g_auto(GStrv) words = g_strsplit_set (q, " \t\r\n\f\v", -1);
  g_autoptr(GString) match = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean searchable = FALSE;

      for (const char *p = words[i]; *p && !searchable; p = g_utf8_next_char (p))
        searchable = g_unichar_isalnum (g_utf8_get_char (p));
      if (!searchable)
        continue;

      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_c (match, '"');
      for (const char *p = words[i]; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }

  if (match->len == 0)
    return NULL;

  g_string_append_c (match, '*');

  return g_string_free (g_steal_pointer (&match), FALSE);
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

/*
 * How a search finds its page depends on how many tickets match its words.
 * With many, walking the tickets newest first (by an index) until the page
 * is full stops early. With few, that walk goes through every ticket;
 * looking the hits up by id and sorting them is then far quicker. A search
 * with at most this many hits, among all tickets, takes the second way.
 */
#define SEARCH_FEW_HITS 1000

/*
 * Sets *@out_few to whether @match has at most SEARCH_FEW_HITS hits. Only
 * the plan depends on it, never the answer.
 */
static gboolean
search_has_few_hits (SdStore     *store,
                     const char  *match,
                     gboolean    *out_few,
                     GError     **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  guint hits = 0;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1 LIMIT ?2");
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, SEARCH_FEW_HITS + 1);
  while ((rc = sd_store_step (store, stmt, error)) == SQLITE_ROW)
    hits++;

  *out_few = hits <= SEARCH_FEW_HITS;

  return rc != 0;
}

void
sd_api_tickets_list (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  const char *q = sd_request_get_query (request, "q");
  const char *category = sd_request_get_query (request, "category");
  const char *status = sd_request_get_query (request, "status");
  const char *cursor = sd_request_get_query (request, "cursor");
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT " SD_API_TICKET_COLUMNS " WHERE 1");
  g_autoptr(GString) answer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  ListCache *cache;
  char *cache_key = NULL;
  GBytes *cached;
  g_autoptr(GError) error = NULL;
  g_autofree char *match = NULL;
  g_autofree char *next_cursor = NULL;
  gint64 after_updated = 0, after_id = 0;
  gint64 last_updated = 0, last_id = 0;
  SdTicketStatus wanted_status;
  gboolean few_hits = FALSE;
  const char *plus;
  guint limit, count = 0;
  int rc;

  if (!sd_request_get_limit (request, &limit))
    return;

  if (status != NULL && !sd_ticket_status_from_string (status, &wanted_status))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "status",
                              "The status must be “pending” or “solved”");
      return;
    }

  if (!sd_api_check_category (request, category))
    return;

  if (cursor != NULL && !sd_cursor_decode (cursor, 't', &after_updated, &after_id))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "cursor",
                              "This cursor was not given by this server; start from the first page");
      return;
    }

  if (q != NULL)
    {
      if (!g_utf8_validate (q, -1, NULL))
        {
          sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "q",
                                  "The search words must be UTF-8 text");
          return;
        }
      match = build_match (q);
    }

  if (match != NULL && !search_has_few_hits (store, match, &few_hits, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }
  /*
   * "+" keeps SQLite from using an index for a term, so that with few hits
   * it looks them up by id and sorts them rather than walk an index.
   */
  plus = few_hits ? "+" : "";

  /* Built from fixed fragments only, so each shape is prepared once and cached. */
  if (!sd_request_is_agent (request))
    g_string_append_printf (sql, " AND %st.organization_id = :org", plus);
  if (category != NULL)
    g_string_append_printf (sql, " AND %st.category_id = :category", plus);
  if (status != NULL)
    g_string_append_printf (sql, " AND %st.status = :status", plus);
  if (match != NULL)
    g_string_append (sql, " AND t.id IN (SELECT rowid FROM ticket_search"
                          " WHERE ticket_search MATCH :match)");
  if (cursor != NULL)
    g_string_append_printf (sql, " AND (%st.updated_at, %st.id) < (:after_updated, :after_id)",
                            plus, plus);
  g_string_append_printf (sql, " ORDER BY %st.updated_at DESC, %st.id DESC LIMIT :limit",
                          plus, plus);

  stmt = sd_store_prepare (store, sql->str);
  bind_named_int (stmt, ":org", sd_user_get_organization_id (sd_request_get_user (request)));
  bind_named_text (stmt, ":category", category);
  bind_named_text (stmt, ":status", status);
  bind_named_text (stmt, ":match", match);
  bind_named_int (stmt, ":after_updated", after_updated);
  bind_named_int (stmt, ":after_id", after_id);
  /* One more than asked for tells whether there is a next page. */
  bind_named_int (stmt, ":limit", limit + 1);

  cache = list_cache_get (store);
  if (cache != NULL && (cache_key = sqlite3_expanded_sql (stmt)) != NULL &&
      (cached = g_hash_table_lookup (cache->answers, cache_key)) != NULL)
    {
      sqlite3_free (cache_key);
      sd_request_reply_bytes (request, SOUP_STATUS_OK, "application/json", cached);
      return;
    }

  /* Written straight from the rows: no SdTicket and no JsonNode per ticket. */
  answer = g_string_sized_new (512 + limit * 320);
  g_string_append (answer, "{\"tickets\":[");
  while ((rc = sd_store_step (store, stmt, &error)) == SQLITE_ROW)
    {
      if (++count > limit)
        {
          next_cursor = sd_cursor_encode ('t', last_updated, last_id);
          break;
        }

      if (count > 1)
        g_string_append_c (answer, ',');
      append_ticket_row (stmt, answer);
      last_updated = sqlite3_column_int64 (stmt, 7);
      last_id = sqlite3_column_int64 (stmt, 0);
    }
  g_string_append (answer, "],\"next_cursor\":");
  sd_json_append_string (answer, next_cursor);
  g_string_append_c (answer, '}');

  if (rc == 0)
    {
      sqlite3_free (cache_key);
      sd_request_reply_internal (request, error);
      return;
    }

  bytes = g_string_free_to_bytes (g_steal_pointer (&answer));
  if (cache_key != NULL)
    {
      if (g_hash_table_size (cache->answers) >= LIST_CACHE_MAX_ANSWERS)
        g_hash_table_remove_all (cache->answers);
      g_hash_table_insert (cache->answers, cache_key, g_bytes_ref (bytes));
    }
  sd_request_reply_bytes (request, SOUP_STATUS_OK, "application/json", bytes);
}
