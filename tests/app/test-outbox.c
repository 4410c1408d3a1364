#include "config.h"

#include "sd-drafts.h"
#include "sd-new-ticket-page.h"
#include "sd-outbox-row.h"
#include "sd-reply-box.h"
#include "sd-sign-in-page.h"
#include "sd-support-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Nothing the user typed is lost: drafts and unsent tickets and messages
 * survive a restart and the end of a session, and the window says at every
 * moment what is going on with them.
 */

/* The customer's first demo ticket, and one of another organization's. */
#define OWN_TICKET    1
#define OTHER_TICKET  5

#define SESSION_ENDED "Your session has ended. Sign in again to send what you wrote; " \
                      "nothing is lost."

typedef struct
{
  SdTestApp *app;
  /* The customer's own session, to look at what the server has. */
  char      *token;
  /* Files the test made, deleted in the teardown. */
  GPtrArray *files;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new ();
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  /*
   * What the window asks for once the list is in is answered before a test
   * begins: a test that ends the session then learns of it from its own call.
   */
  sd_test_wait_until (sd_window_get_activity_watch (fixture->app->window) != NULL);
  sd_test_spin (100);
  fixture->token = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  fixture->files = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
  g_clear_pointer (&fixture->token, g_free);

  for (guint i = 0; i < fixture->files->len; i++)
    g_file_delete (g_ptr_array_index (fixture->files, i), NULL, NULL);
  g_clear_pointer (&fixture->files, g_ptr_array_unref);
}

static GtkWidget *
root (Fixture *fixture)
{
  return GTK_WIDGET (fixture->app->window);
}

static SdSupportPage *
support_page (Fixture *fixture)
{
  GtkWidget *page = sd_test_find_type (root (fixture), SD_TYPE_SUPPORT_PAGE, NULL);

  g_assert_nonnull (page);
  return SD_SUPPORT_PAGE (page);
}

static GtkWidget *
find (GtkWidget  *parent,
      const char *label,
      GType       type)
{
  GtkWidget *widget = sd_test_find (parent, label, type, FALSE);

  g_assert_nonnull (widget);
  return widget;
}

/* After a start, signs in again unless the session kept in the keyring was taken up. */
static void
sign_in_unless_resumed (Fixture *fixture)
{
  if (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0)
    sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  g_assert_cmpstr (sd_window_get_state (fixture->app->window), ==, "signed-in");
}

static void
restart (Fixture  *fixture,
         gboolean  quit)
{
  sd_test_app_restart (fixture->app, quit);
  sign_in_unless_resumed (fixture);
}

/* Some hundred bytes in a file of its own, as a user attaches them. */
static GFile *
write_temp_file (Fixture    *fixture,
                 const char *template)
{
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  const char *content = "2024-03-04 09:12:00 update check failed: connection reset\n";
  GFile *file = g_file_new_tmp (template, &stream, &error);

  g_assert_no_error (error);
  g_file_replace_contents (file, content, strlen (content), NULL, FALSE, G_FILE_CREATE_NONE,
                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->files, g_object_ref (file));

  return file;
}

/* The drafts */

static char *
draft_path (Fixture    *fixture,
            const char *name)
{
  g_autoptr(GFile) dir = sd_drafts_dup_default_dir (fixture->app->server->url,
                                                     SD_TEST_CUSTOMER);
  g_autofree char *file_name = g_strconcat (name, ".json", NULL);
  g_autoptr(GFile) file = g_file_get_child (dir, file_name);

  return g_file_get_path (file);
}

/* The draft @name as it is on disk, or NULL while there is none. */
static JsonObject *
read_draft (Fixture    *fixture,
            const char *name)
{
  g_autofree char *path = draft_path (fixture, name);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  /* Drafts are written to a temporary file and renamed: what is there is whole. */
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

static gboolean
draft_exists (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = draft_path (fixture, name);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The new-ticket form */

static SdNewTicketPage *
open_form (Fixture *fixture)
{
  GtkWidget *page = NULL;

  gtk_widget_activate_action (root (fixture), "win.new-ticket", NULL);
  sd_test_wait_until ((page = sd_test_find_type (root (fixture), SD_TYPE_NEW_TICKET_PAGE,
                                                 NULL)) != NULL);

  return SD_NEW_TICKET_PAGE (page);
}

static GtkDropDown *
category_dropdown (SdNewTicketPage *page)
{
  GtkWidget *dropdown = sd_test_find (GTK_WIDGET (page), "Category", GTK_TYPE_DROP_DOWN, TRUE);

  g_assert_nonnull (dropdown);
  return GTK_DROP_DOWN (dropdown);
}

static gboolean
select_category (SdNewTicketPage *page,
                 const char      *name)
{
  GtkDropDown *dropdown = category_dropdown (page);
  GListModel *names = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (item), name))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }

  return FALSE;
}

