#include "config.h"

#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"
#include "sd-ticket-row.h"

#include <string.h>

/* The customer's demo tickets, newest activity first. */
static const char * const newest_first[] = {
  "Sales figures from yesterday are missing",
  "Firewall blocks the update service",
  "Invoice shows the wrong VAT number",
  "Installer stops at 80 %",
  NULL
};

typedef struct
{
  SdTestApp *app;
  GtkWidget *root;
  GtkWidget *list_view;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  fixture->root = GTK_WIDGET (fixture->app->window);

  sd_test_wait_until ((fixture->list_view = sd_test_find (fixture->root, "Tickets",
                                                          GTK_TYPE_LIST_VIEW, FALSE)) != NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

static GListModel *
tickets (Fixture *fixture)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (fixture->list_view)));
}

/* Whether the list holds exactly @subjects (NULL-terminated), in that order, on screen. */
static gboolean
list_is (Fixture            *fixture,
         const char * const *subjects)
{
  GListModel *model = tickets (fixture);
  guint n_items = model != NULL ? g_list_model_get_n_items (model) : 0;

  if (!gtk_widget_get_mapped (fixture->list_view) || n_items != g_strv_length ((GStrv)subjects))
    return FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdTicket) ticket = g_list_model_get_item (model, i);

      if (g_strcmp0 (sd_ticket_get_subject (ticket), subjects[i]) != 0 ||
          !sd_test_has_label (fixture->list_view, subjects[i]))
        return FALSE;
    }

  return TRUE;
}

/* Whether the row of the ticket named @subject shows @text too. */
static gboolean
row_shows (GtkWidget  *widget,
           const char *subject,
           const char *text)
{
  if (SD_IS_TICKET_ROW (widget))
    return sd_test_has_label (widget, subject) && sd_test_has_label (widget, text);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (row_shows (child, subject, text))
      return TRUE;

  return FALSE;
}

/* Whether a label below @widget has @text somewhere in it. */
static gboolean
has_label_with (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_with (child, text))
      return TRUE;

  return FALSE;
}

/* Whether the row of the ticket @subject has @text in one of its labels. */
static gboolean
row_mentions (GtkWidget  *widget,
              const char *subject,
              const char *text)
{
  if (SD_IS_TICKET_ROW (widget))
    return sd_test_has_label (widget, subject) && has_label_with (widget, text);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (row_mentions (child, subject, text))
      return TRUE;

  return FALSE;
}

static GtkWidget *
find (Fixture    *fixture,
      const char *label,
      GType       type)
{
  GtkWidget *widget = sd_test_find (fixture->root, label, type, FALSE);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
choose (Fixture    *fixture,
        const char *label,
        const char *choice)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (find (fixture, label, GTK_TYPE_DROP_DOWN));
  GListModel *choices = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (choices, i);

      if (g_str_equal (gtk_string_object_get_string (item), choice))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }

  return FALSE;
}

static void
search (Fixture    *fixture,
        const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (fixture, "Search tickets", GTK_TYPE_SEARCH_ENTRY)),
                         text);
}

static SdTicketPage *
ticket_page (Fixture *fixture)
{
  return (SdTicketPage *)sd_test_find_type (fixture->root, SD_TYPE_TICKET_PAGE, NULL);
}

/* Activates the row at @position, as a click or Enter on it does. */
static void
activate_row (Fixture *fixture,
              guint    position)
{
  gtk_widget_activate_action (fixture->list_view, "list.activate-item", "u", position);
  sd_test_wait_until (ticket_page (fixture) != NULL);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  sd_test_wait_until (list_is (fixture, newest_first));
  g_assert_true (row_shows (fixture->list_view, newest_first[0], "Pending"));
  g_assert_true (row_shows (fixture->list_view, newest_first[2], "Solved"));
  /* Each row names its category, even when the names come after the rows. */
  sd_test_wait_until (row_mentions (fixture->list_view, "Firewall blocks the update service",
                                    " · Antivirus / firewall · "));
  g_assert_true (row_mentions (fixture->list_view, "Invoice shows the wrong VAT number",
                               " · Billing · "));
  g_assert_false (row_mentions (fixture->list_view, "Invoice shows the wrong VAT number",
                                " · billing · "));
  /* The other organization's ticket is not theirs to see. */
  g_assert_false (sd_test_has_label (fixture->root, "Cannot sign in after changing my password"));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  const char *firewall[] = { "Firewall blocks the update service", NULL };

  sd_test_wait_until (list_is (fixture, newest_first));

  /* "log" is only in the agent's question and in the customer's answer, not the subject. */
  search (fixture, "firewall log");
  sd_test_wait_until (list_is (fixture, firewall));

  search (fixture, "qwzxv");
  sd_test_wait_until (sd_test_has_label (fixture->root, "No Tickets Found") &&
                      !gtk_widget_get_mapped (fixture->list_view));

  search (fixture, "");
  sd_test_wait_until (list_is (fixture, newest_first));
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  const char *solved[] = { "Invoice shows the wrong VAT number", "Installer stops at 80 %", NULL };
  const char *pending[] = { newest_first[0], newest_first[1], NULL };
  const char *solved_billing[] = { "Invoice shows the wrong VAT number", NULL };

  sd_test_wait_until (list_is (fixture, newest_first));

  g_assert_true (choose (fixture, "Status", "Solved"));
  sd_test_wait_until (list_is (fixture, solved));
  g_assert_false (sd_test_has_label (fixture->list_view, "Pending"));

  g_assert_true (choose (fixture, "Status", "Pending"));
  sd_test_wait_until (list_is (fixture, pending));

  /* Filters combine. */
  g_assert_true (choose (fixture, "Status", "Solved"));
  sd_test_wait_until (choose (fixture, "Category", "Billing"));
  sd_test_wait_until (list_is (fixture, solved_billing));
  g_assert_true (choose (fixture, "Category", "Data not captured"));
  sd_test_wait_until (sd_test_has_label (fixture->root, "No Tickets Found"));

  g_assert_true (choose (fixture, "Category", "All categories"));
  g_assert_true (choose (fixture, "Status", "All"));
  sd_test_wait_until (list_is (fixture, newest_first));
}

