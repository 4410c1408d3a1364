#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-user.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-model-enums.h"

struct _SdUser
{
  GObject  parent_instance;

  gint64   id;
  char    *name;
  char    *email;
  SdRole   role;
  gint64   organization_id;
  char    *organization_name;
};

G_DEFINE_FINAL_TYPE (SdUser, sd_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_EMAIL,
  PROP_ROLE,
  PROP_ORGANIZATION_ID,
  PROP_ORGANIZATION_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
sd_role_to_string (SdRole role)
{
  switch (role)
    {
    case SD_ROLE_CUSTOMER:
      return "customer";

    case SD_ROLE_AGENT:
      return "agent";

    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
sd_role_from_string (const char *text,
                     SdRole     *out_role)
{
  SdRole role;

  if (g_strcmp0 (text, "customer") == 0)
    role = SD_ROLE_CUSTOMER;
  else if (g_strcmp0 (text, "agent") == 0)
    role = SD_ROLE_AGENT;
  else
    return FALSE;

  if (out_role != NULL)
    *out_role = role;

  return TRUE;
}

static void
sd_user_finalize (GObject *object)
{
  SdUser *self = (SdUser *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->organization_name, g_free);

  G_OBJECT_CLASS (sd_user_parent_class)->finalize (object);
}

static void
sd_user_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SdUser *self = SD_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;

    case PROP_ORGANIZATION_ID:
      g_value_set_int64 (value, self->organization_id);
      break;

    case PROP_ORGANIZATION_NAME:
      g_value_set_string (value, self->organization_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_user_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SdUser *self = SD_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    case PROP_NAME:
      sd_user_set_name (self, g_value_get_string (value));
      break;

    case PROP_EMAIL:
      sd_user_set_email (self, g_value_get_string (value));
      break;

    case PROP_ROLE:
      sd_user_set_role (self, g_value_get_enum (value));
      break;

    case PROP_ORGANIZATION_ID:
      sd_user_set_organization (self, g_value_get_int64 (value), self->organization_name);
      break;

    case PROP_ORGANIZATION_NAME:
      sd_user_set_organization (self, self->organization_id, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_user_class_init (SdUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_user_finalize;
  object_class->get_property = sd_user_get_property;
  object_class->set_property = sd_user_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* Unset (NULL) when the user is only referenced by another resource. */
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL,
                       SD_TYPE_ROLE,
                       SD_ROLE_CUSTOMER,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /* 0 when the user is only referenced by another resource. */
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_int64 ("organization-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_ORGANIZATION_NAME] =
    g_param_spec_string ("organization-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_user_init (SdUser *self)
{
  self->role = SD_ROLE_CUSTOMER;
}

SdUser *
sd_user_new (gint64      id,
             const char *name)
{
  g_return_val_if_fail (id >= 0, NULL);

  return g_object_new (SD_TYPE_USER,
                       "id", id,
                       "name", name,
                       NULL);
}

static gboolean
read_organization (SdUser      *self,
                   JsonObject  *object,
                   GError     **error)
{
  JsonObject *organization = NULL;
  const char *name = NULL;
  gint64 id = 0;

  if (!sd_json_get_object (object, "organization", FALSE, &organization, error))
    return FALSE;
  if (organization == NULL)
    return TRUE;

  if (!sd_json_get_int (organization, "id", TRUE, &id, error) ||
      !sd_json_get_string (organization, "name", TRUE, &name, error))
    {
      g_prefix_error (error, "Invalid “organization”: ");
      return FALSE;
    }

  if (id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "Invalid “organization”: "
                           "The member “id” must be a positive integer");
      return FALSE;
    }

  sd_user_set_organization (self, id, name);

  return TRUE;
}

/*
 * Accepts the full form and references alike: only "id" and "name" are
 * required. A reference without "role" (a ticket's requester) reads as a
 * customer.
 */
SdUser *
sd_user_new_from_json (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(SdUser) user = NULL;
  JsonObject *object;
  const char *name = NULL;
  const char *email = NULL;
  const char *role_text = NULL;
  SdRole role = SD_ROLE_CUSTOMER;
  gint64 id = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "A user must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_int (object, "id", TRUE, &id, error) ||
      !sd_json_get_string (object, "name", TRUE, &name, error) ||
      !sd_json_get_string (object, "email", FALSE, &email, error) ||
      !sd_json_get_string (object, "role", FALSE, &role_text, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “id” must be a positive integer");
      return NULL;
    }

  if (role_text != NULL && !sd_role_from_string (role_text, &role))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “role” must be “customer” or “agent”");
      return NULL;
    }

  user = sd_user_new (id, name);
  sd_user_set_email (user, email);
  sd_user_set_role (user, role);

  if (!read_organization (user, object, error))
    return NULL;

  return g_steal_pointer (&user);
}

JsonNode *
sd_user_to_json (SdUser *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_USER (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  sd_json_builder_add_string (builder, "email", self->email);
  sd_json_builder_add_string (builder, "name", self->name);
  sd_json_builder_add_string (builder, "role", sd_role_to_string (self->role));
  json_builder_set_member_name (builder, "organization");
  if (self->organization_id > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, self->organization_id);
      sd_json_builder_add_string (builder, "name", self->organization_name);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
sd_user_to_reference_json (SdUser   *self,
                           gboolean  with_role)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_USER (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  sd_json_builder_add_string (builder, "name", self->name);
  if (with_role)
    sd_json_builder_add_string (builder, "role", sd_role_to_string (self->role));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
sd_user_get_id (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), 0);

  return self->id;
}

const char *
sd_user_get_name (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), NULL);

  return self->name;
}

void
sd_user_set_name (SdUser     *self,
                  const char *name)
{
  g_return_if_fail (SD_IS_USER (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
sd_user_get_email (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), NULL);

  return self->email;
}

void
sd_user_set_email (SdUser     *self,
                   const char *email)
{
  g_return_if_fail (SD_IS_USER (self));

  if (g_strcmp0 (self->email, email) == 0)
    return;

  g_free (self->email);
  self->email = g_strdup (email);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

SdRole
sd_user_get_role (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), SD_ROLE_CUSTOMER);

  return self->role;
}

void
sd_user_set_role (SdUser *self,
                  SdRole  role)
{
  g_return_if_fail (SD_IS_USER (self));
  g_return_if_fail (role == SD_ROLE_CUSTOMER || role == SD_ROLE_AGENT);

  if (self->role == role)
    return;

  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

gint64
sd_user_get_organization_id (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), 0);

  return self->organization_id;
}

const char *
sd_user_get_organization_name (SdUser *self)
{
  g_return_val_if_fail (SD_IS_USER (self), NULL);

  return self->organization_name;
}

void
sd_user_set_organization (SdUser     *self,
                          gint64      id,
                          const char *name)
{
  g_return_if_fail (SD_IS_USER (self));
  g_return_if_fail (id >= 0);

  /* Both halves change together, so listeners never see a mixed pair. */
  g_object_freeze_notify (G_OBJECT (self));

  if (self->organization_id != id)
    {
      self->organization_id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_ID]);
    }

  if (g_strcmp0 (self->organization_name, name) != 0)
    {
      /* Copied first, as @name may point into the string it replaces. */
      char *copy = g_strdup (name);

      g_free (self->organization_name);
      self->organization_name = copy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_NAME]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}
