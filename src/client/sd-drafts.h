#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_DRAFTS (sd_drafts_get_type ())

G_DECLARE_FINAL_TYPE (SdDrafts, sd_drafts, SD, DRAFTS, GObject)

/*
 * What one user has begun to write and not sent, kept on disk so that a
 * restart or a crash loses nothing: one JSON object per draft, by name
 * ("new-ticket", "ticket-42"), whose members are the caller's. Saves are
 * atomic and durable, and run in the order they are asked for.
 */
SdDrafts *sd_drafts_new              (GFile               *directory);
/* $XDG_DATA_HOME/supportdesk/drafts/<one folder per server and account>. */
GFile    *sd_drafts_dup_default_dir  (const char          *server_url,
                                      const char          *email);
GFile    *sd_drafts_get_directory    (SdDrafts            *self);

/* Replaces the draft @name with @draft (an object), or removes it when @draft is NULL. */
void      sd_drafts_save             (SdDrafts            *self,
                                      const char          *name,
                                      JsonNode            *draft);
/* The draft @name, or NULL without an error when there is none. */
void      sd_drafts_load_async       (SdDrafts            *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
JsonNode *sd_drafts_load_finish      (SdDrafts            *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* Completes once every save asked for so far is on disk. */
void      sd_drafts_flush_async      (SdDrafts            *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  sd_drafts_flush_finish     (SdDrafts            *self,
                                      GAsyncResult        *result,
                                      GError             **error);

/*
 * The files of a draft, by path: adds "files": [{"path": …}] for the
 * SdUpload items of @uploads to the object being built, and reads them
 * back as GFiles (absolute paths only; anything else is skipped).
 */
void       sd_drafts_builder_add_files (JsonBuilder        *builder,
                                        GListModel         *uploads);
GPtrArray *sd_drafts_dup_files         (JsonObject         *draft);

/* The folder of one user's data of one kind ("outbox", "drafts") under $XDG_DATA_HOME/supportdesk. */
GFile    *sd_account_dup_data_dir    (const char          *kind,
                                      const char          *server_url,
                                      const char          *email);

G_END_DECLS
