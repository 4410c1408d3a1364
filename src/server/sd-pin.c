#define G_LOG_DOMAIN "sd-pin"

#include "config.h"

#include "sd-pin.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

gboolean
sd_pin_load_key (const char  *data_dir,
                 guint8       key[SD_PIN_KEY_SIZE],
                 GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, "server.key", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  int fd;

  if (g_file_get_contents (path, &contents, &length, NULL))
    {
      if (length != SD_PIN_KEY_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s is damaged: it should hold %d bytes", path, SD_PIN_KEY_SIZE);
          return FALSE;
        }
      memcpy (key, contents, SD_PIN_KEY_SIZE);
      sodium_memzero (contents, length);
      return TRUE;
    }

  randombytes_buf (key, SD_PIN_KEY_SIZE);

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  if (write (fd, key, SD_PIN_KEY_SIZE) != SD_PIN_KEY_SIZE || fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot write %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);

  return TRUE;
}

void
sd_pin_generate (char pin[SD_PIN_DIGITS + 1])
{
  /* randombytes_uniform() has no modulo bias. */
  g_snprintf (pin, SD_PIN_DIGITS + 1, "%09u", randombytes_uniform (1000000000));
}

gboolean
sd_pin_normalize (const char *input,
                  char        pin[SD_PIN_DIGITS + 1])
{
  guint n = 0;

  if (input == NULL)
    return FALSE;

  for (const char *p = input; *p; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      if (!g_ascii_isdigit (*p) || n == SD_PIN_DIGITS)
        return FALSE;
      pin[n++] = *p;
    }

  pin[n] = '\0';

  return n == SD_PIN_DIGITS;
}

void
sd_pin_hash (const guint8  key[SD_PIN_KEY_SIZE],
             gint64        user_id,
             const char   *pin,
             guint8        hash[SD_PIN_HASH_SIZE])
{
  crypto_auth_hmacsha256_state state;
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT ":", user_id);

  crypto_auth_hmacsha256_init (&state, key, SD_PIN_KEY_SIZE);
  crypto_auth_hmacsha256_update (&state, (const guint8 *)subject, strlen (subject));
  crypto_auth_hmacsha256_update (&state, (const guint8 *)pin, strlen (pin));
  crypto_auth_hmacsha256_final (&state, hash);
}
