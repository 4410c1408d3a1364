#define G_LOG_DOMAIN "sd-test-json"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static void
assert_refused (const char *data,
                gsize       length,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sd_json_parse_data (data, length, &error);
  g_assert_null (node);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_JSON);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_round_trip (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autofree char *written = sd_json_to_string (node, FALSE);

  g_assert_cmpstr (written, ==, text);
}

static void
test_parse_valid (void)
{
  static const char * const documents[] = {
    "{}",
    "[]",
    "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
    "[-1,0,9223372036854775807,-9223372036854775808]",
    "\"just a string\"",
    "42",
    "null",
  };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_round_trip (documents[i]);

  /* White space around and between tokens, escapes and surrogate pairs are all fine. */
  node = parse (" \r\n\t{ \"text\" : \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" ,"
                " \"real\" : -1.5e-3 }\n");
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==,
                   "\"\\/\b\f\n\r\té\360\237\230\200");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "real"), -0.0015, 1e-9);
}

static void
test_parse_bytes (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("{\"id\":7}", 8);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) nothing = NULL;

  node = sd_json_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "id"), ==, 7);

  nothing = sd_json_parse_bytes (empty, &error);
  g_assert_null (nothing);
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_JSON);
}

static void
test_parse_empty (void)
{
  assert_refused (NULL, 0, "The request body is empty");
  assert_refused ("", 0, "The request body is empty");
  assert_refused ("   \r\n\t", 6, "The request body is empty");
}

static void
test_parse_invalid_utf8 (void)
{
  static const char * const documents[] = {
    "\"\xff\"",
    "\"\xc0\xaf\"",         /* an overlong "/" */
    "\"\xed\xa0\x80\"",     /* a UTF-16 surrogate encoded as UTF-8 */
    "\"caf\xc3\"",          /* cut in the middle of a character */
    "{\"a\":\"\xe9t\xe9\"}", /* Latin-1 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_refused (documents[i], strlen (documents[i]), "The request body is not valid UTF-8");
}

static void
test_parse_nul (void)
{
  static const char with_nul[] = "{\"a\":\"b\0c\"}";
  static const char after_document[] = "{}\0";

  assert_refused (with_nul, sizeof with_nul - 1, "The request body contains a NUL character");
  assert_refused (after_document, sizeof after_document - 1,
                  "The request body contains a NUL character");

  /* JsonNode would silently cut the string at an escaped NUL. */
  assert_refused ("[\"a\\u0000b\"]", 12, "The request body contains a NUL character");
}

static char *
nest (const char *open,
      guint       depth,
      const char *inner,
      const char *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);

  return g_string_free (text, FALSE);
}

static void
test_parse_depth (void)
{
  g_autofree char *deepest = nest ("[", SD_JSON_MAX_DEPTH, "1", "]");
  g_autofree char *too_deep = nest ("[", SD_JSON_MAX_DEPTH + 1, "1", "]");
  g_autofree char *objects = nest ("{\"a\":", SD_JSON_MAX_DEPTH + 1, "1", "}");
  g_autofree char *brackets = nest ("[", SD_JSON_MAX_DEPTH + 1, "", "");
  g_autofree char *in_string = g_strdup_printf ("[\"%s\",{\"%s\":1}]", brackets, brackets);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) string_node = NULL;
  g_autofree char *message = NULL;

  message = g_strdup_printf ("The request body is nested more than %d levels deep",
                             SD_JSON_MAX_DEPTH);

  node = parse (deepest);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  assert_refused (too_deep, strlen (too_deep), message);
  assert_refused (objects, strlen (objects), message);

  /* Brackets inside strings are text, not nesting. */
  string_node = parse (in_string);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (string_node));
}

static void
test_parse_depth_huge (void)
{
  static const gsize sizes[] = { 100000, 1024 * 1024 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *text = g_malloc (sizes[i]);
      gint64 start;
      gint64 elapsed;

      memset (text, '[', sizes[i]);

      start = g_get_monotonic_time ();
      assert_refused (text, sizes[i], NULL);
      elapsed = g_get_monotonic_time () - start;

      /* Refused by a linear scan, long before any recursion could start. */
      g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
    }
}

