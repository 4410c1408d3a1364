#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-limits.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdLimits
{
  GObject parent_instance;

  gint64  max_upload_size;
  guint   max_uploads;
  guint   max_subject_length;
  guint   max_body_length;
};

G_DEFINE_FINAL_TYPE (SdLimits, sd_limits, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_UPLOAD_SIZE,
  PROP_MAX_UPLOADS,
  PROP_MAX_SUBJECT_LENGTH,
  PROP_MAX_BODY_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_limits_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdLimits *self = SD_LIMITS (object);

  switch (prop_id)
    {
    case PROP_MAX_UPLOAD_SIZE:
      g_value_set_int64 (value, self->max_upload_size);
      break;

    case PROP_MAX_UPLOADS:
      g_value_set_uint (value, self->max_uploads);
      break;

    case PROP_MAX_SUBJECT_LENGTH:
      g_value_set_uint (value, self->max_subject_length);
      break;

    case PROP_MAX_BODY_LENGTH:
      g_value_set_uint (value, self->max_body_length);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_limits_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdLimits *self = SD_LIMITS (object);

  switch (prop_id)
    {
    case PROP_MAX_UPLOAD_SIZE:
      self->max_upload_size = g_value_get_int64 (value);
      break;

    case PROP_MAX_UPLOADS:
      self->max_uploads = g_value_get_uint (value);
      break;

    case PROP_MAX_SUBJECT_LENGTH:
      self->max_subject_length = g_value_get_uint (value);
      break;

    case PROP_MAX_BODY_LENGTH:
      self->max_body_length = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_limits_class_init (SdLimitsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sd_limits_get_property;
  object_class->set_property = sd_limits_set_property;

  /* In bytes: a larger file is refused with 413. */
  properties[PROP_MAX_UPLOAD_SIZE] =
    g_param_spec_int64 ("max-upload-size", NULL, NULL,
                        1, G_MAXINT64, 1,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* Files attached to one ticket or message at once. */
  properties[PROP_MAX_UPLOADS] =
    g_param_spec_uint ("max-uploads", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /* In Unicode characters, after trimming, as the server counts them. */
  properties[PROP_MAX_SUBJECT_LENGTH] =
    g_param_spec_uint ("max-subject-length", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /* Of a description or a message, in Unicode characters after trimming. */
  properties[PROP_MAX_BODY_LENGTH] =
    g_param_spec_uint ("max-body-length", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_limits_init (SdLimits *self)
{
}

SdLimits *
sd_limits_new (gint64 max_upload_size,
               guint  max_uploads,
               guint  max_subject_length,
               guint  max_body_length)
{
  g_return_val_if_fail (max_upload_size > 0, NULL);
  g_return_val_if_fail (max_uploads > 0, NULL);
  g_return_val_if_fail (max_subject_length > 0, NULL);
  g_return_val_if_fail (max_body_length > 0, NULL);

  return g_object_new (SD_TYPE_LIMITS,
                       "max-upload-size", max_upload_size,
                       "max-uploads", max_uploads,
                       "max-subject-length", max_subject_length,
                       "max-body-length", max_body_length,
                       NULL);
}

/*
 * A limit of 0 would forbid everything, and the client reads 0 as "not
 * known": a server that sends one is broken, and is not believed.
 */
static gboolean
get_limit (JsonObject  *object,
           const char  *member,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  if (!sd_json_get_int (object, member, TRUE, out, error))
    return FALSE;

  if (*out < 1 || *out > max)
    {
      g_set_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                   "The member “%s” must be a whole number from 1 to %" G_GINT64_FORMAT,
                   member, max);
      return FALSE;
    }

  return TRUE;
}

SdLimits *
sd_limits_new_from_json (JsonNode  *node,
                         GError   **error)
{
  JsonObject *object;
  gint64 max_upload_size = 0;
  gint64 max_uploads = 0;
  gint64 max_subject_length = 0;
  gint64 max_body_length = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The limits must be a JSON object");
      return NULL;
    }

  if (!get_limit (object, "max_upload_size", G_MAXINT64, &max_upload_size, error) ||
      !get_limit (object, "max_uploads", G_MAXUINT, &max_uploads, error) ||
      !get_limit (object, "max_subject_length", G_MAXUINT, &max_subject_length, error) ||
      !get_limit (object, "max_body_length", G_MAXUINT, &max_body_length, error))
    return NULL;

  return sd_limits_new (max_upload_size, (guint)max_uploads, (guint)max_subject_length,
                        (guint)max_body_length);
}

JsonNode *
sd_limits_to_json (SdLimits *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_LIMITS (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_upload_size");
  json_builder_add_int_value (builder, self->max_upload_size);
  json_builder_set_member_name (builder, "max_uploads");
  json_builder_add_int_value (builder, self->max_uploads);
  json_builder_set_member_name (builder, "max_subject_length");
  json_builder_add_int_value (builder, self->max_subject_length);
  json_builder_set_member_name (builder, "max_body_length");
  json_builder_add_int_value (builder, self->max_body_length);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
sd_limits_get_max_upload_size (SdLimits *self)
{
  g_return_val_if_fail (SD_IS_LIMITS (self), 0);

  return self->max_upload_size;
}

guint
sd_limits_get_max_uploads (SdLimits *self)
{
  g_return_val_if_fail (SD_IS_LIMITS (self), 0);

  return self->max_uploads;
}

guint
sd_limits_get_max_subject_length (SdLimits *self)
{
  g_return_val_if_fail (SD_IS_LIMITS (self), 0);

  return self->max_subject_length;
}

guint
sd_limits_get_max_body_length (SdLimits *self)
{
  g_return_val_if_fail (SD_IS_LIMITS (self), 0);

  return self->max_body_length;
}
