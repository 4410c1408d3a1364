#define G_LOG_DOMAIN "sd-api-tickets"

#include "config.h"

#include "sd-api.h"

#include "sd-cursor.h"
#include "sd-json.h"
#include "sd-server-private.h"

#include <sodium.h>
#include <string.h>

#define TICKET_COLUMNS \
  "t.id, t.subject, t.category_id, t.status, t.requester_id, u.name, t.created_at," \
  " t.updated_at, t.message_count, t.last_message_at, t.organization_id" \
  " FROM tickets t JOIN users u ON u.id = t.requester_id"

static SdTicket *
ticket_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(SdTicket) ticket = sd_ticket_new (sqlite3_column_int64 (stmt, 0));
  g_autoptr(SdUser) requester = NULL;
  g_autoptr(GDateTime) created_at = sd_api_time (sqlite3_column_int64 (stmt, 6));
  g_autoptr(GDateTime) updated_at = sd_api_time (sqlite3_column_int64 (stmt, 7));
  g_autoptr(GDateTime) last_message_at = sd_api_time (sqlite3_column_int64 (stmt, 9));
  SdTicketStatus status = SD_TICKET_STATUS_PENDING;

  requester = sd_user_new (sqlite3_column_int64 (stmt, 4), sd_store_column_text (stmt, 5));
  sd_ticket_status_from_string (sd_store_column_text (stmt, 3), &status);

  sd_ticket_set_subject (ticket, sd_store_column_text (stmt, 1));
  sd_ticket_set_category (ticket, sd_store_column_text (stmt, 2));
  sd_ticket_set_status (ticket, status);
  sd_ticket_set_requester (ticket, requester);
  sd_ticket_set_created_at (ticket, created_at);
  sd_ticket_set_updated_at (ticket, updated_at);
  sd_ticket_set_message_count (ticket, sqlite3_column_int64 (stmt, 8));
  sd_ticket_set_last_message_at (ticket, last_message_at);

  return g_steal_pointer (&ticket);
}

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
 * Answers of the list, kept while the database has not changed. A kept
 * answer is keyed by the statement with its values bound (its expanded SQL),
 * which is all the answer depends on, and is only given while neither this
 * connection has changed anything (sqlite3_total_changes64(), which counts
 * every row written, committed or not) nor another connection (another
 * process, such as "supportdesk-server add-user") has committed anything
 * (PRAGMA data_version). Nothing is kept or given inside a transaction,
 * whose changes could still be rolled back.
 */
#define LIST_CACHE_DATA_KEY "sd-api-tickets-list-cache"
#define LIST_CACHE_MAX_ANSWERS 64

typedef struct
{
  GHashTable    *answers;  /* expanded SQL (sqlite3_free) → GBytes */
  gint64         data_version;
  sqlite3_int64  total_changes;
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
 * query runs: an answer is then never kept with a version older than its rows.
 */
static ListCache *
list_cache_get (SdStore *store,
                sqlite3 *db)
{
  ListCache *cache = g_object_get_data (G_OBJECT (store), LIST_CACHE_DATA_KEY);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 data_version;
  sqlite3_int64 total_changes;

  if (cache == NULL)
    {
      cache = g_new0 (ListCache, 1);
      cache->answers = g_hash_table_new_full (g_str_hash, g_str_equal, sqlite3_free,
                                              (GDestroyNotify)g_bytes_unref);
      cache->data_version = -1;
      g_object_set_data_full (G_OBJECT (store), LIST_CACHE_DATA_KEY, cache,
                              (GDestroyNotify)list_cache_free);
    }

  if (!sqlite3_get_autocommit (db))
    {
      g_hash_table_remove_all (cache->answers);
      cache->data_version = -1;
      return NULL;
    }

  stmt = sd_store_prepare (store, "PRAGMA data_version");
  if (sd_store_step (store, stmt, &error) != SQLITE_ROW)
    {
      g_hash_table_remove_all (cache->answers);
      cache->data_version = -1;
      return NULL;
    }
  data_version = sqlite3_column_int64 (stmt, 0);
  total_changes = sqlite3_total_changes64 (db);

  if (data_version != cache->data_version || total_changes != cache->total_changes)
    {
      g_hash_table_remove_all (cache->answers);
      cache->data_version = data_version;
      cache->total_changes = total_changes;
    }

  return cache;
}

static void
reply_not_found (SdRequest *request,
                 gint64     id)
{
  sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                          "There is no ticket %" G_GINT64_FORMAT, id);
}

