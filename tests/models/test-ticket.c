#define G_LOG_DOMAIN "sd-test-ticket"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-model-enums.h"
#include "sd-ticket.h"

#include <string.h>

#define TICKET_TEXT \
  "{\"id\":42,\"subject\":\"Firewall blocks the update\",\"category\":\"antivirus-firewall\"," \
  "\"status\":\"solved\",\"requester\":{\"id\":3,\"name\":\"Camille\"}," \
  "\"created_at\":\"2026-11-26T08:00:00Z\",\"updated_at\":\"2026-11-27T09:30:00Z\"," \
  "\"message_count\":4,\"last_message_at\":\"2026-11-27T09:30:00Z\"}"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);

  return node;
}

static SdTicket *
ticket_from_text (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  SdTicket *ticket;

  ticket = sd_ticket_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (SD_IS_TICKET (ticket));

  return ticket;
}

static char *
ticket_to_text (SdTicket *ticket)
{
  g_autoptr(JsonNode) node = sd_ticket_to_json (ticket);

  return sd_json_to_string (node, FALSE);
}

static void
assert_time (GDateTime  *time,
             const char *expected)
{
  g_autofree char *text = sd_json_format_time (time);

  g_assert_cmpstr (text, ==, expected);
}

typedef struct
{
  SdTicket  *ticket;
  GPtrArray *notified;
} Fixture;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Fixture    *fixture)
{
  g_ptr_array_add (fixture->notified, g_strdup (pspec->name));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->ticket = ticket_from_text (TICKET_TEXT);
  fixture->notified = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->ticket, "notify", G_CALLBACK (notify_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->ticket);
  g_clear_pointer (&fixture->notified, g_ptr_array_unref);
}

/*
 * Checks that exactly the space-separated @expected properties were notified,
 * each once, in any order: the order is up to GObject.
 */
static void
assert_notified (Fixture    *fixture,
                 const char *expected)
{
  g_auto(GStrv) names = g_strsplit (expected, " ", -1);
  guint n_names = expected[0] != '\0' ? g_strv_length (names) : 0;

  g_assert_cmpuint (fixture->notified->len, ==, n_names);
  for (guint i = 0; i < n_names; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < fixture->notified->len && !found; j++)
        found = g_str_equal (g_ptr_array_index (fixture->notified, j), names[i]);
      g_assert_true (found);
    }

  g_ptr_array_set_size (fixture->notified, 0);
}

static void
test_status (void)
{
  static const struct {
    SdTicketStatus  status;
    const char     *text;
  } statuses[] = {
    { SD_TICKET_STATUS_PENDING, "pending" },
    { SD_TICKET_STATUS_SOLVED, "solved" },
  };
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SD_TYPE_TICKET_STATUS);
  SdTicketStatus status = SD_TICKET_STATUS_SOLVED;

  g_assert_cmpuint (enum_class->n_values, ==, G_N_ELEMENTS (statuses));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      SdTicketStatus parsed;

      g_assert_cmpstr (sd_ticket_status_to_string (statuses[i].status), ==, statuses[i].text);
      g_assert_true (sd_ticket_status_from_string (statuses[i].text, &parsed));
      g_assert_cmpint (parsed, ==, statuses[i].status);
    }

  g_assert_false (sd_ticket_status_from_string ("open", &status));
  g_assert_false (sd_ticket_status_from_string ("Pending", &status));
  g_assert_false (sd_ticket_status_from_string (NULL, &status));
  g_assert_cmpint (status, ==, SD_TICKET_STATUS_SOLVED);
}

