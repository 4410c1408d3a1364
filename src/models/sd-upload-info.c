#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-upload-info.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdUploadInfo
{
  GObject    parent_instance;

  char      *token;
  char      *filename;
  char      *content_type;
  gint64     size;
  char      *sha256;
  GDateTime *expires_at;
};

G_DEFINE_FINAL_TYPE (SdUploadInfo, sd_upload_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TOKEN,
  PROP_FILENAME,
  PROP_CONTENT_TYPE,
  PROP_SIZE,
  PROP_SHA256,
  PROP_EXPIRES_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_upload_info_finalize (GObject *object)
{
  SdUploadInfo *self = (SdUploadInfo *)object;

  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->expires_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_upload_info_parent_class)->finalize (object);
}

static void
sd_upload_info_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdUploadInfo *self = SD_UPLOAD_INFO (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;

    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;

    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;

    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;

    case PROP_EXPIRES_AT:
      g_value_set_boxed (value, self->expires_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_info_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SdUploadInfo *self = SD_UPLOAD_INFO (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_free (self->token);
      self->token = g_value_dup_string (value);
      break;

    case PROP_FILENAME:
      g_free (self->filename);
      self->filename = g_value_dup_string (value);
      break;

    case PROP_CONTENT_TYPE:
      g_free (self->content_type);
      self->content_type = g_value_dup_string (value);
      break;

    case PROP_SIZE:
      self->size = g_value_get_int64 (value);
      break;

    case PROP_SHA256:
      g_free (self->sha256);
      self->sha256 = g_value_dup_string (value);
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
sd_upload_info_class_init (SdUploadInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_upload_info_finalize;
  object_class->get_property = sd_upload_info_get_property;
  object_class->set_property = sd_upload_info_set_property;

  /* What POST /tickets and POST /tickets/{id}/messages take in "uploads". */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* As the server stored it: a base name, cleaned of control characters. */
  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /* An upload not attached by then is deleted, and its token stops working. */
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
sd_upload_info_init (SdUploadInfo *self)
{
}

SdUploadInfo *
sd_upload_info_new_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(GDateTime) expires_at = NULL;
  JsonObject *object;
  const char *token = NULL;
  const char *filename = NULL;
  const char *content_type = NULL;
  const char *sha256 = NULL;
  gint64 size = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "An upload must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_string (object, "token", TRUE, &token, error) ||
      !sd_json_get_string (object, "filename", TRUE, &filename, error) ||
      !sd_json_get_string (object, "content_type", TRUE, &content_type, error) ||
      !sd_json_get_int (object, "size", TRUE, &size, error) ||
      !sd_json_get_string (object, "sha256", TRUE, &sha256, error) ||
      !sd_json_get_time (object, "expires_at", FALSE, &expires_at, error))
    return NULL;

  /* An empty token would be sent back as an upload that names nothing. */
  if (token[0] == '\0')
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “token” must not be empty");
      return NULL;
    }

  if (size < 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “size” must not be negative");
      return NULL;
    }

  return g_object_new (SD_TYPE_UPLOAD_INFO,
                       "token", token,
                       "filename", filename,
                       "content-type", content_type,
                       "size", size,
                       "sha256", sha256,
                       "expires-at", expires_at,
                       NULL);
}

JsonNode *
sd_upload_info_to_json (SdUploadInfo *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "token", self->token);
  sd_json_builder_add_string (builder, "filename", self->filename);
  sd_json_builder_add_string (builder, "content_type", self->content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->size);
  sd_json_builder_add_string (builder, "sha256", self->sha256);
  sd_json_builder_add_time (builder, "expires_at", self->expires_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const char *
sd_upload_info_get_token (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  return self->token;
}

const char *
sd_upload_info_get_filename (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  return self->filename;
}

const char *
sd_upload_info_get_content_type (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  return self->content_type;
}

gint64
sd_upload_info_get_size (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), 0);

  return self->size;
}

const char *
sd_upload_info_get_sha256 (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  return self->sha256;
}

GDateTime *
sd_upload_info_get_expires_at (SdUploadInfo *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_INFO (self), NULL);

  return self->expires_at;
}
