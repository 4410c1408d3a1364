#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-json-private.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-number.h"

#include <math.h>
#include <string.h>

typedef enum
{
  EXPECT_VALUE,
  EXPECT_VALUE_OR_CLOSE,
  EXPECT_KEY,
  EXPECT_KEY_OR_CLOSE,
  EXPECT_COMMA_OR_CLOSE,
} CheckState;

typedef struct
{
  const char *pos;
  const char *end;
} Reader;

static int
reader_peek (const Reader *reader)
{
  return reader->pos < reader->end ? (guchar) *reader->pos : -1;
}

static void
reader_skip_space (Reader *reader)
{
  while (reader->pos < reader->end &&
         (*reader->pos == ' ' || *reader->pos == '\t' ||
          *reader->pos == '\n' || *reader->pos == '\r'))
    reader->pos++;
}

static gboolean
reader_skip_digits (Reader *reader)
{
  const char *start = reader->pos;

  while (reader->pos < reader->end && g_ascii_isdigit (*reader->pos))
    reader->pos++;

  return reader->pos > start;
}

static gboolean
reader_read_hex4 (Reader   *reader,
                  gunichar *out_unit)
{
  gunichar unit = 0;

  if (reader->end - reader->pos < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (reader->pos[i]);

      if (digit < 0)
        return FALSE;
      unit = (unit << 4) | (gunichar) digit;
    }

  reader->pos += 4;
  *out_unit = unit;

  return TRUE;
}

static SdJsonCheck
check_string (Reader *reader)
{
  reader->pos++;

  while (reader->pos < reader->end)
    {
      guchar c = (guchar) *reader->pos++;
      gunichar unit;

      if (c == '"')
        return SD_JSON_CHECK_OK;
      if (c < 0x20)
        return SD_JSON_CHECK_MALFORMED;
      if (c != '\\')
        continue;

      if (reader->pos == reader->end)
        return SD_JSON_CHECK_MALFORMED;

      c = (guchar) *reader->pos++;
      if (c != '\0' && strchr ("\"\\/bfnrt", c) != NULL)
        continue;
      if (c != 'u' || !reader_read_hex4 (reader, &unit))
        return SD_JSON_CHECK_MALFORMED;

      /* A NUL would silently end the string in a JsonNode, and the API refuses it anyway. */
      if (unit == 0)
        return SD_JSON_CHECK_NUL;
      if (unit >= 0xDC00 && unit <= 0xDFFF)
        return SD_JSON_CHECK_MALFORMED;
      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          if (reader->end - reader->pos < 2 || reader->pos[0] != '\\' || reader->pos[1] != 'u')
            return SD_JSON_CHECK_MALFORMED;
          reader->pos += 2;
          if (!reader_read_hex4 (reader, &unit) || unit < 0xDC00 || unit > 0xDFFF)
            return SD_JSON_CHECK_MALFORMED;
        }
    }

  return SD_JSON_CHECK_MALFORMED;
}

static SdJsonCheck
check_number (Reader *reader)
{
  const char *start = reader->pos;
  gboolean integral = TRUE;
  gsize length;

  if (reader_peek (reader) == '-')
    reader->pos++;

  if (reader_peek (reader) == '0')
    reader->pos++;
  else if (!reader_skip_digits (reader))
    return SD_JSON_CHECK_MALFORMED;

  if (reader_peek (reader) == '.')
    {
      reader->pos++;
      integral = FALSE;
      if (!reader_skip_digits (reader))
        return SD_JSON_CHECK_MALFORMED;
    }

  if (reader_peek (reader) == 'e' || reader_peek (reader) == 'E')
    {
      reader->pos++;
      integral = FALSE;
      if (reader_peek (reader) == '+' || reader_peek (reader) == '-')
        reader->pos++;
      if (!reader_skip_digits (reader))
        return SD_JSON_CHECK_MALFORMED;
    }

  length = (gsize) (reader->pos - start);

  if (integral)
    {
      char buffer[24];
      gint64 value;

      if (length >= sizeof buffer)
        return SD_JSON_CHECK_OUT_OF_RANGE;

      memcpy (buffer, start, length);
      buffer[length] = '\0';
      if (!sd_number_parse (buffer, G_MININT64, G_MAXINT64, &value))
        return SD_JSON_CHECK_OUT_OF_RANGE;
    }
  else
    {
      g_autofree char *text = g_strndup (start, length);

      if (!isfinite (g_ascii_strtod (text, NULL)))
        return SD_JSON_CHECK_OUT_OF_RANGE;
    }

  return SD_JSON_CHECK_OK;
}

