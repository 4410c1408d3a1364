#define G_LOG_DOMAIN "sd-cursor"

#include "config.h"

#include "sd-cursor.h"

#include "sd-number.h"

#include <sodium.h>
#include <string.h>

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

char *
sd_cursor_encode (char   kind,
                  gint64 first,
                  gint64 second)
{
  g_autofree char *plain = NULL;
  gsize size;
  char *cursor;

  plain = g_strdup_printf ("%c:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, kind, first, second);
  size = sodium_base64_ENCODED_LEN (strlen (plain), VARIANT);
  cursor = g_malloc (size);
  sodium_bin2base64 (cursor, size, (const guchar *)plain, strlen (plain), VARIANT);

  return cursor;
}

gboolean
sd_cursor_decode (const char *cursor,
                  char        kind,
                  gint64     *out_first,
                  gint64     *out_second)
{
  guchar plain[64];
  gsize length = 0;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (strlen (cursor) > 80 ||
      sodium_base642bin (plain, sizeof plain - 1, cursor, strlen (cursor), NULL, &length,
                         NULL, VARIANT) != 0)
    return FALSE;

  text = g_strndup ((const char *)plain, length);
  parts = g_strsplit (text, ":", -1);

  return g_strv_length (parts) == 3 &&
         parts[0][0] == kind && parts[0][1] == '\0' &&
         sd_number_parse (parts[1], 0, G_MAXINT64, out_first) &&
         sd_number_parse (parts[2], 0, G_MAXINT64, out_second);
}
