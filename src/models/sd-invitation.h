#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SD_TYPE_INVITATION (sd_invitation_get_type ())

G_DECLARE_FINAL_TYPE (SdInvitation, sd_invitation, SD, INVITATION, GObject)

/* {"id", "ticket_id", "created_at", "expires_at"}: support's access to a dashboard. */
SdInvitation *sd_invitation_new_from_json    (JsonNode      *node,
                                              GError       **error);
JsonNode     *sd_invitation_to_json          (SdInvitation  *self);

gint64        sd_invitation_get_id           (SdInvitation  *self);
gint64        sd_invitation_get_ticket_id    (SdInvitation  *self);
GDateTime    *sd_invitation_get_created_at   (SdInvitation  *self);
GDateTime    *sd_invitation_get_expires_at   (SdInvitation  *self);

G_END_DECLS