static const char *
selected_category (SdNewTicketPage *page)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (category_dropdown (page));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static GtkEditable *
subject_row (SdNewTicketPage *page,
             gboolean         include_hidden)
{
  GtkWidget *row = sd_test_find (GTK_WIDGET (page), "Subject", GTK_TYPE_EDITABLE, include_hidden);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

static GtkTextBuffer *
description_buffer (SdNewTicketPage *page,
                    gboolean         include_hidden)
{
  GtkWidget *view = sd_test_find (GTK_WIDGET (page), "Description", GTK_TYPE_TEXT_VIEW,
                                  include_hidden);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
buffer_text_is (GtkTextBuffer *buffer,
                const char    *text)
{
  g_autofree char *current = buffer_text (buffer);

  return g_str_equal (current, text);
}

static GListModel *
form_uploads (SdNewTicketPage *page)
{
  return sd_drop_area_get_uploads (sd_new_ticket_page_get_drop_area (page));
}

/* Whether the form holds exactly these fields, and @file (or no file when NULL). */
static gboolean
form_holds (SdNewTicketPage *page,
            const char      *category,
            const char      *subject,
            const char      *description,
            GFile           *file)
{
  GListModel *uploads = form_uploads (page);
  g_autoptr(SdUpload) upload = NULL;

  if (g_strcmp0 (selected_category (page), category) != 0 ||
      g_strcmp0 (gtk_editable_get_text (subject_row (page, TRUE)), subject) != 0 ||
      !buffer_text_is (description_buffer (page, TRUE), description))
    return FALSE;

  if (file == NULL)
    return g_list_model_get_n_items (uploads) == 0;

  if (g_list_model_get_n_items (uploads) != 1)
    return FALSE;
  upload = g_list_model_get_item (uploads, 0);
  return g_file_equal (sd_upload_get_file (upload), file);
}

static void
fill_form (SdNewTicketPage *page,
           const char      *subject,
           const char      *description)
{
  sd_test_wait_until (select_category (page, "Billing"));
  gtk_editable_set_text (subject_row (page, FALSE), subject);
  gtk_text_buffer_set_text (description_buffer (page, FALSE), description, -1);
}

/* The new ticket's draft on disk holds what was typed, and @file (or none when NULL). */
static gboolean
form_draft_holds (Fixture    *fixture,
                  const char *subject,
                  const char *description,
                  GFile      *file)
{
  g_autoptr(JsonObject) draft = read_draft (fixture, "new-ticket");
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  JsonArray *files;

  if (draft == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (draft, "category", NULL),
                 "billing") != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (draft, "subject", NULL),
                 subject) != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (draft, "description", NULL),
                 description) != 0 ||
      !json_object_has_member (draft, "files"))
    return FALSE;

  files = json_object_get_array_member (draft, "files");
  if (path == NULL)
    return json_array_get_length (files) == 0;

  return json_array_get_length (files) == 1 &&
         g_strcmp0 (json_object_get_string_member_with_default (
                      json_array_get_object_element (files, 0), "path", NULL), path) == 0;
}

/* Conversations */

typedef struct
{
  gboolean  done;
  SdTicket *ticket;
} Fetch;

static void
ticket_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  fetch->ticket = sd_client_get_ticket_finish (SD_CLIENT (source), result, &error);
  g_assert_no_error (error);
  fetch->done = TRUE;
}

/* Opens @ticket's conversation as a click in the list does, and waits until it shows. */
static SdTicketPage *
show_ticket (Fixture  *fixture,
             SdTicket *ticket)
{
  GtkWidget *page = NULL;

  sd_support_page_open_ticket (support_page (fixture), ticket);
  sd_test_wait_until ((page = sd_test_find_type (root (fixture), SD_TYPE_TICKET_PAGE,
                                                 NULL)) != NULL &&
                      sd_ticket_page_get_ticket (SD_TICKET_PAGE (page)) == ticket);

  return SD_TICKET_PAGE (page);
}

