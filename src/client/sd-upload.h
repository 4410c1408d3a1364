#pragma once

#include <gio/gio.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_UPLOAD (sd_upload_get_type ())

G_DECLARE_FINAL_TYPE (SdUpload, sd_upload, SD, UPLOAD, GObject)

typedef enum
{
  SD_UPLOAD_STATE_WAITING,
  SD_UPLOAD_STATE_UPLOADING,
  SD_UPLOAD_STATE_DONE,
  SD_UPLOAD_STATE_FAILED,
  SD_UPLOAD_STATE_CANCELLED,
} SdUploadState;

/*
 * One file on its way to POST /uploads: streamed from its GFile (never read
 * whole into memory), with progress, cancellable. A file larger than the
 * server's limit fails at once with SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE,
 * without sending a byte. A failure that may pass (sd_client_error_is_transient)
 * is retried a few times, the file sent again from its start with the same
 * Idempotency-Key; the state stays UPLOADING meanwhile, "sent" goes back to
 * 0 and "attempt" counts up. Properties: "file", "filename",
 * "content-type", "size", "sent" (bytes), "fraction" (0–1), "state",
 * "attempt", "info" (SdUploadInfo, when done), "error-message".
 */
SdUpload      *sd_upload_new              (SdClient             *client,
                                           GFile                *file,
                                           const char           *filename,
                                           const char           *content_type);
GFile         *sd_upload_get_file         (SdUpload             *self);
const char    *sd_upload_get_filename     (SdUpload             *self);
const char    *sd_upload_get_content_type (SdUpload             *self);
gint64         sd_upload_get_size         (SdUpload             *self);
gint64         sd_upload_get_sent         (SdUpload             *self);
double         sd_upload_get_fraction     (SdUpload             *self);
SdUploadState  sd_upload_get_state        (SdUpload             *self);
SdUploadInfo  *sd_upload_get_info         (SdUpload             *self);
/*
 * Failed in a way no retry changes (too large, a type the server refuses,
 * an unreadable file): the file cannot be sent as it is.
 */
gboolean       sd_upload_get_refused      (SdUpload             *self);
/* Whether any SdUpload of @uploads is refused: what holds back sending them. */
gboolean       sd_upload_list_has_refused (GListModel           *uploads);
/* The last failure, or NULL. */
const GError  *sd_upload_get_error        (SdUpload             *self);
/* Which attempt of the latest start is under way or awaited, from 1; 0 before the first start. */
guint          sd_upload_get_attempt      (SdUpload             *self);

/*
 * The Idempotency-Key of every attempt: a new one for each SdUpload unless
 * set, e.g. to a key kept with the file, so that sending it again after the
 * program restarted makes no second upload. Not while the upload runs.
 */
const char    *sd_upload_get_idempotency_key (SdUpload          *self);
void           sd_upload_set_idempotency_key (SdUpload          *self,
                                              const char        *key);
/*
 * How long to wait before each retry: from @base_ms, doubling up to @max_ms
 * (see SdBackoff), never sooner than the server's Retry-After. The defaults
 * suit people; tests want them shorter.
 */
void           sd_upload_set_backoff      (SdUpload             *self,
                                           guint                 base_ms,
                                           guint                 max_ms);

/* Starts (or restarts after a failure). Completes when the server answered. */
void           sd_upload_start_async      (SdUpload             *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
SdUploadInfo  *sd_upload_start_finish     (SdUpload             *self,
                                           GAsyncResult         *result,
                                           GError              **error);
void           sd_upload_cancel           (SdUpload             *self);

G_END_DECLS
