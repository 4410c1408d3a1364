#define G_LOG_DOMAIN "sd-api-tickets"

#include "config.h"

#include "sd-api.h"

#include "sd-json.h"
#include "sd-server-private.h"

#include <sodium.h>
#include <string.h>

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

  stmt = sd_store_prepare (store, "SELECT " SD_API_TICKET_COLUMNS " WHERE t.id = ?1");
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

gboolean
sd_api_check_category (SdRequest  *request,
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

  if (!sd_api_check_category (request, category))
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
