#define G_LOG_DOMAIN "sd-request"

#include "config.h"

#include "sd-request.h"

#include "sd-api.h"
#include "sd-json.h"
#include "sd-number.h"
#include "sd-request-private.h"
#include "sd-server-private.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define REQUEST_KEY "sd-request"

static void
sd_request_free (SdRequest *self)
{
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->body, g_byte_array_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_clear_pointer (&self->upload, sd_upload_writer_free);
  g_clear_object (&self->user);
  g_clear_object (&self->dashboard_agent);
  g_clear_pointer (&self->idempotency_key, g_free);
  g_clear_pointer (&self->reply_body, g_bytes_unref);
  g_free (self);
}

SdRequest *
sd_request_new (SdServer          *server,
                SoupServerMessage *msg)
{
  SdRequest *self = g_new0 (SdRequest, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  self->server = server;
  self->msg = msg;
  self->body = g_byte_array_new ();
  self->started = g_get_monotonic_time ();
  self->now = g_get_real_time () / G_USEC_PER_SEC;

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");

  g_object_set_data_full (G_OBJECT (msg), REQUEST_KEY, self, (GDestroyNotify)sd_request_free);

  return self;
}

SdRequest *
sd_request_from_message (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
}

void
sd_request_finished (SdRequest *self,
                     gboolean   answered)
{
  GUri *uri = soup_server_message_get_uri (self->msg);
  const char *method = soup_server_message_get_method (self->msg);
  g_autofree char *path = NULL;
  guint status;

  if (self->finished)
    return;

  self->finished = TRUE;
  g_clear_pointer (&self->upload, sd_upload_writer_free);

  /* The path without its query. libsoup has decoded it, so it is encoded
   * again: no space or line break in it can forge a field or a line. A
   * request libsoup refused (its target is no URI) has none. */
  path = g_uri_escape_string (uri != NULL ? g_uri_get_path (uri) : "-",
                              G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
  /* What was sent: libsoup may still turn a 200 into a 206 or 416 (Range). */
  status = soup_server_message_get_status (self->msg);
  if (status == 0)
    status = self->status;

  if (answered)
    fprintf (stderr, "%s %s %u %.1fms\n", method != NULL ? method : "-", path, status,
             (g_get_monotonic_time () - self->started) / 1000.0);
  else
    fprintf (stderr, "%s %s aborted %.1fms\n", method != NULL ? method : "-", path,
             (g_get_monotonic_time () - self->started) / 1000.0);
}

SdStore *
sd_request_get_store (SdRequest *self)
{
  return sd_server_get_store (self->server);
}

SdServer *
sd_request_get_server (SdRequest *self)
{
  return self->server;
}

SdUploadWriter *
sd_request_get_upload (SdRequest *self)
{
  return self->upload;
}

const char *
sd_request_get_method (SdRequest *self)
{
  return soup_server_message_get_method (self->msg);
}

gint64
sd_request_get_now (SdRequest *self)
{
  return self->now;
}

gint64
sd_request_get_id (SdRequest *self,
                   guint      index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (self->ids), 0);

  return self->ids[index];
}

const char *
sd_request_get_query (SdRequest  *self,
                      const char *name)
{
  const char *value;

  if (self->query == NULL)
    return NULL;

  value = g_hash_table_lookup (self->query, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

SoupMessageHeaders *
sd_request_get_request_headers (SdRequest *self)
{
  return soup_server_message_get_request_headers (self->msg);
}

SoupMessageHeaders *
sd_request_get_response_headers (SdRequest *self)
{
  return soup_server_message_get_response_headers (self->msg);
}

JsonObject *
sd_request_get_json (SdRequest *self)
{
  g_return_val_if_fail (self->json != NULL, NULL);

  return json_node_get_object (self->json);
}

SdUser *
sd_request_get_user (SdRequest *self)
{
  return self->user;
}

gint64
sd_request_get_user_id (SdRequest *self)
{
  return self->user != NULL ? sd_user_get_id (self->user) : 0;
}

gboolean
sd_request_is_agent (SdRequest *self)
{
  return self->user != NULL && sd_user_get_role (self->user) == SD_ROLE_AGENT;
}

SdUser *
sd_request_get_dashboard_agent (SdRequest *self)
{
  return self->dashboard_agent;
}

gint64
sd_request_get_session_id (SdRequest *self)
{
  return self->session_id;
}

void
sd_request_keep_changes (SdRequest *self)
{
  self->keep_changes = TRUE;
}

static gboolean
reply_member_error (SdRequest  *self,
                    const char *member,
                    GError     *error)
{
  sd_request_reply_error (self, SD_API_ERROR_INVALID_FIELD, member, "%s", error->message);

  return FALSE;
}

gboolean
sd_request_json_string (SdRequest   *self,
                        const char  *member,
                        gboolean     required,
                        const char **out)
{
  g_autoptr(GError) error = NULL;

  if (!sd_json_get_string (sd_request_get_json (self), member, required, out, &error))
    return reply_member_error (self, member, error);

  return TRUE;
}

gboolean
sd_request_json_int (SdRequest  *self,
                     const char *member,
                     gboolean    required,
                     gint64     *out)
{
  g_autoptr(GError) error = NULL;

  if (!sd_json_get_int (sd_request_get_json (self), member, required, out, &error))
    return reply_member_error (self, member, error);

  return TRUE;
}

gboolean
sd_request_get_limit (SdRequest *self,
                      guint     *out_limit)
{
  const char *text = sd_request_get_query (self, "limit");
  gint64 value;

  if (text == NULL)
    {
      *out_limit = 50;
      return TRUE;
    }

  if (!sd_number_parse (text, 1, 100, &value))
    {
      sd_request_reply_error (self, SD_API_ERROR_INVALID_FIELD, "limit",
                              "The limit must be a whole number from 1 to 100");
      return FALSE;
    }

  *out_limit = value;

  return TRUE;
}

/*
 * Sets the answer. It may replace an earlier one: a transaction that fails
 * to commit turns a success into an error.
 */
void
sd_request_set_reply (SdRequest  *self,
           guint       status,
           const char *content_type,
           GBytes     *body)
{
  SoupServerMessage *msg = self->msg;
  gboolean was_paused = self->paused;

  self->paused = FALSE;

  if (!self->finished && !self->aborted)
    {
      SoupMessageBody *response_body = soup_server_message_get_response_body (msg);
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      soup_server_message_set_status (msg, status, NULL);
      soup_message_body_truncate (response_body);
      if (body != NULL)
        {
          soup_message_headers_replace (headers, "Content-Type", content_type);
          soup_message_body_append_bytes (response_body, body);
        }
      else
        {
          soup_message_headers_remove (headers, "Content-Type");
        }

      self->status = status;
      g_clear_pointer (&self->reply_body, g_bytes_unref);
      self->reply_body = body != NULL ? g_bytes_ref (body) : NULL;
      self->replied = TRUE;

      if (was_paused)
        soup_server_message_unpause (msg);
    }

  /* Last: the message owns this request. */
  if (was_paused)
    g_object_unref (msg);
}

void
sd_request_reply_json (SdRequest *self,
                       guint      status,
                       JsonNode  *node)
{
  g_autoptr(GBytes) bytes = sd_json_to_bytes (node);

  g_return_if_fail (!self->replied);

  sd_request_set_reply (self, status, "application/json", bytes);
}

void
sd_request_reply_no_content (SdRequest *self)
{
  g_return_if_fail (!self->replied);

  sd_request_set_reply (self, SOUP_STATUS_NO_CONTENT, NULL, NULL);
}

void
sd_request_reply_bytes (SdRequest  *self,
                        guint       status,
                        const char *content_type,
                        GBytes     *bytes)
{
  g_return_if_fail (!self->replied);

  sd_request_set_reply (self, status, content_type, bytes);
}

GBytes *
sd_request_error_body (SdApiError  code,
            const char *field,
            const char *message)
{
  g_autoptr(JsonNode) node = sd_api_error_to_json (code, message, field);

  return sd_json_to_bytes (node);
}

void
sd_request_reply_error (SdRequest  *self,
                        SdApiError  code,
                        const char *field,
                        const char *format,
                        ...)
{
  g_autofree char *formatted = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GBytes) body = NULL;
  va_list args;

  g_return_if_fail (!self->replied);

  va_start (args, format);
  formatted = g_strdup_vprintf (format, args);
  va_end (args);

  /* A message may quote what the client sent (a query parameter is any
   * bytes); the answer must still be UTF-8 JSON. */
  message = g_utf8_make_valid (formatted, -1);

  body = sd_request_error_body (code, field, message);
  sd_request_set_reply (self, sd_api_error_to_status (code), "application/json", body);
}

void
sd_request_reply_internal (SdRequest    *self,
                           const GError *error)
{
  g_autoptr(GBytes) body = NULL;

  g_warning ("%s %s failed: %s", sd_request_get_method (self),
             g_uri_get_path (soup_server_message_get_uri (self->msg)),
             error != NULL ? error->message : "no reply");

  body = sd_request_error_body (SD_API_ERROR_INTERNAL, NULL,
                     "The server could not complete the request; it has been logged");
  sd_request_set_reply (self, SOUP_STATUS_INTERNAL_SERVER_ERROR, "application/json", body);
}

void
sd_request_set_retry_after (SdRequest *self,
                            gint64     seconds)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (seconds, 1));

  soup_message_headers_replace (sd_request_get_response_headers (self), "Retry-After", value);
}

