#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Stored files live under the data dir as files/<id>: named by number, never
 * by anything a user sent. An upload is written to a temporary file beside
 * them while it arrives, its SHA-256 computed on the way, and renamed to its
 * final name once the database knows its id.
 */
typedef struct _SdUploadWriter SdUploadWriter;

char           *sd_files_path              (const char      *files_dir,
                                            gint64           id);
gboolean        sd_files_delete            (const char      *files_dir,
                                            gint64           id,
                                            GError         **error);

/*
 * Reduces a file name sent by a client to one safe for display: its last
 * path component, without control characters, trimmed. Returns NULL when
 * nothing usable is left or @name is not UTF-8.
 */
char           *sd_files_sanitize_name     (const char      *name);

SdUploadWriter *sd_upload_writer_new       (const char      *files_dir,
                                            GError         **error);
gboolean        sd_upload_writer_write     (SdUploadWriter  *self,
                                            const guint8    *data,
                                            gsize            length,
                                            GError         **error);
guint64         sd_upload_writer_get_size  (SdUploadWriter  *self);
/* Flushes to disk; after it, the SHA-256 (lowercase hex) is known. */
gboolean        sd_upload_writer_finish    (SdUploadWriter  *self,
                                            GError         **error);
const char     *sd_upload_writer_get_sha256 (SdUploadWriter *self);
/* Gives the file its final name. Without it, freeing the writer deletes it. */
gboolean        sd_upload_writer_commit    (SdUploadWriter  *self,
                                            gint64           id,
                                            GError         **error);
void            sd_upload_writer_free      (SdUploadWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdUploadWriter, sd_upload_writer_free)

G_END_DECLS
