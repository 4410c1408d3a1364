#define G_LOG_DOMAIN "sd-test-upload-info"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-upload-info.h"

#include <string.h>

#define SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define UPLOAD_TEXT \
  "{\"token\":\"f2b9XkS0d8w1qYQ3\",\"filename\":\"screen shot.png\"," \
  "\"content_type\":\"image/png\",\"size\":52428800,\"sha256\":\"" SHA256 "\"," \
  "\"expires_at\":\"2026-11-27T08:00:00Z\"}"

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
  g_autoptr(JsonNode) node = parse (UPLOAD_TEXT);
  g_autoptr(GError) error = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *content_type = NULL;
  SdUploadInfo *info;
  gint64 size = 0;

  info = sd_upload_info_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_info_get_token (info), ==, "f2b9XkS0d8w1qYQ3");
  g_assert_cmpstr (sd_upload_info_get_filename (info), ==, "screen shot.png");
  g_assert_cmpstr (sd_upload_info_get_content_type (info), ==, "image/png");
  g_assert_cmpint (sd_upload_info_get_size (info), ==, 52428800);
  g_assert_cmpstr (sd_upload_info_get_sha256 (info), ==, SHA256);
  expires_at = sd_json_format_time (sd_upload_info_get_expires_at (info));
  g_assert_cmpstr (expires_at, ==, "2026-11-27T08:00:00Z");

  g_object_get (info,
                "content-type", &content_type,
                "size", &size,
                NULL);
  g_assert_cmpstr (content_type, ==, "image/png");
  g_assert_cmpint (size, ==, 52428800);

  g_assert_finalize_object (info);
}

static void
test_round_trip (void)
{
  g_autoptr(JsonNode) node = parse (UPLOAD_TEXT);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) empty_node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SdUploadInfo *info;
  SdUploadInfo *empty;

  info = sd_upload_info_new_from_json (node, &error);
  g_assert_no_error (error);
  written = sd_upload_info_to_json (info);
  text = sd_json_to_string (written, FALSE);
  g_assert_cmpstr (text, ==, UPLOAD_TEXT);

  /* Empty files are allowed; a missing expiry reads as NULL. */
  empty_node = parse ("{\"token\":\"t\",\"filename\":\"empty\",\"content_type\":\"text/plain\","
                      "\"size\":0,\"sha256\":\"" SHA256 "\",\"expires_at\":null}");
  empty = sd_upload_info_new_from_json (empty_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (empty), ==, 0);
  g_assert_null (sd_upload_info_get_expires_at (empty));

  g_assert_finalize_object (empty);
  g_assert_finalize_object (info);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}", "token" },
    { "{\"token\":\"\",\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}",
      "token" },
    { "{\"token\":5,\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}",
      "token" },
    { "{\"token\":\"t\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}", "filename" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":null,\"size\":1,\"sha256\":\"c\"}",
      "content_type" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":\"b\",\"sha256\":\"c\"}", "size" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":\"b\",\"size\":-1,\"sha256\":\"c\"}",
      "size" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":\"b\",\"size\":1e3,\"sha256\":\"c\"}",
      "size" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":\"b\",\"size\":1}", "sha256" },
    { "{\"token\":\"t\",\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\","
      "\"expires_at\":\"soon\"}", "expires_at" },
  };
  static const char * const not_objects[] = { "[]", "null", "0", "\"token\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_upload_info_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_upload_info_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/upload-info/from-json", test_from_json);
  g_test_add_func ("/sd/models/upload-info/round-trip", test_round_trip);
  g_test_add_func ("/sd/models/upload-info/invalid", test_invalid);

  return g_test_run ();
}