void
sd_request_pause (SdRequest *self)
{
  g_return_if_fail (!self->paused);

  self->paused = TRUE;
  g_object_ref (self->msg);
  soup_server_message_pause (self->msg);
}


gboolean
sd_request_check_read_only (SdRequest *self)
{
  const char *method = sd_request_get_method (self);

  if (self->dashboard_agent == NULL ||
      g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
    return TRUE;

  sd_request_reply_error (self, SD_API_ERROR_FORBIDDEN, NULL,
                          "A dashboard session can look, but not change anything");

  return FALSE;
}

static gboolean
parse_json_body (SdRequest *self)
{
  SoupMessageHeaders *headers = sd_request_get_request_headers (self);
  g_autoptr(GError) error = NULL;
  const char *type;

  /* curl's default type for -d is tolerated: its body is what the user typed.
   * A header libsoup parses no type out of ("json") is not an absent one. */
  type = soup_message_headers_get_content_type (headers, NULL);
  if ((type == NULL && soup_message_headers_get_one (headers, "Content-Type") != NULL) ||
      (type != NULL &&
       g_ascii_strcasecmp (type, "application/json") != 0 &&
       g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") != 0 &&
       !g_str_has_suffix (type, "+json")))
    {
      sd_request_reply_error (self, SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL,
                              "The request body must be JSON (Content-Type: application/json)");
      return FALSE;
    }

  self->json = sd_json_parse_data ((const char *)self->body->data, self->body->len, &error);
  if (self->json == NULL)
    {
      sd_request_reply_error (self, SD_API_ERROR_INVALID_JSON, NULL, "%s", error->message);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (self->json))
    {
      sd_request_reply_error (self, SD_API_ERROR_INVALID_JSON, NULL,
                              "The request body must be a JSON object");
      return FALSE;
    }

  return TRUE;
}


static void
finish_transaction (SdRequest *self)
{
  SdStore *store = sd_request_get_store (self);
  g_autoptr(GError) error = NULL;
  gboolean success = SOUP_STATUS_IS_SUCCESSFUL (self->status);

  if (!success && !self->keep_changes)
    {
      sd_store_rollback (store);
      return;
    }

  if ((success && self->idempotency_key != NULL && self->reply_body != NULL &&
       !sd_request_record_idempotency (self, &error)) ||
      !sd_store_commit (store, &error))
    {
      sd_store_rollback (store);
      sd_request_reply_internal (self, error);
    }
}

void
sd_request_dispatch (SdRequest  *self,
                     GHashTable *query)
{
  g_autoptr(GError) error = NULL;
  SdRouteFlags flags;
  gboolean writes;

  /* Answered while the headers arrived; libsoup does not call us then. */
  if (self->replied || self->aborted || self->route == NULL)
    return;

  flags = self->route->flags;
  self->query = query != NULL ? g_hash_table_ref (query) : NULL;

  if (self->upload != NULL && !sd_upload_writer_finish (self->upload, &error))
    {
      sd_request_reply_internal (self, error);
      return;
    }

  if ((flags & SD_ROUTE_PUBLIC) == 0 && !sd_request_authenticate (self))
    return;
  if (!sd_request_check_read_only (self))
    return;
  if ((flags & SD_ROUTE_JSON) != 0 && !parse_json_body (self))
    return;
  if ((flags & SD_ROUTE_IDEMPOTENT) != 0 && !sd_request_check_idempotency (self))
    return;

  writes = (flags & SD_ROUTE_ASYNC) == 0 && !g_str_equal (self->route->method, "GET");
  if (writes && !sd_store_begin (sd_request_get_store (self), &error))
    {
      sd_request_reply_internal (self, error);
      return;
    }

  self->route->handler (self);

  if (writes)
    finish_transaction (self);

  if (!self->replied && !self->paused)
    sd_request_reply_internal (self, NULL);
}
