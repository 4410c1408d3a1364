#define G_LOG_DOMAIN "sd-test-drafts"

#include "config.h"

#include "sd-drafts.h"
#include "sd-test-client.h"

#include <glib/gstdio.h>

/* SdDrafts: what is saved comes back, the last save wins, and a removed draft stays gone. */

typedef struct
{
  char     *dir;
  SdDrafts *drafts;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) dir = NULL;

  fixture->dir = g_dir_make_tmp ("supportdesk-drafts-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "drafts", NULL);
  dir = g_file_new_for_path (path);
  fixture->drafts = sd_drafts_new (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "drafts", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_object (&fixture->drafts);
}

static JsonNode *
draft_with_text (const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The draft's "text", or NULL when there is no draft; asserts there was no error. */
static char *
load_text (SdDrafts   *drafts,
           const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  sd_drafts_load_async (drafts, name, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  node = sd_drafts_load_finish (drafts, result, &error);
  g_assert_no_error (error);
  if (node == NULL)
    return NULL;

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "text"));
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdDrafts) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *other = NULL;
  g_autofree char *none = NULL;

  /* Saves run in order: the last one is what stays. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *value = g_strdup_printf ("Version %u of “the reply” ✓", i);
      g_autoptr(JsonNode) node = draft_with_text (value);

      sd_drafts_save (fixture->drafts, "ticket-7", node);
    }
  {
    g_autoptr(JsonNode) node = draft_with_text ("A new ticket");

    sd_drafts_save (fixture->drafts, "new-ticket", node);
  }

  /* Another SdDrafts on the same folder, as after a restart, reads the same. */
  again = sd_drafts_new (sd_drafts_get_directory (fixture->drafts));
  text = load_text (again, "ticket-7");
  g_assert_cmpstr (text, ==, "Version 4 of “the reply” ✓");
  other = load_text (again, "new-ticket");
  g_assert_cmpstr (other, ==, "A new ticket");
  none = load_text (again, "ticket-8");
  g_assert_null (none);
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonNode) node = draft_with_text ("Sent already");
  g_autofree char *text = NULL;

  sd_drafts_save (fixture->drafts, "ticket-9", node);
  sd_drafts_save (fixture->drafts, "ticket-9", NULL);
  text = load_text (fixture->drafts, "ticket-9");
  g_assert_null (text);
}

static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "drafts", "ticket-3.json", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "{\"text\": \"cut", -1, &error);
  g_assert_no_error (error);

  /* Said to be unreadable, not taken for "no draft": the caller must not overwrite it unasked. */
  sd_drafts_load_async (fixture->drafts, "ticket-3", NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  node = sd_drafts_load_finish (fixture->drafts, result, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sd/client/drafts/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/sd/client/drafts/remove", Fixture, NULL, fixture_set_up, test_remove,
              fixture_tear_down);
  g_test_add ("/sd/client/drafts/unreadable", Fixture, NULL, fixture_set_up, test_unreadable,
              fixture_tear_down);

  return g_test_run ();
}
