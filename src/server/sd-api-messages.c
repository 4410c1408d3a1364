#define G_LOG_DOMAIN "sd-api-messages"

#include "config.h"

#include "sd-api.h"

#include "sd-auth.h"
#include "sd-cursor.h"
#include "sd-json.h"
#include "sd-message.h"
#include "sd-number.h"
#include "sd-server-private.h"

#define MESSAGE_COLUMNS \
  "m.id, m.ticket_id, m.kind, m.author_id, u.name, u.role, m.body, m.created_at" \
  " FROM messages m JOIN users u ON u.id = m.author_id"

gint64
sd_api_add_message (SdStore     *store,
                    gint64       ticket_id,
                    const char  *kind,
                    gint64       author_id,
                    const char  *body,
                    gint64       now,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = sd_store_prepare (store,
                           "INSERT INTO messages (ticket_id, kind, author_id, body, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, author_id);
  sqlite3_bind_text (stmt, 4, body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!sd_store_run (store, stmt, error))
    return 0;
  id = sd_store_last_id (store);

  stmt = sd_store_prepare (store,
                           "UPDATE tickets SET message_count = message_count + 1,"
                           " last_message_at = ?1, updated_at = ?1 WHERE id = ?2");
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, ticket_id);
  if (!sd_store_run (store, stmt, error))
    return 0;

  /* What people wrote is searchable; what the server wrote is not. */
  if (g_str_equal (kind, "comment"))
    {
      stmt = sd_store_prepare (store,
                               "UPDATE ticket_search SET messages = messages || char(10) || ?1"
                               " WHERE rowid = ?2");
      sqlite3_bind_text (stmt, 1, body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, ticket_id);
      if (!sd_store_run (store, stmt, error))
        return 0;
    }

  return id;
}

gboolean
sd_api_get_upload_tokens (SdRequest  *request,
                          JsonArray **out_tokens)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *tokens = NULL;

  *out_tokens = NULL;

  if (!sd_json_get_array (sd_request_get_json (request), "uploads", FALSE, &tokens, &error))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "uploads",
                              "The uploads must be a list of upload tokens");
      return FALSE;
    }

  if (tokens == NULL)
    return TRUE;

  if (json_array_get_length (tokens) > SD_API_MAX_UPLOADS)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "uploads",
                              "At most %d files can be attached at once",
                              SD_API_MAX_UPLOADS);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      JsonNode *element = json_array_get_element (tokens, i);
      const char *token;

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING)
        {
          sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "uploads",
                                  "The uploads must be a list of upload tokens");
          return FALSE;
        }

      token = json_node_get_string (element);
      if (!g_hash_table_add (seen, (gpointer)token))
        {
          sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "uploads",
                                  "The same file is attached twice");
          return FALSE;
        }
    }

  *out_tokens = tokens;

  return TRUE;
}

gboolean
sd_api_attach_uploads (SdRequest  *request,
                       JsonArray  *tokens,
                       gint64      message_id,
                       gboolean   *out_valid,
                       GError    **error)
{
  SdStore *store = sd_request_get_store (request);

  *out_valid = TRUE;

  if (tokens == NULL)
    return TRUE;

  for (guint i = 0; i < json_array_get_length (tokens); i++)
    {
      guint8 hash[SD_AUTH_TOKEN_HASH_SIZE];
      sqlite3_stmt *stmt;

      sd_auth_hash_token (json_array_get_string_element (tokens, i), hash);

      /* Only the uploader's own, unused, unexpired upload becomes an attachment. */
      stmt = sd_store_prepare (store,
                               "UPDATE files SET message_id = ?1, token_hash = NULL,"
                               " expires_at = NULL"
                               " WHERE token_hash = ?2 AND owner_id = ?3"
                               " AND message_id IS NULL AND expires_at > ?4");
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_blob (stmt, 2, hash, sizeof hash, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, sd_request_get_user_id (request));
      sqlite3_bind_int64 (stmt, 4, sd_request_get_now (request));
      if (!sd_store_run (store, stmt, error))
        return FALSE;

      if (sd_store_changes (store) != 1)
        {
          *out_valid = FALSE;
          return TRUE;
        }
    }

  return TRUE;
}

static gboolean
add_attachments (SdStore    *store,
                 SdMessage  *message,
                 GError    **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT id, filename, content_type, size, sha256 FROM files"
                           " WHERE message_id = ?1 ORDER BY id");
  sqlite3_bind_int64 (stmt, 1, sd_message_get_id (message));

  while ((rc = sd_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      g_autoptr(SdAttachment) attachment = NULL;

      attachment = sd_attachment_new (sqlite3_column_int64 (stmt, 0),
                                      sd_store_column_text (stmt, 1),
                                      sd_store_column_text (stmt, 2),
                                      sqlite3_column_int64 (stmt, 3),
                                      sd_store_column_text (stmt, 4));
      sd_message_add_attachment (message, attachment);
    }

  return rc != 0;
}

