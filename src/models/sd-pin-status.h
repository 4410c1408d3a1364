#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "sd-user.h"

G_BEGIN_DECLS

#define SD_TYPE_PIN_STATUS (sd_pin_status_get_type ())

G_DECLARE_FINAL_TYPE (SdPinStatus, sd_pin_status, SD, PIN_STATUS, GObject)

/*
 * The support PIN's state, from GET /support-pin ({"active", "created_at",
 * "expires_at", "used_at", "used_by"}) or from POST /support-pin ({"pin",
 * "created_at", "expires_at"}: then active, and the plain PIN is known).
 */
SdPinStatus *sd_pin_status_new_from_json   (JsonNode     *node,
                                            GError      **error);
JsonNode    *sd_pin_status_to_json         (SdPinStatus  *self);

gboolean     sd_pin_status_get_active      (SdPinStatus  *self);
/* The plain PIN: only from a renewal, else NULL. */
const char  *sd_pin_status_get_pin         (SdPinStatus  *self);
GDateTime   *sd_pin_status_get_created_at  (SdPinStatus  *self);
GDateTime   *sd_pin_status_get_expires_at  (SdPinStatus  *self);
GDateTime   *sd_pin_status_get_used_at     (SdPinStatus  *self);
SdUser      *sd_pin_status_get_used_by     (SdPinStatus  *self);

G_END_DECLS