/* Opens one of the user's own tickets, as the server has it, once its messages are there. */
static SdTicketPage *
open_ticket (Fixture    *fixture,
             gint64      id,
             const char *message)
{
  SdClient *client = sd_window_get_client (fixture->app->window);
  Fetch fetch = { 0 };
  SdTicketPage *page;

  sd_client_get_ticket_async (client, id, NULL, ticket_fetched_cb, &fetch);
  sd_test_wait_until (fetch.done);
  page = show_ticket (fixture, fetch.ticket);
  g_object_unref (fetch.ticket);

  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (page), message));
  /* The page's other requests (the invitations) are answered too, before a test goes on. */
  sd_test_spin (200);

  return page;
}

static GtkTextBuffer *
reply_buffer (SdTicketPage *page)
{
  GtkWidget *box = sd_test_find_type (GTK_WIDGET (page), SD_TYPE_REPLY_BOX, NULL);
  GtkWidget *view;

  g_assert_nonnull (box);
  view = sd_test_find_type (box, GTK_TYPE_TEXT_VIEW, NULL);
  g_assert_nonnull (view);

  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* What the server has */

static SdTestResponse *
api_get (Fixture    *fixture,
         const char *path)
{
  SdTestResponse *response = sd_test_request (fixture->app->server, "GET", path, fixture->token,
                                              NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

/* How many messages of ticket @id, as the server shows them to @token's user, have @body. */
static guint
count_messages_as (Fixture    *fixture,
                   const char *token,
                   gint64      id,
                   const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT
                                           "/messages?limit=100", id);
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *messages;
  guint count = 0;

  response = sd_test_request (fixture->app->server, "GET", path, token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  messages = json_object_get_array_member (sd_test_response_object (response), "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "body"), body) == 0)
        count++;
    }

  return count;
}

static guint
count_messages (Fixture    *fixture,
                gint64      id,
                const char *body)
{
  return count_messages_as (fixture, fixture->token, id, body);
}

/* How many of the customer's tickets, as the server has them, have @subject. */
static guint
count_tickets (Fixture    *fixture,
               const char *subject)
{
  g_autoptr(SdTestResponse) response = api_get (fixture, "/api/v1/tickets?limit=100");
  JsonArray *tickets;
  guint count = 0;

  tickets = json_object_get_array_member (sd_test_response_object (response), "tickets");
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);

      if (g_strcmp0 (json_object_get_string_member (ticket, "subject"), subject) == 0)
        count++;
    }

  return count;
}

/* The outbox */

static guint
count_unsent (Fixture *fixture)
{
  SdOutbox *outbox = sd_window_get_outbox (fixture->app->window);

  return outbox != NULL ? g_list_model_get_n_items (G_LIST_MODEL (outbox)) : 0;
}

static SdOutboxItem *
unsent_item (Fixture *fixture,
             guint    position)
{
  SdOutbox *outbox = sd_window_get_outbox (fixture->app->window);

  g_assert_nonnull (outbox);
  return g_list_model_get_item (G_LIST_MODEL (outbox), position);
}

/* Whether the window shows a row for an unsent item with @title, saying @state. */
static gboolean
shows_unsent (GtkWidget  *parent,
              const char *title,
              const char *state)
{
  GtkWidget *row = sd_test_find_type (parent, SD_TYPE_OUTBOX_ROW, NULL);

  return row != NULL &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0 &&
         g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), state) == 0 &&
         sd_test_has_label (row, title) && sd_test_has_label (row, state);
}

