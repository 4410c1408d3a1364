#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-json.h"

#include "sd-error.h"
#include "sd-json-private.h"

#include <string.h>

JsonNode *
sd_json_parse_data (const char  *data,
                    gsize        length,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  SdJsonCheck result;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= G_MAXSSIZE, NULL);

  if ((result = sd_json_check_document (data, length)) != SD_JSON_CHECK_OK)
    {
      sd_json_check_set_error (error, result);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &parse_error))
    {
      /* Not expected after the check, but the parser has the last word. */
      g_debug ("JsonParser refused a checked document: %s", parse_error->message);
      sd_json_check_set_error (error, SD_JSON_CHECK_MALFORMED);
      return NULL;
    }

  if ((root = json_parser_steal_root (parser)) == NULL)
    sd_json_check_set_error (error, SD_JSON_CHECK_EMPTY);

  return root;
}

JsonNode *
sd_json_parse_bytes (GBytes  *bytes,
                     GError **error)
{
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);

  return sd_json_parse_data (data, length, error);
}

char *
sd_json_to_string (JsonNode *node,
                   gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

GBytes *
sd_json_to_bytes (JsonNode *node)
{
  char *text;

  g_return_val_if_fail (node != NULL, NULL);

  text = sd_json_to_string (node, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

/* The first and the last second of the years 1–9999, as GDateTime has them. */
#define FIRST_UNIX_TIME G_GINT64_CONSTANT (-62135596800)
#define LAST_UNIX_TIME G_GINT64_CONSTANT (253402300799)

static inline void
put_digits (char  *out,
            guint  value,
            guint  count)
{
  for (guint i = count; i > 0; i--)
    {
      out[i - 1] = '0' + value % 10;
      value /= 10;
    }
}

gboolean
sd_json_format_unix_time (gint64 unix_seconds,
                          char   out[SD_JSON_TIME_SIZE])
{
  gint64 days, seconds, era, day_of_era, year_of_era, day_of_year, month_index;
  guint year, month, day;

  if (unix_seconds < FIRST_UNIX_TIME || unix_seconds > LAST_UNIX_TIME)
    return FALSE;

  /* Floor division: times before 1970 count back from the day before. */
  days = unix_seconds / 86400;
  seconds = unix_seconds % 86400;
  if (seconds < 0)
    {
      seconds += 86400;
      days--;
    }

  /* The proleptic Gregorian date of a day count (H. Hinnant's civil_from_days),
   * counted from 0000-03-01 so that the leap day ends each cycle. */
  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  day_of_era = days - era * 146097;
  year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                 day_of_era / 146096) / 365;
  day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  month_index = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * month_index + 2) / 5 + 1;
  month = month_index < 10 ? month_index + 3 : month_index - 9;
  year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

  put_digits (out, year, 4);
  out[4] = '-';
  put_digits (out + 5, month, 2);
  out[7] = '-';
  put_digits (out + 8, day, 2);
  out[10] = 'T';
  put_digits (out + 11, seconds / 3600, 2);
  out[13] = ':';
  put_digits (out + 14, seconds / 60 % 60, 2);
  out[16] = ':';
  put_digits (out + 17, seconds % 60, 2);
  out[19] = 'Z';
  out[20] = '\0';

  return TRUE;
}

char *
sd_json_format_time (GDateTime *time)
{
  char text[SD_JSON_TIME_SIZE];

  if (time == NULL)
    return NULL;

  /* Whole seconds, rounded down (as the UTC fields of the time are); near
   * year 1 or 9999 the UTC time can fall outside what GDateTime represents,
   * and is then NULL. */
  if (!sd_json_format_unix_time (g_date_time_to_unix (time), text))
    return NULL;

  return g_strdup (text);
}

void
sd_json_append_unix_time (GString *out,
                          gint64   unix_seconds)
{
  char text[SD_JSON_TIME_SIZE];

  if (!sd_json_format_unix_time (unix_seconds, text))
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  g_string_append_c (out, '"');
  g_string_append_len (out, text, SD_JSON_TIME_SIZE - 1);
  g_string_append_c (out, '"');
}

void
sd_json_append_int (GString *out,
                    gint64   value)
{
  char text[24];
  char *p = text + sizeof text;
  /* Through the unsigned magnitude, so that G_MININT64 has one too. */
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude != 0);

  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, text + sizeof text - p);
}

