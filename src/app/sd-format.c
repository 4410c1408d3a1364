#define G_LOG_DOMAIN "sd-format"

#include "config.h"

#include "sd-format.h"

#include <glib/gi18n.h>

char *
sd_format_relative_time (GDateTime *time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = NULL;
  GTimeSpan span;
  gint64 minutes, hours, days;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  span = g_date_time_difference (now, local);
  minutes = span / G_TIME_SPAN_MINUTE;
  hours = span / G_TIME_SPAN_HOUR;
  days = span / G_TIME_SPAN_DAY;

  if (minutes < 1)
    return g_strdup (_("just now"));
  if (hours < 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                         minutes), (int)minutes);
  if (days < 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours),
                            (int)hours);
  if (days < 2)
    return g_strdup (_("yesterday"));
  if (days < 7)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days),
                            (int)days);
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: a date in this year, e.g. "12 March"; see g_date_time_format(). */
    return g_date_time_format (local, _("%-d %B"));

  /* Translators: a date in another year, e.g. "12 March 2025"; see g_date_time_format(). */
  return g_date_time_format (local, _("%-d %B %Y"));
}

char *
sd_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);

  /* Translators: a date and time, e.g. "26 November 2026, 08:00"; see g_date_time_format(). */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

char *
sd_format_pin (const char *pin)
{
  GString *grouped = g_string_new (NULL);

  for (gsize i = 0; pin != NULL && pin[i] != '\0'; i++)
    {
      if (i > 0 && i % 3 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, pin[i]);
    }

  return g_string_free (grouped, FALSE);
}
