#define G_LOG_DOMAIN "sd-pasted-image"

#include "config.h"

#include "sd-pasted-image.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_task_return_boolean (task, TRUE);
}

void
sd_pasted_image_delete (gpointer file)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, sd_pasted_image_delete);
  g_task_set_task_data (task, file, g_object_unref);
  g_task_run_in_thread (task, delete_thread);
}

/* Kept with the user's data, not in the cache: a draft may refer to them after a restart. */
static char *
pasted_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "supportdesk", "pasted", NULL);
}

gboolean
sd_pasted_image_is_own (GFile *file)
{
  g_autofree char *dir = pasted_dir ();
  g_autoptr(GFile) base = g_file_new_for_path (dir);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) grandparent = parent != NULL ? g_file_get_parent (parent) : NULL;

  /* <pasted>/paste-XXXXXX/Screenshot ….png, and nothing deeper or elsewhere. */
  return grandparent != NULL && g_file_equal (grandparent, base);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GdkTexture *texture = task_data;
  g_autofree char *base = pasted_dir ();
  g_autofree char *template = g_build_filename (base, "paste-XXXXXX", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int saved_errno;

  /* Each image gets its own folder, so that two pasted in one second keep their names. */
  if (g_mkdir_with_parents (base, 0700) != 0 || g_mkdtemp_full (template, 0700) == NULL)
    {
      saved_errno = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "Cannot make a folder in %s: %s", base, g_strerror (saved_errno));
      return;
    }

  /* Translators: the file name of a pasted image; %s is the date and time. */
  name = g_strdup_printf (_("Screenshot %s.png"), stamp);
  path = g_build_filename (template, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_rmdir (template);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return;
    }

  g_task_return_pointer (task, g_file_new_for_path (path), sd_pasted_image_delete);
}

/* A texture that can be read from another thread: memory textures are immutable. */
static GdkTexture *
memory_texture (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize)width * 4;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (GDK_IS_MEMORY_TEXTURE (texture))
    return g_object_ref (texture);

  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), stride * height);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

void
sd_pasted_image_save_async (GdkTexture          *texture,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_pasted_image_save_async);
  g_task_set_task_data (task, memory_texture (texture), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

GFile *
sd_pasted_image_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_pasted_image_save_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