SdTicket *
sd_api_load_visible_ticket (SdRequest *request,
                            gint64     id)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  stmt = sd_store_prepare (store, "SELECT " TICKET_COLUMNS " WHERE t.id = ?1");
  sqlite3_bind_int64 (stmt, 1, id);

  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return NULL;
    }

  /* Another organization's ticket answers as if it did not exist. */
  if (rc != SQLITE_ROW ||
      (!sd_request_is_agent (request) &&
       sqlite3_column_int64 (stmt, 10) !=
       sd_user_get_organization_id (sd_request_get_user (request))))
    {
      reply_not_found (request, id);
      return NULL;
    }

  return ticket_from_row (stmt);
}

/*
 * @text without white space at either end, in any script: a subject of
 * no-break or ideographic spaces is as empty as one of ASCII spaces.
 */
static char *
strip_white_space (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *previous = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (previous)))
        break;
      end = previous;
    }

  return g_strndup (start, end - start);
}

/* Line and paragraph separators break a line as surely as "\n" does. */
static gboolean
breaks_line (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *
sd_api_clean_text (SdRequest  *request,
                   const char *member,
                   const char *label,
                   const char *text,
                   guint       max_chars,
                   gboolean    single_line)
{
  g_autofree char *clean = strip_white_space (text);
  glong length = g_utf8_strlen (clean, -1);

  if (length == 0)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, member,
                              "%s must not be empty", label);
      return NULL;
    }

  if ((gulong)length > max_chars)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, member,
                              "%s must be at most %u characters long (it has %ld)",
                              label, max_chars, length);
      return NULL;
    }

  for (const char *p = clean; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((g_unichar_iscntrl (c) && (single_line || (c != '\n' && c != '\t' && c != '\r'))) ||
          (single_line && breaks_line (c)))
        {
          sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, member,
                                  single_line ? "%s must be one line of text"
                                              : "%s must not contain control characters",
                                  label);
          return NULL;
        }
    }

  return g_steal_pointer (&clean);
}

static gboolean
category_exists (SdStore     *store,
                 const char  *id,
                 gboolean    *out_exists,
                 GError     **error)
{
  g_autoptr(SdStatement) stmt = sd_store_prepare (store, "SELECT 1 FROM categories WHERE id = ?1");
  int rc;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sd_store_step (store, stmt, error);
  *out_exists = rc == SQLITE_ROW;

  return rc != 0;
}

/* Replies and returns FALSE unless @id is absent or a known category. */
static gboolean
check_category (SdRequest  *request,
                const char *id)
{
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;

  if (id == NULL)
    return TRUE;

  if (!category_exists (sd_request_get_store (request), id, &exists, &error))
    {
      sd_request_reply_internal (request, error);
      return FALSE;
    }

  if (!exists)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "category",
                              "There is no category “%s”", id);
      return FALSE;
    }

  return TRUE;
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
  g_autoptr(GString) sql = g_string_new ("SELECT " TICKET_COLUMNS " WHERE 1");
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

  if (!check_category (request, category))
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

  cache = list_cache_get (store, sqlite3_db_handle (stmt));
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

static void
reply_ticket (SdRequest *request,
              guint      status,
              gint64     id)
{
  g_autoptr(SdTicket) ticket = sd_api_load_visible_ticket (request, id);
  g_autoptr(JsonNode) node = NULL;

  if (ticket == NULL)
    return;

  node = sd_ticket_to_json (ticket);
  sd_request_reply_json (request, status, node);
}

