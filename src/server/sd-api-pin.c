#define G_LOG_DOMAIN "sd-api-pin"

#include "config.h"

#include "sd-api.h"

#include "sd-auth.h"
#include "sd-cursor.h"
#include "sd-json.h"
#include "sd-rate-limit.h"
#include "sd-server-private.h"

#include <sodium.h>

#define PIN_LIFETIME               (24 * 60 * 60)
#define INVITATION_LIFETIME        (24 * 60 * 60)
#define DASHBOARD_SESSION_LIFETIME (60 * 60)

static const SdRateLimit pin_limit = { "pin", 5, 15 * 60 };

static gboolean
require_customer (SdRequest *request)
{
  if (!sd_request_is_agent (request))
    return TRUE;

  sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                          "Support PINs and invitations belong to customers");

  return FALSE;
}

static void
add_user_reference (JsonBuilder *builder,
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

static void
add_time_member (JsonBuilder *builder,
                 const char  *member,
                 gint64       unix_seconds)
{
  g_autoptr(GDateTime) time = sd_api_time (unix_seconds);

  sd_json_builder_add_time (builder, member, time);
}

static void
reply_builder (SdRequest   *request,
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

  if (!require_customer (request))
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
  add_time_member (builder, "created_at", now);
  add_time_member (builder, "expires_at", now + PIN_LIFETIME);
  json_builder_end_object (builder);

  sodium_memzero (pin, sizeof pin);
  reply_builder (request, SOUP_STATUS_CREATED, builder);
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

  if (!require_customer (request))
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
  add_time_member (builder, "created_at", created_at);
  add_time_member (builder, "expires_at", expires_at);
  add_time_member (builder, "used_at", used_at);
  add_user_reference (builder, "used_by", used_by, used_by_name);
  json_builder_end_object (builder);

  reply_builder (request, SOUP_STATUS_OK, builder);
}

void
sd_api_pin_delete (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!require_customer (request))
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

  if (!require_customer (request) || !sd_request_get_limit (request, &limit))
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
      add_time_member (builder, "at", sqlite3_column_int64 (stmt, 1));
      add_user_reference (builder, "agent", sqlite3_column_int64 (stmt, 2),
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

  reply_builder (request, SOUP_STATUS_OK, builder);
}

static void
add_invitation (JsonBuilder *builder,
                gint64       id,
                gint64       ticket_id,
                gint64       created_at,
                gint64       expires_at)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "ticket_id");
  json_builder_add_int_value (builder, ticket_id);
  add_time_member (builder, "created_at", created_at);
  add_time_member (builder, "expires_at", expires_at);
  json_builder_end_object (builder);
}

void
sd_api_invitations_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *user = sd_request_get_user (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) until = sd_api_time (now + INVITATION_LIFETIME);
  g_autoptr(GError) error = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *event = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  ticket = sd_api_load_visible_ticket (request, sd_request_get_id (request, 0));
  if (ticket == NULL || !require_customer (request))
    return;

  stmt = sd_store_prepare (store,
                           "INSERT INTO invitations (ticket_id, customer_id, created_at, expires_at)"
                           " VALUES (?1, ?2, ?3, ?4)");
  sqlite3_bind_int64 (stmt, 1, sd_ticket_get_id (ticket));
  sqlite3_bind_int64 (stmt, 2, sd_user_get_id (user));
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + INVITATION_LIFETIME);
  if (!sd_store_run (store, stmt, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }
  id = sd_store_last_id (store);

  until_text = g_date_time_format (until, "%Y-%m-%d %H:%M UTC");
  event = g_strdup_printf ("%s invited support to their dashboard until %s",
                           sd_user_get_name (user), until_text);
  if (sd_api_add_message (store, sd_ticket_get_id (ticket), "event", sd_user_get_id (user),
                          event, now, &error) == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  add_invitation (builder, id, sd_ticket_get_id (ticket), now, now + INVITATION_LIFETIME);
  reply_builder (request, SOUP_STATUS_CREATED, builder);
}

void
sd_api_invitations_list (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  int rc;

  if (!require_customer (request))
    return;

  stmt = sd_store_prepare (store,
                           "SELECT id, ticket_id, created_at, expires_at FROM invitations"
                           " WHERE customer_id = ?1 AND revoked_at IS NULL AND expires_at > ?2"
                           " ORDER BY id DESC");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (request));
  sqlite3_bind_int64 (stmt, 2, sd_request_get_now (request));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "invitations");
  json_builder_begin_array (builder);
  while ((rc = sd_store_step (store, stmt, &error)) == SQLITE_ROW)
    add_invitation (builder, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                    sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  reply_builder (request, SOUP_STATUS_OK, builder);
}