static void
test_parse_trailing_garbage (void)
{
  static const char * const documents[] = {
    "{} x",
    "{}{}",
    "[1] [2]",
    "{},",
    "1 2",
    "\"a\" \"b\"",
    "nullx",
    "truefalse",
    "{}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_refused (documents[i], strlen (documents[i]), "The request body is not valid JSON");
}

static void
test_parse_malformed (void)
{
  /* Most of these are accepted by JsonParser alone, which must not decide for us. */
  static const char * const documents[] = {
    "{",
    "[1,",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{a:1}",
    "{1:1}",
    "['single']",
    "[/* comment */ 1]",
    "[1] // comment",
    "# comment\n[]",
    "[0x10]",
    "[01]",
    "[+1]",
    "[.5]",
    "[1.]",
    "[1e]",
    "[-]",
    "[NaN]",
    "[Infinity]",
    "[tru]",
    "[\"a\nb\"]",
    "[\"a\tb\"]",
    "[\"\\x41\"]",
    "[\"\\u12\"]",
    "[\"\\ud800\"]",
    "[\"\\ud800\\u0041\"]",
    "[\"\\udc00\"]",
    "[\"unterminated]",
    "\xef\xbb\xbf{}",
    "}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_refused (documents[i], strlen (documents[i]), "The request body is not valid JSON");
}

static void
test_parse_out_of_range (void)
{
  static const char * const documents[] = {
    "[9223372036854775808]",
    "[-9223372036854775809]",
    "[99999999999999999999]",
    "[1e999]",
    "[-1e999]",
  };
  g_autoptr(JsonNode) tiny = NULL;

  /* json-glib would wrap these around to other numbers without a word. */
  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_refused (documents[i], strlen (documents[i]),
                    "The request body contains a number that is out of range");

  tiny = parse ("[1e-999]");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (tiny));
}

static void
test_to_string (void)
{
  g_autoptr(JsonNode) node = parse ("{\"a\":[1,2],\"b\":\"c\"}");
  g_autofree char *compact = sd_json_to_string (node, FALSE);
  g_autofree char *pretty = sd_json_to_string (node, TRUE);
  g_autoptr(GBytes) bytes = sd_json_to_bytes (node);
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (compact, ==, "{\"a\":[1,2],\"b\":\"c\"}");
  g_assert_nonnull (strchr (pretty, '\n'));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   compact, strlen (compact));

  reparsed = sd_json_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (node, reparsed));
}

static void
test_time_format (void)
{
  g_autoptr(GTimeZone) plus_one = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  g_autoptr(GDateTime) local = g_date_time_new (plus_one, 2026, 11, 26, 9, 0, 0);
  g_autoptr(GDateTime) fraction = g_date_time_new_utc (2026, 11, 26, 8, 0, 59.75);
  g_autoptr(GDateTime) early = g_date_time_new_utc (999, 1, 2, 3, 4, 5);
  g_autofree char *utc_text = sd_json_format_time (utc);
  g_autofree char *local_text = sd_json_format_time (local);
  g_autofree char *fraction_text = sd_json_format_time (fraction);
  g_autofree char *early_text = sd_json_format_time (early);

  g_assert_cmpstr (utc_text, ==, "2026-11-26T08:00:00Z");
  g_assert_cmpstr (local_text, ==, "2026-11-26T08:00:00Z");
  g_assert_cmpstr (fraction_text, ==, "2026-11-26T08:00:59Z");
  g_assert_cmpstr (early_text, ==, "0999-01-02T03:04:05Z");
  g_assert_null (sd_json_format_time (NULL));
}

