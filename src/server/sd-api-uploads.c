#define G_LOG_DOMAIN "sd-api-uploads"

#include "config.h"

#include "sd-api.h"

#include "sd-auth.h"
#include "sd-json.h"
#include "sd-request-private.h"
#include "sd-server-private.h"

#include <string.h>

/* An upload not attached to anything within a day is deleted. */
#define UPLOAD_LIFETIME (24 * 60 * 60)

/* RFC 7230 token characters, of which media types are made. */
static gboolean
is_token (const char *text,
          gsize       length)
{
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("!#$%&'*+-.^_`|~", text[i]) == NULL)
      return FALSE;

  return TRUE;
}

/*
 * The media type the upload is stored and later served with: the request's
 * Content-Type without parameters, or application/octet-stream. NULL when
 * it is malformed or a form, which this endpoint does not take.
 */
static char *
upload_content_type (SdRequest *request)
{
  SoupMessageHeaders *headers = sd_request_get_request_headers (request);
  const char *type;
  const char *slash;

  /* libsoup parses no type out of a malformed header ("text", "a b/c"): that
   * is not the same as sending none. */
  type = soup_message_headers_get_content_type (headers, NULL);
  if (type == NULL && soup_message_headers_get_one (headers, "Content-Type") != NULL)
    return NULL;

  /* No type, or curl's default for --data-binary, says nothing about the file. */
  if (type == NULL || g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0)
    return g_strdup ("application/octet-stream");

  slash = strchr (type, '/');
  if (slash == NULL ||
      !is_token (type, slash - type) || !is_token (slash + 1, strlen (slash + 1)) ||
      g_ascii_strncasecmp (type, "multipart/", 10) == 0)
    return NULL;

  return g_ascii_strdown (type, -1);
}

gboolean
sd_api_uploads_prepare (SdRequest *request)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autofree char *filename = NULL;
  g_autofree char *content_type = NULL;
  const char *name;

  if (request->query == NULL && query != NULL)
    request->query = soup_form_decode (query);

  name = sd_request_get_query (request, "filename");
  if (name == NULL)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "filename",
                              "Give the file’s name: /api/v1/uploads?filename=NAME");
      return FALSE;
    }

  filename = sd_files_sanitize_name (name);
  if (filename == NULL)
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "filename",
                              "The file name must be UTF-8 text of 1 to 255 bytes");
      return FALSE;
    }

  content_type = upload_content_type (request);
  if (content_type == NULL)
    {
      sd_request_reply_error (request, SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL,
                              "Send the file itself as the body, with its media type as "
                              "Content-Type; forms are not accepted");
      return FALSE;
    }

  return TRUE;
}

void
sd_api_uploads_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUploadWriter *upload = sd_request_get_upload (request);
  gint64 now = sd_request_get_now (request);
  g_autofree char *filename = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) expires = sd_api_time (now + UPLOAD_LIFETIME);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint8 hash[SD_AUTH_TOKEN_HASH_SIZE];
  sqlite3_stmt *stmt;
  gint64 id;

  /* Both were checked before the body was read. */
  filename = sd_files_sanitize_name (sd_request_get_query (request, "filename"));
  content_type = upload_content_type (request);
  g_return_if_fail (filename != NULL && content_type != NULL && upload != NULL);

  token = sd_auth_new_token (hash);

  stmt = sd_store_prepare (store,
                           "INSERT INTO files (owner_id, token_hash, filename, content_type, size,"
                           " sha256, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));
  sqlite3_bind_blob (stmt, 2, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, filename, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, content_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, sd_upload_writer_get_size (upload));
  sqlite3_bind_text (stmt, 6, sd_upload_writer_get_sha256 (upload), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, now + UPLOAD_LIFETIME);

  if (!sd_store_run (store, stmt, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }
  id = sd_store_last_id (store);

  if (!sd_upload_writer_commit (upload, id, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, filename);
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, sd_upload_writer_get_size (upload));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sd_upload_writer_get_sha256 (upload));
  sd_json_builder_add_time (builder, "expires_at", expires);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* RFC 5987: everything but attr-char is percent-encoded, byte by byte. */
static char *
content_disposition (const char *filename)
{
  g_autoptr(GString) value = g_string_new ("attachment; filename*=UTF-8''");

  for (const guchar *p = (const guchar *)filename; *p; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("!#$&+-.^_`|~", *p) != NULL)
        g_string_append_c (value, *p);
      else
        g_string_append_printf (value, "%%%02X", *p);
    }

  return g_string_free (g_steal_pointer (&value), FALSE);
}

void
sd_api_attachment_get (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdServer *server = sd_request_get_server (request);
  SoupMessageHeaders *headers = sd_request_get_response_headers (request);
  gint64 id = sd_request_get_id (request, 0);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *content_type = NULL;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT f.filename, f.content_type, t.organization_id FROM files f"
                           " JOIN messages m ON m.id = f.message_id"
                           " JOIN tickets t ON t.id = m.ticket_id"
                           " WHERE f.id = ?1");
  sqlite3_bind_int64 (stmt, 1, id);

  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  /* Same rules as the ticket: another organization's file does not exist. */
  if (rc != SQLITE_ROW ||
      (!sd_request_is_agent (request) &&
       sqlite3_column_int64 (stmt, 2) !=
       sd_user_get_organization_id (sd_request_get_user (request))))
    {
      sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                              "There is no attachment %" G_GINT64_FORMAT, id);
      return;
    }

  disposition = content_disposition (sd_store_column_text (stmt, 0));
  content_type = g_strdup (sd_store_column_text (stmt, 1));
  sd_statement_reset (stmt);

  /* Mapped, not read: a large file is sent without being copied into memory. */
  path = sd_files_path (sd_server_get_files_dir (server), id);
  file = g_mapped_file_new (path, FALSE, &error);
  if (file == NULL)
    {
      sd_request_reply_internal (request, error);
      return;
    }
  bytes = g_mapped_file_get_bytes (file);

  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Content-Security-Policy", "sandbox");
  soup_message_headers_replace (headers, "Cache-Control", "private, no-store");
  sd_request_reply_bytes (request, SOUP_STATUS_OK, content_type, bytes);
}