/* Everything in the outbox's folder, items and their leftovers alike. */
static guint
count_outbox_entries (Fixture *fixture)
{
  SdOutbox *outbox = sd_window_get_outbox (fixture->app->window);
  g_autofree char *path = g_file_get_path (sd_outbox_get_directory (outbox));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint count = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

/* Tests */

static void
test_new_ticket_draft_restart (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *subject = "Two invoices for November";
  /* As typed, with the blank line and the spaces at the end. */
  const char *description = "Both invoices list order 4471.\n\nPlease cancel one of them.  ";
  g_autoptr(GFile) file = write_temp_file (fixture, "supportdesk-invoice-XXXXXX.txt");
  SdNewTicketPage *page = open_form (fixture);
  g_autoptr(SdUpload) upload = NULL;

  fill_form (page, subject, description);
  sd_drop_area_add_file (sd_new_ticket_page_get_drop_area (page), file);
  sd_test_wait_until (g_list_model_get_n_items (form_uploads (page)) == 1);

  /*
   * Saved a moment after the last change, with no help from closing the
   * window: a crash from now on loses nothing either.
   */
  sd_test_wait_until (form_draft_holds (fixture, subject, description, file));

  restart (fixture, TRUE);

  /* The same form comes back, file and all, and says so. */
  sd_test_wait_until (sd_test_has_label (root (fixture), "Your unfinished ticket was restored"));
  page = open_form (fixture);
  sd_test_wait_until (form_holds (page, "Billing", subject, description, file));
  upload = g_list_model_get_item (form_uploads (page), 0);
  sd_test_wait_until (sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE);
  g_assert_true (gtk_widget_is_sensitive (find (GTK_WIDGET (page), "Create ticket",
                                                GTK_TYPE_BUTTON)));

  /* Discarding empties the form and forgets the draft for good. */
  sd_test_click_text (GTK_WIDGET (page), "Discard Draft");
  g_assert_true (form_holds (page, "Choose a category", "", "", NULL));
  sd_test_wait_until (!draft_exists (fixture, "new-ticket"));
  g_assert_false (gtk_widget_is_sensitive (find (GTK_WIDGET (page), "Create ticket",
                                                 GTK_TYPE_BUTTON)));
}

/*
 * A slow disk, made certain: a "draft" that is a pipe. Reading it holds the
 * app's one thread for the disk, so that everything the app asks of the disk
 * afterwards waits, until the test writes to the pipe.
 */
typedef struct
{
  SdDrafts *drafts;
  char     *path;
  gboolean  read;
} BusyDisk;

static void
busy_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  BusyDisk *busy = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = sd_drafts_load_finish (SD_DRAFTS (source), result, &error);
  g_assert_no_error (error);
  busy->read = TRUE;
}

static void
make_disk_busy (Fixture  *fixture,
                BusyDisk *busy)
{
  g_autoptr(GFile) dir = sd_drafts_dup_default_dir (fixture->app->server->url,
                                                     SD_TEST_CUSTOMER);
  g_autofree char *dir_path = g_file_get_path (dir);

  busy->path = g_build_filename (dir_path, "busy.json", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0700), ==, 0);
  g_assert_cmpint (mkfifo (busy->path, 0600), ==, 0);
  busy->drafts = sd_drafts_new (dir);
  sd_drafts_load_async (busy->drafts, "busy", NULL, busy_read_cb, busy);
}

/* Blocks until the disk thread reads the pipe, which it does once it gets to it. */
static void
free_disk_cb (gpointer user_data)
{
  BusyDisk *busy = user_data;
  int fd = open (busy->path, O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "{}", 2), ==, 2);
  close (fd);
}

/* The disk is freed only if the app still runs after its window went. */
static void
window_removed_cb (GtkApplication *app,
                   GtkWindow      *window,
                   BusyDisk       *busy)
{
  g_idle_add_once (free_disk_cb, busy);
}

static void
test_quit_right_after_typing (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *subject = "Printer prints blank pages";
  const char *description = "Since this morning every page comes out blank.";
  SdNewTicketPage *page = open_form (fixture);
  BusyDisk busy = { 0 };

  /*
   * Ctrl+Q at once, before the draft's moment to be saved has come, while
   * the disk is slow: the program ends only once what was typed is on disk.
   */
  fill_form (page, subject, description);
  make_disk_busy (fixture, &busy);
  g_signal_connect (fixture->app->app, "window-removed", G_CALLBACK (window_removed_cb), &busy);
  sd_test_app_quit (fixture->app);
  g_assert_true (form_draft_holds (fixture, subject, description, NULL));

  sd_test_wait_until (busy.read);
  g_unlink (busy.path);
  g_clear_pointer (&busy.path, g_free);
  g_clear_object (&busy.drafts);

  /* And it is there at the next start. */
  sd_test_app_start_again (fixture->app);
  sign_in_unless_resumed (fixture);
  page = open_form (fixture);
  sd_test_wait_until (form_holds (page, "Billing", subject, description, NULL));
}

