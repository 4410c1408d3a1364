#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include <stdio.h>
#include <string.h>

/*
 * What the commands print for people: aligned tables, times relative to now,
 * and text from the service made harmless for a terminal. Output is UTF-8
 * whatever the locale, as the service's text is; JSON is written as is.
 */

struct _SdCliTable
{
  guint      n_columns;
  GPtrArray *rows;  /* of GStrv, the first the headers */
};

SdCliTable *
sd_cli_table_new (const char *first_header,
                  ...)
{
  SdCliTable *table = g_new0 (SdCliTable, 1);
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();
  va_list args;

  va_start (args, first_header);
  for (const char *header = first_header; header != NULL; header = va_arg (args, const char *))
    g_strv_builder_add (headers, header);
  va_end (args);

  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_ptr_array_add (table->rows, g_strv_builder_end (headers));
  table->n_columns = g_strv_length (g_ptr_array_index (table->rows, 0));

  return table;
}

void
sd_cli_table_add_row (SdCliTable *table,
                      char       *first_cell,
                      ...)
{
  char **row = g_new0 (char *, table->n_columns + 1);
  va_list args;
  guint i = 0;

  va_start (args, first_cell);
  for (char *cell = first_cell; cell != NULL; cell = va_arg (args, char *))
    {
      g_assert (i < table->n_columns);
      row[i++] = sd_cli_clean (cell, FALSE);
      g_free (cell);
    }
  va_end (args);

  g_assert (i == table->n_columns);
  g_ptr_array_add (table->rows, row);
}

/* Columns on a terminal: East Asian wide characters take two, combining marks none. */
static gsize
display_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

void
sd_cli_table_print (SdCliTable *table)
{
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], display_width (row[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      g_string_truncate (line, 0);
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          /* The last column is not padded: no trailing spaces. */
          if (c + 1 < table->n_columns)
            for (gsize w = display_width (row[c]); w < widths[c] + 2; w++)
              g_string_append_c (line, ' ');
        }
      g_string_append_c (line, '\n');
      fputs (line->str, stdout);
    }
}

void
sd_cli_table_free (SdCliTable *table)
{
  if (table == NULL)
    return;

  g_clear_pointer (&table->rows, g_ptr_array_unref);
  g_free (table);
}

void
sd_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonNode) owned = node;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, owned);
  text = json_generator_to_data (generator, NULL);

  fputs (text, stdout);
  fputc ('\n', stdout);
}

JsonNode *
sd_cli_json_empty_object (void)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());

  return node;
}

void
sd_cli_print (const char *format,
              ...)
{
  g_autofree char *text = NULL;
  g_autofree char *clean = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  clean = sd_cli_clean (text, TRUE);
  fputs (clean, stdout);
}

static gboolean
is_unsafe (gunichar c,
           gboolean multiline)
{
  if (multiline && (c == '\n' || c == '\t'))
    return FALSE;

  /* C0 and C1 controls, DEL, and the bidi controls that can make text read as other text. */
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x200e || c == 0x200f || c == 0x061c;
}

char *
sd_cli_clean (const char *text,
              gboolean    multiline)
{
  g_autoptr(GString) clean = NULL;
  g_autofree char *valid = NULL;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  clean = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* A line that ends the Windows way is still just a line. */
      if (multiline && c == '\r' && p[1] == '\n')
        continue;

      if (is_unsafe (c, multiline))
        g_string_append_unichar (clean, 0xfffd);
      else
        g_string_append_unichar (clean, c);
    }

  return g_string_free (g_steal_pointer (&clean), FALSE);
}

/* To the nearest unit: an expiry 23 hours 59 minutes away is "in 24 hours". */
static char *
format_span (GTimeSpan   span,
             GTimeSpan   unit_span,
             const char *unit)
{
  gint64 count = (span + unit_span / 2) / unit_span;

  return g_strdup_printf ("%" G_GINT64_FORMAT " %s%s", count, unit, count == 1 ? "" : "s");
}

char *
sd_cli_format_relative (GDateTime *time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *span_text = NULL;
  GTimeSpan span;
  gboolean future;

  if (time == NULL)
    return g_strdup ("never");

  span = g_date_time_difference (now, time);
  future = span < 0;
  span = ABS (span);

  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup ("just now");
  else if (span < G_TIME_SPAN_HOUR - G_TIME_SPAN_MINUTE / 2)
    span_text = format_span (span, G_TIME_SPAN_MINUTE, "minute");
  else if (span < G_TIME_SPAN_DAY + G_TIME_SPAN_HOUR / 2)
    span_text = format_span (span, G_TIME_SPAN_HOUR, "hour");
  else if (span < 7 * G_TIME_SPAN_DAY)
    span_text = format_span (span, G_TIME_SPAN_DAY, "day");
  else
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);

      return g_date_time_format (local, "%Y-%m-%d");
    }

  return future ? g_strdup_printf ("in %s", span_text) : g_strdup_printf ("%s ago", span_text);
}

char *
sd_cli_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("never");

  local = g_date_time_to_local (time);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
sd_cli_format_pin (const char *pin)
{
  g_autoptr(GString) grouped = g_string_new (NULL);

  for (gsize i = 0; pin != NULL && pin[i] != '\0'; i++)
    {
      if (i > 0 && i % 3 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, pin[i]);
    }

  return g_string_free (g_steal_pointer (&grouped), FALSE);
}