static void
test_open_and_back (Fixture       *fixture,
                    gconstpointer  data)
{
  SdTicketPage *page;

  sd_test_wait_until (list_is (fixture, newest_first));

  activate_row (fixture, 1);
  page = ticket_page (fixture);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (page), "Here is the log from this morning."));
  g_assert_true (sd_test_has_label (GTK_WIDGET (page), newest_first[1]));
  g_assert_cmpint (sd_ticket_get_id (sd_ticket_page_get_ticket (page)), ==, 1);

  sd_test_click (GTK_WIDGET (page), "Back");
  sd_test_wait_until (ticket_page (fixture) == NULL && list_is (fixture, newest_first));
  g_assert_nonnull (find (fixture, "Search tickets", GTK_TYPE_SEARCH_ENTRY));
}

/* Another window takes the focus, and this one gets it back, as when the user returns. */
static void
leave_and_come_back (Fixture *fixture)
{
  GtkWidget *other = gtk_window_new ();

  gtk_window_present (GTK_WINDOW (other));
  sd_test_wait_until (gtk_window_is_active (GTK_WINDOW (other)) &&
                      !gtk_window_is_active (GTK_WINDOW (fixture->app->window)));
  gtk_window_present (GTK_WINDOW (fixture->app->window));
  sd_test_wait_until (gtk_window_is_active (GTK_WINDOW (fixture->app->window)));
  gtk_window_destroy (GTK_WINDOW (other));
}

static void
test_agent_answers (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *agent = sd_test_login (fixture->app->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) posted = NULL;
  g_autoptr(SdTestResponse) patched = NULL;
  g_autoptr(SdTestResponse) second = NULL;
  const char *reply = "The import ran late; yesterday's figures are there now.";
  GtkWidget *page;

  sd_test_wait_until (list_is (fixture, newest_first));
  activate_row (fixture, 0);
  page = GTK_WIDGET (ticket_page (fixture));
  /* The conversation is loaded: what comes later can only come from a refresh. */
  sd_test_wait_until (sd_test_has_label (page, newest_first[0]) &&
                      sd_test_has_label (page, "Pending") &&
                      sd_test_has_label (page, "The dashboard shows no sales for yesterday, "
                                               "although the shop was open. See the "
                                               "screenshot."));

  /* Support answers and solves the ticket while the user looks elsewhere. */
  posted = sd_test_request (fixture->app->server, "POST", "/api/v1/tickets/3/messages", agent,
                            "{\"body\": \"The import ran late; yesterday's figures are there "
                            "now.\"}");
  g_assert_cmpuint (posted->status, ==, 201);
  patched = sd_test_request (fixture->app->server, "PATCH", "/api/v1/tickets/3", agent,
                             "{\"status\": \"solved\"}");
  g_assert_cmpuint (patched->status, ==, 200);

  leave_and_come_back (fixture);
  sd_test_wait_until (sd_test_has_label (page, reply) && sd_test_has_label (page, "Solved"));
  g_assert_true (sd_test_has_label_prefix (page, "Jordan Lee marked this ticket as solved"));

  /* An explicit refresh finds what came later, once. */
  second = sd_test_request (fixture->app->server, "POST", "/api/v1/tickets/3/messages", agent,
                            "{\"body\": \"Tell us if anything is still missing.\"}");
  g_assert_cmpuint (second->status, ==, 201);
  sd_support_page_refresh (SD_SUPPORT_PAGE (sd_test_find_type (fixture->root,
                                                               SD_TYPE_SUPPORT_PAGE, NULL)));
  sd_test_wait_until (sd_test_has_label (page, "Tell us if anything is still missing."));

  /* Back in the list, the ticket is solved there too. */
  sd_test_click (page, "Back");
  sd_test_wait_until (list_is (fixture, newest_first));
  sd_test_wait_until (row_shows (fixture->list_view, newest_first[0], "Solved"));
}

static void
test_shortcuts_window (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWindow *shortcuts = NULL;

  g_assert_true (sd_test_has_accel (GTK_APPLICATION (fixture->app->app),
                                    "win.show-help-overlay", "<Control>question"));

  gtk_widget_activate_action (fixture->root, "win.show-help-overlay", NULL);
  sd_test_wait_until ((shortcuts = sd_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  g_assert_true (sd_test_has_label (GTK_WIDGET (shortcuts), "New ticket"));
  g_assert_true (sd_test_has_label (GTK_WIDGET (shortcuts), "Copy the support PIN"));
  gtk_window_close (shortcuts);
  sd_test_wait_until (sd_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == NULL);

  /* Asked for again, the same window comes back. */
  gtk_widget_activate_action (fixture->root, "win.show-help-overlay", NULL);
  sd_test_wait_until (sd_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == shortcuts);
  gtk_window_close (shortcuts);
  sd_test_wait_until (sd_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) == NULL);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/support/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("list", test_list);
  ADD ("search", test_search);
  ADD ("filters", test_filters);
  ADD ("open-and-back", test_open_and_back);
  ADD ("agent-answers", test_agent_answers);
  ADD ("shortcuts-window", test_shortcuts_window);

#undef ADD

  return g_test_run ();
}
