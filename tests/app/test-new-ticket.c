#include "config.h"

#include "sd-new-ticket-page.h"
#include "sd-test-app.h"
#include "sd-ticket-page.h"

#define DESCRIPTION "Since the last update the report export stops half way."

typedef struct
{
  SdTestApp       *app;
  GtkWidget       *root;
  SdNewTicketPage *page;
  /* The customer's own session, to look at what the server has. */
  char            *token;
} Fixture;

/* Ctrl+N, pressed on the keyboard, opens the form. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = sd_test_app_new_full (data);
  sd_test_app_sign_in (fixture->app, SD_TEST_CUSTOMER);
  fixture->root = GTK_WIDGET (fixture->app->window);
  fixture->token = sd_test_login (fixture->app->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);

  sd_test_wait_until (sd_test_has_label (fixture->root, "Firewall blocks the update service"));
  g_assert_null (sd_test_find_type (fixture->root, SD_TYPE_NEW_TICKET_PAGE, NULL));

  sd_test_press_keys (GTK_WINDOW (fixture->root), "ctrl+n");
  sd_test_wait_until ((fixture->page = (SdNewTicketPage *)sd_test_find_type (
                         fixture->root, SD_TYPE_NEW_TICKET_PAGE, NULL)) != NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
  g_clear_pointer (&fixture->token, g_free);
}

static GtkWidget *
find (Fixture    *fixture,
      const char *label,
      GType       type)
{
  GtkWidget *widget = sd_test_find (GTK_WIDGET (fixture->page), label, type, FALSE);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
create_sensitive (Fixture *fixture)
{
  return gtk_widget_is_sensitive (find (fixture, "Create ticket", GTK_TYPE_BUTTON));
}

static gboolean
select_category (Fixture    *fixture,
                 const char *name)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (find (fixture, "Category", GTK_TYPE_DROP_DOWN));
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

static void
set_description (Fixture    *fixture,
                 const char *text)
{
  GtkWidget *view = find (fixture, "Description", GTK_TYPE_TEXT_VIEW);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

static char *
description (Fixture *fixture)
{
  GtkWidget *view = find (fixture, "Description", GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Fills a valid form, but for the files. */
static void
fill_form (Fixture    *fixture,
           const char *subject)
{
  sd_test_wait_until (select_category (fixture, "Billing"));
  gtk_editable_set_text (GTK_EDITABLE (find (fixture, "Subject", GTK_TYPE_EDITABLE)), subject);
  set_description (fixture, DESCRIPTION);
}

/* Emits "drop" on the area's target, as GTK does when something is dropped on it. */
static void
drop (Fixture      *fixture,
      const GValue *value)
{
  SdDropArea *area = sd_new_ticket_page_get_drop_area (fixture->page);
  gboolean accepted = FALSE;

  g_signal_emit_by_name (sd_drop_area_get_drop_target (area), "drop", value, 20.0, 20.0,
                         &accepted);
  g_assert_true (accepted);
}

static GListModel *
uploads_of (Fixture *fixture)
{
  return sd_drop_area_get_uploads (sd_new_ticket_page_get_drop_area (fixture->page));
}

static gboolean
uploads_done (Fixture *fixture,
              guint    n_expected)
{
  GListModel *uploads = uploads_of (fixture);

  if (g_list_model_get_n_items (uploads) != n_expected)
    return FALSE;

  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);

      g_assert_cmpint (sd_upload_get_state (upload), !=, SD_UPLOAD_STATE_FAILED);
      if (sd_upload_get_state (upload) != SD_UPLOAD_STATE_DONE)
        return FALSE;
    }

  return TRUE;
}

/* Creates the ticket and waits for its conversation; returns its id. */
static gint64
create (Fixture    *fixture,
        const char *subject)
{
  SdTicketPage *ticket_page = NULL;

  sd_test_click (GTK_WIDGET (fixture->page), "Create ticket");
  sd_test_wait_until ((ticket_page = (SdTicketPage *)sd_test_find_type (
                         fixture->root, SD_TYPE_TICKET_PAGE, NULL)) != NULL &&
                      sd_ticket_page_get_ticket (ticket_page) != NULL &&
                      sd_test_has_label (GTK_WIDGET (ticket_page), subject) &&
                      sd_test_has_label (GTK_WIDGET (ticket_page), DESCRIPTION));
  /* The form slides away. */
  sd_test_wait_until (sd_test_find_type (fixture->root, SD_TYPE_NEW_TICKET_PAGE, NULL) == NULL);

  return sd_ticket_get_id (sd_ticket_page_get_ticket (ticket_page));
}

