#define G_LOG_DOMAIN "sd-test-message"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-message.h"
#include "sd-model-enums.h"

#include <string.h>

#define SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

#define MESSAGE_TEXT \
  "{\"id\":101,\"ticket_id\":42,\"kind\":\"comment\"," \
  "\"author\":{\"id\":8,\"name\":\"Alex\",\"role\":\"agent\"}," \
  "\"body\":\"Hello,\\n\\nplease try again.\",\"created_at\":\"2026-11-26T08:00:00Z\"," \
  "\"attachments\":[" \
  "{\"id\":12,\"filename\":\"log.txt\",\"content_type\":\"text/plain\",\"size\":10," \
  "\"sha256\":\"" SHA256 "\",\"url\":\"/api/v1/attachments/12\"}," \
  "{\"id\":13,\"filename\":\"shot.png\",\"content_type\":\"image/png\",\"size\":2048," \
  "\"sha256\":\"" SHA256 "\",\"url\":\"/api/v1/attachments/13\"}]}"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);

  return node;
}

static SdMessage *
message_from_text (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  SdMessage *message;

  message = sd_message_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (SD_IS_MESSAGE (message));

  return message;
}

static char *
message_to_text (SdMessage *message)
{
  g_autoptr(JsonNode) node = sd_message_to_json (message);

  return sd_json_to_string (node, FALSE);
}

static void
test_kind (void)
{
  static const struct {
    SdMessageKind  kind;
    const char    *text;
  } kinds[] = {
    { SD_MESSAGE_KIND_COMMENT, "comment" },
    { SD_MESSAGE_KIND_EVENT, "event" },
  };
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SD_TYPE_MESSAGE_KIND);
  SdMessageKind kind = SD_MESSAGE_KIND_EVENT;

  g_assert_cmpuint (enum_class->n_values, ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      SdMessageKind parsed;

      g_assert_cmpstr (sd_message_kind_to_string (kinds[i].kind), ==, kinds[i].text);
      g_assert_true (sd_message_kind_from_string (kinds[i].text, &parsed));
      g_assert_cmpint (parsed, ==, kinds[i].kind);
    }

  g_assert_false (sd_message_kind_from_string ("note", &kind));
  g_assert_false (sd_message_kind_from_string ("Comment", &kind));
  g_assert_false (sd_message_kind_from_string (NULL, &kind));
  g_assert_cmpint (kind, ==, SD_MESSAGE_KIND_EVENT);
}

static void
test_new (void)
{
  SdUser *author = sd_user_new (8, "Alex");
  g_autoptr(GDateTime) created_at = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  SdMessage *message = sd_message_new (101, 42, SD_MESSAGE_KIND_EVENT, author,
                                       "Alex solved this ticket", created_at);
  g_autoptr(GListModel) attachments = NULL;
  SdMessageKind kind = SD_MESSAGE_KIND_COMMENT;
  gint64 ticket_id = 0;
  GParamSpec *pspec;

  g_assert_cmpint (sd_message_get_id (message), ==, 101);
  g_assert_cmpint (sd_message_get_ticket_id (message), ==, 42);
  g_assert_cmpint (sd_message_get_kind (message), ==, SD_MESSAGE_KIND_EVENT);
  g_assert_true (sd_message_get_author (message) == author);
  g_assert_cmpstr (sd_message_get_body (message), ==, "Alex solved this ticket");
  g_assert_true (g_date_time_equal (sd_message_get_created_at (message), created_at));
  g_assert_true (g_list_model_get_item_type (sd_message_get_attachments (message)) ==
                 SD_TYPE_ATTACHMENT);
  g_assert_cmpuint (g_list_model_get_n_items (sd_message_get_attachments (message)), ==, 0);

  g_object_get (message,
                "kind", &kind,
                "ticket-id", &ticket_id,
                "attachments", &attachments,
                NULL);
  g_assert_cmpint (kind, ==, SD_MESSAGE_KIND_EVENT);
  g_assert_cmpint (ticket_id, ==, 42);
  g_assert_true (attachments == sd_message_get_attachments (message));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (message), "kind");
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == SD_TYPE_MESSAGE_KIND);

  g_clear_object (&attachments);
  g_assert_finalize_object (message);
  g_assert_finalize_object (author);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_added)
{
  *n_added += added;
}

