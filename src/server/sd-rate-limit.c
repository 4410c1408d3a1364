#define G_LOG_DOMAIN "sd-rate-limit"

#include "config.h"

#include "sd-rate-limit.h"

gboolean
sd_rate_limit_allows (SdStore            *store,
                      const SdRateLimit  *limit,
                      const char         *subject,
                      gint64              now,
                      gint64             *retry_after,
                      GError            **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  int rc;

  /*
   * The failure that has to age out before another attempt is allowed is
   * the max_failures-th newest one.
   */
  stmt = sd_store_prepare (store,
                           "SELECT at FROM auth_failures"
                           " WHERE scope = ?1 AND subject = ?2 AND at > ?3"
                           " ORDER BY at DESC LIMIT 1 OFFSET ?4");
  sqlite3_bind_text (stmt, 1, limit->scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now - limit->window);
  sqlite3_bind_int (stmt, 4, limit->max_failures - 1);

  rc = sd_store_step (store, stmt, error);
  if (rc == 0)
    return FALSE;

  if (rc == SQLITE_ROW)
    {
      gint64 at = sqlite3_column_int64 (stmt, 0);

      if (retry_after != NULL)
        *retry_after = MAX (1, at + limit->window - now);
      return FALSE;
    }

  return TRUE;
}

gboolean
sd_rate_limit_fail (SdStore            *store,
                    const SdRateLimit  *limit,
                    const char         *subject,
                    gint64              now,
                    GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (store,
                           "INSERT INTO auth_failures (scope, subject, at) VALUES (?1, ?2, ?3)");
  sqlite3_bind_text (stmt, 1, limit->scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);

  return sd_store_run (store, stmt, error);
}

gboolean
sd_rate_limit_reset (SdStore            *store,
                     const SdRateLimit  *limit,
                     const char         *subject,
                     GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (store, "DELETE FROM auth_failures WHERE scope = ?1 AND subject = ?2");
  sqlite3_bind_text (stmt, 1, limit->scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);

  return sd_store_run (store, stmt, error);
}

gboolean
sd_rate_limit_purge (SdStore  *store,
                     gint64    before,
                     GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = sd_store_prepare (store, "DELETE FROM auth_failures WHERE at <= ?1");
  sqlite3_bind_int64 (stmt, 1, before);

  return sd_store_run (store, stmt, error);
}
