#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-invitation.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdInvitation
{
  GObject    parent_instance;

  gint64     id;
  gint64     ticket_id;
  GDateTime *created_at;
  GDateTime *expires_at;
};

G_DEFINE_FINAL_TYPE (SdInvitation, sd_invitation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TICKET_ID,
  PROP_CREATED_AT,
  PROP_EXPIRES_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_invitation_finalize (GObject *object)
{
  SdInvitation *self = (SdInvitation *)object;

  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->expires_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_invitation_parent_class)->finalize (object);
}

static void
sd_invitation_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdInvitation *self = SD_INVITATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TICKET_ID:
      g_value_set_int64 (value, self->ticket_id);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_EXPIRES_AT:
      g_value_set_boxed (value, self->expires_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_invitation_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdInvitation *self = SD_INVITATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;

    case PROP_TICKET_ID:
      self->ticket_id = g_value_get_int64 (value);
      break;

    case PROP_CREATED_AT:
      g_clear_pointer (&self->created_at, g_date_time_unref);
      self->created_at = g_value_dup_boxed (value);
      break;

    case PROP_EXPIRES_AT:
      g_clear_pointer (&self->expires_at, g_date_time_unref);
      self->expires_at = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_invitation_class_init (SdInvitationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_invitation_finalize;
  object_class->get_property = sd_invitation_get_property;
  object_class->set_property = sd_invitation_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_TICKET_ID] =
    g_param_spec_int64 ("ticket-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* Support's access ends then, unless the invitation is revoked before. */
  properties[PROP_EXPIRES_AT] =
    g_param_spec_boxed ("expires-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_invitation_init (SdInvitation *self)
{
}

/* Both ids are required; the times may be null, as every absent time in the API. */
SdInvitation *
sd_invitation_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  JsonObject *object;
  gint64 id = 0;
  gint64 ticket_id = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "An invitation must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_int (object, "id", TRUE, &id, error) ||
      !sd_json_get_int (object, "ticket_id", TRUE, &ticket_id, error) ||
      !sd_json_get_time (object, "created_at", FALSE, &created_at, error) ||
      !sd_json_get_time (object, "expires_at", FALSE, &expires_at, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “id” must be a positive integer");
      return NULL;
    }

  if (ticket_id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “ticket_id” must be a positive integer");
      return NULL;
    }

  return g_object_new (SD_TYPE_INVITATION,
                       "id", id,
                       "ticket-id", ticket_id,
                       "created-at", created_at,
                       "expires-at", expires_at,
                       NULL);
}

JsonNode *
sd_invitation_to_json (SdInvitation *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_INVITATION (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "ticket_id");
  json_builder_add_int_value (builder, self->ticket_id);
  sd_json_builder_add_time (builder, "created_at", self->created_at);
  sd_json_builder_add_time (builder, "expires_at", self->expires_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
sd_invitation_get_id (SdInvitation *self)
{
  g_return_val_if_fail (SD_IS_INVITATION (self), 0);

  return self->id;
}

gint64
sd_invitation_get_ticket_id (SdInvitation *self)
{
  g_return_val_if_fail (SD_IS_INVITATION (self), 0);

  return self->ticket_id;
}

GDateTime *
sd_invitation_get_created_at (SdInvitation *self)
{
  g_return_val_if_fail (SD_IS_INVITATION (self), NULL);

  return self->created_at;
}

GDateTime *
sd_invitation_get_expires_at (SdInvitation *self)
{
  g_return_val_if_fail (SD_IS_INVITATION (self), NULL);

  return self->expires_at;
}