static SdTestResponse *
api_get (Fixture    *fixture,
         const char *path)
{
  SdTestResponse *response = sd_test_request (fixture->app->server, "GET", path, fixture->token,
                                              NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

/* The ticket's first message, as the server has it, checked against the form. */
static JsonObject *
first_message (Fixture         *fixture,
               gint64           id,
               const char      *subject,
               SdTestResponse **out_response)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *messages_path = g_strconcat (path, "/messages", NULL);
  g_autoptr(SdTestResponse) ticket = api_get (fixture, path);
  JsonObject *object = sd_test_response_object (ticket);
  JsonObject *message;

  g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==, subject);
  g_assert_cmpstr (json_object_get_string_member (object, "category"), ==, "billing");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "pending");

  *out_response = api_get (fixture, messages_path);
  message = json_array_get_object_element (
              json_object_get_array_member (sd_test_response_object (*out_response), "messages"),
              0);
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==, DESCRIPTION);

  return message;
}

static void
test_form_needs_every_field (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *subject = find (fixture, "Subject", GTK_TYPE_EDITABLE);

  /* The controls are there, with nothing to create yet. */
  g_assert_nonnull (find (fixture, "Back", GTK_TYPE_BUTTON));
  g_assert_nonnull (find (fixture, "Browse files", GTK_TYPE_BUTTON));
  g_assert_false (create_sensitive (fixture));

  sd_test_wait_until (select_category (fixture, "Billing"));
  g_assert_false (create_sensitive (fixture));
  gtk_editable_set_text (GTK_EDITABLE (subject), "Two invoices for November");
  g_assert_false (create_sensitive (fixture));
  set_description (fixture, "   \n ");
  g_assert_false (create_sensitive (fixture));
  set_description (fixture, DESCRIPTION);
  g_assert_true (create_sensitive (fixture));

  /* Taking any field away makes the form incomplete again. */
  gtk_editable_set_text (GTK_EDITABLE (subject), " ");
  g_assert_false (create_sensitive (fixture));
  gtk_editable_set_text (GTK_EDITABLE (subject), "Two invoices for November");
  g_assert_true (select_category (fixture, "Choose a category"));
  g_assert_false (create_sensitive (fixture));
}

static void
test_dropped_file (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *subject = "Export stops half way";
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GByteArray) content = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GSList) files = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sha256 = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GdkFileList *list;
  JsonObject *message, *attachment;
  JsonArray *attachments;
  gint64 id;

  /* A file from a file manager: some hundred kilobytes of anything. */
  file = g_file_new_tmp ("supportdesk-export-XXXXXX.log", &stream, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 300 * 1024 / 4; i++)
    {
      guint32 word = g_rand_int (rand);

      g_byte_array_append (content, (const guint8 *)&word, sizeof word);
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&content));
  g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL,
                           FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  name = g_file_get_basename (file);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  fill_form (fixture, subject);
  g_assert_true (create_sensitive (fixture));

  files = g_slist_prepend (NULL, file);
  list = gdk_file_list_new_from_list (files);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  drop (fixture, &value);

  sd_test_wait_until (uploads_done (fixture, 1));
  g_assert_true (sd_test_has_label (GTK_WIDGET (fixture->page), name));
  g_assert_nonnull (find (fixture, "Remove file", GTK_TYPE_BUTTON));
  g_assert_true (create_sensitive (fixture));

  id = create (fixture, subject);
  /* The conversation offers the file that came with the ticket. */
  sd_test_wait_until (sd_test_find (fixture->root, name, GTK_TYPE_BUTTON, FALSE) != NULL);

  message = first_message (fixture, id, subject, &messages);
  attachments = json_object_get_array_member (message, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "filename"), ==, name);
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, g_bytes_get_size (bytes));
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);

  g_file_delete (file, NULL, NULL);
}

