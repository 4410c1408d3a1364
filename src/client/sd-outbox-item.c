#define G_LOG_DOMAIN "sd-outbox"

#include "config.h"

#include "sd-outbox-item.h"

#include "sd-outbox-private.h"

#include "sd-json.h"

#include <string.h>

/* The version of item.json; a newer one is left alone, never misread. */
#define ITEM_FORMAT 1

struct _SdOutboxItem
{
  GObject           parent_instance;

  SdOutboxItemKind  kind;
  char             *key;
  gint64            ticket_id;
  char             *category;
  char             *subject;
  char             *body;
  GDateTime        *created_at;
  GPtrArray        *files;
  GFile            *dir;

  SdOutboxItemState state;
  GError           *error;
};

G_DEFINE_FINAL_TYPE (SdOutboxItem, sd_outbox_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
sd_outbox_file_free (SdOutboxFile *file)
{
  if (file == NULL)
    return;

  g_free (file->filename);
  g_free (file->content_type);
  g_free (file->path);
  g_free (file->token);
  g_free (file);
}

static void
sd_outbox_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdOutboxItem *self = SD_OUTBOX_ITEM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_outbox_item_finalize (GObject *object)
{
  SdOutboxItem *self = SD_OUTBOX_ITEM (object);

  g_free (self->key);
  g_free (self->category);
  g_free (self->subject);
  g_free (self->body);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_object (&self->dir);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sd_outbox_item_parent_class)->finalize (object);
}

