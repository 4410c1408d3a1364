#define G_LOG_DOMAIN "sd-test-invitation"

#include "config.h"

#include "sd-error.h"
#include "sd-invitation.h"
#include "sd-json.h"

#include <string.h>

#define INVITATION_TEXT \
  "{\"id\":7,\"ticket_id\":42,\"created_at\":\"2026-11-26T08:00:00Z\"," \
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
assert_time (GDateTime  *time,
             const char *expected)
{
  g_autofree char *text = sd_json_format_time (time);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_from_json (void)
{
  g_autoptr(JsonNode) node = parse (INVITATION_TEXT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  SdInvitation *invitation;
  gint64 ticket_id = 0;

  invitation = sd_invitation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_invitation_get_id (invitation), ==, 7);
  g_assert_cmpint (sd_invitation_get_ticket_id (invitation), ==, 42);
  assert_time (sd_invitation_get_created_at (invitation), "2026-11-26T08:00:00Z");
  assert_time (sd_invitation_get_expires_at (invitation), "2026-11-27T08:00:00Z");

  g_object_get (invitation,
                "ticket-id", &ticket_id,
                "expires-at", &expires_at,
                NULL);
  g_assert_cmpint (ticket_id, ==, 42);
  assert_time (expires_at, "2026-11-27T08:00:00Z");

  g_assert_finalize_object (invitation);
}

static void
test_round_trip_text (void)
{
  g_autoptr(JsonNode) node = parse (INVITATION_TEXT);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SdInvitation *invitation;

  invitation = sd_invitation_new_from_json (node, &error);
  g_assert_no_error (error);
  written = sd_invitation_to_json (invitation);
  text = sd_json_to_string (written, FALSE);
  g_assert_cmpstr (text, ==, INVITATION_TEXT);

  g_assert_finalize_object (invitation);
}

static void
test_round_trip_object (void)
{
  g_autoptr(GDateTime) created_at = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SdInvitation *invitation;
  SdInvitation *copy;

  /* No expiry: absent times are null on the wire and NULL here. */
  invitation = g_object_new (SD_TYPE_INVITATION,
                             "id", G_MAXINT64,
                             "ticket-id", (gint64)1,
                             "created-at", created_at,
                             NULL);
  node = sd_invitation_to_json (invitation);
  copy = sd_invitation_new_from_json (node, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sd_invitation_get_id (copy), ==, G_MAXINT64);
  g_assert_cmpint (sd_invitation_get_ticket_id (copy), ==, 1);
  g_assert_true (g_date_time_equal (sd_invitation_get_created_at (copy), created_at));
  g_assert_null (sd_invitation_get_expires_at (copy));

  g_assert_finalize_object (copy);
  g_assert_finalize_object (invitation);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"ticket_id\":1}", "id" },
    { "{\"id\":0,\"ticket_id\":1}", "id" },
    { "{\"id\":-3,\"ticket_id\":1}", "id" },
    { "{\"id\":\"7\",\"ticket_id\":1}", "id" },
    { "{\"id\":7}", "ticket_id" },
    { "{\"id\":7,\"ticket_id\":0}", "ticket_id" },
    { "{\"id\":7,\"ticket_id\":1.5}", "ticket_id" },
    { "{\"id\":7,\"ticket_id\":1,\"created_at\":\"yesterday\"}", "created_at" },
    { "{\"id\":7,\"ticket_id\":1,\"expires_at\":5}", "expires_at" },
  };
  static const char * const not_objects[] = { "[]", "null", "7", "\"7\"", "true" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);

      g_assert_null (sd_invitation_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_invitation_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }

  g_assert_null (sd_invitation_new_from_json (NULL, &error));
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/invitation/from-json", test_from_json);
  g_test_add_func ("/sd/models/invitation/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/invitation/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/invitation/invalid", test_invalid);

  return g_test_run ();
}
