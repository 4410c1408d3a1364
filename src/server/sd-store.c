#define G_LOG_DOMAIN "sd-store"

#include "config.h"

#include "sd-store.h"

struct _SdStore
{
  GObject     parent_instance;

  sqlite3    *db;
  /* owned: SQL text -> sqlite3_stmt */
  GHashTable *statements;

  /* What sd_store_get_generation() last saw, and the count it gave. */
  gint64         data_version;
  sqlite3_int64  total_changes;
  guint64        generation;
  /* owned: name -> KeptTable (sd_store_get_kept()) */
  GHashTable    *kept;
};

typedef struct
{
  GHashTable *table;
  guint64     generation;
} KeptTable;

static void
kept_table_free (KeptTable *kept)
{
  g_hash_table_unref (kept->table);
  g_free (kept);
}

G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (sd-store-error-quark, sd_store_error)

/*
 * Each entry brings the schema from version N to N + 1. Entries are never
 * edited once released; a change is a new entry.
 */
static const char * const migrations[] = {
  /* 1: the first schema. Times are Unix seconds in UTC. */
  "CREATE TABLE organizations ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('customer', 'agent')),"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  password_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  /* customer_id is set for an agent's dashboard session: it acts as that customer. */
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  token_hash BLOB NOT NULL UNIQUE,"
  "  user_id INTEGER NOT NULL REFERENCES users (id),"
  "  customer_id INTEGER REFERENCES users (id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX sessions_by_expiry ON sessions (expires_at);"
  "CREATE TABLE categories ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  position INTEGER NOT NULL"
  ");"
  /* A service starts with the categories customers need; none can be added by the API. */
  "INSERT INTO categories (id, name, position) VALUES"
  "  ('antivirus-firewall', 'Antivirus / firewall', 1),"
  "  ('data-not-captured', 'Data not captured', 2),"
  "  ('billing', 'Billing', 3),"
  "  ('installation', 'Installation', 4),"
  "  ('account', 'Account and sign-in', 5),"
  "  ('other', 'Something else', 6);"
  "CREATE TABLE tickets ("
  "  id INTEGER PRIMARY KEY,"
  "  subject TEXT NOT NULL,"
  "  category_id TEXT NOT NULL REFERENCES categories (id),"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'solved')),"
  "  requester_id INTEGER NOT NULL REFERENCES users (id),"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  message_count INTEGER NOT NULL DEFAULT 0,"
  "  last_message_at INTEGER"
  ");"
  /* The list is read newest activity first, by everyone or within one organization. */
  "CREATE INDEX tickets_by_activity ON tickets (updated_at DESC, id DESC);"
  "CREATE INDEX tickets_by_org_activity"
  "  ON tickets (organization_id, updated_at DESC, id DESC);"
  "CREATE INDEX tickets_by_status_activity"
  "  ON tickets (status, updated_at DESC, id DESC);"
  "CREATE INDEX tickets_by_category_activity"
  "  ON tickets (category_id, updated_at DESC, id DESC);"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  ticket_id INTEGER NOT NULL REFERENCES tickets (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('comment', 'event')),"
  "  author_id INTEGER NOT NULL REFERENCES users (id),"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX messages_by_ticket ON messages (ticket_id, id);"
  /*
   * One document per ticket (rowid = ticket id), so that "every word must
   * match" holds across the subject and all messages together.
   */
  "CREATE VIRTUAL TABLE ticket_search USING fts5 ("
  "  subject, messages, tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  /*
   * An upload and the attachment it becomes are one row: token_hash and
   * expires_at belong to the upload, message_id to the attachment.
   */
  "CREATE TABLE files ("
  "  id INTEGER PRIMARY KEY,"
  "  owner_id INTEGER NOT NULL REFERENCES users (id),"
  "  token_hash BLOB UNIQUE,"
  "  filename TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER,"
  "  message_id INTEGER REFERENCES messages (id)"
  ");"
  "CREATE INDEX files_by_message ON files (message_id);"
  "CREATE INDEX files_unclaimed ON files (expires_at) WHERE message_id IS NULL;"
  "CREATE TABLE idempotency_keys ("
  "  user_id INTEGER NOT NULL,"
  "  key TEXT NOT NULL,"
  "  fingerprint BLOB NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key)"
  ");"
  "CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);"
  "CREATE TABLE support_pins ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id),"
  "  pin_hash BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER,"
  "  used_by INTEGER REFERENCES users (id)"
  ");"
  "CREATE TABLE invitations ("
  "  id INTEGER PRIMARY KEY,"
  "  ticket_id INTEGER NOT NULL REFERENCES tickets (id),"
  "  customer_id INTEGER NOT NULL REFERENCES users (id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ");"
  "CREATE INDEX invitations_by_customer ON invitations (customer_id, id DESC);"
  "CREATE TABLE access_log ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES users (id),"
  "  agent_id INTEGER NOT NULL REFERENCES users (id),"
  "  via TEXT NOT NULL CHECK (via IN ('pin', 'invitation')),"
  "  ticket_id INTEGER REFERENCES tickets (id),"
  "  at INTEGER NOT NULL"
  ");"
  "CREATE INDEX access_log_by_customer ON access_log (customer_id, id DESC);"
  "CREATE TABLE auth_failures ("
  "  scope TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  at INTEGER NOT NULL"
  ");"
  "CREATE INDEX auth_failures_by_subject ON auth_failures (scope, subject, at);",

  /*
   * 2: prefix indexes for search as you type (the last word of a search is a
   * prefix). Without one, FTS5 merges the documents of every word that
   * starts with the prefix before it returns the first hit; with one for
   * the prefix's length (in characters), it reads one list. Longer prefixes
   * start fewer words, so merging them costs less. The table is made anew
   * with the same content.
   */
  "CREATE VIRTUAL TABLE ticket_search_new USING fts5 ("
  "  subject, messages, tokenize = 'unicode61 remove_diacritics 2',"
  "  prefix = '1 2 3 4 5 6 7'"
  ");"
  "INSERT INTO ticket_search_new (rowid, subject, messages)"
  "  SELECT rowid, subject, messages FROM ticket_search;"
  "DROP TABLE ticket_search;"
  "ALTER TABLE ticket_search_new RENAME TO ticket_search;",
};

