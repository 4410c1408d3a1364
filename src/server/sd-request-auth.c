#define G_LOG_DOMAIN "sd-request"

#include "config.h"

#include "sd-request.h"

#include "sd-api.h"
#include "sd-auth.h"
#include "sd-request-private.h"

/* Who a request comes from: the session of its bearer token. */

static const char *
bearer_token (SdRequest *self)
{
  const char *value;

  value = soup_message_headers_get_one (sd_request_get_request_headers (self), "Authorization");
  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return *value != '\0' ? value : NULL;
}

/*
 * Sessions are kept while the database has not changed (sd_store_get_kept()),
 * so that a request with a known token reads neither its session nor its
 * users. Signing out and every other change are writes, which empty them;
 * the time a session ends is kept and checked.
 */
#define KEPT_SESSIONS "sessions"
#define KEPT_SESSIONS_MAX 256

typedef struct
{
  gint64  id;
  gint64  expires_at;
  SdUser *user;
  SdUser *dashboard_agent;
} KeptSession;

static void
kept_session_free (KeptSession *kept)
{
  g_clear_object (&kept->user);
  g_clear_object (&kept->dashboard_agent);
  g_free (kept);
}

gboolean
sd_request_authenticate (SdRequest *self)
{
  SdStore *store = sd_request_get_store (self);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  guint8 hash[SD_AUTH_TOKEN_HASH_SIZE];
  const char *token;
  gint64 user_id, customer_id, expires_at;
  g_autoptr(GBytes) key = NULL;
  GHashTable *sessions;
  KeptSession *kept;
  int rc;

  if (self->user != NULL)
    return TRUE;

  token = bearer_token (self);
  if (token == NULL)
    {
      sd_request_reply_error (self, SD_API_ERROR_UNAUTHORIZED, NULL,
                              "Sign in first: this request needs an access token");
      return FALSE;
    }

  sd_auth_hash_token (token, hash);

  key = g_bytes_new (hash, sizeof hash);
  sessions = sd_store_get_kept (store, KEPT_SESSIONS, g_bytes_hash, g_bytes_equal,
                                (GDestroyNotify)g_bytes_unref, (GDestroyNotify)kept_session_free);
  kept = sessions != NULL ? g_hash_table_lookup (sessions, key) : NULL;
  if (kept != NULL && kept->expires_at > self->now)
    {
      self->session_id = kept->id;
      self->user = g_object_ref (kept->user);
      g_set_object (&self->dashboard_agent, kept->dashboard_agent);
      return TRUE;
    }

  stmt = sd_store_prepare (store,
                           "SELECT id, user_id, customer_id, expires_at FROM sessions"
                           " WHERE token_hash = ?1 AND expires_at > ?2");
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, self->now);

  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (self, error);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      sd_request_reply_error (self, SD_API_ERROR_UNAUTHORIZED, NULL,
                              "The session has expired or was signed out; sign in again");
      return FALSE;
    }

  self->session_id = sqlite3_column_int64 (stmt, 0);
  user_id = sqlite3_column_int64 (stmt, 1);
  customer_id = sqlite3_column_int64 (stmt, 2);
  expires_at = sqlite3_column_int64 (stmt, 3);
  sd_statement_reset (stmt);

  if (customer_id != 0)
    {
      self->dashboard_agent = sd_api_load_user (store, user_id, &error);
      if (self->dashboard_agent != NULL)
        self->user = sd_api_load_user (store, customer_id, &error);
    }
  else
    {
      self->user = sd_api_load_user (store, user_id, &error);
    }

  if (self->user == NULL)
    {
      sd_request_reply_internal (self, error);
      return FALSE;
    }

  if (sessions != NULL)
    {
      kept = g_new0 (KeptSession, 1);
      kept->id = self->session_id;
      kept->expires_at = expires_at;
      kept->user = g_object_ref (self->user);
      g_set_object (&kept->dashboard_agent, self->dashboard_agent);
      sd_store_keep (sessions, g_steal_pointer (&key), kept, KEPT_SESSIONS_MAX);
    }

  return TRUE;
}
