#define G_LOG_DOMAIN "sd-test-user"

#include "config.h"

#include "sd-error.h"
#include "sd-json.h"
#include "sd-model-enums.h"
#include "sd-user.h"

#include <string.h>

#define FULL_USER \
  "{\"id\":3,\"email\":\"customer@example.com\",\"name\":\"Camille\",\"role\":\"customer\"," \
  "\"organization\":{\"id\":9,\"name\":\"Example Corp\"}}"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = sd_json_parse_data (text, strlen (text), &error);
  g_assert_no_error (error);

  return node;
}

static SdUser *
user_from_text (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  SdUser *user;

  user = sd_user_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (SD_IS_USER (user));

  return user;
}

static char *
to_text (JsonNode *node)
{
  g_autoptr(JsonNode) owned = node;

  return sd_json_to_string (owned, FALSE);
}

typedef struct
{
  SdUser    *user;
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
  fixture->user = sd_user_new (3, "Camille");
  fixture->notified = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->user, "notify", G_CALLBACK (notify_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->user);
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
test_role (void)
{
  static const struct {
    SdRole      role;
    const char *text;
  } roles[] = {
    { SD_ROLE_CUSTOMER, "customer" },
    { SD_ROLE_AGENT, "agent" },
  };
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SD_TYPE_ROLE);
  SdRole role = SD_ROLE_AGENT;

  g_assert_cmpuint (enum_class->n_values, ==, G_N_ELEMENTS (roles));
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      SdRole parsed;

      g_assert_cmpstr (sd_role_to_string (roles[i].role), ==, roles[i].text);
      g_assert_true (sd_role_from_string (roles[i].text, &parsed));
      g_assert_cmpint (parsed, ==, roles[i].role);
      g_assert_nonnull (g_enum_get_value (enum_class, roles[i].role));
    }

  g_assert_false (sd_role_from_string ("Agent", &role));
  g_assert_false (sd_role_from_string ("", &role));
  g_assert_false (sd_role_from_string (NULL, &role));
  g_assert_cmpint (role, ==, SD_ROLE_AGENT);
}

static void
test_new (void)
{
  SdUser *user = sd_user_new (3, "Camille");
  g_autofree char *name = NULL;
  gint64 id = 0;
  SdRole role = SD_ROLE_AGENT;

  g_assert_cmpint (sd_user_get_id (user), ==, 3);
  g_assert_cmpstr (sd_user_get_name (user), ==, "Camille");
  g_assert_null (sd_user_get_email (user));
  g_assert_cmpint (sd_user_get_role (user), ==, SD_ROLE_CUSTOMER);
  g_assert_cmpint (sd_user_get_organization_id (user), ==, 0);
  g_assert_null (sd_user_get_organization_name (user));

  g_object_get (user, "id", &id, "name", &name, "role", &role, NULL);
  g_assert_cmpint (id, ==, 3);
  g_assert_cmpstr (name, ==, "Camille");
  g_assert_cmpint (role, ==, SD_ROLE_CUSTOMER);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_GET_CLASS (user),
                                                                        "role")) == SD_TYPE_ROLE);

  g_assert_finalize_object (user);
}

static void
test_notify (Fixture       *fixture,
             gconstpointer  data)
{
  sd_user_set_name (fixture->user, "Camille");
  sd_user_set_role (fixture->user, SD_ROLE_CUSTOMER);
  sd_user_set_email (fixture->user, NULL);
  sd_user_set_organization (fixture->user, 0, NULL);
  assert_notified (fixture, "");

  sd_user_set_name (fixture->user, "Camille D.");
  sd_user_set_role (fixture->user, SD_ROLE_AGENT);
  sd_user_set_email (fixture->user, "camille@example.com");
  assert_notified (fixture, "name role email");

  sd_user_set_organization (fixture->user, 9, "Example Corp");
  assert_notified (fixture, "organization-id organization-name");
  sd_user_set_organization (fixture->user, 9, "Example Corp");
  assert_notified (fixture, "");
  sd_user_set_organization (fixture->user, 9, "Example Inc");
  assert_notified (fixture, "organization-name");

  g_object_set (fixture->user, "organization-id", (gint64) 10, "email", NULL, NULL);
  assert_notified (fixture, "organization-id email");
  g_assert_cmpint (sd_user_get_organization_id (fixture->user), ==, 10);
  g_assert_cmpstr (sd_user_get_organization_name (fixture->user), ==, "Example Inc");

  g_object_set (fixture->user, "role", SD_ROLE_AGENT, "name", "Camille D.", NULL);
  assert_notified (fixture, "");
}