static void
test_time_parse (void)
{
  static const struct {
    const char *text;
    const char *utc;
  } valid[] = {
    { "2026-11-26T08:00:00Z", "2026-11-26T08:00:00Z" },
    { "2026-11-26t08:00:00z", "2026-11-26T08:00:00Z" },
    { "2026-11-26T09:30:00+01:30", "2026-11-26T08:00:00Z" },
    { "2026-11-26T03:00:00-05:00", "2026-11-26T08:00:00Z" },
    { "2026-11-26T00:30:00-23:59", "2026-11-27T00:29:00Z" },
    { "2026-11-26T08:00:00.999999999Z", "2026-11-26T08:00:00Z" },
    { "2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59Z" },
  };
  static const char * const garbage[] = {
    "",
    "now",
    "2026-11-26",
    "2026-11-26T08:00:00",
    "2026-11-26 08:00:00Z",
    "2026-11-26T08:00Z",
    "2026-11-26T8:00:00Z",
    "26-11-26T08:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-11-26T24:00:00Z",
    "2026-11-26T23:60:00Z",
    "2026-12-31T23:59:60Z",
    "2026-11-26T08:00:00.Z",
    "2026-11-26T08:00:00+0100",
    "2026-11-26T08:00:00+24:00",
    "2026-11-26T08:00:00Z ",
    "2026-11-26T08:00:00ZZ",
    "2026-W48-4T08:00:00Z",
    "20261126T080000Z",
    "\xff\xfe",
  };
  g_autoptr(GDateTime) fraction = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GDateTime) time = sd_json_parse_time (valid[i].text);
      g_autofree char *text = NULL;

      g_assert_nonnull (time);
      g_assert_cmpint (g_date_time_get_utc_offset (time), ==, 0);
      text = sd_json_format_time (time);
      g_assert_cmpstr (text, ==, valid[i].utc);
    }

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    g_assert_null (sd_json_parse_time (garbage[i]));
  g_assert_null (sd_json_parse_time (NULL));

  fraction = sd_json_parse_time ("2026-11-26T08:00:00.25Z");
  g_assert_cmpint (g_date_time_get_microsecond (fraction), ==, 250000);
}

static void
test_builder (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  sd_json_builder_add_time (builder, "set", time);
  sd_json_builder_add_time (builder, "unset", NULL);
  sd_json_builder_add_string (builder, "text", "value");
  sd_json_builder_add_string (builder, "no_text", NULL);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  text = sd_json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"set\":\"2026-11-26T08:00:00Z\",\"unset\":null,"
                   "\"text\":\"value\",\"no_text\":null}");
}

typedef struct
{
  JsonNode   *node;
  JsonObject *object;
} GetterFixture;

static void
getter_fixture_set_up (GetterFixture *fixture,
                       gconstpointer  data)
{
  fixture->node = parse ("{\"string\":\"text\",\"int\":42,\"real\":42.0,\"exp\":42e0,"
                         "\"bool\":true,\"time\":\"2026-11-26T08:00:00Z\","
                         "\"object\":{\"a\":1},\"array\":[1],\"null\":null}");
  fixture->object = json_node_get_object (fixture->node);
}

static void
getter_fixture_tear_down (GetterFixture *fixture,
                          gconstpointer  data)
{
  g_clear_pointer (&fixture->node, json_node_unref);
}

static void
assert_field_error (GError     *error,
                    const char *member)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", member);

  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, quoted));
}

static void
test_get_string (GetterFixture *fixture,
                 gconstpointer  data)
{
  static const char * const wrong[] = { "int", "real", "bool", "object", "array" };
  const char *value = "untouched";
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_json_get_string (fixture->object, "string", TRUE, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "text");

  value = "untouched";
  g_assert_true (sd_json_get_string (fixture->object, "absent", FALSE, &value, &error));
  g_assert_true (sd_json_get_string (fixture->object, "null", FALSE, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "untouched");

  g_assert_false (sd_json_get_string (fixture->object, "absent", TRUE, &value, &error));
  assert_field_error (error, "absent");
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  g_assert_false (sd_json_get_string (fixture->object, "null", TRUE, &value, &error));
  assert_field_error (error, "null");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_assert_false (sd_json_get_string (fixture->object, wrong[i], FALSE, &value, &error));
      assert_field_error (error, wrong[i]);
      g_clear_error (&error);
    }
  g_assert_cmpstr (value, ==, "untouched");
}

static void
test_get_string_built (void)
{
  g_autoptr(JsonObject) object = json_object_new ();
  const char *value = NULL;
  g_autoptr(GError) error = NULL;

  /* Nodes made in code have not been through the parser's checks. */
  json_object_set_string_member (object, "bad", "caf\xc3");
  g_assert_false (sd_json_get_string (object, "bad", TRUE, &value, &error));
  assert_field_error (error, "bad");
  g_assert_null (value);
}