static void
set_error_from_db (GError  **error,
                   sqlite3  *db,
                   const char *what)
{
  int code = sqlite3_extended_errcode (db);

  g_set_error (error, SD_STORE_ERROR,
               (code & 0xff) == SQLITE_BUSY ? SD_STORE_ERROR_BUSY : SD_STORE_ERROR_FAILED,
               "%s: %s", what, sqlite3_errmsg (db));
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
sd_store_finalize (GObject *object)
{
  SdStore *self = (SdStore *)object;

  g_clear_pointer (&self->kept, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);

  G_OBJECT_CLASS (sd_store_parent_class)->finalize (object);
}

static void
sd_store_class_init (SdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_store_finalize;
}

static void
sd_store_init (SdStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)kept_table_free);
}

gboolean
sd_store_exec (SdStore     *self,
               const char  *sql,
               GError     **error)
{
  char *message = NULL;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_FAILED, "%s", message);
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

void
sd_statement_reset (SdStatement *stmt)
{
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

int
sd_store_schema_version (SdStore *self)
{
  g_autoptr(SdStatement) stmt = NULL;

  stmt = sd_store_prepare (self, "SELECT version FROM schema_version");
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int (stmt, 0);
}

static gboolean
migrate (SdStore  *self,
         GError  **error)
{
  int version;

  if (!sd_store_exec (self,
                      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
                      "INSERT INTO schema_version (version)"
                      "  SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);",
                      error))
    return FALSE;

  version = sd_store_schema_version (self);
  if (version > (int)G_N_ELEMENTS (migrations))
    {
      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_NEWER_SCHEMA,
                   "The database has schema version %d; this server knows up to %d",
                   version, (int)G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (; version < (int)G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = NULL;

      if (!sd_store_begin (self, error))
        return FALSE;

      bump = g_strdup_printf ("UPDATE schema_version SET version = %d", version + 1);
      if (!sd_store_exec (self, migrations[version], error) ||
          !sd_store_exec (self, bump, error) ||
          !sd_store_commit (self, error))
        {
          sd_store_rollback (self);
          return FALSE;
        }
    }

  return TRUE;
}

SdStore *
sd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(SdStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (SD_TYPE_STORE, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SD_STORE_ERROR, SD_STORE_ERROR_FAILED,
                   "Cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  /* Another process (add-user) may write at the same time; wait for it. */
  sqlite3_busy_timeout (self->db, 5000);

  if (!sd_store_exec (self,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA secure_delete = ON;",
                      error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

sqlite3_stmt *
sd_store_prepare (SdStore    *self,
                  const char *sql)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_critical ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

gboolean
sd_store_begin (SdStore  *self,
                GError  **error)
{
  sqlite3_stmt *stmt = sd_store_prepare (self, "BEGIN IMMEDIATE");

  return sd_store_run (self, stmt, error);
}

gboolean
sd_store_commit (SdStore  *self,
                 GError  **error)
{
  sqlite3_stmt *stmt = sd_store_prepare (self, "COMMIT");

  return sd_store_run (self, stmt, error);
}

void
sd_store_rollback (SdStore *self)
{
  g_return_if_fail (SD_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

int
sd_store_step (SdStore       *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  int rc;

  if (stmt == NULL)
    {
      g_set_error_literal (error, SD_STORE_ERROR, SD_STORE_ERROR_FAILED,
                           "No statement");
      return 0;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  set_error_from_db (error, self->db, "Query failed");
  sqlite3_reset (stmt);

  return 0;
}

guint64
sd_store_get_generation (SdStore *self)
{
  g_autoptr(SdStatement) stmt = NULL;
  gint64 data_version;
  sqlite3_int64 total_changes;

  g_return_val_if_fail (SD_IS_STORE (self), 0);

  /* Changes inside a transaction may still be rolled back. */
  if (!sqlite3_get_autocommit (self->db))
    return 0;

  stmt = sd_store_prepare (self, "PRAGMA data_version");
  if (sd_store_step (self, stmt, NULL) != SQLITE_ROW)
    return 0;

  data_version = sqlite3_column_int64 (stmt, 0);
  total_changes = sqlite3_total_changes64 (self->db);
  if (self->generation == 0 || data_version != self->data_version ||
      total_changes != self->total_changes)
    {
      self->generation++;
      self->data_version = data_version;
      self->total_changes = total_changes;
    }

  return self->generation;
}

GHashTable *
sd_store_get_kept (SdStore        *self,
                   const char     *name,
                   GHashFunc       hash_func,
                   GEqualFunc      key_equal_func,
                   GDestroyNotify  key_destroy_func,
                   GDestroyNotify  value_destroy_func)
{
  KeptTable *kept;
  guint64 generation;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  generation = sd_store_get_generation (self);
  if ((kept = g_hash_table_lookup (self->kept, name)) == NULL)
    {
      kept = g_new0 (KeptTable, 1);
      kept->table = g_hash_table_new_full (hash_func, key_equal_func, key_destroy_func,
                                           value_destroy_func);
      g_hash_table_insert (self->kept, g_strdup (name), kept);
    }

  if (generation != kept->generation)
    {
      g_hash_table_remove_all (kept->table);
      kept->generation = generation;
    }

  return generation != 0 ? kept->table : NULL;
}

void
sd_store_keep (GHashTable *kept,
               gpointer    key,
               gpointer    value,
               guint       max)
{
  /* Forgetting everything now and then is enough for what is asked again and again. */
  if (g_hash_table_size (kept) >= max)
    g_hash_table_remove_all (kept);
  g_hash_table_insert (kept, key, value);
}

gboolean
sd_store_run (SdStore       *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  int rc;

  while ((rc = sd_store_step (self, stmt, error)) == SQLITE_ROW)
    ;

  if (stmt != NULL)
    sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

gint64
sd_store_last_id (SdStore *self)
{
  return sqlite3_last_insert_rowid (self->db);
}

int
sd_store_changes (SdStore *self)
{
  return sqlite3_changes (self->db);
}

const char *
sd_store_column_text (sqlite3_stmt *stmt,
                      int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}