static void
test_reply_draft_restart (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *first_message = "Here is the log from this morning.";
  const char *reply = "The update failed again at 9:12.\n\nI will send tomorrow’s log too.";
  SdTicketPage *page = open_ticket (fixture, OWN_TICKET, first_message);
  g_autoptr(JsonObject) draft = NULL;

  gtk_text_buffer_set_text (reply_buffer (page), reply, -1);
  sd_test_wait_until ((draft = read_draft (fixture, "ticket-1")) != NULL);
  g_assert_cmpstr (json_object_get_string_member_with_default (draft, "text", NULL), ==, reply);

  /* Dropped as a crash would drop it: only what is on disk counts. */
  restart (fixture, FALSE);

  page = open_ticket (fixture, OWN_TICKET, first_message);
  sd_test_wait_until (buffer_text_is (reply_buffer (page), reply));
  g_assert_true (gtk_widget_is_sensitive (find (GTK_WIDGET (page), "Send", GTK_TYPE_BUTTON)));
  g_assert_cmpuint (count_messages (fixture, OWN_TICKET, reply), ==, 0);

  sd_test_click (GTK_WIDGET (page), "Discard Draft");
  g_assert_true (buffer_text_is (reply_buffer (page), ""));
  sd_test_wait_until (!draft_exists (fixture, "ticket-1"));
  g_assert_false (gtk_widget_is_sensitive (find (GTK_WIDGET (page), "Send", GTK_TYPE_BUTTON)));
}

static void
test_session_ended (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *subject = "Reports time out";
  const char *description = "The monthly report times out after a minute.";
  const char *reply = "Half of an answer, to finish later";
  const char *message = "The figures are back since this morning.";
  const char *token = NULL;
  g_autoptr(SdTestResponse) revoked = NULL;
  g_autoptr(SdOutboxItem) item = NULL;
  SdNewTicketPage *form;
  SdTicketPage *page;
  GtkWidget *sign_in_page;

  /* Something begun in the form, and in one conversation… */
  form = open_form (fixture);
  fill_form (form, subject, description);
  page = open_ticket (fixture, OWN_TICKET, "Here is the log from this morning.");
  gtk_text_buffer_set_text (reply_buffer (page), reply, -1);

  /* …then, in another, a message sent just after the session ended elsewhere. */
  page = open_ticket (fixture, 3, "The dashboard shows no sales for yesterday, although the "
                                  "shop was open. See the screenshot.");
  token = sd_client_get_token (sd_window_get_client (fixture->app->window));
  revoked = sd_test_request (fixture->app->server, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (revoked->status, <, 300);
  gtk_text_buffer_set_text (reply_buffer (page), message, -1);
  sd_test_click (GTK_WIDGET (page), "Send");

  /* The window asks to sign in again, and says why and that nothing is lost. */
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0);
  sign_in_page = sd_test_find_type (root (fixture), SD_TYPE_SIGN_IN_PAGE, NULL);
  g_assert_nonnull (sign_in_page);
  sd_test_wait_until (sd_test_has_label (sign_in_page, SESSION_ENDED));
  g_assert_null (sd_window_get_client (fixture->app->window));

  /* The message waits, unsent, for the next session. */
  sd_test_wait_until (count_unsent (fixture) == 1);
  item = unsent_item (fixture, 0);
  g_assert_cmpstr (sd_outbox_item_get_body (item), ==, message);
  sd_test_wait_until (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_WAITING);
  g_assert_cmpuint (count_messages (fixture, 3, message), ==, 0);

  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);

  /* Then it goes, once. */
  sd_test_wait_until (count_unsent (fixture) == 0 && count_messages (fixture, 3, message) == 1);
  sd_test_spin (300);
  g_assert_cmpuint (count_messages (fixture, 3, message), ==, 1);

  /* The form and the reply are as they were left. */
  form = open_form (fixture);
  sd_test_wait_until (form_holds (form, "Billing", subject, description, NULL));
  page = open_ticket (fixture, OWN_TICKET, "Here is the log from this morning.");
  sd_test_wait_until (buffer_text_is (reply_buffer (page), reply));
}

static GtkEditable *
sign_in_field (Fixture    *fixture,
               const char *label)
{
  return GTK_EDITABLE (find (root (fixture), label, G_TYPE_NONE));
}

