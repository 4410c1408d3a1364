#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_ATTACHMENT (sd_attachment_get_type ())

G_DECLARE_FINAL_TYPE (SdAttachment, sd_attachment, SD, ATTACHMENT, GObject)

/*
 * {"id", "filename", "content_type", "size", "sha256", "url"}.
 * The url is derived from the id: "/api/v1/attachments/{id}".
 */
SdAttachment *sd_attachment_new              (gint64         id,
                                              const char    *filename,
                                              const char    *content_type,
                                              gint64         size,
                                              const char    *sha256);
SdAttachment *sd_attachment_new_from_json    (JsonNode      *node,
                                              GError       **error);
JsonNode     *sd_attachment_to_json          (SdAttachment  *self);

gint64        sd_attachment_get_id           (SdAttachment  *self);
const char   *sd_attachment_get_filename     (SdAttachment  *self);
const char   *sd_attachment_get_content_type (SdAttachment  *self);
gint64        sd_attachment_get_size         (SdAttachment  *self);
const char   *sd_attachment_get_sha256       (SdAttachment  *self);
const char   *sd_attachment_get_url          (SdAttachment  *self);

G_END_DECLS