static void
test_get_int (GetterFixture *fixture,
              gconstpointer  data)
{
  static const char * const wrong[] = { "string", "real", "exp", "bool", "object", "array" };
  gint64 value = -7;
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_json_get_int (fixture->object, "int", TRUE, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 42);

  value = -7;
  g_assert_true (sd_json_get_int (fixture->object, "absent", FALSE, &value, &error));
  g_assert_true (sd_json_get_int (fixture->object, "null", FALSE, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, -7);

  g_assert_false (sd_json_get_int (fixture->object, "absent", TRUE, &value, &error));
  assert_field_error (error, "absent");
  g_clear_error (&error);

  /* 42.0 and 42e0 are reals to json-glib, and ids must be exact. */
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_assert_false (sd_json_get_int (fixture->object, wrong[i], TRUE, &value, &error));
      assert_field_error (error, wrong[i]);
      g_clear_error (&error);
    }
  g_assert_cmpint (value, ==, -7);
}

static void
test_get_boolean (GetterFixture *fixture,
                  gconstpointer  data)
{
  static const char * const wrong[] = { "string", "int", "object", "array" };
  gboolean value = FALSE;
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_json_get_boolean (fixture->object, "bool", TRUE, &value, &error));
  g_assert_no_error (error);
  g_assert_true (value);

  value = FALSE;
  g_assert_true (sd_json_get_boolean (fixture->object, "null", FALSE, &value, &error));
  g_assert_false (value);

  g_assert_false (sd_json_get_boolean (fixture->object, "absent", TRUE, &value, &error));
  assert_field_error (error, "absent");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_assert_false (sd_json_get_boolean (fixture->object, wrong[i], TRUE, &value, &error));
      assert_field_error (error, wrong[i]);
      g_clear_error (&error);
    }
}

static void
test_get_time (GetterFixture *fixture,
               gconstpointer  data)
{
  static const char * const wrong[] = { "string", "int", "bool", "object", "array" };
  g_autoptr(GDateTime) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (sd_json_get_time (fixture->object, "time", TRUE, &value, &error));
  g_assert_no_error (error);
  text = sd_json_format_time (value);
  g_assert_cmpstr (text, ==, "2026-11-26T08:00:00Z");
  g_clear_pointer (&value, g_date_time_unref);

  g_assert_true (sd_json_get_time (fixture->object, "absent", FALSE, &value, &error));
  g_assert_true (sd_json_get_time (fixture->object, "null", FALSE, &value, &error));
  g_assert_true (sd_json_get_time (fixture->object, "time", FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_false (sd_json_get_time (fixture->object, "null", TRUE, &value, &error));
  assert_field_error (error, "null");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_assert_false (sd_json_get_time (fixture->object, wrong[i], FALSE, &value, &error));
      assert_field_error (error, wrong[i]);
      g_clear_error (&error);
    }
  g_assert_null (value);
}

static void
test_get_object_array (GetterFixture *fixture,
                       gconstpointer  data)
{
  JsonObject *object = NULL;
  JsonArray *array = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_json_get_object (fixture->object, "object", TRUE, &object, &error));
  g_assert_true (sd_json_get_array (fixture->object, "array", TRUE, &array, &error));
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (object, "a"), ==, 1);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);

  object = NULL;
  array = NULL;
  g_assert_true (sd_json_get_object (fixture->object, "null", FALSE, &object, &error));
  g_assert_true (sd_json_get_array (fixture->object, "absent", FALSE, &array, &error));
  g_assert_no_error (error);
  g_assert_null (object);
  g_assert_null (array);

  g_assert_false (sd_json_get_object (fixture->object, "array", FALSE, &object, &error));
  assert_field_error (error, "array");
  g_clear_error (&error);

  g_assert_false (sd_json_get_array (fixture->object, "object", FALSE, &array, &error));
  assert_field_error (error, "object");
  g_clear_error (&error);

  g_assert_false (sd_json_get_array (fixture->object, "string", TRUE, &array, &error));
  assert_field_error (error, "string");
  g_assert_null (object);
  g_assert_null (array);
}

