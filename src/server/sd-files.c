#define G_LOG_DOMAIN "sd-files"

#include "config.h"

#include "sd-files.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

struct _SdUploadWriter
{
  char                           *files_dir;
  char                           *temp_path;
  int                             fd;
  guint64                         size;
  crypto_hash_sha256_state        hash;
  char                            sha256[crypto_hash_sha256_BYTES * 2 + 1];
  gboolean                        finished;
};

static void
set_error_from_errno (GError     **error,
                      int          saved_errno,
                      const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
}

char *
sd_files_path (const char *files_dir,
               gint64      id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return g_build_filename (files_dir, name, NULL);
}

gboolean
sd_files_delete (const char  *files_dir,
                 gint64       id,
                 GError     **error)
{
  g_autofree char *path = sd_files_path (files_dir, id);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      set_error_from_errno (error, errno, "Cannot delete a stored file");
      return FALSE;
    }

  return TRUE;
}

char *
sd_files_sanitize_name (const char *name)
{
  g_autoptr(GString) clean = NULL;
  const char *base;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  base = name;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;

  clean = g_string_new (NULL);
  for (const char *p = base; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Control characters (C0, DEL, C1) and direction overrides would let a
       * name pretend to be another one when shown. */
      if (g_unichar_iscntrl (c) ||
          (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
        continue;

      g_string_append_unichar (clean, c);
    }

  g_strstrip (clean->str);
  g_string_set_size (clean, strlen (clean->str));

  if (clean->len == 0 || clean->len > 255 ||
      g_str_equal (clean->str, ".") || g_str_equal (clean->str, ".."))
    return NULL;

  return g_string_free (g_steal_pointer (&clean), FALSE);
}

SdUploadWriter *
sd_upload_writer_new (const char  *files_dir,
                      GError     **error)
{
  g_autoptr(SdUploadWriter) self = g_new0 (SdUploadWriter, 1);

  self->fd = -1;
  self->files_dir = g_strdup (files_dir);
  self->temp_path = g_build_filename (files_dir, "upload-XXXXXX.part", NULL);

  self->fd = g_mkstemp_full (self->temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      set_error_from_errno (error, errno, "Cannot create an upload file");
      g_clear_pointer (&self->temp_path, g_free);
      return NULL;
    }

  crypto_hash_sha256_init (&self->hash);

  return g_steal_pointer (&self);
}

gboolean
sd_upload_writer_write (SdUploadWriter  *self,
                        const guint8    *data,
                        gsize            length,
                        GError         **error)
{
  gsize written = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  crypto_hash_sha256_update (&self->hash, data, length);
  self->size += length;

  while (written < length)
    {
      gssize n = write (self->fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_error_from_errno (error, errno, "Cannot write an upload");
          return FALSE;
        }
      written += n;
    }

  return TRUE;
}

guint64
sd_upload_writer_get_size (SdUploadWriter *self)
{
  return self->size;
}

gboolean
sd_upload_writer_finish (SdUploadWriter  *self,
                         GError         **error)
{
  guint8 digest[crypto_hash_sha256_BYTES];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  crypto_hash_sha256_final (&self->hash, digest);
  sodium_bin2hex (self->sha256, sizeof self->sha256, digest, sizeof digest);
  self->finished = TRUE;

  /* The server answers 201 only for what is on disk. */
  if (fsync (self->fd) != 0)
    {
      set_error_from_errno (error, errno, "Cannot store an upload");
      return FALSE;
    }

  return TRUE;
}

const char *
sd_upload_writer_get_sha256 (SdUploadWriter *self)
{
  g_return_val_if_fail (self->finished, NULL);

  return self->sha256;
}

gboolean
sd_upload_writer_commit (SdUploadWriter  *self,
                         gint64           id,
                         GError         **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (self->finished, FALSE);
  g_return_val_if_fail (self->temp_path != NULL, FALSE);

  path = sd_files_path (self->files_dir, id);
  if (g_rename (self->temp_path, path) != 0)
    {
      set_error_from_errno (error, errno, "Cannot store an upload");
      return FALSE;
    }

  g_clear_pointer (&self->temp_path, g_free);

  return TRUE;
}

void
sd_upload_writer_free (SdUploadWriter *self)
{
  if (self == NULL)
    return;

  if (self->fd >= 0)
    close (self->fd);
  if (self->temp_path != NULL)
    g_unlink (self->temp_path);

  g_free (self->temp_path);
  g_free (self->files_dir);
  g_free (self);
}