void
sd_api_invitation_delete (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *user = sd_request_get_user (request);
  gint64 id = sd_request_get_id (request, 0);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 customer_id = 0, organization_id = 0;
  sqlite3_stmt *update;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT i.customer_id, u.organization_id FROM invitations i"
                           " JOIN users u ON u.id = i.customer_id"
                           " WHERE i.id = ?1 AND i.revoked_at IS NULL");
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }
  if (rc == SQLITE_ROW)
    {
      customer_id = sqlite3_column_int64 (stmt, 0);
      organization_id = sqlite3_column_int64 (stmt, 1);
    }
  sd_statement_reset (stmt);

  if (customer_id == 0 || sd_request_is_agent (request) ||
      organization_id != sd_user_get_organization_id (user))
    {
      sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                              "There is no invitation %" G_GINT64_FORMAT, id);
      return;
    }

  if (customer_id != sd_user_get_id (user))
    {
      sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                              "Only the customer who sent an invitation can revoke it");
      return;
    }

  update = sd_store_prepare (store, "UPDATE invitations SET revoked_at = ?1 WHERE id = ?2");
  sqlite3_bind_int64 (update, 1, sd_request_get_now (request));
  sqlite3_bind_int64 (update, 2, id);
  if (!sd_store_run (store, update, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  sd_request_reply_no_content (request);
}

/* The one answer for every PIN or invitation that does not open a dashboard. */
static void
reply_refused (SdRequest *request)
{
  sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                          "This PIN or invitation is wrong, used, cleared or expired");
}

/*
 * Redeems a customer's PIN: the one UPDATE that marks it used is what makes
 * it one-time, whatever number of requests race for it. Returns the
 * customer's id, or 0.
 */
static gint64
redeem_pin (SdRequest   *request,
            const char  *email,
            const char  *pin_text,
            GError     **error)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  guint8 hash[SD_PIN_HASH_SIZE];
  char pin[SD_PIN_DIGITS + 1];
  sqlite3_stmt *update;
  gint64 customer_id;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT u.id, p.pin_hash FROM users u"
                           " JOIN support_pins p ON p.user_id = u.id"
                           " WHERE u.email = ?1 AND u.role = 'customer'"
                           " AND p.used_at IS NULL AND p.expires_at > ?2");
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, sd_request_get_now (request));
  rc = sd_store_step (store, stmt, error);
  if (rc != SQLITE_ROW || !sd_pin_normalize (pin_text, pin))
    return 0;

  customer_id = sqlite3_column_int64 (stmt, 0);
  sd_pin_hash (sd_server_get_pin_key (sd_request_get_server (request)), customer_id, pin, hash);
  if (sqlite3_column_bytes (stmt, 1) != sizeof hash ||
      sodium_memcmp (sqlite3_column_blob (stmt, 1), hash, sizeof hash) != 0)
    return 0;
  sd_statement_reset (stmt);

  update = sd_store_prepare (store,
                             "UPDATE support_pins SET used_at = ?1, used_by = ?2"
                             " WHERE user_id = ?3 AND pin_hash = ?4"
                             " AND used_at IS NULL AND expires_at > ?1");
  sqlite3_bind_int64 (update, 1, sd_request_get_now (request));
  sqlite3_bind_int64 (update, 2, sd_user_get_id (sd_request_get_user (request)));
  sqlite3_bind_int64 (update, 3, customer_id);
  sqlite3_bind_blob (update, 4, hash, sizeof hash, SQLITE_TRANSIENT);
  if (!sd_store_run (store, update, error) || sd_store_changes (store) != 1)
    return 0;

  return customer_id;
}