/* What JsonGenerator writes for @value as the only member of an object. */
static char *
generated_string (const char *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return sd_json_to_string (node, FALSE);
}

static void
test_append_string (void)
{
  const char *values[] = {
    "",
    "plain text",
    "\"quoted\" and \\back\\slashed\\",
    "</script><script>alert(1)</script>",
    "line\nbreak\r\n\ttab\bback\fform",
    "\x01\x02\x07\x0b\x0e\x1e\x7f",
    "separators \xe2\x80\xa8 and \xe2\x80\xa9",
    "Ünïcödé ✓ 漢字 \xf0\x9f\x98\x80",
    "\\u0000 is text here",
    "{\"id\":1}",
  };
  g_autoptr(GString) null_text = g_string_new (NULL);

  sd_json_append_string (null_text, NULL);
  g_assert_cmpstr (null_text->str, ==, "null");

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GString) text = g_string_new ("{\"v\":");
      g_autofree char *expected = generated_string (values[i]);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      sd_json_append_string (text, values[i]);
      g_string_append_c (text, '}');

      /* The same bytes as JsonGenerator, and the same text once parsed. */
      g_assert_cmpstr (text->str, ==, expected);
      node = sd_json_parse_data (text->str, text->len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "v"), ==,
                       values[i]);
    }
}

/* JsonGenerator writes U+001F raw, which is no JSON; here it is escaped. */
static void
test_append_string_unit_separator (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  sd_json_append_string (text, "a\x1f" "b");
  g_assert_cmpstr (text->str, ==, "\"a\\u001fb\"");
  node = json_from_string (text->str, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (json_node_get_string (node), ==, "a\x1f" "b");
}

static void
test_append_int (void)
{
  const gint64 values[] = { 0, 1, -1, 9, 10, 42, -987654321, G_MAXINT64, G_MININT64 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, values[i]);

      sd_json_append_int (text, values[i]);
      g_assert_cmpstr (text->str, ==, expected);
    }
}

/* The formatting through GDateTime that sd_json_format_time() used to do. */
static char *
format_through_date_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  if (time == NULL)
    return NULL;

  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time), g_date_time_get_hour (time),
                          g_date_time_get_minute (time), g_date_time_get_second (time));
}

static void
assert_unix_time (gint64 unix_seconds)
{
  g_autofree char *expected = format_through_date_time (unix_seconds);
  g_autoptr(GString) appended = g_string_new (NULL);
  char text[SD_JSON_TIME_SIZE];

  if (expected == NULL)
    {
      g_assert_false (sd_json_format_unix_time (unix_seconds, text));
      sd_json_append_unix_time (appended, unix_seconds);
      g_assert_cmpstr (appended->str, ==, "null");
      return;
    }

  g_assert_true (sd_json_format_unix_time (unix_seconds, text));
  g_assert_cmpstr (text, ==, expected);
  sd_json_append_unix_time (appended, unix_seconds);
  g_assert_cmpint (appended->len, ==, strlen (expected) + 2);
  g_assert_cmpint (strncmp (appended->str + 1, expected, strlen (expected)), ==, 0);
}

static void
test_unix_time (void)
{
  const gint64 values[] = {
    0, 1, -1, 59, 60, 86399, 86400, -86400, -86401,
    951782400,                       /* 2000-02-29 */
    951868800,                       /* 2000-03-01 */
    4107542400,                      /* 2100-03-01: no leap day in 2100 */
    1795680000,                      /* 2026-11-26 */
    G_GINT64_CONSTANT (-62135596800),  /* 0001-01-01T00:00:00Z */
    G_GINT64_CONSTANT (-62135596801),
    G_GINT64_CONSTANT (253402300799),  /* 9999-12-31T23:59:59Z */
    G_GINT64_CONSTANT (253402300800),
    G_MAXINT64, G_MININT64 + 1,
  };
  g_autoptr(GString) none = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261126);
  char text[SD_JSON_TIME_SIZE];

  g_assert_false (sd_json_format_unix_time (SD_JSON_NO_TIME, text));
  sd_json_append_unix_time (none, SD_JSON_NO_TIME);
  g_assert_cmpstr (none->str, ==, "null");

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    assert_unix_time (values[i]);

  /* Every day of the years 1–9999 would be slow; random seconds of them are not. */
  for (guint i = 0; i < 100000; i++)
    assert_unix_time (G_GINT64_CONSTANT (-62135596800) +
                      (gint64) (g_rand_double (rand) * G_GINT64_CONSTANT (315537897600)));
}

