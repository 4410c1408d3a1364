#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-pin-status.h"

#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

struct _SdPinStatus
{
  GObject    parent_instance;

  gboolean   active;
  char      *pin;
  GDateTime *created_at;
  GDateTime *expires_at;
  GDateTime *used_at;
  SdUser    *used_by;
};

G_DEFINE_FINAL_TYPE (SdPinStatus, sd_pin_status, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_PIN,
  PROP_CREATED_AT,
  PROP_EXPIRES_AT,
  PROP_USED_AT,
  PROP_USED_BY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_pin_status_dispose (GObject *object)
{
  SdPinStatus *self = (SdPinStatus *)object;

  g_clear_object (&self->used_by);

  G_OBJECT_CLASS (sd_pin_status_parent_class)->dispose (object);
}

static void
sd_pin_status_finalize (GObject *object)
{
  SdPinStatus *self = (SdPinStatus *)object;

  /* The plain PIN is a secret for as long as it is valid: no copy lingers in freed memory. */
  if (self->pin != NULL)
    memset (self->pin, 0, strlen (self->pin));
  g_clear_pointer (&self->pin, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
  g_clear_pointer (&self->used_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_pin_status_parent_class)->finalize (object);
}

static void
sd_pin_status_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdPinStatus *self = SD_PIN_STATUS (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;

    case PROP_PIN:
      g_value_set_string (value, self->pin);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_EXPIRES_AT:
      g_value_set_boxed (value, self->expires_at);
      break;

    case PROP_USED_AT:
      g_value_set_boxed (value, self->used_at);
      break;

    case PROP_USED_BY:
      g_value_set_object (value, self->used_by);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_pin_status_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdPinStatus *self = SD_PIN_STATUS (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      self->active = g_value_get_boolean (value);
      break;

    case PROP_PIN:
      g_free (self->pin);
      self->pin = g_value_dup_string (value);
      break;

    case PROP_CREATED_AT:
      g_clear_pointer (&self->created_at, g_date_time_unref);
      self->created_at = g_value_dup_boxed (value);
      break;

    case PROP_EXPIRES_AT:
      g_clear_pointer (&self->expires_at, g_date_time_unref);
      self->expires_at = g_value_dup_boxed (value);
      break;

    case PROP_USED_AT:
      g_clear_pointer (&self->used_at, g_date_time_unref);
      self->used_at = g_value_dup_boxed (value);
      break;

    case PROP_USED_BY:
      g_set_object (&self->used_by, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_pin_status_class_init (SdPinStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_pin_status_dispose;
  object_class->finalize = sd_pin_status_finalize;
  object_class->get_property = sd_pin_status_get_property;
  object_class->set_property = sd_pin_status_set_property;

  /* A PIN exists that support can still use: neither used, cleared nor expired. */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_PIN] =
    g_param_spec_string ("pin", NULL, NULL,
                         NULL,
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

  properties[PROP_EXPIRES_AT] =
    g_param_spec_boxed ("expires-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_USED_AT] =
    g_param_spec_boxed ("used-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* The agent who used the PIN: a reference, id and name only. */
  properties[PROP_USED_BY] =
    g_param_spec_object ("used-by", NULL, NULL,
                         SD_TYPE_USER,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_pin_status_init (SdPinStatus *self)
{
}

/* Digits only: the app groups them for display and support types them back. */
static gboolean
pin_is_valid (const char *pin)
{
  if (pin == NULL || pin[0] == '\0')
    return FALSE;

  for (const char *p = pin; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

static gboolean
read_times (JsonObject  *object,
            GDateTime  **created_at,
            GDateTime  **expires_at,
            GDateTime  **used_at,
            GError     **error)
{
  return sd_json_get_time (object, "created_at", FALSE, created_at, error) &&
         sd_json_get_time (object, "expires_at", FALSE, expires_at, error) &&
         sd_json_get_time (object, "used_at", FALSE, used_at, error);
}

/*
 * Two shapes: the status, where "active" is required, and a renewal's
 * answer, which has the plain "pin" and no "active" because a PIN just made
 * is active by definition.
 */
SdPinStatus *
sd_pin_status_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  g_autoptr(GDateTime) used_at = NULL;
  g_autoptr(SdUser) used_by = NULL;
  JsonObject *object;
  JsonObject *used_by_object = NULL;
  const char *pin = NULL;
  gboolean active = FALSE;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "A support PIN status must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_string (object, "pin", FALSE, &pin, error))
    return NULL;

  if (pin != NULL && !pin_is_valid (pin))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “pin” must be made of digits");
      return NULL;
    }

  active = pin != NULL;
  if (!sd_json_get_boolean (object, "active", pin == NULL, &active, error) ||
      !read_times (object, &created_at, &expires_at, &used_at, error) ||
      !sd_json_get_object (object, "used_by", FALSE, &used_by_object, error))
    return NULL;

  if (used_by_object != NULL)
    {
      used_by = sd_user_new_from_json (json_object_get_member (object, "used_by"), error);
      if (used_by == NULL)
        {
          g_prefix_error (error, "Invalid “used_by”: ");
          return NULL;
        }
    }

  return g_object_new (SD_TYPE_PIN_STATUS,
                       "active", active,
                       "pin", pin,
                       "created-at", created_at,
                       "expires-at", expires_at,
                       "used-at", used_at,
                       "used-by", used_by,
                       NULL);
}

/* "pin" is written only when known, so that a status never shows an empty one. */
JsonNode *
sd_pin_status_to_json (SdPinStatus *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, self->active);
  if (self->pin != NULL)
    sd_json_builder_add_string (builder, "pin", self->pin);
  sd_json_builder_add_time (builder, "created_at", self->created_at);
  sd_json_builder_add_time (builder, "expires_at", self->expires_at);
  sd_json_builder_add_time (builder, "used_at", self->used_at);
  json_builder_set_member_name (builder, "used_by");
  if (self->used_by != NULL)
    json_builder_add_value (builder, sd_user_to_reference_json (self->used_by, FALSE));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
sd_pin_status_get_active (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), FALSE);

  return self->active;
}

const char *
sd_pin_status_get_pin (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  return self->pin;
}

GDateTime *
sd_pin_status_get_created_at (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  return self->created_at;
}

GDateTime *
sd_pin_status_get_expires_at (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  return self->expires_at;
}

GDateTime *
sd_pin_status_get_used_at (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  return self->used_at;
}

SdUser *
sd_pin_status_get_used_by (SdPinStatus *self)
{
  g_return_val_if_fail (SD_IS_PIN_STATUS (self), NULL);

  return self->used_by;
}
