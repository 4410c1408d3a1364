#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_CATEGORY (sd_category_get_type ())

G_DECLARE_FINAL_TYPE (SdCategory, sd_category, SD, CATEGORY, GObject)

/* {"id": "billing", "name": "Billing"} */
SdCategory *sd_category_new           (const char  *id,
                                       const char  *name);
SdCategory *sd_category_new_from_json (JsonNode    *node,
                                       GError     **error);
JsonNode   *sd_category_to_json       (SdCategory  *self);

const char *sd_category_get_id        (SdCategory  *self);
const char *sd_category_get_name      (SdCategory  *self);

G_END_DECLS
