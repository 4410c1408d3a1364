#pragma once

#include <adwaita.h>

#include "sd-upload.h"

G_BEGIN_DECLS

#define SD_TYPE_UPLOAD_ROW (sd_upload_row_get_type ())

G_DECLARE_FINAL_TYPE (SdUploadRow, sd_upload_row, SD, UPLOAD_ROW, AdwActionRow)

/*
 * One file of an SdDropArea: its name, size, a progress bar while it
 * uploads, a mark when done, "Retry" when it failed, and a remove button.
 * It follows the upload's state. The buttons emit "remove" and "retry";
 * the area that owns the upload decides what that means.
 *
 * @size: the file's size as seen when it was added, shown until the upload
 * knows its own (once started), or -1.
 */
GtkWidget *sd_upload_row_new        (SdUpload    *upload,
                                     gint64       size);
SdUpload  *sd_upload_row_get_upload (SdUploadRow *self);

G_END_DECLS