static void
test_late_refusal (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *message = "Sent just before signing out.";
  const char *token = sd_client_get_token (sd_window_get_client (fixture->app->window));
  g_autoptr(SdTestResponse) revoked = NULL;
  g_autoptr(SdOutboxItem) item = NULL;
  SdTicketPage *page;

  page = open_ticket (fixture, 3, "The dashboard shows no sales for yesterday, although the "
                                  "shop was open. See the screenshot.");
  revoked = sd_test_request (fixture->app->server, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (revoked->status, <, 300);

  /* A slow service: the message is on its way, and its answer comes only later. */
  g_subprocess_send_signal (fixture->app->server->process, SIGSTOP);
  gtk_text_buffer_set_text (reply_buffer (page), message, -1);
  sd_test_click (GTK_WIDGET (page), "Send");
  sd_test_wait_until (count_unsent (fixture) == 1);
  item = unsent_item (fixture, 0);
  sd_test_wait_until (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_SENDING);

  /* Meanwhile the user signs out and begins to sign in again. */
  gtk_widget_activate_action (root (fixture), "win.sign-out", NULL);
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0 &&
                      gtk_widget_get_mapped (root (fixture)));
  gtk_editable_set_text (sign_in_field (fixture, "Email"), SD_TEST_CUSTOMER);
  gtk_editable_set_text (sign_in_field (fixture, "Password"), SD_TEST_PASSWORD);

  /* The refusal of the ended session arrives: the message waits, and what is typed stays. */
  g_subprocess_send_signal (fixture->app->server->process, SIGCONT);
  sd_test_wait_until (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_WAITING);
  sd_test_spin (100);
  g_assert_cmpstr (gtk_editable_get_text (sign_in_field (fixture, "Password")), ==,
                   SD_TEST_PASSWORD);
  g_assert_cmpstr (gtk_editable_get_text (sign_in_field (fixture, "Email")), ==,
                   SD_TEST_CUSTOMER);

  /* The new session sends it, once, and lasts. */
  sd_test_click (root (fixture), "Sign in");
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "signed-in") == 0);
  sd_test_wait_until (count_unsent (fixture) == 0 && count_messages (fixture, 3, message) == 1);
  sd_test_spin (300);
  g_assert_cmpuint (count_messages (fixture, 3, message), ==, 1);
  g_assert_cmpstr (sd_window_get_state (fixture->app->window), ==, "signed-in");
}

static void
count_sending_cb (SdOutboxItem *item,
                  GParamSpec   *pspec,
                  guint        *n_sending)
{
  if (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_SENDING)
    (*n_sending)++;
}

static void
test_refused_message (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *body = "Could you look at this one as well?";
  const char *not_sent = "Not sent: This was not found. It may have been removed.";
  g_autoptr(SdTicket) ticket = sd_ticket_new (OTHER_TICKET);
  g_autoptr(SdTestResponse) refusal = NULL;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *path = NULL;
  g_autofree char *server_message = NULL;
  const char *error_message;
  AdwMessageDialog *dialog;
  GtkWidget *page;
  guint n_sending = 0;

  /* The server answers for another organization's ticket as if there were none. */
  path = g_strdup_printf ("/api/v1/tickets/%d/messages", OTHER_TICKET);
  refusal = sd_test_request (fixture->app->server, "POST", path, fixture->token,
                             "{\"body\": \"Is anyone there?\"}");
  g_assert_cmpuint (refusal->status, ==, 404);
  server_message = g_strdup (json_object_get_string_member (
                               json_object_get_object_member (
                                 sd_test_response_object (refusal), "error"), "message"));

  /* A message for it, written in its conversation and sent. */
  page = GTK_WIDGET (show_ticket (fixture, ticket));
  gtk_text_buffer_set_text (reply_buffer (SD_TICKET_PAGE (page)), body, -1);
  sd_test_click (page, "Send");

  /* It is kept, and the row under the conversation says why it was not sent, in words. */
  sd_test_wait_until (shows_unsent (page, body, not_sent));
  g_assert_cmpuint (count_unsent (fixture), ==, 1);
  item = unsent_item (fixture, 0);
  g_assert_cmpint (sd_outbox_item_get_state (item), ==, SD_OUTBOX_ITEM_STATE_FAILED);
  error_message = sd_outbox_item_get_error (item)->message;
  g_assert_false (sd_test_shows_text (root (fixture), error_message));
  g_assert_false (sd_test_shows_text (root (fixture), server_message));

  /* Retry tries once more, and it stays refused. */
  g_signal_connect (item, "notify::state", G_CALLBACK (count_sending_cb), &n_sending);
  sd_test_click (page, "Retry");
  sd_test_wait_until (n_sending == 1 &&
                      sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_FAILED);
  g_signal_handlers_disconnect_by_func (item, count_sending_cb, &n_sending);
  sd_test_wait_until (shows_unsent (page, body, not_sent));
  g_assert_cmpuint (count_unsent (fixture), ==, 1);

  /* Nothing reached the ticket. */
  agent = sd_test_login (fixture->app->server, SD_TEST_AGENT, SD_TEST_PASSWORD);
  g_assert_cmpuint (count_messages_as (fixture, agent, OTHER_TICKET, body), ==, 0);

  /* Discarding asks first; "Cancel" keeps it. */
  g_assert_cmpuint (count_outbox_entries (fixture), ==, 1);
  sd_test_click (page, "Discard");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "cancel");
  sd_test_spin (100);
  g_assert_cmpuint (count_unsent (fixture), ==, 1);
  g_assert_cmpuint (count_outbox_entries (fixture), ==, 1);
  g_assert_true (shows_unsent (page, body, not_sent));

  /* "Discard" removes the row, and the item from the disk. */
  sd_test_click (page, "Discard");
  sd_test_wait_until ((dialog = sd_test_find_dialog ()) != NULL);
  sd_test_respond (dialog, "discard");
  sd_test_wait_until (count_unsent (fixture) == 0 && count_outbox_entries (fixture) == 0);
  sd_test_wait_until (sd_test_find_type (page, SD_TYPE_OUTBOX_ROW, NULL) == NULL);
  g_assert_false (sd_test_has_label (page, not_sent));
}

