#define G_LOG_DOMAIN "sd-api-dashboard"

#include "config.h"

#include "sd-api.h"

#include "sd-auth.h"
#include "sd-json.h"
#include "sd-rate-limit.h"
#include "sd-server-private.h"

#include <sodium.h>

/*
 * How support reaches a customer's dashboard: invitations the customer
 * sends from a ticket, and the dashboard sessions agents open with a PIN or
 * an invitation.
 */

#define INVITATION_LIFETIME        (24 * 60 * 60)
#define DASHBOARD_SESSION_LIFETIME (60 * 60)

static const SdRateLimit pin_limit = { "pin", 5, 15 * 60 };

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
  sd_api_add_time_member (builder, "created_at", created_at);
  sd_api_add_time_member (builder, "expires_at", expires_at);
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
  if (ticket == NULL || !sd_api_require_customer (request))
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
  sd_api_reply_builder (request, SOUP_STATUS_CREATED, builder);
}

void
sd_api_invitations_list (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  int rc;

  if (!sd_api_require_customer (request))
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

  sd_api_reply_builder (request, SOUP_STATUS_OK, builder);
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
  sd_api_add_time_member (builder, "expires_at", now + DASHBOARD_SESSION_LIFETIME);
  json_builder_set_member_name (builder, "customer");
  json_builder_add_value (builder, sd_user_to_json (customer));
  json_builder_end_object (builder);

  sd_api_reply_builder (request, SOUP_STATUS_CREATED, builder);

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
