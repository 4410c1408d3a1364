#define G_LOG_DOMAIN "sd-test-attachment"

#include "config.h"

#include "sd-attachment.h"
#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

#define SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

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
test_new (void)
{
  SdAttachment *attachment = sd_attachment_new (12, "invoice.pdf", "application/pdf",
                                                4096, SHA256);
  g_autofree char *url = NULL;
  g_autofree char *content_type = NULL;
  gint64 size = 0;

  g_assert_cmpint (sd_attachment_get_id (attachment), ==, 12);
  g_assert_cmpstr (sd_attachment_get_filename (attachment), ==, "invoice.pdf");
  g_assert_cmpstr (sd_attachment_get_content_type (attachment), ==, "application/pdf");
  g_assert_cmpint (sd_attachment_get_size (attachment), ==, 4096);
  g_assert_cmpstr (sd_attachment_get_sha256 (attachment), ==, SHA256);
  g_assert_cmpstr (sd_attachment_get_url (attachment), ==, "/api/v1/attachments/12");

  g_object_get (attachment,
                "url", &url,
                "content-type", &content_type,
                "size", &size,
                NULL);
  g_assert_cmpstr (url, ==, "/api/v1/attachments/12");
  g_assert_cmpstr (content_type, ==, "application/pdf");
  g_assert_cmpint (size, ==, 4096);

  g_assert_finalize_object (attachment);
}

static void
test_round_trip_object (void)
{
  SdAttachment *attachment = sd_attachment_new (G_MAXINT64, "empty.txt", "text/plain", 0, SHA256);
  g_autoptr(JsonNode) node = sd_attachment_to_json (attachment);
  g_autoptr(GError) error = NULL;
  SdAttachment *copy;

  copy = sd_attachment_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_attachment_get_id (copy), ==, G_MAXINT64);
  g_assert_cmpstr (sd_attachment_get_filename (copy), ==, "empty.txt");
  g_assert_cmpstr (sd_attachment_get_content_type (copy), ==, "text/plain");
  g_assert_cmpint (sd_attachment_get_size (copy), ==, 0);
  g_assert_cmpstr (sd_attachment_get_sha256 (copy), ==, SHA256);
  g_assert_cmpstr (sd_attachment_get_url (copy), ==, "/api/v1/attachments/9223372036854775807");

  g_assert_finalize_object (copy);
  g_assert_finalize_object (attachment);
}

static void
test_round_trip_text (void)
{
  static const char document[] =
    "{\"id\":12,\"filename\":\"screen shot.png\",\"content_type\":\"image/png\","
    "\"size\":52428800,\"sha256\":\"" SHA256 "\",\"url\":\"/api/v1/attachments/12\"}";
  g_autoptr(JsonNode) node = parse (document);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SdAttachment *attachment;

  attachment = sd_attachment_new_from_json (node, &error);
  g_assert_no_error (error);
  written = sd_attachment_to_json (attachment);
  text = sd_json_to_string (written, FALSE);
  g_assert_cmpstr (text, ==, document);

  g_assert_finalize_object (attachment);
}

static void
test_url_derived (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\":12,\"filename\":\"a\",\"content_type\":\"b\","
                                    "\"size\":1,\"sha256\":\"c\","
                                    "\"url\":\"https://elsewhere.example/steal\"}");
  g_autoptr(GError) error = NULL;
  SdAttachment *attachment;

  /* The url always follows from the id, whatever the document says. */
  attachment = sd_attachment_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_attachment_get_url (attachment), ==, "/api/v1/attachments/12");

  g_assert_finalize_object (attachment);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}", "id" },
    { "{\"id\":0,\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}", "id" },
    { "{\"id\":1,\"filename\":7,\"content_type\":\"b\",\"size\":1,\"sha256\":\"c\"}",
      "filename" },
    { "{\"id\":1,\"filename\":\"a\",\"size\":1,\"sha256\":\"c\"}", "content_type" },
    { "{\"id\":1,\"filename\":\"a\",\"content_type\":\"b\",\"size\":1.5,\"sha256\":\"c\"}",
      "size" },
    { "{\"id\":1,\"filename\":\"a\",\"content_type\":\"b\",\"size\":-1,\"sha256\":\"c\"}",
      "size" },
    { "{\"id\":1,\"filename\":\"a\",\"content_type\":\"b\",\"size\":\"1\",\"sha256\":\"c\"}",
      "size" },
    { "{\"id\":1,\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,\"sha256\":null}",
      "sha256" },
  };
  static const char * const not_objects[] = { "[]", "null", "12", "\"a.pdf\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_attachment_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_attachment_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/attachment/new", test_new);
  g_test_add_func ("/sd/models/attachment/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/attachment/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/attachment/url-derived", test_url_derived);
  g_test_add_func ("/sd/models/attachment/invalid", test_invalid);

  return g_test_run ();
}