static SdMessage *
message_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(SdUser) author = NULL;
  g_autoptr(GDateTime) created_at = sd_api_time (sqlite3_column_int64 (stmt, 7));
  SdMessageKind kind = SD_MESSAGE_KIND_COMMENT;
  SdRole role = SD_ROLE_CUSTOMER;

  author = sd_user_new (sqlite3_column_int64 (stmt, 3), sd_store_column_text (stmt, 4));
  sd_role_from_string (sd_store_column_text (stmt, 5), &role);
  sd_user_set_role (author, role);
  sd_message_kind_from_string (sd_store_column_text (stmt, 2), &kind);

  return sd_message_new (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                         kind, author, sd_store_column_text (stmt, 6), created_at);
}

void
sd_api_messages_list (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  const char *after_text = sd_request_get_query (request, "after");
  const char *cursor = sd_request_get_query (request, "cursor");
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  gint64 after = 0, cursor_after = 0, unused = 0;
  guint limit;
  int rc;

  ticket = sd_api_load_visible_ticket (request, sd_request_get_id (request, 0));
  if (ticket == NULL)
    return;

  if (!sd_request_get_limit (request, &limit))
    return;

  if (after_text != NULL &&
      !sd_number_parse (after_text, 0, G_MAXINT64, &after))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "after",
                              "“after” must be a message id");
      return;
    }

  if (cursor != NULL && !sd_cursor_decode (cursor, 'm', &cursor_after, &unused))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "cursor",
                              "This cursor was not given by this server; start from the first page");
      return;
    }

  stmt = sd_store_prepare (store,
                           "SELECT " MESSAGE_COLUMNS
                           " WHERE m.ticket_id = ?1 AND m.id > ?2 ORDER BY m.id LIMIT ?3");
  sqlite3_bind_int64 (stmt, 1, sd_ticket_get_id (ticket));
  sqlite3_bind_int64 (stmt, 2, MAX (after, cursor_after));
  sqlite3_bind_int64 (stmt, 3, limit + 1);

  while ((rc = sd_store_step (store, stmt, &error)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));
  sd_statement_reset (stmt);

  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  if (messages->len > limit)
    {
      g_ptr_array_set_size (messages, limit);
      next_cursor = sd_cursor_encode ('m', sd_message_get_id (g_ptr_array_index (messages,
                                                                                 limit - 1)), 0);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    {
      SdMessage *message = g_ptr_array_index (messages, i);

      if (!add_attachments (store, message, &error))
        {
          sd_request_reply_internal (request, error);
          return;
        }
      json_builder_add_value (builder, sd_message_to_json (message));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  if (next_cursor != NULL)
    json_builder_add_string_value (builder, next_cursor);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_OK, node);
}

static SdMessage *
load_message (SdStore  *store,
              gint64    id,
              GError  **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(SdMessage) message = NULL;

  stmt = sd_store_prepare (store, "SELECT " MESSAGE_COLUMNS " WHERE m.id = ?1");
  sqlite3_bind_int64 (stmt, 1, id);
  if (sd_store_step (store, stmt, error) != SQLITE_ROW)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The new message is gone");
      return NULL;
    }

  message = message_from_row (stmt);
  sd_statement_reset (stmt);

  if (!add_attachments (store, message, error))
    return NULL;

  return g_steal_pointer (&message);
}

void
sd_api_messages_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *user = sd_request_get_user (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdMessage) message = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  const char *body_text = NULL;
  JsonArray *uploads = NULL;
  gboolean uploads_valid = TRUE;
  gint64 message_id;

  ticket = sd_api_load_visible_ticket (request, sd_request_get_id (request, 0));
  if (ticket == NULL)
    return;

  if (!sd_request_json_string (request, "body", TRUE, &body_text) ||
      !sd_api_get_upload_tokens (request, &uploads))
    return;

  body = sd_api_clean_text (request, "body", "The message", body_text,
                            SD_API_TEXT_MAX_CHARS, FALSE);
  if (body == NULL)
    return;

  message_id = sd_api_add_message (store, sd_ticket_get_id (ticket), "comment",
                                   sd_user_get_id (user), body, now, &error);
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

  /* A customer who writes again after a solution is not helped yet. */
  if (!sd_request_is_agent (request) &&
      sd_ticket_get_status (ticket) == SD_TICKET_STATUS_SOLVED)
    {
      g_autofree char *event = g_strdup_printf ("%s reopened this ticket", sd_user_get_name (user));
      sqlite3_stmt *stmt;

      stmt = sd_store_prepare (store, "UPDATE tickets SET status = 'pending' WHERE id = ?1");
      sqlite3_bind_int64 (stmt, 1, sd_ticket_get_id (ticket));
      if (!sd_store_run (store, stmt, &error) ||
          sd_api_add_message (store, sd_ticket_get_id (ticket), "event", sd_user_get_id (user),
                              event, now, &error) == 0)
        {
          sd_request_reply_internal (request, error);
          return;
        }
    }

  message = load_message (store, message_id, &error);
  if (message == NULL)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  node = sd_message_to_json (message);
  sd_request_reply_json (request, SOUP_STATUS_CREATED, node);
}
