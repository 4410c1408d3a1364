#define G_LOG_DOMAIN "sd-api-session"

#include "config.h"

#include "sd-api.h"

#include "sd-auth.h"
#include "sd-category.h"
#include "sd-json.h"
#include "sd-rate-limit.h"
#include "sd-server-private.h"

#define SESSION_LIFETIME (30 * 24 * 60 * 60)

static const SdRateLimit session_limit = { "session", 10, 15 * 60 };

GDateTime *
sd_api_time (gint64 unix_seconds)
{
  return unix_seconds > 0 ? g_date_time_new_from_unix_utc (unix_seconds) : NULL;
}

SdUser *
sd_api_load_user (SdStore  *store,
                  gint64    id,
                  GError  **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(SdUser) user = NULL;
  SdRole role = SD_ROLE_CUSTOMER;
  int rc;

  stmt = sd_store_prepare (store,
                           "SELECT u.name, u.email, u.role, o.id, o.name"
                           " FROM users u JOIN organizations o ON o.id = u.organization_id"
                           " WHERE u.id = ?1");
  sqlite3_bind_int64 (stmt, 1, id);

  rc = sd_store_step (store, stmt, error);
  if (rc == 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "User %" G_GINT64_FORMAT " does not exist", id);
      return NULL;
    }

  user = sd_user_new (id, sd_store_column_text (stmt, 0));
  sd_user_set_email (user, sd_store_column_text (stmt, 1));
  sd_role_from_string (sd_store_column_text (stmt, 2), &role);
  sd_user_set_role (user, role);
  sd_user_set_organization (user, sqlite3_column_int64 (stmt, 3), sd_store_column_text (stmt, 4));

  return g_steal_pointer (&user);
}

void
sd_api_healthz (SdRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_OK, node);
}

typedef struct
{
  SdRequest *request;
  char      *subject;
  gint64     user_id;
} Login;

static void
login_free (Login *login)
{
  g_free (login->subject);
  g_free (login);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Login, login_free)

static void
reply_session (SdRequest  *request,
               const char *token,
               gint64      expires_at,
               SdUser     *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) expires = sd_api_time (expires_at);
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  sd_json_builder_add_time (builder, "expires_at", expires);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, sd_user_to_json (user));
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  SdRequest *request = login->request;
  SdStore *store = sd_request_get_store (request);
  gint64 now = sd_request_get_now (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(SdUser) user = NULL;
  guint8 hash[SD_AUTH_TOKEN_HASH_SIZE];
  sqlite3_stmt *stmt;

  /* The attempt was counted as a failure before the password was checked. */
  if (!sd_auth_verify_password_finish (result, NULL) || login->user_id == 0)
    {
      sd_request_reply_error (request, SD_API_ERROR_UNAUTHORIZED, NULL,
                              "The email or password is wrong");
      return;
    }

  if (!sd_store_begin (store, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  token = sd_auth_new_token (hash);
  stmt = sd_store_prepare (store,
                           "INSERT INTO sessions (token_hash, user_id, customer_id, created_at,"
                           " expires_at) VALUES (?1, ?2, NULL, ?3, ?4)");
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, login->user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + SESSION_LIFETIME);

  if (!sd_store_run (store, stmt, &error) ||
      !sd_rate_limit_reset (store, &session_limit, login->subject, &error) ||
      (user = sd_api_load_user (store, login->user_id, &error)) == NULL ||
      !sd_store_commit (store, &error))
    {
      sd_store_rollback (store);
      sd_request_reply_internal (request, error);
      return;
    }

  reply_session (request, token, now + SESSION_LIFETIME, user);
}

void
sd_api_session_create (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Login) login = NULL;
  g_autofree char *hash = NULL;
  const char *email = NULL;
  const char *password = NULL;
  gint64 retry_after = 0;
  int rc;

  if (!sd_request_json_string (request, "email", TRUE, &email) ||
      !sd_request_json_string (request, "password", TRUE, &password))
    return;

  if (*email == '\0')
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "email",
                              "Enter the email address of your account");
      return;
    }
  if (*password == '\0')
    {
      sd_request_reply_error (request, SD_API_ERROR_INVALID_FIELD, "password",
                              "Enter your password");
      return;
    }

  login = g_new0 (Login, 1);
  login->request = request;
  login->subject = g_utf8_casefold (email, -1);

  if (!sd_rate_limit_allows (store, &session_limit, login->subject,
                             sd_request_get_now (request), &retry_after, &error))
    {
      if (error != NULL)
        {
          sd_request_reply_internal (request, error);
          return;
        }

      sd_request_set_retry_after (request, retry_after);
      sd_request_reply_error (request, SD_API_ERROR_RATE_LIMITED, NULL,
                              "Too many failed sign-ins for this account; try again in %"
                              G_GINT64_FORMAT " minutes", (retry_after + 59) / 60);
      return;
    }

  /*
   * Every attempt counts as a failure until its password has been checked (a
   * success clears the count), so that guesses sent all at once cannot slip
   * past the limit while the earlier ones are still being checked.
   */
  if (!sd_rate_limit_fail (store, &session_limit, login->subject, sd_request_get_now (request),
                           &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  stmt = sd_store_prepare (store, "SELECT id, password_hash FROM users WHERE email = ?1");
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }
  if (rc == SQLITE_ROW)
    {
      login->user_id = sqlite3_column_int64 (stmt, 0);
      hash = g_strdup (sd_store_column_text (stmt, 1));
    }
  sd_statement_reset (stmt);

  sd_request_pause (request);
  sd_auth_verify_password_async (hash, password, NULL, verified_cb, g_steal_pointer (&login));
}

void
sd_api_session_get (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SdUser *agent = sd_request_get_dashboard_agent (request);

  stmt = sd_store_prepare (store, "SELECT expires_at FROM sessions WHERE id = ?1");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_session_id (request));
  if (sd_store_step (store, stmt, &error) != SQLITE_ROW)
    {
      sd_request_reply_internal (request, error);
      return;
    }
  expires = sd_api_time (sqlite3_column_int64 (stmt, 0));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, sd_user_to_json (sd_request_get_user (request)));
  sd_json_builder_add_time (builder, "expires_at", expires);
  if (agent != NULL)
    {
      json_builder_set_member_name (builder, "dashboard_agent");
      json_builder_add_value (builder, sd_user_to_reference_json (agent, FALSE));
    }
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_OK, node);
}

void
sd_api_session_delete (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (store, "DELETE FROM sessions WHERE id = ?1");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_session_id (request));
  if (!sd_store_run (store, stmt, &error))
    {
      sd_request_reply_internal (request, error);
      return;
    }

  sd_request_reply_no_content (request);
}

void
sd_api_categories_list (SdRequest *request)
{
  SdStore *store = sd_request_get_store (request);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  stmt = sd_store_prepare (store, "SELECT id, name FROM categories ORDER BY position, id");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  while ((rc = sd_store_step (store, stmt, &error)) == SQLITE_ROW)
    {
      g_autoptr(SdCategory) category = NULL;

      category = sd_category_new (sd_store_column_text (stmt, 0), sd_store_column_text (stmt, 1));
      json_builder_add_value (builder, sd_category_to_json (category));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (rc == 0)
    {
      sd_request_reply_internal (request, error);
      return;
    }

  node = json_builder_get_root (builder);
  sd_request_reply_json (request, SOUP_STATUS_OK, node);
}