static void
test_unsent_ticket_in_list (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *subject = "Backup job never finishes";
  const char *description = "The nightly backup has been running for two days.";
  SdNewTicketPage *form = open_form (fixture);
  g_autoptr(SdOutboxItem) item = NULL;
  g_autofree char *described = NULL;
  SdTicketPage *page = NULL;

  fill_form (form, subject, description);
  sd_test_wait_until (form_draft_holds (fixture, subject, description, NULL));

  sd_test_server_stop (fixture->app->server);
  sd_test_click (GTK_WIDGET (form), "Create ticket");

  /* The form empties, and the list shows the ticket on top, saying it waits for the network. */
  sd_test_wait_until (!gtk_widget_get_mapped (GTK_WIDGET (form)) &&
                      shows_unsent (root (fixture), subject, "Waiting for network"));
  g_assert_true (form_holds (form, "Choose a category", "", "", NULL));
  sd_test_wait_until (!draft_exists (fixture, "new-ticket"));
  g_assert_cmpuint (count_unsent (fixture), ==, 1);
  item = unsent_item (fixture, 0);
  g_assert_cmpstr (sd_outbox_item_get_subject (item), ==, subject);

  /* Between two attempts, so that only Retry sends it. */
  sd_test_wait_until (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_WAITING);
  described = sd_outbox_item_describe (item, TRUE);
  g_assert_cmpstr (described, ==, "Waiting for network");

  sd_test_server_start_on_same_port (fixture->app->server);
  sd_test_click (root (fixture), "Retry");

  /* It goes out, and opens, as if it had never waited. */
  sd_test_wait_until ((page = (SdTicketPage *)sd_test_find_type (root (fixture),
                                                                 SD_TYPE_TICKET_PAGE,
                                                                 NULL)) != NULL &&
                      sd_ticket_page_get_ticket (page) != NULL &&
                      sd_test_has_label (GTK_WIDGET (page), subject) &&
                      sd_test_has_label (GTK_WIDGET (page), description));
  g_assert_cmpuint (count_unsent (fixture), ==, 0);
  g_assert_cmpuint (count_tickets (fixture, subject), ==, 1);
  sd_test_spin (300);
  g_assert_cmpuint (count_tickets (fixture, subject), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/outbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("new-ticket-draft-restart", test_new_ticket_draft_restart);
  ADD ("quit-right-after-typing", test_quit_right_after_typing);
  ADD ("reply-draft-restart", test_reply_draft_restart);
  ADD ("session-ended", test_session_ended);
  ADD ("late-refusal", test_late_refusal);
  ADD ("refused-message", test_refused_message);
  ADD ("unsent-ticket-in-list", test_unsent_ticket_in_list);

#undef ADD

  return g_test_run ();
}