/* Times in other zones and with fractions are written in UTC, rounded down. */
static void
test_format_time_zones (void)
{
  g_autoptr(GTimeZone) east = g_time_zone_new_offset (5 * 3600 + 30 * 60);
  g_autoptr(GTimeZone) west = g_time_zone_new_offset (-3600);
  g_autoptr(GDateTime) india = g_date_time_new (east, 2026, 1, 1, 2, 0, 0.75);
  g_autoptr(GDateTime) first = g_date_time_new (east, 1, 1, 1, 3, 0, 0);
  g_autoptr(GDateTime) last = g_date_time_new (west, 9999, 12, 31, 23, 30, 0);
  g_autoptr(GDateTime) before_1970 = g_date_time_new_utc (1969, 12, 31, 23, 59, 59.5);
  g_autofree char *india_text = sd_json_format_time (india);
  g_autofree char *first_text = sd_json_format_time (first);
  g_autofree char *last_text = sd_json_format_time (last);
  g_autofree char *before_text = sd_json_format_time (before_1970);

  g_assert_cmpstr (india_text, ==, "2025-12-31T20:30:00Z");
  g_assert_null (first_text);
  g_assert_null (last_text);
  g_assert_cmpstr (before_text, ==, "1969-12-31T23:59:59Z");
  g_assert_null (sd_json_format_time (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/json/parse/valid", test_parse_valid);
  g_test_add_func ("/sd/models/json/parse/bytes", test_parse_bytes);
  g_test_add_func ("/sd/models/json/parse/empty", test_parse_empty);
  g_test_add_func ("/sd/models/json/parse/invalid-utf8", test_parse_invalid_utf8);
  g_test_add_func ("/sd/models/json/parse/nul", test_parse_nul);
  g_test_add_func ("/sd/models/json/parse/depth", test_parse_depth);
  g_test_add_func ("/sd/models/json/parse/depth-huge", test_parse_depth_huge);
  g_test_add_func ("/sd/models/json/parse/trailing-garbage", test_parse_trailing_garbage);
  g_test_add_func ("/sd/models/json/parse/malformed", test_parse_malformed);
  g_test_add_func ("/sd/models/json/parse/out-of-range", test_parse_out_of_range);
  g_test_add_func ("/sd/models/json/to-string", test_to_string);
  g_test_add_func ("/sd/models/json/time/format", test_time_format);
  g_test_add_func ("/sd/models/json/time/parse", test_time_parse);
  g_test_add_func ("/sd/models/json/time/unix", test_unix_time);
  g_test_add_func ("/sd/models/json/time/zones", test_format_time_zones);
  g_test_add_func ("/sd/models/json/append/string", test_append_string);
  g_test_add_func ("/sd/models/json/append/unit-separator", test_append_string_unit_separator);
  g_test_add_func ("/sd/models/json/append/int", test_append_int);
  g_test_add_func ("/sd/models/json/builder", test_builder);
  g_test_add ("/sd/models/json/get/string", GetterFixture, NULL,
              getter_fixture_set_up, test_get_string, getter_fixture_tear_down);
  g_test_add_func ("/sd/models/json/get/string-built", test_get_string_built);
  g_test_add ("/sd/models/json/get/int", GetterFixture, NULL,
              getter_fixture_set_up, test_get_int, getter_fixture_tear_down);
  g_test_add ("/sd/models/json/get/boolean", GetterFixture, NULL,
              getter_fixture_set_up, test_get_boolean, getter_fixture_tear_down);
  g_test_add ("/sd/models/json/get/time", GetterFixture, NULL,
              getter_fixture_set_up, test_get_time, getter_fixture_tear_down);
  g_test_add ("/sd/models/json/get/object-array", GetterFixture, NULL,
              getter_fixture_set_up, test_get_object_array, getter_fixture_tear_down);

  return g_test_run ();
}
