#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-attachment.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdAttachment
{
  GObject  parent_instance;

  gint64   id;
  char    *filename;
  char    *content_type;
  gint64   size;
  char    *sha256;
  char    *url;
};

G_DEFINE_FINAL_TYPE (SdAttachment, sd_attachment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FILENAME,
  PROP_CONTENT_TYPE,
  PROP_SIZE,
  PROP_SHA256,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_attachment_constructed (GObject *object)
{
  SdAttachment *self = (SdAttachment *)object;

  G_OBJECT_CLASS (sd_attachment_parent_class)->constructed (object);

  /* Derived rather than read from the API, so it can never point at another attachment. */
  self->url = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT, self->id);
}

static void
sd_attachment_finalize (GObject *object)
{
  SdAttachment *self = (SdAttachment *)object;

  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (sd_attachment_parent_class)->finalize (object);
}

static void
sd_attachment_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdAttachment *self = SD_ATTACHMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
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

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_attachment_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdAttachment *self = SD_ATTACHMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_attachment_class_init (SdAttachmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sd_attachment_constructed;
  object_class->finalize = sd_attachment_finalize;
  object_class->get_property = sd_attachment_get_property;
  object_class->set_property = sd_attachment_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE |
                         G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

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

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_attachment_init (SdAttachment *self)
{
}

SdAttachment *
sd_attachment_new (gint64      id,
                   const char *filename,
                   const char *content_type,
                   gint64      size,
                   const char *sha256)
{
  g_return_val_if_fail (id >= 0, NULL);
  g_return_val_if_fail (size >= 0, NULL);

  return g_object_new (SD_TYPE_ATTACHMENT,
                       "id", id,
                       "filename", filename,
                       "content-type", content_type,
                       "size", size,
                       "sha256", sha256,
                       NULL);
}

/* "url" is not read: it follows from the id. */
SdAttachment *
sd_attachment_new_from_json (JsonNode  *node,
                             GError   **error)
{
  JsonObject *object;
  const char *filename = NULL;
  const char *content_type = NULL;
  const char *sha256 = NULL;
  gint64 id = 0;
  gint64 size = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "An attachment must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_int (object, "id", TRUE, &id, error) ||
      !sd_json_get_string (object, "filename", TRUE, &filename, error) ||
      !sd_json_get_string (object, "content_type", TRUE, &content_type, error) ||
      !sd_json_get_int (object, "size", TRUE, &size, error) ||
      !sd_json_get_string (object, "sha256", TRUE, &sha256, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “id” must be a positive integer");
      return NULL;
    }

  if (size < 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “size” must not be negative");
      return NULL;
    }

  return sd_attachment_new (id, filename, content_type, size, sha256);
}

JsonNode *
sd_attachment_to_json (SdAttachment *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_ATTACHMENT (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  sd_json_builder_add_string (builder, "filename", self->filename);
  sd_json_builder_add_string (builder, "content_type", self->content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->size);
  sd_json_builder_add_string (builder, "sha256", self->sha256);
  sd_json_builder_add_string (builder, "url", self->url);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
sd_attachment_get_id (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), 0);

  return self->id;
}

const char *
sd_attachment_get_filename (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), NULL);

  return self->filename;
}

const char *
sd_attachment_get_content_type (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), NULL);

  return self->content_type;
}

gint64
sd_attachment_get_size (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), 0);

  return self->size;
}

const char *
sd_attachment_get_sha256 (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), NULL);

  return self->sha256;
}

const char *
sd_attachment_get_url (SdAttachment *self)
{
  g_return_val_if_fail (SD_IS_ATTACHMENT (self), NULL);

  return self->url;
}
