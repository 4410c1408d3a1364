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
 * whole into memory), with progress, cancellable. Properties: "file",
 * "filename", "content-type", "size", "sent" (bytes), "fraction" (0–1),
 * "state", "info" (SdUploadInfo, when done), "error-message".
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
/* The last failure, or NULL. */
const GError  *sd_upload_get_error        (SdUpload             *self);

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
