#define G_LOG_DOMAIN "sd-drafts"

#include "config.h"

#include "sd-drafts.h"

#include "sd-disk-worker.h"
#include "sd-json.h"
#include "sd-upload.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _SdDrafts
{
  GObject  parent_instance;

  GFile   *directory;
};

G_DEFINE_FINAL_TYPE (SdDrafts, sd_drafts, G_TYPE_OBJECT)

GFile *
sd_account_dup_data_dir (const char *kind,
                         const char *server_url,
                         const char *email)
{
  g_autofree char *folded = NULL;
  g_autofree char *account = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (kind != NULL && server_url != NULL && email != NULL, NULL);

  /* Named by a digest: no address or email appears in a path, and each account has its own. */
  folded = g_utf8_casefold (email, -1);
  account = g_strconcat (server_url, "\n", folded, NULL);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, account, -1);
  digest[32] = '\0';
  path = g_build_filename (g_get_user_data_dir (), "supportdesk", kind, digest, NULL);

  return g_file_new_for_path (path);
}

GFile *
sd_drafts_dup_default_dir (const char *server_url,
                           const char *email)
{
  return sd_account_dup_data_dir ("drafts", server_url, email);
}

/* Only names the app makes: letters, digits and "-", so that a name is never a path. */
static gboolean
name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

static char *
draft_path (SdDrafts   *self,
            const char *name)
{
  g_autofree char *dir = g_file_get_path (self->directory);
  g_autofree char *file = g_strconcat (name, ".json", NULL);

  return g_build_filename (dir, file, NULL);
}

typedef struct
{
  char *path;
  char *text;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  g_free (data->text);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *dir = g_path_get_dirname (data->path);
  GError *error = NULL;
  int saved_errno;

  if (data->text == NULL)
    {
      if (g_unlink (data->path) != 0 && errno != ENOENT)
        {
          saved_errno = errno;
          g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot remove %s: %s", data->path, g_strerror (saved_errno));
          g_task_return_error (task, error);
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Only this user may read what they wrote. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot make %s: %s", dir, g_strerror (saved_errno));
      g_task_return_error (task, error);
      return;
    }

  if (!g_file_set_contents_full (data->path, data->text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot keep a draft: %s", error->message);
}

void
sd_drafts_save (SdDrafts   *self,
                const char *name,
                JsonNode   *draft)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (SD_IS_DRAFTS (self));
  g_return_if_fail (name_is_valid (name));
  g_return_if_fail (draft == NULL || JSON_NODE_HOLDS_OBJECT (draft));

  data = g_new0 (SaveData, 1);
  data->path = draft_path (self, name);
  data->text = draft != NULL ? sd_json_to_string (draft, FALSE) : NULL;

  task = g_task_new (self, NULL, saved_cb, NULL);
  g_task_set_source_tag (task, sd_drafts_save);
  g_task_set_task_data (task, data, (GDestroyNotify)save_data_free);
  sd_disk_worker_run (task, save_thread);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *text = NULL;
  gsize length;
  GError *error = NULL;
  JsonNode *root;

  if (!g_file_get_contents (path, &text, &length, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_clear_error (&error);
          g_task_return_pointer (task, NULL, NULL);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  root = sd_json_parse_data (text, length, &error);
  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a draft", path);
    }

  if (root == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, root, (GDestroyNotify)json_node_unref);
}

void
sd_drafts_load_async (SdDrafts            *self,
                      const char          *name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_DRAFTS (self));
  g_return_if_fail (name_is_valid (name));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_drafts_load_async);
  g_task_set_task_data (task, draft_path (self, name), g_free);
  /* After every save asked for before it: a load never reads an older draft. */
  sd_disk_worker_run (task, load_thread);
}

JsonNode *
sd_drafts_load_finish (SdDrafts      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (SD_IS_DRAFTS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

void
sd_drafts_flush_async (SdDrafts            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_DRAFTS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_drafts_flush_async);
  sd_disk_worker_run (task, flush_thread);
}

gboolean
sd_drafts_flush_finish (SdDrafts      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (SD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sd_drafts_builder_add_files (JsonBuilder *builder,
                             GListModel  *uploads)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (G_IS_LIST_MODEL (uploads));

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (uploads); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);
      g_autofree char *path = g_file_get_path (sd_upload_get_file (upload));

      /* Only local files can come back; a draft keeps no copies. */
      if (path == NULL)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

GPtrArray *
sd_drafts_dup_files (JsonObject *draft)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = NULL;

  g_return_val_if_fail (draft != NULL, NULL);

  if (json_object_has_member (draft, "files") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (draft, "files")))
    array = json_object_get_array_member (draft, "files");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *path;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      path = json_object_get_string_member_with_default (json_node_get_object (node), "path",
                                                         NULL);
      if (path != NULL && g_path_is_absolute (path))
        g_ptr_array_add (files, g_file_new_for_path (path));
    }

  return g_steal_pointer (&files);
}

GFile *
sd_drafts_get_directory (SdDrafts *self)
{
  g_return_val_if_fail (SD_IS_DRAFTS (self), NULL);

  return self->directory;
}

SdDrafts *
sd_drafts_new (GFile *directory)
{
  SdDrafts *self;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (SD_TYPE_DRAFTS, NULL);
  self->directory = g_object_ref (directory);

  return self;
}

static void
sd_drafts_finalize (GObject *object)
{
  SdDrafts *self = SD_DRAFTS (object);

  g_clear_object (&self->directory);

  G_OBJECT_CLASS (sd_drafts_parent_class)->finalize (object);
}

static void
sd_drafts_class_init (SdDraftsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_drafts_finalize;
}

static void
sd_drafts_init (SdDrafts *self)
{
}
