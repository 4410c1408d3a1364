#include "config.h"

#include "sd-number.h"

gboolean
sd_number_parse (const char *text,
                 gint64      min,
                 gint64      max,
                 gint64     *out)
{
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  /* The largest magnitude the sign allows: 2^63 below 0, 2^63 - 1 above. */
  guint64 limit;
  const char *p = text;
  gint64 value;

  g_return_val_if_fail (min <= max, FALSE);

  if (text == NULL)
    return FALSE;

  if (*p == '-' && min < 0)
    {
      negative = TRUE;
      p++;
    }
  limit = negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64;

  if (!g_ascii_isdigit (*p))
    return FALSE;

  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint)(*p - '0');

      if (magnitude > (limit - digit) / 10)
        return FALSE;
      magnitude = magnitude * 10 + digit;
    }

  if (*p != '\0')
    return FALSE;

  if (negative)
    value = magnitude == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)magnitude;
  else
    value = (gint64)magnitude;

  if (value < min || value > max)
    return FALSE;

  if (out != NULL)
    *out = value;

  return TRUE;
}
