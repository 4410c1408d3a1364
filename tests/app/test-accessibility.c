#include "config.h"

#include "sd-new-ticket-page.h"
#include "sd-pin-page.h"
#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"

/*
 * Every control of the brief's list, under exactly the name assistive
 * technologies read out, on the page where it belongs; and the keyboard
 * shortcuts.
 */

typedef struct
{
  SdTestApp *app;
  GtkWidget *root;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  fixture->root = GTK_WIDGET (fixture->app->window);
  if (data != NULL)
    {
      sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
      sd_test_wait_until (sd_test_has_label (fixture->root, "Firewall blocks the update service"));
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
}

/*
 * The control of @type named @name below @page, asserting that there is one.
 * (A label's own name is its text, so a type is needed to tell the control
 * from a label that only shows the same word.)
 */
static GtkWidget *
assert_control (GtkWidget  *page,
                const char *name,
                GType       type)
{
  GtkWidget *widget = sd_test_find (page, name, type, FALSE);

  if (widget == NULL)
    g_error ("No %s is named “%s” on %s", g_type_name (type), name, G_OBJECT_TYPE_NAME (page));

  return widget;
}

/* View switcher tabs are named by the text they show, which is their "label". */
static GtkWidget *
find_tab (GtkWidget  *widget,
          const char *name)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_TAB &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "label") != NULL)
    {
      g_autofree char *label = NULL;

      g_object_get (widget, "label", &label, NULL);
      if (g_strcmp0 (label, name) == 0 && sd_test_has_label (widget, name))
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_tab (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
assert_back_button (GtkWidget *page)
{
  GtkWidget *back = assert_control (page, "Back", GTK_TYPE_BUTTON);

  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (back)), ==, "go-previous-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (back), ==, "Back");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (back)), ==, "support.back");
}

/*
 * Menu items are named by their label (the "labelled-by" relation), not by a
 * name of their own: the item whose label shows @name, labelled by that label.
 */
static GtkWidget *
find_menu_item (GtkWidget  *widget,
                const char *name)
{
  if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) ==
      GTK_ACCESSIBLE_ROLE_MENU_ITEM)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          g_autofree char *mismatch = NULL;

          if (!GTK_IS_LABEL (child) ||
              g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), name) != 0)
            continue;
          mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                         child, NULL);
          if (mismatch == NULL)
            return widget;
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_item (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_sign_in_page (Fixture       *fixture,
                   gconstpointer  data)
{
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0 &&
                      gtk_widget_get_mapped (fixture->root));

  assert_control (fixture->root, "Server", GTK_TYPE_EDITABLE);
  assert_control (fixture->root, "Email", GTK_TYPE_EDITABLE);
  assert_control (fixture->root, "Password", GTK_TYPE_EDITABLE);
  assert_control (fixture->root, "Sign in", GTK_TYPE_BUTTON);
}

static void
test_support_list (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *page = sd_test_find_type (fixture->root, SD_TYPE_SUPPORT_PAGE, NULL);
  GtkWidget *sign_out;

  g_assert_nonnull (find_tab (fixture->root, "Support"));
  g_assert_nonnull (find_tab (fixture->root, "Support PIN"));
  assert_control (page, "Search tickets", GTK_TYPE_SEARCH_ENTRY);
  assert_control (page, "Category", GTK_TYPE_DROP_DOWN);
  assert_control (page, "Status", GTK_TYPE_DROP_DOWN);
  assert_control (page, "Add new ticket", GTK_TYPE_BUTTON);

  /* "Sign out" is in the main menu, and it does sign out. */
  sign_out = find_menu_item (fixture->root, "Sign out");
  g_assert_nonnull (sign_out);
  g_signal_emit_by_name (sign_out, "clicked");
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0);
}

static void
test_new_ticket_form (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *page;

  gtk_widget_activate_action (fixture->root, "win.new-ticket", NULL);
  sd_test_wait_until ((page = sd_test_find_type (fixture->root, SD_TYPE_NEW_TICKET_PAGE,
                                                 NULL)) != NULL);

  assert_back_button (page);
  assert_control (page, "Category", GTK_TYPE_DROP_DOWN);
  assert_control (page, "Subject", GTK_TYPE_EDITABLE);
  assert_control (page, "Description", GTK_TYPE_TEXT_VIEW);
  assert_control (page, "Browse files", GTK_TYPE_BUTTON);
  assert_control (page, "Create ticket", GTK_TYPE_BUTTON);
}

static SdTicketPage *
open_ticket (Fixture *fixture,
             gint64   id)
{
  g_autoptr(SdTicket) ticket = sd_ticket_new (id);
  SdTicketPage *page = NULL;

  sd_support_page_open_ticket (SD_SUPPORT_PAGE (sd_test_find_type (fixture->root,
                                                                   SD_TYPE_SUPPORT_PAGE, NULL)),
                               ticket);
  sd_test_wait_until ((page = (SdTicketPage *)sd_test_find_type (fixture->root,
                                                                  SD_TYPE_TICKET_PAGE,
                                                                  NULL)) != NULL &&
                      sd_test_has_label (GTK_WIDGET (page), "Here is the log from this morning."));

  return page;
}

static void
test_ticket (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (open_ticket (fixture, 1));

  assert_back_button (page);
  assert_control (page, "Invite agent to dashboard", GTK_TYPE_BUTTON);
  assert_control (page, "Quote", GTK_TYPE_BUTTON);
  assert_control (page, "Attach files", GTK_TYPE_BUTTON);
  assert_control (page, "Send", GTK_TYPE_BUTTON);
}