static void
test_new (void)
{
  SdTicket *ticket = sd_ticket_new (42);
  g_autofree char *text = NULL;
  GParamSpec *pspec;

  g_assert_cmpint (sd_ticket_get_id (ticket), ==, 42);
  g_assert_null (sd_ticket_get_subject (ticket));
  g_assert_null (sd_ticket_get_category (ticket));
  g_assert_cmpint (sd_ticket_get_status (ticket), ==, SD_TICKET_STATUS_PENDING);
  g_assert_null (sd_ticket_get_requester (ticket));
  g_assert_null (sd_ticket_get_created_at (ticket));
  g_assert_null (sd_ticket_get_updated_at (ticket));
  g_assert_cmpint (sd_ticket_get_message_count (ticket), ==, 0);
  g_assert_null (sd_ticket_get_last_message_at (ticket));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (ticket), "status");
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == SD_TYPE_TICKET_STATUS);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (ticket), "created-at");
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_DATE_TIME);

  /* Unset values are written as null rather than left out. */
  text = ticket_to_text (ticket);
  g_assert_cmpstr (text, ==,
                   "{\"id\":42,\"subject\":null,\"category\":null,\"status\":\"pending\","
                   "\"requester\":null,\"created_at\":null,\"updated_at\":null,"
                   "\"message_count\":0,\"last_message_at\":null}");

  g_assert_finalize_object (ticket);
}

static void
test_properties (void)
{
  SdTicket *ticket = sd_ticket_new (1);
  SdUser *requester = sd_user_new (3, "Camille");
  g_autoptr(GDateTime) created_at = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  g_autoptr(GDateTime) read_time = NULL;
  g_autoptr(SdUser) read_requester = NULL;
  SdTicketStatus status = SD_TICKET_STATUS_PENDING;
  gint64 message_count = 0;

  g_object_set (ticket,
                "subject", "Printer",
                "status", SD_TICKET_STATUS_SOLVED,
                "requester", requester,
                "created-at", created_at,
                "message-count", (gint64) 2,
                NULL);
  g_object_get (ticket,
                "status", &status,
                "requester", &read_requester,
                "created-at", &read_time,
                "message-count", &message_count,
                NULL);

  g_assert_cmpstr (sd_ticket_get_subject (ticket), ==, "Printer");
  g_assert_cmpint (status, ==, SD_TICKET_STATUS_SOLVED);
  g_assert_true (read_requester == requester);
  g_assert_true (g_date_time_equal (read_time, created_at));
  g_assert_cmpint (message_count, ==, 2);

  g_clear_object (&read_requester);
  g_assert_finalize_object (ticket);
  g_assert_finalize_object (requester);
}

static void
test_round_trip_object (void)
{
  SdTicket *ticket = sd_ticket_new (7);
  SdUser *requester = sd_user_new (3, "Camille");
  g_autoptr(GDateTime) created_at = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  g_autoptr(GDateTime) updated_at = g_date_time_new_utc (2026, 11, 27, 9, 30, 0);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SdTicket *copy;

  sd_ticket_set_subject (ticket, "Data not captured");
  sd_ticket_set_category (ticket, "data-not-captured");
  sd_ticket_set_status (ticket, SD_TICKET_STATUS_SOLVED);
  sd_ticket_set_requester (ticket, requester);
  sd_ticket_set_created_at (ticket, created_at);
  sd_ticket_set_updated_at (ticket, updated_at);
  sd_ticket_set_message_count (ticket, 3);
  sd_ticket_set_last_message_at (ticket, updated_at);

  node = sd_ticket_to_json (ticket);
  copy = sd_ticket_new_from_json (node, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sd_ticket_get_id (copy), ==, 7);
  g_assert_cmpstr (sd_ticket_get_subject (copy), ==, "Data not captured");
  g_assert_cmpstr (sd_ticket_get_category (copy), ==, "data-not-captured");
  g_assert_cmpint (sd_ticket_get_status (copy), ==, SD_TICKET_STATUS_SOLVED);
  g_assert_cmpint (sd_user_get_id (sd_ticket_get_requester (copy)), ==, 3);
  g_assert_cmpstr (sd_user_get_name (sd_ticket_get_requester (copy)), ==, "Camille");
  g_assert_true (g_date_time_equal (sd_ticket_get_created_at (copy), created_at));
  g_assert_true (g_date_time_equal (sd_ticket_get_updated_at (copy), updated_at));
  g_assert_cmpint (sd_ticket_get_message_count (copy), ==, 3);
  g_assert_true (g_date_time_equal (sd_ticket_get_last_message_at (copy), updated_at));

  g_assert_finalize_object (copy);
  g_assert_finalize_object (ticket);
  g_assert_finalize_object (requester);
}