static void
test_attachments (void)
{
  SdMessage *message = sd_message_new (1, 2, SD_MESSAGE_KIND_COMMENT, NULL, "See attached", NULL);
  SdAttachment *first = sd_attachment_new (12, "a.txt", "text/plain", 1, SHA256);
  SdAttachment *second = sd_attachment_new (13, "b.txt", "text/plain", 2, SHA256);
  GListModel *model = sd_message_get_attachments (message);
  g_autoptr(SdAttachment) item = NULL;
  g_autofree char *text = NULL;
  guint n_added = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &n_added);
  sd_message_add_attachment (message, first);
  sd_message_add_attachment (message, second);

  g_assert_cmpuint (n_added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  item = g_list_model_get_item (model, 1);
  g_assert_true (item == second);
  g_clear_object (&item);

  text = message_to_text (message);
  g_assert_nonnull (strstr (text, "\"attachments\":[{\"id\":12,"));
  g_assert_nonnull (strstr (text, "\"url\":\"/api/v1/attachments/13\"}]}"));

  g_assert_finalize_object (message);
  g_assert_finalize_object (second);
  g_assert_finalize_object (first);
}

static void
test_round_trip_object (void)
{
  SdUser *author = sd_user_new (3, "Camille");
  g_autoptr(GDateTime) created_at = g_date_time_new_utc (2026, 11, 26, 8, 0, 0);
  SdMessage *message = sd_message_new (101, 42, SD_MESSAGE_KIND_COMMENT, author,
                                       "It crashes «again» 🙁", created_at);
  SdAttachment *attachment = sd_attachment_new (12, "log.txt", "text/plain", 10, SHA256);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAttachment) copied_attachment = NULL;
  SdMessage *copy;

  sd_message_add_attachment (message, attachment);
  node = sd_message_to_json (message);
  copy = sd_message_new_from_json (node, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sd_message_get_id (copy), ==, 101);
  g_assert_cmpint (sd_message_get_ticket_id (copy), ==, 42);
  g_assert_cmpint (sd_message_get_kind (copy), ==, SD_MESSAGE_KIND_COMMENT);
  g_assert_cmpint (sd_user_get_id (sd_message_get_author (copy)), ==, 3);
  g_assert_cmpstr (sd_user_get_name (sd_message_get_author (copy)), ==, "Camille");
  g_assert_cmpint (sd_user_get_role (sd_message_get_author (copy)), ==, SD_ROLE_CUSTOMER);
  g_assert_cmpstr (sd_message_get_body (copy), ==, "It crashes «again» 🙁");
  g_assert_true (g_date_time_equal (sd_message_get_created_at (copy), created_at));

  g_assert_cmpuint (g_list_model_get_n_items (sd_message_get_attachments (copy)), ==, 1);
  copied_attachment = g_list_model_get_item (sd_message_get_attachments (copy), 0);
  g_assert_cmpint (sd_attachment_get_id (copied_attachment), ==, 12);
  g_assert_cmpstr (sd_attachment_get_filename (copied_attachment), ==, "log.txt");
  g_clear_object (&copied_attachment);

  g_assert_finalize_object (copy);
  g_assert_finalize_object (message);
  g_assert_finalize_object (attachment);
  g_assert_finalize_object (author);
}

static void
test_round_trip_text (void)
{
  static const char * const documents[] = {
    MESSAGE_TEXT,
    "{\"id\":102,\"ticket_id\":42,\"kind\":\"event\","
    "\"author\":{\"id\":8,\"name\":\"Alex\",\"role\":\"agent\"},"
    "\"body\":\"Alex solved this ticket\",\"created_at\":null,\"attachments\":[]}",
    "{\"id\":103,\"ticket_id\":42,\"kind\":\"event\",\"author\":null,"
    "\"body\":\"The dashboard was accessed\",\"created_at\":\"2026-11-26T08:00:00Z\","
    "\"attachments\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SdMessage *message = message_from_text (documents[i]);
      g_autofree char *text = message_to_text (message);

      g_assert_cmpstr (text, ==, documents[i]);
      g_assert_finalize_object (message);
    }
}

