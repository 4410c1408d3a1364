#define G_LOG_DOMAIN "sd-api-pin"

#include "config.h"

#include "sd-api.h"

#include "sd-cursor.h"
#include "sd-json.h"
#include "sd-server-private.h"

#include <sodium.h>

#define PIN_LIFETIME (24 * 60 * 60)

gboolean
sd_api_require_customer (SdRequest *request)
{
  if (!sd_request_is_agent (request))
    return TRUE;

  sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                          "Support PINs and invitations belong to customers");

  return FALSE;
}

void
sd_api_add_user_reference (JsonBuilder *builder,
                    const char  *member,
                    gint64       id,
                    const char  *name)
{
  json_builder_set_member_name (builder, member);
  if (id == 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
}

void
sd_api_add_time_member (JsonBuilder *builder,
                 const char  *member,
                 gint64       unix_seconds)
{
  g_autoptr(GDateTime) time = sd_api_time (unix_seconds);

  sd_json_builder_add_time (builder, member, time);
}

void
sd_api_reply_builder (SdRequest   *request,
               guint        status,
               JsonBuilder *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  sd_request_reply_json (request, status, node);
}

void
sd_api_pin_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdServer *server = sd_request_get_server (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  guint8 hash[SD_PIN_HASH_SIZE];
  char pin[SD_PIN_DIGITS + 1];
  sqlite3_stmt *stmt;

  if (!sd_api_require_customer (request))
    return;

  sd_pin_generate (pin);
  sd_pin_hash (sd_server_get_pin_key (server), sd_request_get_user_id (request), pin, hash);

  /* One row per customer: a new PIN replaces the old one at once. */
  stmt = sd_store_prepare (store,
                           "INSERT OR REPLACE INTO support_pins"
                           " (user_id, pin_hash, created_at, expires_at, used_at, used_by)"
                           " VALUES (?1, ?2, ?3, ?4, NULL, NULL)");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));
  sqlite3_bind_blob (stmt, 2, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + PIN_LIFETIME);
  if (!sd_store_run (store, stmt, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pin");
  json_builder_add_string_value (builder, pin);
  sd_api_add_time_member (builder, "created_at", now);
  sd_api_add_time_member (builder, "expires_at", now + PIN_LIFETIME);
  json_builder_end_object (builder);

  sodium_memzero (pin, sizeof pin);
  sd_api_reply_builder (request, SOUP_STATUS_CREATED, builder);
}

void
sd_api_pin_get (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gint64 created_at = 0, expires_at = 0, used_at = 0, used_by = 0;
  g_autofree char *used_by_name = NULL;
  int rc;

  if (!sd_api_require_customer (request))
    return;

  stmt = sd_store_prepare (store,
                           "SELECT p.created_at, p.expires_at, p.used_at, p.used_by, u.name"
                           " FROM support_pins p LEFT JOIN users u ON u.id = p.used_by"
                           " WHERE p.user_id = ?1");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));

  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }
  if (rc == SQLITE_ROW)
    {
      created_at = sqlite3_column_int64 (stmt, 0);
      expires_at = sqlite3_column_int64 (stmt, 1);
      used_at = sqlite3_column_int64 (stmt, 2);
      used_by = sqlite3_column_int64 (stmt, 3);
      used_by_name = g_strdup (sd_store_column_text (stmt, 4));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, created_at != 0 && used_at == 0 &&
                                           expires_at > sd_request_get_now (request));
  sd_api_add_time_member (builder, "created_at", created_at);
  sd_api_add_time_member (builder, "expires_at", expires_at);
  sd_api_add_time_member (builder, "used_at", used_at);
  sd_api_add_user_reference (builder, "used_by", used_by, used_by_name);
  json_builder_end_object (builder);

  sd_api_reply_builder (request, SOUP_STATUS_OK, builder);
}

void
sd_api_pin_delete (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!sd_api_require_customer (request))
    return;

  stmt = sd_store_prepare (store, "DELETE FROM support_pins WHERE user_id = ?1");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));
  if (!sd_store_run (store, stmt, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  sd_request_reply_no_content (request);
}

void
sd_api_access_log (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  const char *cursor = sd_request_get_query (request, "cursor");
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *next_cursor = NULL;
  gint64 before = G_MAXINT64, unused = 0, last_id = 0;
  guint limit, count = 0;
  int rc;

  if (!sd_api_require_customer (request) || !sd_request_get_limit (request, &limit))
    return;

  if (cursor != NULL && !sd_cursor_decode (cursor, 'a', &before, &unused))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "cursor",
                              "This cursor was not given by this server; start from the first page");
      return;
    }

  stmt = sd_store_prepare (store,
                           "SELECT l.id, l.at, l.agent_id, u.name, l.via, l.ticket_id"
                           " FROM access_log l JOIN users u ON u.id = l.agent_id"
                           " WHERE l.customer_id = ?1 AND l.id < ?2 ORDER BY l.id DESC LIMIT ?3");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));
  sqlite3_bind_int64 (stmt, 2, before);
  sqlite3_bind_int64 (stmt, 3, limit + 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  while ((rc = sd_store_step (store, stmt, &error)) == SQLITE_ROW)
    {
      if (++count > limit)
        {
          next_cursor = sd_cursor_encode ('a', last_id, 0);
          break;
        }
      last_id = sqlite3_column_int64 (stmt, 0);

      json_builder_begin_object (builder);
      sd_api_add_time_member (builder, "at", sqlite3_column_int64 (stmt, 1));
      sd_api_add_user_reference (builder, "agent", sqlite3_column_int64 (stmt, 2),
                          sd_store_column_text (stmt, 3));
      json_builder_set_member_name (builder, "via");
      json_builder_add_string_value (builder, sd_store_column_text (stmt, 4));
      json_builder_set_member_name (builder, "ticket_id");
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  if (next_cursor != NULL)
    json_builder_add_string_value (builder, next_cursor);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  sd_api_reply_builder (request, SOUP_STATUS_OK, builder);
}

