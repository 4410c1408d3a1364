#define G_LOG_DOMAIN "sd-accounts"

#include "config.h"

#include "sd-accounts.h"

#include <string.h>

G_DEFINE_QUARK (sd-accounts-error-quark, sd_accounts_error)

static gboolean
valid_email (const char *email)
{
  const char *at = strchr (email, '@');

  return g_utf8_validate (email, -1, NULL) &&
         at != NULL && at != email && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strpbrk (email, " \t\r\n<>") == NULL && strlen (email) <= 254;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gint64
organization_id (SdStore     *store,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(SdStatement) stmt = NULL;
  sqlite3_stmt *insert;
  int rc;

  stmt = sd_store_prepare (store, "SELECT id FROM organizations WHERE name = ?1");
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sd_store_step (store, stmt, error);
  if (rc == 0)
    return 0;
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  insert = sd_store_prepare (store, "INSERT INTO organizations (name) VALUES (?1)");
  sqlite3_bind_text (insert, 1, name, -1, SQLITE_TRANSIENT);
  if (!sd_store_run (store, insert, error))
    return 0;

  return sd_store_last_id (store);
}

gint64
sd_accounts_add_user (SdStore     *store,
                      const char  *email,
                      const char  *name,
                      SdRole       role,
                      const char  *organization,
                      const char  *password_hash,
                      GError     **error)
{
  g_autoptr(SdStatement) existing = NULL;
  sqlite3_stmt *stmt;
  gint64 org_id, id;
  int rc;

  if (email == NULL || !valid_email (email))
    {
      g_set_error (error, SD_ACCOUNTS_ERROR, SD_ACCOUNTS_ERROR_INVALID,
                   "“%s” is not an email address", email ? email : "");
      return 0;
    }
  if (name == NULL || !g_utf8_validate (name, -1, NULL) || is_blank (name))
    {
      g_set_error_literal (error, SD_ACCOUNTS_ERROR, SD_ACCOUNTS_ERROR_INVALID,
                           "The name must not be empty");
      return 0;
    }
  if (organization == NULL || !g_utf8_validate (organization, -1, NULL) ||
      is_blank (organization))
    {
      g_set_error_literal (error, SD_ACCOUNTS_ERROR, SD_ACCOUNTS_ERROR_INVALID,
                           "The organization must not be empty");
      return 0;
    }

  if (!sd_store_begin (store, error))
    return 0;

  existing = sd_store_prepare (store, "SELECT 1 FROM users WHERE email = ?1");
  sqlite3_bind_text (existing, 1, email, -1, SQLITE_TRANSIENT);
  rc = sd_store_step (store, existing, error);
  sd_statement_reset (existing);
  if (rc == 0)
    {
      sd_store_rollback (store);
      return 0;
    }
  if (rc == SQLITE_ROW)
    {
      sd_store_rollback (store);
      g_set_error (error, SD_ACCOUNTS_ERROR, SD_ACCOUNTS_ERROR_EXISTS,
                   "There is already a user with the email %s", email);
      return 0;
    }

  org_id = organization_id (store, organization, error);
  if (org_id == 0)
    {
      sd_store_rollback (store);
      return 0;
    }

  stmt = sd_store_prepare (store,
                           "INSERT INTO users (email, name, role, organization_id, password_hash,"
                           " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, sd_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, org_id);
  sqlite3_bind_text (stmt, 5, password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);

  if (!sd_store_run (store, stmt, error))
    {
      sd_store_rollback (store);
      return 0;
    }
  id = sd_store_last_id (store);

  if (!sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return 0;
    }

  return id;
}