static gboolean
upload_is_png (Fixture *fixture)
{
  GListModel *uploads = uploads_of (fixture);
  g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, 0);

  return g_str_has_prefix (sd_upload_get_filename (upload), "Screenshot ") &&
         g_str_has_suffix (sd_upload_get_filename (upload), ".png") &&
         g_strcmp0 (sd_upload_get_content_type (upload), "image/png") == 0;
}

static void
test_dropped_image (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *subject = "Chart is empty";
  const int width = 24, height = 16;
  gsize stride = width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autofree guchar *downloaded = g_malloc (stride * height);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) received = NULL;
  g_autoptr(SdTestResponse) messages = NULL;
  g_autoptr(SdTestResponse) file = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  JsonObject *message, *attachment;
  JsonArray *attachments;
  gint64 id;

  /* An image straight from a screenshot tool: pixels, no file. */
  for (gsize i = 0; i < stride * height; i += 4)
    {
      pixels[i] = (guchar)(i * 7);
      pixels[i + 1] = (guchar)(i / 3);
      pixels[i + 2] = 0x80;
      pixels[i + 3] = 0xff;
    }
  bytes = g_bytes_new (pixels, stride * height);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, stride);

  fill_form (fixture, subject);
  g_value_init (&value, GDK_TYPE_TEXTURE);
  g_value_set_object (&value, texture);
  drop (fixture, &value);
  g_assert_false (create_sensitive (fixture));

  sd_test_wait_until (uploads_done (fixture, 1));
  g_assert_true (upload_is_png (fixture));

  id = create (fixture, subject);

  message = first_message (fixture, id, subject, &messages);
  attachments = json_object_get_array_member (message, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==, "image/png");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (attachment, "filename"),
                                   ".png"));

  /* What arrived is a PNG of the very pixels that were dropped. */
  file = api_get (fixture, json_object_get_string_member (attachment, "url"));
  received = gdk_texture_new_from_bytes (file->body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (received), ==, width);
  g_assert_cmpint (gdk_texture_get_height (received), ==, height);
  gdk_texture_download (received, downloaded, stride);
  gdk_texture_download (texture, pixels, stride);
  g_assert_cmpmem (downloaded, stride * height, pixels, stride * height);
}

static void
test_added_image (Fixture       *fixture,
                  gconstpointer  data)
{
  SdDropArea *area = sd_new_ticket_page_get_drop_area (fixture->page);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\xff\x00\x00\xff\x00\xff\x00\xff", 8);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (2, 1, GDK_MEMORY_R8G8B8A8, bytes, 8);

  /* A pasted image takes the same way as a dropped one. */
  sd_drop_area_add_texture (area, texture);
  sd_test_wait_until (uploads_done (fixture, 1));
  g_assert_true (upload_is_png (fixture));
}

static SdUpload *
upload_at (Fixture *fixture,
           guint    position)
{
  GListModel *uploads = uploads_of (fixture);

  return g_list_model_get_item (uploads, position);
}

static GFile *
write_temp_file (gsize size)
{
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content = g_strnfill (size, 'a');
  GFile *file = g_file_new_tmp ("supportdesk-notes-XXXXXX.txt", &stream, &error);

  g_assert_no_error (error);
  g_file_replace_contents (file, content, size, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL,
                           &error);
  g_assert_no_error (error);

  return file;
}

static void
test_refused_and_removed (Fixture       *fixture,
                          gconstpointer  data)
{
  SdDropArea *area = sd_new_ticket_page_get_drop_area (fixture->page);
  g_autoptr(GFile) folder = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(GFile) file = write_temp_file (100);
  g_autofree char *folder_name = g_file_get_basename (folder);
  g_autofree char *refusal = g_strdup_printf ("“%s” is a folder. Only files can be attached.",
                                              folder_name);
  g_autoptr(SdUpload) upload = NULL;
  g_autofree char *size = g_format_size (100);

  fill_form (fixture, "Notes attached");

  /* A folder is refused, in words, and nothing waits for it. */
  sd_drop_area_add_file (area, folder);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page), refusal));
  g_assert_cmpuint (g_list_model_get_n_items (sd_drop_area_get_uploads (area)), ==, 0);
  g_assert_true (create_sensitive (fixture));

  /* A file shows its size and a mark once uploaded; removing it takes it away. */
  sd_drop_area_add_file (area, file);
  sd_test_wait_until (uploads_done (fixture, 1));
  g_assert_true (sd_test_has_label (GTK_WIDGET (fixture->page), size));
  g_assert_nonnull (find (fixture, "Uploaded", GTK_TYPE_IMAGE));
  g_assert_null (sd_test_find (GTK_WIDGET (fixture->page), "Upload progress",
                               GTK_TYPE_PROGRESS_BAR, FALSE));
  upload = upload_at (fixture, 0);
  sd_test_click (GTK_WIDGET (fixture->page), "Remove file");
  sd_test_wait_until (g_list_model_get_n_items (sd_drop_area_get_uploads (area)) == 0);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_null (sd_test_find (GTK_WIDGET (fixture->page), "Remove file", GTK_TYPE_BUTTON,
                               FALSE));
  g_assert_true (create_sensitive (fixture));

  g_file_delete (file, NULL, NULL);
}

