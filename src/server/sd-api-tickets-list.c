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
 * Answers of the list are kept while the database has not changed
 * (sd_store_get_kept()), keyed by the statement with its values bound (its
 * expanded SQL), which is all an answer depends on.
 */
#define KEPT_ANSWERS "ticket-list-answers"
#define KEPT_ANSWERS_MAX 64

/*
 * Each word of @q becomes an FTS5 phrase, all of which must match; the last
 * one matches as a prefix, for search as you type. Quotes are doubled, so no
 * word can use FTS5's query syntax.
 */
char *
sd_api_build_search_match (const char *q)
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
 * with at most SD_API_SEARCH_FEW_HITS hits, among all tickets, takes the
 * second way.
 *
 * Sets *@out_few to whether @match has that few hits. Only the plan depends
 * on it, never the answer.
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

  stmt = sd_store_prepare (store, SD_API_SEARCH_HITS_SQL);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, SD_API_SEARCH_FEW_HITS + 1);
  while ((rc = sd_store_step (store, stmt, error)) == SQLITE_ROW)
    hits++;

  *out_few = hits <= SD_API_SEARCH_FEW_HITS;

  return rc != 0;
}

/* Built from fixed fragments only, so each shape is prepared once and cached. */
char *
sd_api_build_list_sql (SdApiListParts parts)
{
  GString *sql = g_string_new ("SELECT " SD_API_TICKET_COLUMNS " WHERE 1");
  /*
   * "+" keeps SQLite from using an index for a term, so that with few hits
   * it looks them up by id and sorts them rather than walk an index.
   */
  const char *plus = (parts & SD_API_LIST_FEW_HITS) != 0 ? "+" : "";

  if ((parts & SD_API_LIST_ORGANIZATION) != 0)
    g_string_append_printf (sql, " AND %st.organization_id = :org", plus);
  if ((parts & SD_API_LIST_CATEGORY) != 0)
    g_string_append_printf (sql, " AND %st.category_id = :category", plus);
  if ((parts & SD_API_LIST_STATUS) != 0)
    g_string_append_printf (sql, " AND %st.status = :status", plus);
  if ((parts & SD_API_LIST_MATCH) != 0)
    g_string_append (sql, " AND t.id IN (SELECT rowid FROM ticket_search"
                          " WHERE ticket_search MATCH :match)");
  if ((parts & SD_API_LIST_CURSOR) != 0)
    g_string_append_printf (sql, " AND (%st.updated_at, %st.id) < (:after_updated, :after_id)",
                            plus, plus);
  g_string_append_printf (sql, " ORDER BY %st.updated_at DESC, %st.id DESC LIMIT :limit",
                          plus, plus);

  return g_string_free (sql, FALSE);
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
  g_autofree char *sql = NULL;
  g_autoptr(GString) answer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GHashTable *kept;
  char *cache_key = NULL;
  GBytes *cached;
  g_autoptr(GError) error = NULL;
  g_autofree char *match = NULL;
  g_autofree char *next_cursor = NULL;
  gint64 after_updated = 0, after_id = 0;
  gint64 last_updated = 0, last_id = 0;
  SdTicketStatus wanted_status;
  gboolean few_hits = FALSE;
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
      match = sd_api_build_search_match (q);
    }

  if (match != NULL && !search_has_few_hits (store, match, &few_hits, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }
  sql = sd_api_build_list_sql ((sd_request_is_agent (request) ? 0 : SD_API_LIST_ORGANIZATION) |
                               (category != NULL ? SD_API_LIST_CATEGORY : 0) |
                               (status != NULL ? SD_API_LIST_STATUS : 0) |
                               (match != NULL ? SD_API_LIST_MATCH : 0) |
                               (cursor != NULL ? SD_API_LIST_CURSOR : 0) |
                               (few_hits ? SD_API_LIST_FEW_HITS : 0));
  stmt = sd_store_prepare (store, sql);
  bind_named_int (stmt, ":org", sd_user_get_organization_id (sd_request_get_user (request)));
  bind_named_text (stmt, ":category", category);
  bind_named_text (stmt, ":status", status);
  bind_named_text (stmt, ":match", match);
  bind_named_int (stmt, ":after_updated", after_updated);
  bind_named_int (stmt, ":after_id", after_id);
  /* One more than asked for tells whether there is a next page. */
  bind_named_int (stmt, ":limit", limit + 1);

  kept = sd_store_get_kept (store, KEPT_ANSWERS, g_str_hash, g_str_equal, sqlite3_free,
                            (GDestroyNotify)g_bytes_unref);
  if (kept != NULL && (cache_key = sqlite3_expanded_sql (stmt)) != NULL &&
      (cached = g_hash_table_lookup (kept, cache_key)) != NULL)
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
    sd_store_keep (kept, cache_key, g_bytes_ref (bytes), KEPT_ANSWERS_MAX);
  sd_request_reply_bytes (request, SOUP_STATUS_OK, "application/json", bytes);
}
