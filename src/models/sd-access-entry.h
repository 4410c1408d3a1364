#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "sd-user.h"

G_BEGIN_DECLS

#define SD_TYPE_ACCESS_ENTRY (sd_access_entry_get_type ())

G_DECLARE_FINAL_TYPE (SdAccessEntry, sd_access_entry, SD, ACCESS_ENTRY, GObject)

/*
 * One line of the access log: {"at", "agent": {"id", "name"},
 * "via": "pin"|"invitation", "ticket_id"|null}.
 */
SdAccessEntry *sd_access_entry_new_from_json  (JsonNode       *node,
                                               GError        **error);
JsonNode      *sd_access_entry_to_json        (SdAccessEntry  *self);

GDateTime     *sd_access_entry_get_at         (SdAccessEntry  *self);
SdUser        *sd_access_entry_get_agent      (SdAccessEntry  *self);
/* "pin" or "invitation". */
const char    *sd_access_entry_get_via        (SdAccessEntry  *self);
/* 0 when the access was not through a ticket. */
gint64         sd_access_entry_get_ticket_id  (SdAccessEntry  *self);

G_END_DECLS
