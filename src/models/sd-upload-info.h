#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_UPLOAD_INFO (sd_upload_info_get_type ())

G_DECLARE_FINAL_TYPE (SdUploadInfo, sd_upload_info, SD, UPLOAD_INFO, GObject)

/*
 * A stored upload, waiting to be attached: {"token", "filename",
 * "content_type", "size", "sha256", "expires_at"}.
 */
SdUploadInfo *sd_upload_info_new_from_json     (JsonNode      *node,
                                                GError       **error);
JsonNode     *sd_upload_info_to_json           (SdUploadInfo  *self);

const char   *sd_upload_info_get_token         (SdUploadInfo  *self);
const char   *sd_upload_info_get_filename      (SdUploadInfo  *self);
const char   *sd_upload_info_get_content_type  (SdUploadInfo  *self);
gint64        sd_upload_info_get_size          (SdUploadInfo  *self);
const char   *sd_upload_info_get_sha256        (SdUploadInfo  *self);
GDateTime    *sd_upload_info_get_expires_at    (SdUploadInfo  *self);

G_END_DECLS
