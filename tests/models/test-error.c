#define G_LOG_DOMAIN "sd-test-error"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

static const struct {
  SdApiError  error;
  const char *code;
  guint       status;
} table[] = {
  { SD_API_ERROR_INVALID_JSON, "invalid_json", 400 },
  { SD_API_ERROR_INVALID_FIELD, "invalid_field", 400 },
  { SD_API_ERROR_UNAUTHORIZED, "unauthorized", 401 },
  { SD_API_ERROR_FORBIDDEN, "forbidden", 403 },
  { SD_API_ERROR_NOT_FOUND, "not_found", 404 },
  { SD_API_ERROR_METHOD_NOT_ALLOWED, "method_not_allowed", 405 },
  { SD_API_ERROR_CONFLICT, "conflict", 409 },
  { SD_API_ERROR_PAYLOAD_TOO_LARGE, "payload_too_large", 413 },
  { SD_API_ERROR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415 },
  { SD_API_ERROR_RATE_LIMITED, "rate_limited", 429 },
  { SD_API_ERROR_INTERNAL, "internal", 500 },
};

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);

  return node;
}

static void
test_quark (void)
{
  g_assert_cmpstr (g_quark_to_string (SD_API_ERROR), ==, "sd-api-error-quark");
}

static void
test_table (void)
{
  G_STATIC_ASSERT (G_N_ELEMENTS (table) == SD_API_ERROR_INTERNAL + 1);

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      SdApiError error = SD_API_ERROR_INTERNAL;
      SdApiError expected;

      g_assert_cmpstr (sd_api_error_to_code (table[i].error), ==, table[i].code);
      g_assert_cmpuint (sd_api_error_to_status (table[i].error), ==, table[i].status);

      g_assert_true (sd_api_error_from_code (table[i].code, &error));
      g_assert_cmpint (error, ==, table[i].error);
      g_assert_true (sd_api_error_from_code (table[i].code, NULL));

      /* 400 is shared by two codes; without a body it reads as the more general one. */
      expected = table[i].status == 400 ? SD_API_ERROR_INVALID_FIELD : table[i].error;
      g_assert_cmpint (sd_api_error_from_status (table[i].status), ==, expected);
    }
}

static void
test_from_code_unknown (void)
{
  static const char * const codes[] = {
    "", "INVALID_JSON", "invalid json", "not_found ", "teapot", "internal\n",
  };
  SdApiError error = SD_API_ERROR_CONFLICT;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_false (sd_api_error_from_code (codes[i], &error));
  g_assert_false (sd_api_error_from_code (NULL, &error));

  g_assert_cmpint (error, ==, SD_API_ERROR_CONFLICT);
}

