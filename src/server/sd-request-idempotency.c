#define G_LOG_DOMAIN "sd-request"

#include "config.h"

#include "sd-request.h"

#include "sd-request-private.h"

#include <sodium.h>
#include <string.h>

static gboolean
valid_idempotency_key (const char *key)
{
  gsize length = strlen (key);

  if (length < 1 || length > 255)
    return FALSE;

  for (const char *p = key; *p; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;

  return TRUE;
}

static void
compute_fingerprint (SdRequest *self)
{
  crypto_hash_sha256_state state;
  GUri *uri = soup_server_message_get_uri (self->msg);
  const char *method = sd_request_get_method (self);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  guint8 body_hash[crypto_hash_sha256_BYTES];

  if (self->upload != NULL)
    {
      const char *sha256 = sd_upload_writer_get_sha256 (self->upload);

      crypto_hash_sha256 (body_hash, (const guint8 *)sha256, strlen (sha256));
    }
  else
    {
      crypto_hash_sha256 (body_hash, self->body->data, self->body->len);
    }

  crypto_hash_sha256_init (&state);
  crypto_hash_sha256_update (&state, (const guint8 *)method, strlen (method) + 1);
  crypto_hash_sha256_update (&state, (const guint8 *)path, strlen (path) + 1);
  if (query != NULL)
    crypto_hash_sha256_update (&state, (const guint8 *)query, strlen (query));
  crypto_hash_sha256_update (&state, (const guint8 *)"", 1);
  crypto_hash_sha256_update (&state, body_hash, sizeof body_hash);
  crypto_hash_sha256_final (&state, self->fingerprint);
}

/*
 * Returns TRUE when the request is to be carried out; FALSE when it has been
 * answered: from the record of its first success, or with an error.
 */
gboolean
sd_request_check_idempotency (SdRequest *self)
{
  SdStore *store = sd_request_get_store (self);
  g_autoptr(SdStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  const char *key;
  int rc;

  key = soup_message_headers_get_one (sd_request_get_request_headers (self), "Idempotency-Key");
  if (key == NULL)
    return TRUE;

  if (!valid_idempotency_key (key))
    {
      sd_request_reply_error (self, SD_API_ERROR_INVALID_FIELD, "Idempotency-Key",
                              "An Idempotency-Key has 1 to 255 printable ASCII characters");
      return FALSE;
    }

  compute_fingerprint (self);

  stmt = sd_store_prepare (store,
                           "SELECT fingerprint, status, body FROM idempotency_keys"
                           " WHERE user_id = ?1 AND key = ?2 AND created_at > ?3");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (self));
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, self->now - SD_REQUEST_IDEMPOTENCY_LIFETIME);

  rc = sd_store_step (store, stmt, &error);
  if (rc == 0)
    {
      sd_request_reply_internal (self, error);
      return FALSE;
    }

  if (rc == SQLITE_ROW)
    {
      g_autoptr(GBytes) body = NULL;

      if (sqlite3_column_bytes (stmt, 0) != sizeof self->fingerprint ||
          sodium_memcmp (sqlite3_column_blob (stmt, 0), self->fingerprint,
                         sizeof self->fingerprint) != 0)
        {
          sd_request_reply_error (self, SD_API_ERROR_CONFLICT, "Idempotency-Key",
                                  "This Idempotency-Key was already used for another request");
          return FALSE;
        }

      body = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
      sd_request_set_reply (self, sqlite3_column_int (stmt, 1), "application/json", body);
      return FALSE;
    }

  self->idempotency_key = g_strdup (key);

  return TRUE;
}

gboolean
sd_request_record_idempotency (SdRequest  *self,
                               GError    **error)
{
  SdStore *store = sd_request_get_store (self);
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (store,
                           "INSERT OR REPLACE INTO idempotency_keys"
                           " (user_id, key, fingerprint, status, body, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite3_bind_int64 (stmt, 1, sd_request_get_user_id (self));
  sqlite3_bind_text (stmt, 2, self->idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 3, self->fingerprint, sizeof self->fingerprint, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, self->status);
  sqlite3_bind_blob (stmt, 5, g_bytes_get_data (self->reply_body, NULL),
                     g_bytes_get_size (self->reply_body), SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, self->now);

  return sd_store_run (store, stmt, error);
}