/*
 * The escapes of JsonGenerator: the short forms for \b \t \n \f \r, \u00xx
 * (lower-case hex) for the other control characters and DEL, a backslash
 * before " and \. Every other byte is copied, so UTF-8 text (U+2028 and
 * U+2029 too, which JSON allows raw) stays as it is.
 */
void
sd_json_append_string (GString    *out,
                       const char *value)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = value;
  const char *p;

  if (value == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  g_string_append_c (out, '"');
  for (p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      char escape[6] = { '\\', 'u', '0', '0', 0, 0 };
      gsize length = 2;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;

      switch (c)
        {
        case '"':  escape[1] = '"'; break;
        case '\\': escape[1] = '\\'; break;
        case '\b': escape[1] = 'b'; break;
        case '\t': escape[1] = 't'; break;
        case '\n': escape[1] = 'n'; break;
        case '\f': escape[1] = 'f'; break;
        case '\r': escape[1] = 'r'; break;
        default:
          escape[4] = hex[c >> 4];
          escape[5] = hex[c & 0xf];
          length = 6;
          break;
        }
      g_string_append_len (out, escape, length);
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static gboolean
read_digits (const char **text,
             guint        count,
             int         *out_value)
{
  int value = 0;

  /* Stops at the terminating NUL, which is not a digit, so a short text is never overrun. */
  for (guint i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit ((*text)[i]))
        return FALSE;
      value = value * 10 + ((*text)[i] - '0');
    }

  *text += count;
  *out_value = value;

  return TRUE;
}

static gboolean
read_char (const char **text,
           char         c)
{
  if (**text != c)
    return FALSE;

  (*text)++;

  return TRUE;
}

/*
 * Only the RFC 3339 profile is accepted. g_date_time_new_from_iso8601() would
 * also take week dates, ordinal dates and the basic format, which no peer of
 * ours sends and which would make stored values harder to compare.
 */
GDateTime *
sd_json_parse_time (const char *text)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) whole = NULL;
  g_autoptr(GDateTime) exact = NULL;
  const char *p = text;
  int year, month, day, hour, minute, second;
  int offset = 0;
  GTimeSpan usec = 0;

  if (text == NULL)
    return NULL;

  if (!read_digits (&p, 4, &year) || !read_char (&p, '-') ||
      !read_digits (&p, 2, &month) || !read_char (&p, '-') ||
      !read_digits (&p, 2, &day) ||
      !(read_char (&p, 'T') || read_char (&p, 't')) ||
      !read_digits (&p, 2, &hour) || !read_char (&p, ':') ||
      !read_digits (&p, 2, &minute) || !read_char (&p, ':') ||
      !read_digits (&p, 2, &second))
    return NULL;

  if (read_char (&p, '.'))
    {
      GTimeSpan scale = G_TIME_SPAN_SECOND / 10;

      if (!g_ascii_isdigit (*p))
        return NULL;

      /* Digits beyond microseconds are allowed and dropped. */
      for (; g_ascii_isdigit (*p); p++)
        {
          usec += (*p - '0') * scale;
          scale /= 10;
        }
    }

  if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      int offset_hours, offset_minutes;

      p++;
      if (!read_digits (&p, 2, &offset_hours) || !read_char (&p, ':') ||
          !read_digits (&p, 2, &offset_minutes) ||
          offset_hours > 23 || offset_minutes > 59)
        return NULL;

      offset = sign * (offset_hours * 3600 + offset_minutes * 60);
    }
  else if (!read_char (&p, 'Z') && !read_char (&p, 'z'))
    return NULL;

  if (*p != '\0')
    return NULL;

  /* g_date_time_new() refuses impossible dates (31 April) and leap seconds. */
  zone = g_time_zone_new_offset (offset);
  if ((whole = g_date_time_new (zone, year, month, day, hour, minute, second)) == NULL)
    return NULL;
  if ((exact = g_date_time_add (whole, usec)) == NULL)
    return NULL;

  return g_date_time_to_utc (exact);
}