static void
test_round_trip_text (void)
{
  static const char * const documents[] = {
    TICKET_TEXT,
    "{\"id\":43,\"subject\":\"Facture en double\",\"category\":\"billing\","
    "\"status\":\"pending\",\"requester\":{\"id\":5,\"name\":\"Zoë\"},"
    "\"created_at\":\"2026-11-26T08:00:00Z\",\"updated_at\":null,"
    "\"message_count\":0,\"last_message_at\":null}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SdTicket *ticket = ticket_from_text (documents[i]);
      g_autofree char *text = ticket_to_text (ticket);

      g_assert_cmpstr (text, ==, documents[i]);
      g_assert_finalize_object (ticket);
    }
}

static void
test_timestamps (void)
{
  /* Absent, null, with an offset and with a fraction: stored as UTC, written in whole seconds. */
  SdTicket *ticket = ticket_from_text ("{\"id\":1,\"subject\":\"s\",\"category\":\"c\","
                                       "\"status\":\"pending\",\"requester\":{\"id\":2,"
                                       "\"name\":\"n\"},\"message_count\":1,"
                                       "\"created_at\":\"2026-11-26T09:00:00.5+01:00\","
                                       "\"updated_at\":null}");
  g_autofree char *text = NULL;

  assert_time (sd_ticket_get_created_at (ticket), "2026-11-26T08:00:00Z");
  g_assert_cmpint (g_date_time_get_utc_offset (sd_ticket_get_created_at (ticket)), ==, 0);
  g_assert_null (sd_ticket_get_updated_at (ticket));
  g_assert_null (sd_ticket_get_last_message_at (ticket));

  text = ticket_to_text (ticket);
  g_assert_nonnull (strstr (text, "\"created_at\":\"2026-11-26T08:00:00Z\","
                                  "\"updated_at\":null,\"message_count\":1,"
                                  "\"last_message_at\":null}"));

  g_assert_finalize_object (ticket);
}