gint64
sd_api_insert_ticket (SdStore     *store,
                      const char  *subject,
                      const char  *category,
                      gint64       requester_id,
                      gint64       organization_id,
                      gint64       now,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = sd_store_prepare (store,
                           "INSERT INTO tickets (subject, category_id, status, requester_id,"
                           " organization_id, created_at, updated_at)"
                           " VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?5)");
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, category, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, requester_id);
  sqlite3_bind_int64 (stmt, 4, organization_id);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!sd_store_run (store, stmt, error))
    return 0;
  id = sd_store_last_id (store);

  stmt = sd_store_prepare (store,
                           "INSERT INTO ticket_search (rowid, subject, messages) VALUES (?1, ?2, '')");
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  if (!sd_store_run (store, stmt, error))
    return 0;

  return id;
}

void
sd_api_tickets_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *user = sd_request_get_user (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *description = NULL;
  const char *category = NULL;
  const char *subject_text = NULL;
  const char *description_text = NULL;
  JsonArray *uploads = NULL;
  gboolean uploads_valid = TRUE;
  gint64 ticket_id, message_id;

  if (!sd_request_json_string (request, "category", TRUE, &category) ||
      !sd_request_json_string (request, "subject", TRUE, &subject_text) ||
      !sd_request_json_string (request, "description", TRUE, &description_text) ||
      !sd_api_get_upload_tokens (request, &uploads))
    return;

  if (!check_category (request, category))
    return;

  subject = sd_api_clean_text (request, "subject", "The subject", subject_text,
                               SD_API_SUBJECT_MAX_CHARS, TRUE);
  if (subject == NULL)
    return;

  description = sd_api_clean_text (request, "description", "The description", description_text,
                                   SD_API_TEXT_MAX_CHARS, FALSE);
  if (description == NULL)
    return;

  ticket_id = sd_api_insert_ticket (store, subject, category, sd_user_get_id (user),
                                   sd_user_get_organization_id (user), now, &error);
  if (ticket_id == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  /* The description is the conversation's first message. */
  message_id = sd_api_add_message (store, ticket_id, "comment", sd_user_get_id (user),
                                   description, now, &error);
  if (message_id == 0 ||
      !sd_api_attach_uploads (request, uploads, message_id, &uploads_valid, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  if (!uploads_valid)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "uploads",
                              "An attached file is unknown, expired or already used; "
                              "upload it again");
      return;
    }

  reply_ticket (request, SOUP_STATUS_CREATED, ticket_id);
}

void
sd_api_ticket_get (SdRequest *request)
{
  reply_ticket (request, SOUP_STATUS_OK, sd_request_get_id (request, 0));
}

void
sd_api_ticket_update (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *user = sd_request_get_user (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *event = NULL;
  const char *status_text = NULL;
  SdTicketStatus status;
  sqlite3_stmt *stmt;

  ticket = sd_api_load_visible_ticket (request, sd_request_get_id (request, 0));
  if (ticket == NULL)
    return;

  if (!sd_request_is_agent (request))
    {
      sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                              "Only support agents change a ticket’s status");
      return;
    }

  if (!sd_request_json_string (request, "status", TRUE, &status_text))
    return;

  if (!sd_ticket_status_from_string (status_text, &status))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "status",
                              "The status must be “pending” or “solved”");
      return;
    }

  if (status != sd_ticket_get_status (ticket))
    {
      stmt = sd_store_prepare (store, "UPDATE tickets SET status = ?1 WHERE id = ?2");
      sqlite3_bind_text (stmt, 1, status_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, sd_ticket_get_id (ticket));

      if (status == SD_TICKET_STATUS_SOLVED)
        event = g_strdup_printf ("%s marked this ticket as solved", sd_user_get_name (user));
      else
        event = g_strdup_printf ("%s reopened this ticket", sd_user_get_name (user));

      if (!sd_store_run (store, stmt, &error) ||
          sd_api_add_message (store, sd_ticket_get_id (ticket), "event", sd_user_get_id (user),
                              event, now, &error) == 0)
        {
          sd_request_reply_internal (request, error);
          return;
        }
    }

  reply_ticket (request, SOUP_STATUS_OK, sd_ticket_get_id (ticket));
}