void
sd_json_builder_add_time (JsonBuilder *builder,
                          const char  *member,
                          GDateTime   *time)
{
  g_autofree char *text = NULL;

  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (member != NULL);

  text = sd_json_format_time (time);
  sd_json_builder_add_string (builder, member, text);
}

void
sd_json_builder_add_string (JsonBuilder *builder,
                            const char  *member,
                            const char  *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (member != NULL);

  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
set_type_error (GError     **error,
                const char  *member,
                const char  *expected)
{
  g_set_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
               "The member “%s” must be %s", member, expected);
}

static gboolean
node_has_type (JsonNode     *node,
               JsonNodeType  node_type,
               GType         value_type)
{
  switch (node_type)
    {
    case JSON_NODE_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node) && json_node_get_object (node) != NULL;

    case JSON_NODE_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node) && json_node_get_array (node) != NULL;

    case JSON_NODE_VALUE:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;

    case JSON_NODE_NULL:
    default:
      return FALSE;
    }
}

/*
 * Sets *out_node to the member when it has the wanted type, or to NULL when
 * it is absent or null, which is only an error when the member is required.
 */
static gboolean
lookup_member (JsonObject    *object,
               const char    *member,
               gboolean       required,
               JsonNodeType   node_type,
               GType          value_type,
               const char    *expected,
               JsonNode     **out_node,
               GError       **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  *out_node = NULL;
  node = json_object_get_member (object, member);

  if (node == NULL && required)
    {
      g_set_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                   "The member “%s” is missing", member);
      return FALSE;
    }

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        set_type_error (error, member, expected);
      return !required;
    }

  if (!node_has_type (node, node_type, value_type))
    {
      set_type_error (error, member, expected);
      return FALSE;
    }

  *out_node = node;

  return TRUE;
}

/*
 * A string parsed by sd_json_parse_data() is valid UTF-8 without NULs (the
 * check refuses "\u0000", which JsonNode could not hold whole). Nodes built
 * in code have had no such check, so the text is validated here as well.
 */
gboolean
sd_json_get_string (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    const char **out,
                    GError     **error)
{
  const char *value;
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_VALUE, G_TYPE_STRING,
                      "a string", &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  value = json_node_get_string (node);
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      set_type_error (error, member, "valid UTF-8 text");
      return FALSE;
    }

  if (out != NULL)
    *out = value;

  return TRUE;
}

/* json-glib stores 5 as gint64 but 5.0 and 5e0 as gdouble; only the former is an integer. */
gboolean
sd_json_get_int (JsonObject  *object,
                 const char  *member,
                 gboolean     required,
                 gint64      *out,
                 GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_VALUE, G_TYPE_INT64,
                      "an integer", &node, error))
    return FALSE;

  if (node != NULL && out != NULL)
    *out = json_node_get_int (node);

  return TRUE;
}

gboolean
sd_json_get_boolean (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     gboolean    *out,
                     GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_VALUE, G_TYPE_BOOLEAN,
                      "true or false", &node, error))
    return FALSE;

  if (node != NULL && out != NULL)
    *out = json_node_get_boolean (node);

  return TRUE;
}

/* On success *out holds a new reference. */
gboolean
sd_json_get_time (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  GDateTime  **out,
                  GError     **error)
{
  static const char expected[] = "a time such as “2026-11-26T08:00:00Z”";
  GDateTime *time;
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_VALUE, G_TYPE_STRING,
                      expected, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if ((time = sd_json_parse_time (json_node_get_string (node))) == NULL)
    {
      set_type_error (error, member, expected);
      return FALSE;
    }

  if (out != NULL)
    *out = time;
  else
    g_date_time_unref (time);

  return TRUE;
}

/* *out is borrowed from @object. */
gboolean
sd_json_get_object (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    JsonObject **out,
                    GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_OBJECT, G_TYPE_INVALID,
                      "an object", &node, error))
    return FALSE;

  if (node != NULL && out != NULL)
    *out = json_node_get_object (node);

  return TRUE;
}

/* *out is borrowed from @object. */
gboolean
sd_json_get_array (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   JsonArray  **out,
                   GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, JSON_NODE_ARRAY, G_TYPE_INVALID,
                      "an array", &node, error))
    return FALSE;

  if (node != NULL && out != NULL)
    *out = json_node_get_array (node);

  return TRUE;
}