static void
test_invalid (void)
{
  static const struct {
    const char *member;
    const char *value;
  } replacements[] = {
    { "id", "\"42\"" },
    { "id", "42.5" },
    { "id", "0" },
    { "id", "null" },
    { "subject", "5" },
    { "subject", "null" },
    { "category", "[\"billing\"]" },
    { "status", "\"open\"" },
    { "status", "1" },
    { "requester", "\"Camille\"" },
    { "requester", "null" },
    { "requester", "{\"name\":\"Camille\"}" },
    { "requester", "{\"id\":3,\"name\":false}" },
    { "created_at", "\"yesterday\"" },
    { "updated_at", "1764144000" },
    { "last_message_at", "{}" },
    { "message_count", "\"4\"" },
    { "message_count", "-1" },
    { "message_count", "4.0" },
  };
  static const char * const required[] = {
    "id", "subject", "category", "status", "requester", "message_count",
  };
  static const char * const not_objects[] = { "[]", "null", "42", "\"ticket\"", "true" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
    {
      g_autoptr(JsonNode) node = parse (TICKET_TEXT);
      g_autoptr(JsonNode) value = parse (replacements[i].value);
      g_autofree char *quoted = g_strdup_printf ("“%s”", replacements[i].member);

      json_object_set_member (json_node_get_object (node), replacements[i].member,
                              g_steal_pointer (&value));
      g_assert_null (sd_ticket_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  /* Every member but the timestamps is required. */
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(JsonNode) node = parse (TICKET_TEXT);
      g_autofree char *quoted = g_strdup_printf ("“%s”", required[i]);

      json_object_remove_member (json_node_get_object (node), required[i]);
      g_assert_null (sd_ticket_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_ticket_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }

  g_assert_null (sd_ticket_new_from_json (NULL, NULL));
}

static void
test_notify (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GDateTime) same = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  g_autoptr(GDateTime) later = g_date_time_new_utc (2026, 11, 28, 8, 0, 0);
  g_autoptr(SdUser) other = sd_user_new (4, "Other");

  sd_ticket_set_subject (fixture->ticket, "Firewall blocks the update");
  sd_ticket_set_category (fixture->ticket, "antivirus-firewall");
  sd_ticket_set_status (fixture->ticket, SD_TICKET_STATUS_SOLVED);
  sd_ticket_set_created_at (fixture->ticket, same);
  sd_ticket_set_message_count (fixture->ticket, 4);
  sd_ticket_set_requester (fixture->ticket, sd_ticket_get_requester (fixture->ticket));
  assert_notified (fixture, "");

  sd_ticket_set_subject (fixture->ticket, "Firewall still blocks the update");
  sd_ticket_set_status (fixture->ticket, SD_TICKET_STATUS_PENDING);
  sd_ticket_set_updated_at (fixture->ticket, later);
  sd_ticket_set_last_message_at (fixture->ticket, NULL);
  sd_ticket_set_message_count (fixture->ticket, 5);
  sd_ticket_set_requester (fixture->ticket, other);
  assert_notified (fixture,
                   "subject status updated-at last-message-at message-count requester");

  sd_ticket_set_last_message_at (fixture->ticket, NULL);
  sd_ticket_set_category (fixture->ticket, NULL);
  assert_notified (fixture, "category");

  g_object_set (fixture->ticket, "status", SD_TICKET_STATUS_PENDING, NULL);
  assert_notified (fixture, "");
}

static void
test_update_from (Fixture       *fixture,
                  gconstpointer  data)
{
  SdTicket *same = ticket_from_text (TICKET_TEXT);
  SdTicket *newer = ticket_from_text ("{\"id\":42,\"subject\":\"Firewall blocks the update\","
                                      "\"category\":\"antivirus-firewall\",\"status\":\"pending\","
                                      "\"requester\":{\"id\":3,\"name\":\"Camille\"},"
                                      "\"created_at\":\"2026-11-26T08:00:00Z\","
                                      "\"updated_at\":\"2026-11-28T10:00:00Z\","
                                      "\"message_count\":5,"
                                      "\"last_message_at\":\"2026-11-28T10:00:00Z\"}");
  SdTicket *renamed = ticket_from_text ("{\"id\":42,\"subject\":\"New subject\","
                                        "\"category\":\"billing\",\"status\":\"pending\","
                                        "\"requester\":{\"id\":3,\"name\":\"Camille D.\"},"
                                        "\"message_count\":5}");
  SdUser *original_requester = sd_ticket_get_requester (fixture->ticket);
  g_autofree char *text = NULL;

  /* Identical values, even in distinct objects, change nothing. */
  sd_ticket_update_from (fixture->ticket, same);
  assert_notified (fixture, "");
  g_assert_true (sd_ticket_get_requester (fixture->ticket) == original_requester);

  sd_ticket_update_from (fixture->ticket, newer);
  assert_notified (fixture, "status updated-at message-count last-message-at");
  g_assert_true (sd_ticket_get_requester (fixture->ticket) == original_requester);

  sd_ticket_update_from (fixture->ticket, renamed);
  assert_notified (fixture,
                   "subject category requester created-at updated-at last-message-at");
  g_assert_true (sd_ticket_get_requester (fixture->ticket) == sd_ticket_get_requester (renamed));

  text = ticket_to_text (fixture->ticket);
  g_assert_cmpstr (text, ==,
                   "{\"id\":42,\"subject\":\"New subject\",\"category\":\"billing\","
                   "\"status\":\"pending\",\"requester\":{\"id\":3,\"name\":\"Camille D.\"},"
                   "\"created_at\":null,\"updated_at\":null,\"message_count\":5,"
                   "\"last_message_at\":null}");

  sd_ticket_update_from (fixture->ticket, fixture->ticket);
  assert_notified (fixture, "");

  g_assert_finalize_object (renamed);
  g_assert_finalize_object (newer);
  g_assert_finalize_object (same);
}

/* The fields of @ticket, as sd_ticket_fields_append_json() takes them. */
static SdTicketFields
fields_of (SdTicket *ticket)
{
  SdUser *requester = sd_ticket_get_requester (ticket);
  GDateTime *created_at = sd_ticket_get_created_at (ticket);
  GDateTime *updated_at = sd_ticket_get_updated_at (ticket);
  GDateTime *last_message_at = sd_ticket_get_last_message_at (ticket);
  SdTicketFields fields = {
    .id = sd_ticket_get_id (ticket),
    .subject = sd_ticket_get_subject (ticket),
    .category = sd_ticket_get_category (ticket),
    .status = sd_ticket_get_status (ticket),
    .has_requester = requester != NULL,
    .requester_id = requester != NULL ? sd_user_get_id (requester) : 0,
    .requester_name = requester != NULL ? sd_user_get_name (requester) : NULL,
    .created_at = created_at != NULL ? g_date_time_to_unix (created_at) : SD_JSON_NO_TIME,
    .updated_at = updated_at != NULL ? g_date_time_to_unix (updated_at) : SD_JSON_NO_TIME,
    .message_count = sd_ticket_get_message_count (ticket),
    .last_message_at = last_message_at != NULL ? g_date_time_to_unix (last_message_at)
                                               : SD_JSON_NO_TIME,
  };

  return fields;
}

/* Both ways of writing a ticket give the same text, byte for byte. */
static void
assert_same_json (SdTicket *ticket)
{
  SdTicketFields fields = fields_of (ticket);
  g_autofree char *expected = ticket_to_text (ticket);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(JsonNode) built = sd_ticket_to_json (ticket);
  g_autoptr(GError) error = NULL;

  sd_ticket_fields_append_json (&fields, text);
  g_test_message ("%s", text->str);
  g_assert_cmpstr (text->str, ==, expected);

  parsed = sd_json_parse_data (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (parsed, built));
}

static void
test_fields_json (void)
{
  const char *texts[] = {
    "Printer error",
    "",
    "\"Quotes\", \\backslashes\\ and </script>",
    "Control \x01\x08\x09\x0a\x0c\x0d\x1b\x7f characters",
    "Separators \xe2\x80\xa8 and \xe2\x80\xa9, Ünïcödé ✓ \xf0\x9f\x98\x80",
    "{\"id\":99,\"subject\":\"forged\"}",
  };
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) created_at = g_date_time_new (zone, 2026, 2, 28, 23, 59, 59.999);
  g_autoptr(GDateTime) updated_at = g_date_time_new_utc (1969, 12, 31, 23, 59, 59);
  g_autoptr(GDateTime) last_message_at = g_date_time_new_utc (2000, 2, 29, 12, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(SdTicket) ticket = sd_ticket_new (G_MAXINT64 - i);
      g_autoptr(SdUser) requester = sd_user_new (i, texts[G_N_ELEMENTS (texts) - 1 - i]);

      /* Nothing set but the id: nulls and zeros. */
      assert_same_json (ticket);

      sd_ticket_set_subject (ticket, texts[i]);
      sd_ticket_set_category (ticket, texts[(i + 1) % G_N_ELEMENTS (texts)]);
      sd_ticket_set_status (ticket, i % 2 ? SD_TICKET_STATUS_SOLVED : SD_TICKET_STATUS_PENDING);
      assert_same_json (ticket);

      sd_ticket_set_requester (ticket, requester);
      sd_ticket_set_created_at (ticket, created_at);
      sd_ticket_set_updated_at (ticket, updated_at);
      sd_ticket_set_message_count (ticket, (gint64) i * 1000000007);
      sd_ticket_set_last_message_at (ticket, last_message_at);
      assert_same_json (ticket);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/ticket/status", test_status);
  g_test_add_func ("/sd/models/ticket/new", test_new);
  g_test_add_func ("/sd/models/ticket/properties", test_properties);
  g_test_add_func ("/sd/models/ticket/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/ticket/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/ticket/timestamps", test_timestamps);
  g_test_add_func ("/sd/models/ticket/fields-json", test_fields_json);
  g_test_add_func ("/sd/models/ticket/invalid", test_invalid);
  g_test_add ("/sd/models/ticket/notify", Fixture, NULL,
              fixture_set_up, test_notify, fixture_tear_down);
  g_test_add ("/sd/models/ticket/update-from", Fixture, NULL,
              fixture_set_up, test_update_from, fixture_tear_down);

  return g_test_run ();
}