static void
sd_outbox_item_class_init (SdOutboxItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sd_outbox_item_get_property;
  object_class->finalize = sd_outbox_item_finalize;

  /* An SdOutboxItemState; an int so that it needs no enum type of its own. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      SD_OUTBOX_ITEM_STATE_QUEUED, SD_OUTBOX_ITEM_STATE_FAILED,
                      SD_OUTBOX_ITEM_STATE_QUEUED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_outbox_item_init (SdOutboxItem *self)
{
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify)sd_outbox_file_free);
}

SdOutboxItem *
sd_outbox_item_new (SdOutboxItemKind  kind,
                    const char       *key,
                    gint64            ticket_id,
                    const char       *category,
                    const char       *subject,
                    const char       *body,
                    GDateTime        *created_at)
{
  SdOutboxItem *self;

  g_return_val_if_fail (key != NULL && body != NULL && created_at != NULL, NULL);

  self = g_object_new (SD_TYPE_OUTBOX_ITEM, NULL);
  self->kind = kind;
  self->key = g_strdup (key);
  self->ticket_id = ticket_id;
  self->category = g_strdup (category);
  self->subject = g_strdup (subject);
  self->body = g_strdup (body);
  self->created_at = g_date_time_ref (created_at);

  return self;
}

static JsonNode *
item_to_json (SdOutboxItem *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, ITEM_FORMAT);
  sd_json_builder_add_string (builder, "kind",
                              self->kind == SD_OUTBOX_ITEM_KIND_TICKET ? "ticket" : "message");
  sd_json_builder_add_string (builder, "key", self->key);
  json_builder_set_member_name (builder, "ticket_id");
  json_builder_add_int_value (builder, self->ticket_id);
  sd_json_builder_add_string (builder, "category", self->category);
  sd_json_builder_add_string (builder, "subject", self->subject);
  sd_json_builder_add_string (builder, "body", self->body);
  sd_json_builder_add_time (builder, "created_at", self->created_at);

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->files->len; i++)
    {
      SdOutboxFile *file = g_ptr_array_index (self->files, i);

      json_builder_begin_object (builder);
      sd_json_builder_add_string (builder, "filename", file->filename);
      sd_json_builder_add_string (builder, "content_type", file->content_type);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, file->size);
      sd_json_builder_add_string (builder, "path", file->path);
      sd_json_builder_add_string (builder, "token", file->token);
      json_builder_set_member_name (builder, "token_expires");
      json_builder_add_int_value (builder, file->token_expires);
      json_builder_set_member_name (builder, "generation");
      json_builder_add_int_value (builder, file->generation);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
invalid_item (GError     **error,
              const char  *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not an outbox item: %s", why);

  return FALSE;
}

/* A stored path must stay inside the item's folder: "files/N" and nothing else. */
static gboolean
path_is_inside (const char *path)
{
  return path != NULL && g_str_has_prefix (path, "files/") && strchr (path + 6, '/') == NULL &&
         strcmp (path + 6, "..") != 0 && strcmp (path + 6, ".") != 0 && path[6] != '\0';
}

static gboolean
read_file_entry (SdOutboxItem  *self,
                 JsonNode      *node,
                 GError       **error)
{
  g_autoptr(SdOutboxFile) file = g_new0 (SdOutboxFile, 1);
  const char *filename = NULL, *content_type = NULL, *path = NULL, *token = NULL;
  gint64 generation = 0;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid_item (error, "a file is not an object");
  object = json_node_get_object (node);

  if (!sd_json_get_string (object, "filename", TRUE, &filename, error) ||
      !sd_json_get_string (object, "content_type", TRUE, &content_type, error) ||
      !sd_json_get_int (object, "size", TRUE, &file->size, error) ||
      !sd_json_get_string (object, "path", TRUE, &path, error) ||
      !sd_json_get_string (object, "token", FALSE, &token, error) ||
      !sd_json_get_int (object, "token_expires", FALSE, &file->token_expires, error) ||
      !sd_json_get_int (object, "generation", FALSE, &generation, error))
    return FALSE;

  if (!path_is_inside (path))
    return invalid_item (error, "a file is outside the item");

  file->filename = g_strdup (filename);
  file->content_type = g_strdup (content_type);
  file->path = g_strdup (path);
  file->token = g_strdup (token);
  file->generation = (guint)CLAMP (generation, 0, G_MAXUINT);
  g_ptr_array_add (self->files, g_steal_pointer (&file));

  return TRUE;
}

SdOutboxItem *
sd_outbox_item_load (GFile   *dir,
                     GError **error)
{
  g_autoptr(GFile) file = g_file_get_child (dir, SD_OUTBOX_ITEM_FILE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdOutboxItem) self = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  const char *kind = NULL, *key = NULL, *category = NULL, *subject = NULL, *body = NULL;
  gint64 format = 0, ticket_id = 0;
  JsonArray *files = NULL;
  JsonObject *object;

  bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;

  root = sd_json_parse_bytes (bytes, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return (invalid_item (error, "not an object"), NULL);
  object = json_node_get_object (root);

  if (!sd_json_get_int (object, "format", TRUE, &format, error))
    return NULL;
  if (format != ITEM_FORMAT)
    return (invalid_item (error, "written by another version"), NULL);

  if (!sd_json_get_string (object, "kind", TRUE, &kind, error) ||
      !sd_json_get_string (object, "key", TRUE, &key, error) ||
      !sd_json_get_int (object, "ticket_id", FALSE, &ticket_id, error) ||
      !sd_json_get_string (object, "category", FALSE, &category, error) ||
      !sd_json_get_string (object, "subject", FALSE, &subject, error) ||
      !sd_json_get_string (object, "body", TRUE, &body, error) ||
      !sd_json_get_time (object, "created_at", TRUE, &created_at, error) ||
      !sd_json_get_array (object, "files", TRUE, &files, error))
    return NULL;

  if (g_strcmp0 (kind, "ticket") == 0 && category != NULL && subject != NULL)
    self = sd_outbox_item_new (SD_OUTBOX_ITEM_KIND_TICKET, key, 0, category, subject, body,
                               created_at);
  else if (g_strcmp0 (kind, "message") == 0 && ticket_id > 0)
    self = sd_outbox_item_new (SD_OUTBOX_ITEM_KIND_MESSAGE, key, ticket_id, NULL, NULL, body,
                               created_at);
  else
    return (invalid_item (error, "neither a ticket nor a message"), NULL);

  for (guint i = 0; i < json_array_get_length (files); i++)
    if (!read_file_entry (self, json_array_get_element (files, i), error))
      return NULL;

  sd_outbox_item_set_dir (self, dir);

  return g_steal_pointer (&self);
}

gboolean
sd_outbox_item_save (SdOutboxItem  *self,
                     GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), FALSE);
  g_return_val_if_fail (self->dir != NULL, FALSE);

  root = item_to_json (self);
  text = sd_json_to_string (root, TRUE);
  file = g_file_get_child (self->dir, SD_OUTBOX_ITEM_FILE);
  path = g_file_get_path (file);

  /* A temporary file, fsync, rename: readers see the old text or the new, never half. */
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

GFile *
sd_outbox_item_get_dir (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->dir;
}

void
sd_outbox_item_set_dir (SdOutboxItem *self,
                        GFile        *dir)
{
  g_return_if_fail (SD_IS_OUTBOX_ITEM (self));

  g_set_object (&self->dir, dir);
}

GPtrArray *
sd_outbox_item_get_files (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->files;
}

void
sd_outbox_item_add_file (SdOutboxItem *self,
                         SdOutboxFile *file)
{
  g_return_if_fail (SD_IS_OUTBOX_ITEM (self));

  g_ptr_array_add (self->files, file);
}

void
sd_outbox_item_set_state (SdOutboxItem      *self,
                          SdOutboxItemState  state,
                          const GError      *error)
{
  gboolean error_changed;

  g_return_if_fail (SD_IS_OUTBOX_ITEM (self));

  error_changed = self->error != NULL || error != NULL;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (error_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

SdOutboxItemKind
sd_outbox_item_get_kind (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), SD_OUTBOX_ITEM_KIND_TICKET);

  return self->kind;
}

const char *
sd_outbox_item_get_key (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->key;
}

gint64
sd_outbox_item_get_ticket_id (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), 0);

  return self->ticket_id;
}

const char *
sd_outbox_item_get_category (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->category;
}

const char *
sd_outbox_item_get_subject (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->subject;
}

const char *
sd_outbox_item_get_body (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->body;
}

GDateTime *
sd_outbox_item_get_created_at (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->created_at;
}

guint
sd_outbox_item_get_n_files (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), 0);

  return self->files->len;
}

const char *
sd_outbox_item_get_file_name (SdOutboxItem *self,
                              guint         index)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);
  g_return_val_if_fail (index < self->files->len, NULL);

  return ((SdOutboxFile *)g_ptr_array_index (self->files, index))->filename;
}

gint64
sd_outbox_item_get_file_size (SdOutboxItem *self,
                              guint         index)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), 0);
  g_return_val_if_fail (index < self->files->len, 0);

  return ((SdOutboxFile *)g_ptr_array_index (self->files, index))->size;
}

SdOutboxItemState
sd_outbox_item_get_state (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), SD_OUTBOX_ITEM_STATE_QUEUED);

  return self->state;
}

const GError *
sd_outbox_item_get_error (SdOutboxItem *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (self), NULL);

  return self->error;
}
