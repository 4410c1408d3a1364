#pragma once

#include "sd-backoff.h"
#include "sd-outbox.h"
#include "sd-upload.h"

G_BEGIN_DECLS

/*
 * What SdOutbox and its items share: the stored form of an item. One
 * folder per item under the outbox folder, named so that a plain sort is
 * the order of creation:
 *
 *   <outbox>/<microseconds>-<key>/item.json
 *   <outbox>/<microseconds>-<key>/files/0, files/1, …
 *
 * A folder appears under its final name only once complete (it is written
 * as ".new-…" and renamed), and leaves through a rename to ".sent-…" before
 * it is deleted, so a crash at any point leaves either the whole item or
 * nothing that is ever sent again.
 */

#define SD_OUTBOX_ITEM_FILE     "item.json"
#define SD_OUTBOX_NEW_PREFIX    ".new-"
#define SD_OUTBOX_SENT_PREFIX   ".sent-"
#define SD_OUTBOX_BROKEN_PREFIX ".broken-"

/* One attached file of an item, and how far its upload got. */
typedef struct
{
  char   *filename;
  char   *content_type;
  gint64  size;
  /* Relative to the item's folder. */
  char   *path;
  /* The server's upload token once uploaded, and when it expires (Unix seconds). */
  char   *token;
  gint64  token_expires;
  /* Counts fresh uploads of this file: part of its upload's Idempotency-Key. */
  guint   generation;
} SdOutboxFile;

void          sd_outbox_file_free              (SdOutboxFile     *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdOutboxFile, sd_outbox_file_free)

SdOutboxItem *sd_outbox_item_new               (SdOutboxItemKind  kind,
                                                const char       *key,
                                                gint64            ticket_id,
                                                const char       *category,
                                                const char       *subject,
                                                const char       *body,
                                                GDateTime        *created_at);
/* Reads @dir/item.json; NULL and @error when it is missing or not an item. */
SdOutboxItem *sd_outbox_item_load              (GFile            *dir,
                                                GError          **error);
/* Writes @dir/item.json atomically and durably. Safe from any thread for an item no other thread changes. */
gboolean      sd_outbox_item_save              (SdOutboxItem     *self,
                                                GError          **error);
GFile        *sd_outbox_item_get_dir           (SdOutboxItem     *self);
void          sd_outbox_item_set_dir           (SdOutboxItem     *self,
                                                GFile            *dir);
/* The files, SdOutboxFile; the item keeps them. */
GPtrArray    *sd_outbox_item_get_files         (SdOutboxItem     *self);
void          sd_outbox_item_add_file          (SdOutboxItem     *self,
                                                SdOutboxFile     *file);
void          sd_outbox_item_set_state         (SdOutboxItem     *self,
                                                SdOutboxItemState state,
                                                const GError     *error);

/* Shared by sd-outbox.c (the list, the disk jobs) and sd-outbox-send.c. */
struct _SdOutbox
{
  GObject       parent_instance;

  GFile        *directory;
  GPtrArray    *items;
  SdClient     *client;
  SdBackoff     backoff;
  gboolean      online;
  gboolean      loaded;

  /* The item on its way, and the request (or upload) sending it. */
  SdOutboxItem *current;
  GCancellable *current_cancellable;
  SdUpload     *current_upload;
  /* A refused upload token was replaced once for the current item. */
  gboolean      reuploaded;
  guint         retry_source;
};

/* sd-outbox.c */
void          sd_outbox_emit_item_sent         (SdOutbox         *self,
                                                SdOutboxItem     *item,
                                                GObject          *created);
void          sd_outbox_emit_session_ended     (SdOutbox         *self);
void          sd_outbox_remove_item            (SdOutbox         *self,
                                                SdOutboxItem     *item);
/* Removes @item's folder on the worker thread; @callback may be NULL. */
void          sd_outbox_remove_from_disk       (SdOutbox         *self,
                                                SdOutboxItem     *item,
                                                GAsyncReadyCallback callback,
                                                gpointer          user_data);

/* sd-outbox-send.c */
/* Sends the next item, unless one is on its way or sending cannot start. */
void          sd_outbox_process                (SdOutbox         *self);
void          sd_outbox_finish_current         (SdOutbox         *self);

/* sd-outbox-store.c: the disk side, run on the disk worker (sd-disk-worker.h). */

/* Every complete item under @dir, oldest first; clears what crashes left half done. */
GPtrArray    *sd_outbox_store_load             (GFile            *dir,
                                                GError          **error);
/*
 * Writes @item (whose files name their sources in @sources, GFile) as the
 * new folder @dir/@name: copies, item.json, fsync, then the rename that
 * makes it appear whole. Sets the item's folder.
 */
gboolean      sd_outbox_store_add              (GFile            *dir,
                                                const char       *name,
                                                SdOutboxItem     *item,
                                                GPtrArray        *sources,
                                                GCancellable     *cancellable,
                                                GError          **error);
/* Removes an item's folder: first out of sight by a rename, then its contents. */
gboolean      sd_outbox_store_remove           (GFile            *item_dir,
                                                GError          **error);

G_END_DECLS
