#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-category.h"

#include "sd-error.h"
#include "sd-json.h"

struct _SdCategory
{
  GObject  parent_instance;

  char    *id;
  char    *name;
};

G_DEFINE_FINAL_TYPE (SdCategory, sd_category, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_category_finalize (GObject *object)
{
  SdCategory *self = (SdCategory *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (sd_category_parent_class)->finalize (object);
}

static void
sd_category_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SdCategory *self = SD_CATEGORY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_category_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SdCategory *self = SD_CATEGORY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_category_class_init (SdCategoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_category_finalize;
  object_class->get_property = sd_category_get_property;
  object_class->set_property = sd_category_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_category_init (SdCategory *self)
{
}

SdCategory *
sd_category_new (const char *id,
                 const char *name)
{
  return g_object_new (SD_TYPE_CATEGORY,
                       "id", id,
                       "name", name,
                       NULL);
}

SdCategory *
sd_category_new_from_json (JsonNode  *node,
                           GError   **error)
{
  JsonObject *object;
  const char *id = NULL;
  const char *name = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "A category must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_string (object, "id", TRUE, &id, error) ||
      !sd_json_get_string (object, "name", TRUE, &name, error))
    return NULL;

  /* Ids appear in URLs and filters, where an empty one would mean "any". */
  if (id[0] == '\0')
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “id” must not be empty");
      return NULL;
    }

  return sd_category_new (id, name);
}

JsonNode *
sd_category_to_json (SdCategory *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_CATEGORY (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "id", self->id);
  sd_json_builder_add_string (builder, "name", self->name);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const char *
sd_category_get_id (SdCategory *self)
{
  g_return_val_if_fail (SD_IS_CATEGORY (self), NULL);

  return self->id;
}

const char *
sd_category_get_name (SdCategory *self)
{
  g_return_val_if_fail (SD_IS_CATEGORY (self), NULL);

  return self->name;
}