/* The server of this test takes files of at most 1 kB. */
static const char * const small_uploads[] = { "--max-upload-size", "1000", NULL };

static void
test_failed_upload (Fixture       *fixture,
                    gconstpointer  data)
{
  SdDropArea *area = sd_new_ticket_page_get_drop_area (fixture->page);
  g_autoptr(GFile) file = write_temp_file (4000);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *actual = g_format_size_full (4000, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *limit = g_format_size_full (1000, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *refusal = NULL;

  /* The window asks the service for its limits at sign-in. */
  sd_test_wait_until (sd_client_get_max_upload_size (sd_window_get_client (fixture->app->window))
                      == 1000);

  fill_form (fixture, "Too much to say");
  sd_drop_area_add_file (area, file);

  /* Refused before a byte is sent, in words that name the server's limit. */
  refusal = g_strdup_printf ("“%s” is too large to attach (%s). Files can be at most %s.",
                             name, actual, limit);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page), refusal));
  g_assert_cmpuint (g_list_model_get_n_items (sd_drop_area_get_uploads (area)), ==, 0);
  g_assert_true (create_sensitive (fixture));

  g_file_delete (file, NULL, NULL);
}

static void
test_field_error (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *subject = g_strnfill (201, 'x');
  g_autofree char *text = NULL;
  g_autoptr(SdTestResponse) tickets = NULL;
  GtkWidget *subject_row;

  fill_form (fixture, subject);
  subject_row = find (fixture, "Subject", GTK_TYPE_EDITABLE);
  sd_test_click (GTK_WIDGET (fixture->page), "Create ticket");

  /* The server's refusal is told beside the field, in the app's words. */
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (fixture->page),
                                         "Enter a subject of at most 200 characters"));
  g_assert_null (gtk_test_accessible_check_state (GTK_ACCESSIBLE (subject_row),
                                                  GTK_ACCESSIBLE_STATE_INVALID,
                                                  GTK_ACCESSIBLE_INVALID_TRUE));

  /* Nothing typed is lost, and the form can be sent again once corrected. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (subject_row)), ==, subject);
  text = description (fixture);
  g_assert_cmpstr (text, ==, DESCRIPTION);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->page)));
  g_assert_true (create_sensitive (fixture));

  tickets = api_get (fixture, "/api/v1/tickets");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      sd_test_response_object (tickets), "tickets")), ==, 4);

  /* Correcting the field takes the message away. */
  gtk_editable_set_text (GTK_EDITABLE (subject_row), "Short enough");
  g_assert_false (sd_test_has_label (GTK_WIDGET (fixture->page),
                                     "Enter a subject of at most 200 characters"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD_FULL(path, server_args, func) \
  g_test_add ("/sd/app/new-ticket/" path, Fixture, server_args, fixture_set_up, func, \
              fixture_tear_down)
#define ADD(path, func) ADD_FULL (path, NULL, func)

  ADD ("needs-every-field", test_form_needs_every_field);
  ADD ("dropped-file", test_dropped_file);
  ADD ("dropped-image", test_dropped_image);
  ADD ("added-image", test_added_image);
  ADD ("refused-and-removed", test_refused_and_removed);
  ADD_FULL ("failed-upload", small_uploads, test_failed_upload);
  ADD ("field-error", test_field_error);

#undef ADD
#undef ADD_FULL

  return g_test_run ();
}
