#define G_LOG_DOMAIN "sd-test-category"

#include "config.h"

#include "sd-category.h"
#include "sd-error.h"
#include "sd-json.h"

#include <string.h>

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
  SdCategory *category = sd_category_new ("billing", "Billing");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  g_assert_cmpstr (sd_category_get_id (category), ==, "billing");
  g_assert_cmpstr (sd_category_get_name (category), ==, "Billing");

  g_object_get (category, "id", &id, "name", &name, NULL);
  g_assert_cmpstr (id, ==, "billing");
  g_assert_cmpstr (name, ==, "Billing");

  g_assert_finalize_object (category);
}

static void
test_round_trip_object (void)
{
  SdCategory *category = sd_category_new ("antivirus-firewall", "Antivirus / firewall");
  g_autoptr(JsonNode) node = sd_category_to_json (category);
  g_autoptr(GError) error = NULL;
  SdCategory *copy;

  copy = sd_category_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_category_get_id (copy), ==, "antivirus-firewall");
  g_assert_cmpstr (sd_category_get_name (copy), ==, "Antivirus / firewall");

  g_assert_finalize_object (copy);
  g_assert_finalize_object (category);
}

static void
test_round_trip_text (void)
{
  static const char * const documents[] = {
    "{\"id\":\"billing\",\"name\":\"Billing\"}",
    "{\"id\":\"data-not-captured\",\"name\":\"Données non saisies \\\"ici\\\"\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i]);
      g_autoptr(JsonNode) written = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      SdCategory *category;

      category = sd_category_new_from_json (node, &error);
      g_assert_no_error (error);
      written = sd_category_to_json (category);
      text = sd_json_to_string (written, FALSE);
      g_assert_cmpstr (text, ==, documents[i]);

      g_assert_finalize_object (category);
    }
}

static void
test_list (void)
{
  g_autoptr(JsonNode) node = parse ("{\"categories\":["
                                    "{\"id\":\"billing\",\"name\":\"Billing\",\"order\":1},"
                                    "{\"id\":\"installation\",\"name\":\"Installation\"}]}");
  g_autoptr(GError) error = NULL;
  JsonArray *array = NULL;

  g_assert_true (sd_json_get_array (json_node_get_object (node), "categories", TRUE,
                                    &array, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SdCategory *category = sd_category_new_from_json (json_array_get_element (array, i),
                                                        &error);

      g_assert_no_error (error);
      g_assert_nonnull (sd_category_get_id (category));
      g_assert_finalize_object (category);
    }
}

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    const char *message;
  } documents[] = {
    { "{\"name\":\"Billing\"}", "The member “id” is missing" },
    { "{\"id\":1,\"name\":\"Billing\"}", "The member “id” must be a string" },
    { "{\"id\":\"\",\"name\":\"Billing\"}", "The member “id” must not be empty" },
    { "{\"id\":\"billing\"}", "The member “name” is missing" },
    { "{\"id\":\"billing\",\"name\":null}", "The member “name” must be a string" },
    { "{\"id\":\"billing\",\"name\":{}}", "The member “name” must be a string" },
    { "[\"billing\",\"Billing\"]", "A category must be a JSON object" },
    { "\"billing\"", "A category must be a JSON object" },
    { "null", "A category must be a JSON object" },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonNode) node = parse (documents[i].text);

      g_assert_null (sd_category_new_from_json (node, &error));
      g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
      g_assert_cmpstr (error->message, ==, documents[i].message);
      g_clear_error (&error);
    }

  g_assert_null (sd_category_new_from_json (NULL, &error));
  g_assert_error (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/models/category/new", test_new);
  g_test_add_func ("/sd/models/category/round-trip/object", test_round_trip_object);
  g_test_add_func ("/sd/models/category/round-trip/text", test_round_trip_text);
  g_test_add_func ("/sd/models/category/list", test_list);
  g_test_add_func ("/sd/models/category/invalid", test_invalid);

  return g_test_run ();
}
