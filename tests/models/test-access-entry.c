#define G_LOG_DOMAIN "sd-test-access-entry"

#include "config.h"

#include "sd-access-entry.h"
#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

#define PIN_ENTRY_TEXT \
  "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":3,\"name\":\"Sam Agent\"}," \
  "\"via\":\"pin\",\"ticket_id\":null}"
#define INVITATION_ENTRY_TEXT \
  "{\"at\":\"2026-11-27T10:15:00Z\",\"agent\":{\"id\":4,\"name\":\"Kim\"}," \
  "\"via\":\"invitation\",\"ticket_id\":42}"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);

  return node;
}

static SdAccessEntry *
entry_from_text (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  SdAccessEntry *entry;

  entry = sd_access_entry_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (SD_IS_ACCESS_ENTRY (entry));

  return entry;
}

static void
test_from_json (void)
{
  SdAccessEntry *pin_entry = entry_from_text (PIN_ENTRY_TEXT);
  SdAccessEntry *invitation_entry = entry_from_text (INVITATION_ENTRY_TEXT);
  g_autofree char *at = sd_json_format_time (sd_access_entry_get_at (pin_entry));
  g_autofree char *via = NULL;
  SdUser *agent = sd_access_entry_get_agent (pin_entry);

  g_assert_cmpstr (at, ==, "2026-11-26T08:00:00Z");
  g_assert_cmpint (sd_user_get_id (agent), ==, 3);
  g_assert_cmpstr (sd_user_get_name (agent), ==, "Sam Agent");
  g_assert_null (sd_user_get_email (agent));
  g_assert_cmpstr (sd_access_entry_get_via (pin_entry), ==, "pin");
  g_assert_cmpint (sd_access_entry_get_ticket_id (pin_entry), ==, 0);

  g_assert_cmpstr (sd_access_entry_get_via (invitation_entry), ==, "invitation");
  g_assert_cmpint (sd_access_entry_get_ticket_id (invitation_entry), ==, 42);
  g_object_get (invitation_entry, "via", &via, NULL);
  g_assert_cmpstr (via, ==, "invitation");

  g_assert_finalize_object (pin_entry);
  g_assert_finalize_object (invitation_entry);
}

static void
test_ticket_id_absent (void)
{
  SdAccessEntry *entry = entry_from_text ("{\"at\":\"2026-11-26T08:00:00Z\","
                                          "\"agent\":{\"id\":3,\"name\":\"Sam\"},"
                                          "\"via\":\"pin\"}");

  g_assert_cmpint (sd_access_entry_get_ticket_id (entry), ==, 0);

  g_assert_finalize_object (entry);
}

static void
test_round_trip (void)
{
  static const char * const documents[] = { PIN_ENTRY_TEXT, INVITATION_ENTRY_TEXT };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SdAccessEntry *entry = entry_from_text (documents[i]);
      g_autoptr(JsonNode) written = sd_access_entry_to_json (entry);
      g_autofree char *text = sd_json_to_string (written, FALSE);

      g_assert_cmpstr (text, ==, documents[i]);

      g_assert_finalize_object (entry);
    }
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"pin\"}", "at" },
    { "{\"at\":null,\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"pin\"}", "at" },
    { "{\"at\":\"2026-13-01T00:00:00Z\",\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"pin\"}",
      "at" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"via\":\"pin\"}", "agent" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":[3],\"via\":\"pin\"}", "agent" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":0,\"name\":\"A\"},\"via\":\"pin\"}",
      "id" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":3,\"name\":\"A\"}}", "via" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"magic\"}",
      "via" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"pin\","
      "\"ticket_id\":0}", "ticket_id" },
    { "{\"at\":\"2026-11-26T08:00:00Z\",\"agent\":{\"id\":3,\"name\":\"A\"},\"via\":\"pin\","
      "\"ticket_id\":\"42\"}", "ticket_id" },
  };
  static const char * const not_objects[] = { "[]", "null", "1", "\"pin\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_access_entry_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_access_entry_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/access-entry/from-json", test_from_json);
  g_test_add_func ("/sd/models/access-entry/ticket-id-absent", test_ticket_id_absent);
  g_test_add_func ("/sd/models/access-entry/round-trip", test_round_trip);
  g_test_add_func ("/sd/models/access-entry/invalid", test_invalid);

  return g_test_run ();
}