static void
test_round_trip_object (void)
{
  SdUser *user = sd_user_new (3, "Camille");
  g_autoptr(JsonNode) node = NULL;
  SdUser *copy;

  sd_user_set_email (user, "camille@example.com");
  sd_user_set_role (user, SD_ROLE_AGENT);
  sd_user_set_organization (user, 9, "Example Corp");

  node = sd_user_to_json (user);
  copy = sd_user_new_from_json (node, NULL);

  g_assert_cmpint (sd_user_get_id (copy), ==, 3);
  g_assert_cmpstr (sd_user_get_name (copy), ==, "Camille");
  g_assert_cmpstr (sd_user_get_email (copy), ==, "camille@example.com");
  g_assert_cmpint (sd_user_get_role (copy), ==, SD_ROLE_AGENT);
  g_assert_cmpint (sd_user_get_organization_id (copy), ==, 9);
  g_assert_cmpstr (sd_user_get_organization_name (copy), ==, "Example Corp");

  g_assert_finalize_object (copy);
  g_assert_finalize_object (user);
}

static void
test_round_trip_text (void)
{
  static const char * const documents[] = {
    FULL_USER,
    "{\"id\":4,\"email\":\"agent@example.com\",\"name\":\"Ágata\",\"role\":\"agent\","
    "\"organization\":null}",
    "{\"id\":5,\"email\":null,\"name\":\"Ref\",\"role\":\"customer\",\"organization\":null}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SdUser *user = user_from_text (documents[i]);
      g_autofree char *text = to_text (sd_user_to_json (user));

      g_assert_cmpstr (text, ==, documents[i]);
      g_assert_finalize_object (user);
    }
}

static void
test_reference (void)
{
  SdUser *full = user_from_text (FULL_USER);
  SdUser *reference = user_from_text ("{\"id\":4,\"name\":\"Agent\",\"role\":\"agent\"}");
  SdUser *requester = user_from_text ("{\"id\":5,\"name\":\"Requester\",\"unknown\":[1]}");
  g_autofree char *short_text = to_text (sd_user_to_reference_json (full, FALSE));
  g_autofree char *role_text = to_text (sd_user_to_reference_json (full, TRUE));
  g_autofree char *reference_text = to_text (sd_user_to_reference_json (reference, TRUE));

  g_assert_cmpstr (short_text, ==, "{\"id\":3,\"name\":\"Camille\"}");
  g_assert_cmpstr (role_text, ==, "{\"id\":3,\"name\":\"Camille\",\"role\":\"customer\"}");
  g_assert_cmpstr (reference_text, ==, "{\"id\":4,\"name\":\"Agent\",\"role\":\"agent\"}");

  g_assert_null (sd_user_get_email (reference));
  g_assert_cmpint (sd_user_get_organization_id (reference), ==, 0);
  g_assert_cmpint (sd_user_get_role (reference), ==, SD_ROLE_AGENT);
  g_assert_cmpint (sd_user_get_role (requester), ==, SD_ROLE_CUSTOMER);

  g_assert_finalize_object (requester);
  g_assert_finalize_object (reference);
  g_assert_finalize_object (full);
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *member;
  } documents[] = {
    { "{\"name\":\"No id\"}", "id" },
    { "{\"id\":\"3\",\"name\":\"Text id\"}", "id" },
    { "{\"id\":3.0,\"name\":\"Real id\"}", "id" },
    { "{\"id\":0,\"name\":\"Zero\"}", "id" },
    { "{\"id\":-3,\"name\":\"Negative\"}", "id" },
    { "{\"id\":3}", "name" },
    { "{\"id\":3,\"name\":null}", "name" },
    { "{\"id\":3,\"name\":[\"Camille\"]}", "name" },
    { "{\"id\":3,\"name\":\"C\",\"email\":false}", "email" },
    { "{\"id\":3,\"name\":\"C\",\"role\":\"admin\"}", "role" },
    { "{\"id\":3,\"name\":\"C\",\"role\":1}", "role" },
    { "{\"id\":3,\"name\":\"C\",\"organization\":\"Example\"}", "organization" },
    { "{\"id\":3,\"name\":\"C\",\"organization\":{\"name\":\"Example\"}}", "id" },
    { "{\"id\":3,\"name\":\"C\",\"organization\":{\"id\":9}}", "name" },
    { "{\"id\":3,\"name\":\"C\",\"organization\":{\"id\":0,\"name\":\"E\"}}", "id" },
  };
  static const char * const not_objects[] = { "[]", "null", "3", "\"user\"" };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);
      g_autoptr(GError) error = NULL;
      g_autofree char *quoted = g_strdup_printf ("“%s”", documents[i].member);
      SdUser *user;

      user = sd_user_new_from_json (node, &error);
      g_assert_null (user);
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, quoted));
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(JsonNode) node = parse (not_objects[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (sd_user_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
    }

  g_assert_null (sd_user_new_from_json (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/user/role", test_role);
  g_test_add_func ("/sd/models/user/new", test_new);
  g_test_add ("/sd/models/user/notify", Fixture, NULL,
              fixture_set_up, test_notify, fixture_tear_down);
  g_test_add_func ("/sd/models/user/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/user/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/user/reference", test_reference);
  g_test_add_func ("/sd/models/user/invalid", test_invalid);

  return g_test_run ();
}