static void
test_optional_members (void)
{
  SdMessage *message = message_from_text ("{\"id\":1,\"ticket_id\":2,\"kind\":\"event\","
                                          "\"body\":\"Status changed\"}");

  g_assert_null (sd_message_get_author (message));
  g_assert_null (sd_message_get_created_at (message));
  g_assert_cmpuint (g_list_model_get_n_items (sd_message_get_attachments (message)), ==, 0);

  g_assert_finalize_object (message);
}

static void
test_invalid (void)
{
  static const struct {
    const char *member;
    const char *value;
    const char *in_message;
  } replacements[] = {
    { "id", "\"101\"", "“id”" },
    { "id", "-1", "“id”" },
    { "ticket_id", "0", "“ticket_id”" },
    { "ticket_id", "42.0", "“ticket_id”" },
    { "kind", "\"note\"", "“kind”" },
    { "kind", "null", "“kind”" },
    { "author", "null", "“author”" },
    { "author", "[8]", "“author”" },
    { "author", "{\"id\":8,\"name\":\"Alex\",\"role\":\"boss\"}", "“role”" },
    { "author", "{\"id\":8}", "“name”" },
    { "body", "7", "“body”" },
    { "body", "null", "“body”" },
    { "created_at", "\"2026-11-26\"", "“created_at”" },
    { "attachments", "{}", "“attachments”" },
    { "attachments", "[null]", "“attachments[0]”" },
    { "attachments", "[{\"id\":1,\"filename\":\"a\",\"content_type\":\"b\",\"size\":1,"
      "\"sha256\":\"c\"},{\"id\":2}]", "“attachments[1]”" },
  };
  static const char * const required[] = { "id", "ticket_id", "kind", "author", "body" };
  static const char * const not_objects[] = { "[]", "null", "1", "\"comment\"" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
    {
      g_autoptr(JsonNode) node = parse (MESSAGE_TEXT);
      g_autoptr(JsonNode) value = parse (replacements[i].value);

      json_object_set_member (json_node_get_object (node), replacements[i].member,
                              g_steal_pointer (&value));
      g_assert_null (sd_message_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, replacements[i].in_message));
      g_clear_error (&error);
    }

  /* A comment always has an author; only events may come without one. */
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(JsonNode) node = parse (MESSAGE_TEXT);
      g_autofree char *quoted = g_strdup_printf ("“%s”", required[i]);

      json_object_remove_member (json_node_get_object (node), required[i]);
      g_assert_null (sd_message_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);

      g_assert_null (sd_message_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_clear_error (&error);
    }

  g_assert_null (sd_message_new_from_json (NULL, NULL));
}

static void
test_quote (void)
{
  static const struct {
    const char *body;
    const char *quoted;
  } cases[] = {
    { "Hello", "> Hello\n\n" },
    { "Hello,\n\nplease try again.", "> Hello,\n>\n> please try again.\n\n" },
    { "One\nTwo\n", "> One\n> Two\n\n" },
    { "Windows\r\nline ends\r\n\r\n", "> Windows\n> line ends\n\n" },
    { "\nLeading break", ">\n> Leading break\n\n" },
    { "> Already quoted", "> > Already quoted\n\n" },
    { "  indented", ">   indented\n\n" },
    { "", "" },
    { "\n\n", "" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SdMessage *message = sd_message_new (1, 2, SD_MESSAGE_KIND_COMMENT, NULL,
                                           cases[i].body, NULL);
      g_autofree char *quoted = sd_message_dup_quoted_body (message);

      g_assert_cmpstr (quoted, ==, cases[i].quoted);
      g_assert_finalize_object (message);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/message/kind", test_kind);
  g_test_add_func ("/sd/models/message/new", test_new);
  g_test_add_func ("/sd/models/message/attachments", test_attachments);
  g_test_add_func ("/sd/models/message/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/message/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/message/optional-members", test_optional_members);
  g_test_add_func ("/sd/models/message/invalid", test_invalid);
  g_test_add_func ("/sd/models/message/quote", test_quote);

  return g_test_run ();
}
