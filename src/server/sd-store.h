#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define SD_STORE_ERROR (sd_store_error_quark ())

typedef enum
{
  SD_STORE_ERROR_FAILED,
  SD_STORE_ERROR_BUSY,
  SD_STORE_ERROR_NEWER_SCHEMA,
} SdStoreError;

#define SD_TYPE_STORE (sd_store_get_type ())

G_DECLARE_FINAL_TYPE (SdStore, sd_store, SD, STORE, GObject)

GQuark         sd_store_error_quark (void);

/*
 * Opens (creating when absent) the database at @path, in WAL mode, and brings
 * its schema to the current version.
 */
SdStore       *sd_store_open        (const char   *path,
                                     GError      **error);

/*
 * Returns a prepared statement for @sql, reset and with its bindings cleared.
 * Statements are cached by their text, so @sql should be a constant or built
 * from a small set of fragments. The statement stays owned by the store.
 * Returns NULL (with a critical in the log) only for SQL the schema rejects,
 * which is a programming error.
 */
sqlite3_stmt  *sd_store_prepare     (SdStore      *self,
                                     const char   *sql);

gboolean       sd_store_exec        (SdStore      *self,
                                     const char   *sql,
                                     GError      **error);

/* BEGIN IMMEDIATE: every handler writes in one transaction. */
gboolean       sd_store_begin       (SdStore      *self,
                                     GError      **error);
gboolean       sd_store_commit      (SdStore      *self,
                                     GError      **error);
void           sd_store_rollback    (SdStore      *self);

/*
 * Steps @stmt and turns an error into a GError. Returns SQLITE_ROW or
 * SQLITE_DONE, or 0 with @error set.
 */
int            sd_store_step        (SdStore      *self,
                                     sqlite3_stmt *stmt,
                                     GError      **error);

/* Steps @stmt to its end, for statements that return no rows. */
gboolean       sd_store_run         (SdStore      *self,
                                     sqlite3_stmt *stmt,
                                     GError      **error);

gint64         sd_store_last_id     (SdStore      *self);
int            sd_store_changes     (SdStore      *self);

/* Text columns as UTF-8, never NULL for NOT NULL columns. */
const char    *sd_store_column_text (sqlite3_stmt *stmt,
                                     int           column);

int            sd_store_schema_version (SdStore   *self);

/*
 * A count that moves on whenever the database may have changed since it was
 * last asked: a row written through this store (sqlite3_total_changes64(),
 * committed or not) or a commit of another connection, such as another
 * process (PRAGMA data_version). What was read from the database may be
 * kept while the count stays the same. 0, never kept with, inside a
 * transaction (whose changes may still be rolled back) or when it cannot be
 * told. Asked before reading: what is kept is then never older than its count.
 */
guint64        sd_store_get_generation (SdStore  *self);
/*
 * A table of what was read, kept on the store under @name (the functions
 * are used when it is first made) and emptied whenever the generation moves
 * on; NULL when nothing may be kept. Asked for before reading, like the
 * generation. sd_store_keep() adds to it, emptying it first when it holds @max.
 */
GHashTable    *sd_store_get_kept       (SdStore        *self,
                                        const char     *name,
                                        GHashFunc       hash_func,
                                        GEqualFunc      key_equal_func,
                                        GDestroyNotify  key_destroy_func,
                                        GDestroyNotify  value_destroy_func);
void           sd_store_keep           (GHashTable     *kept,
                                        gpointer        key,
                                        gpointer        value,
                                        guint           max);

/*
 * A borrowed statement that is reset when it goes out of scope, so that no
 * cursor keeps a read snapshot open between requests:
 *   g_autoptr(SdStatement) stmt = sd_store_prepare (store, "SELECT …");
 */
typedef sqlite3_stmt SdStatement;

void           sd_statement_reset   (SdStatement  *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdStatement, sd_statement_reset)

G_END_DECLS
