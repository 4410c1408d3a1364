#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  SD_ROLE_CUSTOMER,
  SD_ROLE_AGENT,
} SdRole;

const char *sd_role_to_string   (SdRole      role);
gboolean    sd_role_from_string (const char *text,
                                 SdRole     *out_role);

#define SD_TYPE_USER (sd_user_get_type ())

G_DECLARE_FINAL_TYPE (SdUser, sd_user, SD, USER, GObject)

/*
 * A user, as the API shows one: in full ("id", "email", "name", "role",
 * "organization": {"id", "name"}) or as a reference inside another resource
 * ({"id", "name"} and, for message authors, "role"). A reference leaves
 * email and organization unset.
 */
SdUser     *sd_user_new                   (gint64       id,
                                           const char  *name);
SdUser     *sd_user_new_from_json         (JsonNode    *node,
                                           GError     **error);
JsonNode   *sd_user_to_json               (SdUser      *self);
JsonNode   *sd_user_to_reference_json     (SdUser      *self,
                                           gboolean     with_role);

gint64      sd_user_get_id                (SdUser      *self);
const char *sd_user_get_name              (SdUser      *self);
void        sd_user_set_name              (SdUser      *self,
                                           const char  *name);
const char *sd_user_get_email             (SdUser      *self);
void        sd_user_set_email             (SdUser      *self,
                                           const char  *email);
SdRole      sd_user_get_role              (SdUser      *self);
void        sd_user_set_role              (SdUser      *self,
                                           SdRole       role);
gint64      sd_user_get_organization_id   (SdUser      *self);
const char *sd_user_get_organization_name (SdUser      *self);
void        sd_user_set_organization      (SdUser      *self,
                                           gint64       id,
                                           const char  *name);

G_END_DECLS