static void
test_from_status (void)
{
  static const struct {
    guint      status;
    SdApiError error;
  } statuses[] = {
    { 422, SD_API_ERROR_INVALID_FIELD },
    { 418, SD_API_ERROR_INVALID_FIELD },
    { 499, SD_API_ERROR_INVALID_FIELD },
    { 407, SD_API_ERROR_UNAUTHORIZED },
    { 410, SD_API_ERROR_NOT_FOUND },
    { 501, SD_API_ERROR_INTERNAL },
    { 502, SD_API_ERROR_INTERNAL },
    { 503, SD_API_ERROR_INTERNAL },
    { 599, SD_API_ERROR_INTERNAL },
    { 0, SD_API_ERROR_INTERNAL },
    { 200, SD_API_ERROR_INTERNAL },
    { 302, SD_API_ERROR_INTERNAL },
    { 999, SD_API_ERROR_INTERNAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_assert_cmpint (sd_api_error_from_status (statuses[i].status), ==, statuses[i].error);
}

static void
test_to_json (void)
{
  g_autoptr(JsonNode) with_field = NULL;
  g_autoptr(JsonNode) without_field = NULL;
  g_autoptr(JsonNode) without_message = NULL;
  g_autofree char *with_field_text = NULL;
  g_autofree char *without_field_text = NULL;
  g_autofree char *without_message_text = NULL;

  with_field = sd_api_error_to_json (SD_API_ERROR_INVALID_FIELD,
                                     "Subject must not be empty", "subject");
  with_field_text = sd_json_to_string (with_field, FALSE);
  g_assert_cmpstr (with_field_text, ==,
                   "{\"error\":{\"code\":\"invalid_field\","
                   "\"message\":\"Subject must not be empty\",\"field\":\"subject\"}}");

  without_field = sd_api_error_to_json (SD_API_ERROR_NOT_FOUND, "No such ticket", NULL);
  without_field_text = sd_json_to_string (without_field, FALSE);
  g_assert_cmpstr (without_field_text, ==,
                   "{\"error\":{\"code\":\"not_found\",\"message\":\"No such ticket\"}}");

  /* The contract requires a message, so there is always one. */
  without_message = sd_api_error_to_json (SD_API_ERROR_INTERNAL, NULL, NULL);
  without_message_text = sd_json_to_string (without_message, FALSE);
  g_assert_true (g_str_has_prefix (without_message_text,
                                   "{\"error\":{\"code\":\"internal\",\"message\":\""));
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *message = NULL;
      g_autofree char *field = NULL;
      SdApiError error;

      node = sd_api_error_to_json (table[i].error, "A message", i % 2 ? "a_field" : NULL);
      g_assert_true (sd_api_error_from_json (node, &error, &message, &field));
      g_assert_cmpint (error, ==, table[i].error);
      g_assert_cmpstr (message, ==, "A message");
      g_assert_cmpstr (field, ==, i % 2 ? "a_field" : NULL);
    }
}

static void
test_from_json (void)
{
  static const struct {
    const char *text;
    SdApiError  error;
    const char *message;
    const char *field;
  } bodies[] = {
    {
      "{\"error\":{\"code\":\"invalid_field\",\"message\":\"Bad\",\"field\":\"subject\"}}",
      SD_API_ERROR_INVALID_FIELD, "Bad", "subject"
    },
    { "{\"error\":{\"code\":\"forbidden\"}}", SD_API_ERROR_FORBIDDEN, NULL, NULL },
    {
      "{\"error\":{\"code\":\"rate_limited\",\"message\":5,\"field\":[]},\"extra\":1}",
      SD_API_ERROR_RATE_LIMITED, NULL, NULL
    },
    {
      "{\"error\":{\"code\":\"conflict\",\"message\":null,\"field\":null}}",
      SD_API_ERROR_CONFLICT, NULL, NULL
    },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = parse (bodies[i].text);
      g_autofree char *message = NULL;
      g_autofree char *field = NULL;
      SdApiError error = SD_API_ERROR_INTERNAL;

      g_assert_true (sd_api_error_from_json (node, &error, &message, &field));
      g_assert_cmpint (error, ==, bodies[i].error);
      g_assert_cmpstr (message, ==, bodies[i].message);
      g_assert_cmpstr (field, ==, bodies[i].field);

      g_assert_true (sd_api_error_from_json (node, NULL, NULL, NULL));
    }
}

static void
test_from_json_not_an_error (void)
{
  static const char * const bodies[] = {
    "{}",
    "[]",
    "null",
    "\"error\"",
    "{\"error\":null}",
    "{\"error\":\"invalid_json\"}",
    "{\"error\":[]}",
    "{\"error\":{}}",
    "{\"error\":{\"code\":5}}",
    "{\"error\":{\"code\":\"no_such_code\",\"message\":\"Hi\"}}",
    "{\"code\":\"not_found\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = parse (bodies[i]);
      SdApiError error = SD_API_ERROR_CONFLICT;
      char *message = NULL;
      char *field = NULL;

      g_assert_false (sd_api_error_from_json (node, &error, &message, &field));
      g_assert_cmpint (error, ==, SD_API_ERROR_CONFLICT);
      g_assert_null (message);
      g_assert_null (field);
    }

  g_assert_false (sd_api_error_from_json (NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/error/quark", test_quark);
  g_test_add_func ("/sd/models/error/table", test_table);
  g_test_add_func ("/sd/models/error/from-code/unknown", test_from_code_unknown);
  g_test_add_func ("/sd/models/error/from-status", test_from_status);
  g_test_add_func ("/sd/models/error/to-json", test_to_json);
  g_test_add_func ("/sd/models/error/round-trip", test_round_trip);
  g_test_add_func ("/sd/models/error/from-json", test_from_json);
  g_test_add_func ("/sd/models/error/from-json/not-an-error", test_from_json_not_an_error);

  return g_test_run ();
}
