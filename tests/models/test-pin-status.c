#define G_LOG_DOMAIN "sd-test-pin-status"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-pin-status.h"

#include <string.h>

#define NONE_TEXT \
  "{\"active\":false,\"created_at\":null,\"expires_at\":null,\"used_at\":null,\"used_by\":null}"
#define ACTIVE_TEXT \
  "{\"active\":true,\"created_at\":\"2026-11-26T08:00:00Z\"," \
  "\"expires_at\":\"2026-11-27T08:00:00Z\",\"used_at\":null,\"used_by\":null}"
#define USED_TEXT \
  "{\"active\":false,\"created_at\":\"2026-11-26T08:00:00Z\"," \
  "\"expires_at\":\"2026-11-27T08:00:00Z\",\"used_at\":\"2026-11-26T09:30:00Z\"," \
  "\"used_by\":{\"id\":3,\"name\":\"Sam Agent\"}}"
#define RENEWED_TEXT \
  "{\"pin\":\"482913706\",\"created_at\":\"2026-11-26T08:00:00Z\"," \
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

static SdPinStatus *
status_from_text (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  SdPinStatus *status;

  status = sd_pin_status_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (SD_IS_PIN_STATUS (status));

  return status;
}

static void
test_none (void)
{
  SdPinStatus *status = status_from_text (NONE_TEXT);

  g_assert_false (sd_pin_status_get_active (status));
  g_assert_null (sd_pin_status_get_pin (status));
  g_assert_null (sd_pin_status_get_created_at (status));
  g_assert_null (sd_pin_status_get_expires_at (status));
  g_assert_null (sd_pin_status_get_used_at (status));
  g_assert_null (sd_pin_status_get_used_by (status));

  g_assert_finalize_object (status);
}

static void
test_used (void)
{
  SdPinStatus *status = status_from_text (USED_TEXT);
  g_autofree char *used_at = sd_json_format_time (sd_pin_status_get_used_at (status));
  SdUser *used_by = sd_pin_status_get_used_by (status);
  gboolean active = TRUE;

  g_assert_false (sd_pin_status_get_active (status));
  g_assert_cmpstr (used_at, ==, "2026-11-26T09:30:00Z");
  g_assert_nonnull (used_by);
  g_assert_cmpint (sd_user_get_id (used_by), ==, 3);
  g_assert_cmpstr (sd_user_get_name (used_by), ==, "Sam Agent");

  g_object_get (status, "active", &active, NULL);
  g_assert_false (active);

  g_assert_finalize_object (status);
}

/* A renewal's answer has the plain PIN and no "active": a PIN just made is active. */
static void
test_renewed (void)
{
  SdPinStatus *status = status_from_text (RENEWED_TEXT);
  g_autofree char *expires_at = sd_json_format_time (sd_pin_status_get_expires_at (status));
  g_autofree char *pin = NULL;

  g_assert_true (sd_pin_status_get_active (status));
  g_assert_cmpstr (sd_pin_status_get_pin (status), ==, "482913706");
  g_assert_cmpstr (expires_at, ==, "2026-11-27T08:00:00Z");
  g_object_get (status, "pin", &pin, NULL);
  g_assert_cmpstr (pin, ==, "482913706");

  g_assert_finalize_object (status);
}

static void
test_round_trip (void)
{
  static const char * const documents[] = { NONE_TEXT, ACTIVE_TEXT, USED_TEXT };
  SdPinStatus *renewed = status_from_text (RENEWED_TEXT);
  g_autoptr(JsonNode) renewed_node = sd_pin_status_to_json (renewed);
  g_autoptr(GError) error = NULL;
  SdPinStatus *copy;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SdPinStatus *status = status_from_text (documents[i]);
      g_autoptr(JsonNode) written = sd_pin_status_to_json (status);
      g_autofree char *text = sd_json_to_string (written, FALSE);

      g_assert_cmpstr (text, ==, documents[i]);

      g_assert_finalize_object (status);
    }

  /* Written as a status, the renewal keeps its PIN and reads back the same. */
  copy = sd_pin_status_new_from_json (renewed_node, &error);
  g_assert_no_error (error);
  g_assert_true (sd_pin_status_get_active (copy));
  g_assert_cmpstr (sd_pin_status_get_pin (copy), ==, "482913706");
  g_assert_true (g_date_time_equal (sd_pin_status_get_created_at (copy),
                                    sd_pin_status_get_created_at (renewed)));

  g_assert_finalize_object (copy);
  g_assert_finalize_object (renewed);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{}", "active" },
    { "{\"created_at\":null}", "active" },
    { "{\"active\":1}", "active" },
    { "{\"active\":\"true\"}", "active" },
    { "{\"pin\":482913706}", "pin" },
    { "{\"pin\":\"\"}", "pin" },
    { "{\"pin\":\"4829-13706\"}", "pin" },
    { "{\"pin\":\"123\",\"active\":\"yes\"}", "active" },
    { "{\"active\":true,\"created_at\":\"now\"}", "created_at" },
    { "{\"active\":true,\"expires_at\":0}", "expires_at" },
    { "{\"active\":false,\"used_at\":\"2026-11-26\"}", "used_at" },
    { "{\"active\":false,\"used_by\":\"Sam\"}", "used_by" },
    { "{\"active\":false,\"used_by\":{\"name\":\"Sam\"}}", "id" },
  };
  static const char * const not_objects[] = { "[]", "null", "true", "\"482913706\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_pin_status_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_pin_status_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/pin-status/none", test_none);
  g_test_add_func ("/sd/models/pin-status/used", test_used);
  g_test_add_func ("/sd/models/pin-status/renewed", test_renewed);
  g_test_add_func ("/sd/models/pin-status/round-trip", test_round_trip);
  g_test_add_func ("/sd/models/pin-status/invalid", test_invalid);

  return g_test_run ();
}
