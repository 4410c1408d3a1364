#define G_LOG_DOMAIN "sd-test-limits"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-limits.h"

#include <string.h>

#define LIMITS_TEXT \
  "{\"max_upload_size\":52428800,\"max_uploads\":20,\"max_subject_length\":200," \
  "\"max_body_length\":65536}"

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
test_from_json (void)
{
  g_autoptr(JsonNode) node = parse (LIMITS_TEXT);
  g_autoptr(JsonNode) large_node = NULL;
  g_autoptr(GError) error = NULL;
  SdLimits *limits;
  SdLimits *large;
  gint64 max_upload_size = 0;
  guint max_uploads = 0;

  limits = sd_limits_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_limits_get_max_upload_size (limits), ==, 52428800);
  g_assert_cmpuint (sd_limits_get_max_uploads (limits), ==, 20);
  g_assert_cmpuint (sd_limits_get_max_subject_length (limits), ==, 200);
  g_assert_cmpuint (sd_limits_get_max_body_length (limits), ==, 65536);

  g_object_get (limits,
                "max-upload-size", &max_upload_size,
                "max-uploads", &max_uploads,
                NULL);
  g_assert_cmpint (max_upload_size, ==, 52428800);
  g_assert_cmpuint (max_uploads, ==, 20);

  /* Sizes past 4 GiB fit; members the client does not know are ignored. */
  large_node = parse ("{\"max_upload_size\":9223372036854775807,\"max_uploads\":1,"
                      "\"max_subject_length\":1,\"max_body_length\":4294967295,"
                      "\"max_ticket_count\":7}");
  large = sd_limits_new_from_json (large_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_limits_get_max_upload_size (large), ==, G_MAXINT64);
  g_assert_cmpuint (sd_limits_get_max_body_length (large), ==, G_MAXUINT32);

  g_assert_finalize_object (large);
  g_assert_finalize_object (limits);
}

static void
test_round_trip (void)
{
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *text = NULL;
  SdLimits *limits;

  limits = sd_limits_new (52428800, 20, 200, 65536);
  written = sd_limits_to_json (limits);
  text = sd_json_to_string (written, FALSE);
  g_assert_cmpstr (text, ==, LIMITS_TEXT);

  g_assert_finalize_object (limits);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"max_uploads\":20,\"max_subject_length\":200,\"max_body_length\":65536}",
      "max_upload_size" },
    { "{\"max_upload_size\":null,\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_upload_size" },
    { "{\"max_upload_size\":\"50 MiB\",\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_upload_size" },
    { "{\"max_upload_size\":0,\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_upload_size" },
    { "{\"max_upload_size\":-1,\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_upload_size" },
    { "{\"max_upload_size\":1.5,\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_upload_size" },
    { "{\"max_upload_size\":1,\"max_uploads\":0,\"max_subject_length\":200,"
      "\"max_body_length\":65536}", "max_uploads" },
    { "{\"max_upload_size\":1,\"max_uploads\":20,\"max_body_length\":65536}",
      "max_subject_length" },
    { "{\"max_upload_size\":1,\"max_uploads\":20,\"max_subject_length\":200,"
      "\"max_body_length\":4294967296}", "max_body_length" },
  };
  static const char * const not_objects[] = { "[]", "null", "0", "\"limits\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_limits_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_limits_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/limits/from-json", test_from_json);
  g_test_add_func ("/sd/models/limits/round-trip", test_round_trip);
  g_test_add_func ("/sd/models/limits/invalid", test_invalid);

  return g_test_run ();
}
