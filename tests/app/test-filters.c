#include "config.h"

#include "sd-test-app.h"

/* The ticket list's category and status filters, remembered across restarts. */

static const char * const all_tickets[] = {
  "Sales figures from yesterday are missing",
  "Firewall blocks the update service",
  "Invoice shows the wrong VAT number",
  "Installer stops at 80 %",
  NULL
};

typedef struct
{
  SdTestApp *app;
} Fixture;

static GSettings *
settings (Fixture *fixture)
{
  return sd_application_get_settings (fixture->app->app);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* The settings live as long as the process: the next test starts unfiltered. */
  g_settings_reset (settings (fixture), "last-category");
  g_settings_reset (settings (fixture), "last-status");
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

static GtkWidget *
find (Fixture    *fixture,
      const char *label,
      GType       type)
{
  return sd_test_find (GTK_WIDGET (fixture->app->window), label, type, FALSE);
}

/* Whether the list shows exactly @subjects (NULL-terminated), in that order. */
static gboolean
list_is (Fixture            *fixture,
         const char * const *subjects)
{
  GtkWidget *list_view = find (fixture, "Tickets", GTK_TYPE_LIST_VIEW);
  GListModel *model = list_view != NULL ? G_LIST_MODEL (gtk_list_view_get_model (
                                                          GTK_LIST_VIEW (list_view))) : NULL;
  guint n_items = model != NULL ? g_list_model_get_n_items (model) : 0;

  if (n_items != g_strv_length ((GStrv)subjects))
    return FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (model, i);

      if (g_strcmp0 (sd_ticket_get_subject (ticket), subjects[i]) != 0 ||
          !sd_test_has_label (list_view, subjects[i]))
        return FALSE;
    }

  return TRUE;
}

/* The choice that the drop-down @label shows, or NULL. */
static const char *
chosen (Fixture    *fixture,
        const char *label)
{
  GtkWidget *dropdown = find (fixture, label, GTK_TYPE_DROP_DOWN);
  GtkStringObject *item;

  if (dropdown == NULL)
    return NULL;

  item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown));
  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static gboolean
choose (Fixture    *fixture,
        const char *label,
        const char *choice)
{
  GtkWidget *dropdown = find (fixture, label, GTK_TYPE_DROP_DOWN);
  GListModel *choices = dropdown != NULL ? gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))
                                         : NULL;

  for (guint i = 0; choices != NULL && i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (choices, i);

      if (g_str_equal (gtk_string_object_get_string (item), choice))
        {
          gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
          return TRUE;
        }
    }

  return FALSE;
}

static void
assert_key (Fixture    *fixture,
            const char *key,
            const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings (fixture), key);

  g_assert_cmpstr (value, ==, expected);
}

static void
test_remembered (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *solved_billing[] = { "Invoice shows the wrong VAT number", NULL };

  sd_test_wait_until (list_is (fixture, all_tickets));
  g_assert_true (choose (fixture, "Status", "Solved"));
  sd_test_wait_until (choose (fixture, "Category", "Billing"));
  sd_test_wait_until (list_is (fixture, solved_billing));
  assert_key (fixture, "last-status", "solved");
  assert_key (fixture, "last-category", "billing");

  /* The next start, with the session kept, shows the list as it was left. */
  sd_test_app_restart (fixture->app, TRUE);
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "signed-in") == 0);
  sd_test_wait_until (list_is (fixture, solved_billing));
  sd_test_wait_until (g_strcmp0 (chosen (fixture, "Category"), "Billing") == 0);
  g_assert_cmpstr (chosen (fixture, "Status"), ==, "Solved");

  /* Back to everything, and that is remembered too. */
  g_assert_true (choose (fixture, "Category", "All categories"));
  g_assert_true (choose (fixture, "Status", "All"));
  sd_test_wait_until (list_is (fixture, all_tickets));
  assert_key (fixture, "last-status", "");
  assert_key (fixture, "last-category", "");
}

static void
test_category_gone (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *pending[] = { all_tickets[0], all_tickets[1], NULL };

  /* The service no longer has the category remembered: the list shows what it can. */
  g_settings_set_string (settings (fixture), "last-category", "no-such-category");
  g_settings_set_string (settings (fixture), "last-status", "pending");
  sd_test_app_restart (fixture->app, TRUE);

  sd_test_wait_until (list_is (fixture, pending));
  g_assert_cmpstr (chosen (fixture, "Category"), ==, "All categories");
  g_assert_cmpstr (chosen (fixture, "Status"), ==, "Pending");
  g_assert_false (sd_test_has_label (GTK_WIDGET (fixture->app->window),
                                     "Tickets Cannot Be Shown"));
  assert_key (fixture, "last-category", "");
  assert_key (fixture, "last-status", "pending");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/filters/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("remembered", test_remembered);
  ADD ("category-gone", test_category_gone);

#undef ADD

  return g_test_run ();
}