static SdJsonCheck
check_literal (Reader     *reader,
               const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (reader->end - reader->pos) < length || memcmp (reader->pos, word, length) != 0)
    return SD_JSON_CHECK_MALFORMED;

  reader->pos += length;

  return SD_JSON_CHECK_OK;
}

SdJsonCheck
sd_json_check_document (const char *data,
                        gsize       length)
{
  Reader reader = { data, data + length };
  char open[SD_JSON_MAX_DEPTH];
  guint depth = 0;
  CheckState state = EXPECT_VALUE;

  if (length == 0)
    return SD_JSON_CHECK_EMPTY;
  if (memchr (data, '\0', length) != NULL)
    return SD_JSON_CHECK_NUL;
  if (!g_utf8_validate (data, (gssize) length, NULL))
    return SD_JSON_CHECK_NOT_UTF8;

  reader_skip_space (&reader);
  if (reader.pos == reader.end)
    return SD_JSON_CHECK_EMPTY;

  for (;;)
    {
      SdJsonCheck result;
      int c;

      reader_skip_space (&reader);
      c = reader_peek (&reader);

      if (state == EXPECT_COMMA_OR_CLOSE)
        {
          char close;

          if (depth == 0)
            return c == -1 ? SD_JSON_CHECK_OK : SD_JSON_CHECK_MALFORMED;

          close = open[depth - 1] == '[' ? ']' : '}';
          if (c == ',')
            state = open[depth - 1] == '[' ? EXPECT_VALUE : EXPECT_KEY;
          else if (c == close)
            depth--;
          else
            return SD_JSON_CHECK_MALFORMED;

          reader.pos++;
          continue;
        }

      if ((state == EXPECT_VALUE_OR_CLOSE && c == ']') ||
          (state == EXPECT_KEY_OR_CLOSE && c == '}'))
        {
          reader.pos++;
          depth--;
          state = EXPECT_COMMA_OR_CLOSE;
          continue;
        }

      if (state == EXPECT_KEY || state == EXPECT_KEY_OR_CLOSE)
        {
          if (c != '"')
            return SD_JSON_CHECK_MALFORMED;
          if ((result = check_string (&reader)) != SD_JSON_CHECK_OK)
            return result;

          reader_skip_space (&reader);
          if (reader_peek (&reader) != ':')
            return SD_JSON_CHECK_MALFORMED;

          reader.pos++;
          state = EXPECT_VALUE;
          continue;
        }

      switch (c)
        {
        case '[':
        case '{':
          if (depth == SD_JSON_MAX_DEPTH)
            return SD_JSON_CHECK_TOO_DEEP;
          open[depth++] = (char) c;
          reader.pos++;
          state = c == '[' ? EXPECT_VALUE_OR_CLOSE : EXPECT_KEY_OR_CLOSE;
          continue;

        case '"':
          result = check_string (&reader);
          break;

        case 't':
          result = check_literal (&reader, "true");
          break;

        case 'f':
          result = check_literal (&reader, "false");
          break;

        case 'n':
          result = check_literal (&reader, "null");
          break;

        default:
          result = check_number (&reader);
          break;
        }

      if (result != SD_JSON_CHECK_OK)
        return result;

      state = EXPECT_COMMA_OR_CLOSE;
    }
}

void
sd_json_check_set_error (GError      **error,
                         SdJsonCheck   result)
{
  static const char * const messages[] = {
    [SD_JSON_CHECK_OK] = "The request body is not valid JSON",
    [SD_JSON_CHECK_EMPTY] = "The request body is empty",
    [SD_JSON_CHECK_NUL] = "The request body contains a NUL character",
    [SD_JSON_CHECK_NOT_UTF8] = "The request body is not valid UTF-8",
    [SD_JSON_CHECK_TOO_DEEP] = "The request body is nested more than "
                               G_STRINGIFY (SD_JSON_MAX_DEPTH) " levels deep",
    [SD_JSON_CHECK_OUT_OF_RANGE] = "The request body contains a number that is out of range",
    [SD_JSON_CHECK_MALFORMED] = "The request body is not valid JSON",
  };

  g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_JSON, messages[result]);
}
