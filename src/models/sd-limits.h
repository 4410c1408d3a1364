#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_LIMITS (sd_limits_get_type ())

G_DECLARE_FINAL_TYPE (SdLimits, sd_limits, SD, LIMITS, GObject)

/*
 * What the server accepts, from GET /limits: {"max_upload_size" (bytes of
 * one upload), "max_uploads" (files per ticket or message),
 * "max_subject_length" and "max_body_length" (characters)}. Every value is
 * at least 1.
 */
SdLimits *sd_limits_new                    (gint64     max_upload_size,
                                            guint      max_uploads,
                                            guint      max_subject_length,
                                            guint      max_body_length);
SdLimits *sd_limits_new_from_json          (JsonNode  *node,
                                            GError   **error);
JsonNode *sd_limits_to_json                (SdLimits  *self);

gint64    sd_limits_get_max_upload_size    (SdLimits  *self);
guint     sd_limits_get_max_uploads        (SdLimits  *self);
guint     sd_limits_get_max_subject_length (SdLimits  *self);
guint     sd_limits_get_max_body_length    (SdLimits  *self);

G_END_DECLS