/* Returns the invitation's customer, or 0; @out_ticket_id names its ticket. */
static gint64
redeem_invitation (SdRequest  *request,
                   gint64      invitation_id,
                   gint64     *out_ticket_id,
                   GError    **error)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;

  stmt = sd_store_prepare (store,
                           "SELECT customer_id, ticket_id FROM invitations"
                           " WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2");
  sqlite3_bind_int64 (stmt, 1, invitation_id);
  sqlite3_bind_int64 (stmt, 2, sd_request_get_now (request));
  if (sd_store_step (store, stmt, error) != SQLITE_ROW)
    return 0;

  *out_ticket_id = sqlite3_column_int64 (stmt, 1);

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
open_dashboard (SdRequest   *request,
                gint64       customer_id,
                const char  *via,
                gint64       ticket_id,
                GError     **error)
{
  SdStore *store = sd_request_get_store (request);
  SdUser *agent = sd_request_get_user (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SdUser) customer = NULL;
  g_autofree char *token = NULL;
  guint8 hash[SD_AUTH_TOKEN_HASH_SIZE];
  sqlite3_stmt *stmt;

  customer = sd_api_load_user (store, customer_id, error);
  if (customer == NULL)
    return FALSE;

  token = sd_auth_new_token (hash);
  stmt = sd_store_prepare (store,
                           "INSERT INTO sessions (token_hash, user_id, customer_id, created_at,"
                           " expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, sd_user_get_id (agent));
  sqlite3_bind_int64 (stmt, 3, customer_id);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, now + DASHBOARD_SESSION_LIFETIME);
  if (!sd_store_run (store, stmt, error))
    return FALSE;

  stmt = sd_store_prepare (store,
                           "INSERT INTO access_log (customer_id, agent_id, via, ticket_id, at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)");
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, sd_user_get_id (agent));
  sqlite3_bind_text (stmt, 3, via, -1, SQLITE_STATIC);
  if (ticket_id != 0)
    sqlite3_bind_int64 (stmt, 4, ticket_id);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!sd_store_run (store, stmt, error))
    return FALSE;

  if (ticket_id != 0)
    {
      g_autofree char *event = g_strdup_printf ("%s opened the customer’s dashboard",
                                                sd_user_get_name (agent));

      if (sd_api_add_message (store, ticket_id, "event", sd_user_get_id (agent), event, now,
                              error) == 0)
        return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  add_time_member (builder, "expires_at", now + DASHBOARD_SESSION_LIFETIME);
  json_builder_set_member_name (builder, "customer");
  json_builder_add_value (builder, sd_user_to_json (customer));
  json_builder_end_object (builder);

  reply_builder (request, SOUP_STATUS_CREATED, builder);

  return TRUE;
}

void
sd_api_dashboard_sessions_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  JsonObject *body = sd_request_get_json (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  const char *email = NULL;
  const char *pin = NULL;
  gint64 invitation_id = 0, customer_id, ticket_id = 0, retry_after = 0;

  if (!sd_request_is_agent (request))
    {
      sd_request_reply_error (request, SD_API_ERROR_FORBIDDEN, NULL,
                              "Only support agents open customers’ dashboards");
      return;
    }

  if (json_object_has_member (body, "pin") == json_object_has_member (body, "invitation_id"))
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "pin",
                              "Give either the customer’s email and PIN, or an invitation id");
      return;
    }

  if (json_object_has_member (body, "invitation_id"))
    {
      if (!sd_request_json_int (request, "invitation_id", TRUE, &invitation_id))
        return;

      customer_id = redeem_invitation (request, invitation_id, &ticket_id, &error);
      if (error != NULL)
        sd_request_reply_internal (request, error);
      else if (customer_id == 0)
        reply_refused (request);
      else if (!open_dashboard (request, customer_id, "invitation", ticket_id, &error))
        sd_request_reply_internal (request, error);
      return;
    }

  if (!sd_request_json_string (request, "customer_email", TRUE, &email) ||
      !sd_request_json_string (request, "pin", TRUE, &pin))
    return;

  subject = g_utf8_casefold (email, -1);
  if (!sd_rate_limit_allows (store, &pin_limit, subject, now, &retry_after, &error))
    {
      if (error != NULL)
        {
          sd_request_reply_internal (request, error);
          return;
        }

      sd_request_set_retry_after (request, retry_after);
      sd_request_reply_error (request, SD_API_ERROR_RATE_LIMITED, NULL,
                              "Too many wrong PINs for this customer; try again in %"
                              G_GINT64_FORMAT " minutes", (retry_after + 59) / 60);
      return;
    }

  customer_id = redeem_pin (request, email, pin, &error);
  if (error != NULL)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  if (customer_id == 0)
    {
      if (!sd_rate_limit_fail (store, &pin_limit, subject, now, &error))
        {
          sd_request_reply_internal (request, error);
          return;
        }

      /* The failure must count even though the answer is an error. */
      sd_request_keep_changes (request);
      reply_refused (request);
      return;
    }

  if (!open_dashboard (request, customer_id, "pin", 0, &error))
    sd_request_reply_internal (request, error);
}