static void
test_pin_page (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *token = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER,
                                          SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) invited = NULL;
  GtkWidget *page;

  /* An invitation, so that there is something to revoke. */
  invited = sd_test_request (fixture->app->server, "POST", "/api/v1/tickets/1/invitations", token,
                             NULL);
  g_assert_cmpuint (invited->status, ==, 201);

  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "pin");
  sd_test_wait_until ((page = sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE, NULL)) != NULL);
  sd_pin_page_refresh (SD_PIN_PAGE (page));
  sd_test_wait_until (sd_test_find (page, "Revoke", GTK_TYPE_BUTTON, FALSE) != NULL);

  assert_control (page, "Renew", GTK_TYPE_BUTTON);
  assert_control (page, "Copy", GTK_TYPE_BUTTON);
  assert_control (page, "Clear", GTK_TYPE_BUTTON);
  assert_control (page, "Revoke", GTK_TYPE_BUTTON);
}

static gboolean
search_focused (Fixture *fixture)
{
  GtkWidget *entry = sd_test_find (fixture->root, "Search tickets", GTK_TYPE_SEARCH_ENTRY, FALSE);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->root));

  return entry != NULL && focus != NULL && gtk_widget_is_ancestor (focus, entry);
}

static void
test_window_shortcuts (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkApplication *app = GTK_APPLICATION (fixture->app->app);
  GtkWidget *pin_page;
  g_autofree char *pin = NULL;
  g_autofree char *copied = NULL;
  const char *label;

  g_assert_true (sd_test_has_accel (app, "win.new-ticket", "<Control>n"));
  g_assert_true (sd_test_has_accel (app, "win.search", "<Control>f"));
  g_assert_true (sd_test_has_accel (app, "win.copy-pin", "<Control><Shift>c"));

  /* Ctrl+N: the form; Ctrl+F: back to the list, into the search field. */
  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+n");
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_NEW_TICKET_PAGE, NULL) != NULL);
  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+f");
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_NEW_TICKET_PAGE, NULL) == NULL &&
                      search_focused (fixture));

  /* Ctrl+Shift+C copies the PIN from wherever the user is. */
  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "pin");
  sd_test_wait_until ((pin_page = sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE,
                                                     NULL)) != NULL);
  sd_test_click (pin_page, "Renew");
  sd_test_wait_until ((label = gtk_label_get_text (GTK_LABEL (sd_test_find_type (
                         pin_page, GTK_TYPE_LABEL, "support-pin")))) != NULL &&
                      g_regex_match_simple ("^[0-9]{3} [0-9]{3} [0-9]{3}$", label, 0, 0));
  pin = g_strdup_printf ("%.3s%.3s%.3s", label, label + 4, label + 8);
  gtk_widget_activate_action (fixture->root, "win.show-page", "s", "support");
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE, NULL) == NULL);

  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+shift+c");
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_PIN_PAGE, NULL) != NULL &&
                      sd_test_has_label (fixture->root, "PIN copied"));
  copied = sd_test_read_clipboard (gtk_widget_get_clipboard (fixture->root));
  g_assert_cmpstr (copied, ==, pin);
}

static guint
count_messages (Fixture    *fixture,
                const char *body)
{
  g_autofree char *token = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER,
                                          SD_TEST_PASSWORD);
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *messages;
  guint count = 0;

  response = sd_test_request (fixture->app->server, "GET", "/api/v1/tickets/1/messages", token,
                              NULL);
  g_assert_cmpuint (response->status, ==, 200);
  messages = json_object_get_array_member (sd_test_response_object (response), "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (messages, i),
                                                  "body"), body) == 0)
      count++;

  return count;
}

static void
test_send_shortcut (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (open_ticket (fixture, 1));
  GtkWidget *view = sd_test_find (page, "New message", GTK_TYPE_TEXT_VIEW, FALSE);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  const char *body = "Sent from the keyboard.";

  gtk_text_buffer_set_text (buffer, body, -1);
  gtk_widget_grab_focus (view);
  g_assert_true (gtk_widget_has_focus (view));

  /* Ctrl+Enter in the field sends, rather than starting a new line. */
  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+Return");
  sd_test_wait_until (gtk_text_buffer_get_char_count (buffer) == 0 &&
                      count_messages (fixture, body) == 1 && sd_test_has_label (page, body));

  /* Also with the keypad's Enter. */
  gtk_text_buffer_set_text (buffer, "And once more.", -1);
  gtk_widget_grab_focus (view);
  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+KP_Enter");
  sd_test_wait_until (gtk_text_buffer_get_char_count (buffer) == 0 &&
                      sd_test_has_label (page, "And once more."));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, signed_in, func) \
  g_test_add ("/sd/app/accessibility/" path, Fixture, (signed_in) ? "signed-in" : NULL, \
              fixture_set_up, func, fixture_tear_down)

  ADD ("sign-in-page", FALSE, test_sign_in_page);
  ADD ("support-list", TRUE, test_support_list);
  ADD ("new-ticket-form", TRUE, test_new_ticket_form);
  ADD ("ticket", TRUE, test_ticket);
  ADD ("pin-page", TRUE, test_pin_page);
  ADD ("window-shortcuts", TRUE, test_window_shortcuts);
  ADD ("send-shortcut", TRUE, test_send_shortcut);

#undef ADD

  return g_test_run ();
}
