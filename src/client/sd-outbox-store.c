#define G_LOG_DOMAIN "sd-outbox"

#include "config.h"

#include "sd-outbox-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Makes what was written to @path (a file or a folder) survive a power cut. */
static gboolean
sync_path (GFile   *file,
           GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  int fd;
  int saved_errno;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot write %s to disk: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  return g_close (fd, error);
}

/* Deletes @file and, for a folder, everything in it. What is already gone is no error. */
static gboolean
delete_tree (GFile   *file,
             GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL,
                                        &local_error);
  if (children != NULL)
    {
      while (TRUE)
        {
          GFile *child;

          if (!g_file_enumerator_iterate (children, NULL, &child, NULL, error))
            return FALSE;
          if (child == NULL)
            break;
          if (!delete_tree (child, error))
            return FALSE;
        }
    }

  g_clear_error (&local_error);
  if (!g_file_delete (file, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* A folder that cannot be read as an item is set aside, never deleted: it holds what someone wrote. */
static void
set_aside (GFile      *dir,
           GFile      *item_dir,
           const char *name)
{
  g_autofree char *aside_name = g_strconcat (SD_OUTBOX_BROKEN_PREFIX, name, NULL);
  g_autoptr(GFile) aside = g_file_get_child (dir, aside_name);
  g_autoptr(GError) error = NULL;

  if (!g_file_move (item_dir, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &error))
    g_warning ("Cannot set aside the unreadable outbox item %s: %s", name, error->message);
}

GPtrArray *
sd_outbox_store_load (GFile   *dir,
                      GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL,
                                        &local_error);
  if (children == NULL)
    {
      /* No folder yet: nothing was ever left unsent. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&items);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while (TRUE)
    {
      GFileInfo *info;

      if (!g_file_enumerator_iterate (children, &info, NULL, NULL, error))
        return NULL;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
    }

  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GFile) item_dir = g_file_get_child (dir, name);
      g_autoptr(SdOutboxItem) item = NULL;

      /* Half written (it was never shown as stored) or already confirmed by the server. */
      if (g_str_has_prefix (name, SD_OUTBOX_NEW_PREFIX) ||
          g_str_has_prefix (name, SD_OUTBOX_SENT_PREFIX))
        {
          if (!delete_tree (item_dir, &local_error))
            {
              g_warning ("Cannot clear %s from the outbox: %s", name, local_error->message);
              g_clear_error (&local_error);
            }
          continue;
        }
      if (name[0] == '.')
        continue;

      item = sd_outbox_item_load (item_dir, &local_error);
      if (item == NULL)
        {
          g_warning ("Cannot read the outbox item %s: %s", name, local_error->message);
          g_clear_error (&local_error);
          set_aside (dir, item_dir, name);
          continue;
        }

      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  return g_steal_pointer (&items);
}

gboolean
sd_outbox_store_add (GFile         *dir,
                     const char    *name,
                     SdOutboxItem  *item,
                     GPtrArray     *sources,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *new_name = g_strconcat (SD_OUTBOX_NEW_PREFIX, name, NULL);
  g_autoptr(GFile) new_dir = g_file_get_child (dir, new_name);
  g_autoptr(GFile) final_dir = g_file_get_child (dir, name);
  g_autoptr(GFile) files_dir = g_file_get_child (new_dir, "files");
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *files_path = g_file_get_path (files_dir);
  GPtrArray *files = sd_outbox_item_get_files (item);
  int saved_errno;

  g_return_val_if_fail (sources->len == files->len, FALSE);

  /* Only this user may read what they wrote. */
  if (g_mkdir_with_parents (dir_path, 0700) != 0 || g_mkdir_with_parents (files_path, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot make the outbox folder: %s", g_strerror (saved_errno));
      return FALSE;
    }

  sd_outbox_item_set_dir (item, new_dir);

  for (guint i = 0; i < files->len; i++)
    {
      SdOutboxFile *file = g_ptr_array_index (files, i);
      g_autoptr(GFile) copy = g_file_get_child (new_dir, file->path);

      if (!g_file_copy (g_ptr_array_index (sources, i), copy, G_FILE_COPY_OVERWRITE,
                        cancellable, NULL, NULL, error) ||
          !sync_path (copy, error))
        {
          delete_tree (new_dir, NULL);
          return FALSE;
        }
    }

  if (!sd_outbox_item_save (item, error) || !sync_path (files_dir, error) ||
      !sync_path (new_dir, error))
    {
      delete_tree (new_dir, NULL);
      return FALSE;
    }

  /* The item appears whole, or not at all; the rename itself is made durable too. */
  if (!g_file_move (new_dir, final_dir, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, error) ||
      !sync_path (dir, error))
    {
      delete_tree (new_dir, NULL);
      return FALSE;
    }

  sd_outbox_item_set_dir (item, final_dir);

  return TRUE;
}

gboolean
sd_outbox_store_remove (GFile   *item_dir,
                        GError **error)
{
  g_autoptr(GFile) dir = g_file_get_parent (item_dir);
  g_autofree char *name = g_file_get_basename (item_dir);
  g_autofree char *sent_name = g_strconcat (SD_OUTBOX_SENT_PREFIX, name, NULL);
  g_autoptr(GFile) sent_dir = g_file_get_child (dir, sent_name);

  /* Once renamed it is never sent again, even if a crash stops the deleting half way. */
  if (!g_file_move (item_dir, sent_dir, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, error) ||
      !sync_path (dir, error))
    return FALSE;

  return delete_tree (sent_dir, error);
}
