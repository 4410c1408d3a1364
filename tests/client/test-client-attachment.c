#define G_LOG_DOMAIN "sd-test-client-attachment"

#include "config.h"

#include "sd-test-client.h"
#include "sd-upload.h"

#include <glib/gstdio.h>

/*
 * sd_client_get_attachment_async() against the real server: an
 * attachment's name, type and size from its id alone, a name that needs
 * RFC 5987 to travel, and the same visibility rules as its download.
 */

typedef struct
{
  SdTestServer *server;
  SdClient     *client;  /* signed in as the customer */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

static SdAttachment *
get_attachment (SdClient  *client,
                gint64     id,
                GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_get_attachment_async (client, id, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_get_attachment_finish (client, result, error);
}

/* The demo data's first attachment: "firewall.log", of the customer's organization. */
static gint64
demo_attachment_id (Fixture *fixture)
{
  g_autoptr(SdTestResponse) response = NULL;
  g_autofree char *token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  JsonArray *tickets;

  response = sd_test_request (fixture->server, "GET", "/api/v1/tickets?q=firewall", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  tickets = json_object_get_array_member (sd_test_response_object (response), "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), >, 0);

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      gint64 ticket_id = json_object_get_int_member (json_array_get_object_element (tickets, i),
                                                     "id");
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                               ticket_id);
      g_autoptr(SdTestResponse) messages = sd_test_request (fixture->server, "GET", path, token,
                                                            NULL);
      JsonArray *array = json_object_get_array_member (sd_test_response_object (messages),
                                                       "messages");

      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonObject *message = json_array_get_object_element (array, j);
          JsonArray *attachments = json_object_get_array_member (message, "attachments");

          if (json_array_get_length (attachments) > 0)
            return json_object_get_int_member (json_array_get_object_element (attachments, 0),
                                               "id");
        }
    }

  g_assert_not_reached ();
}

static void
test_get (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 id = demo_attachment_id (fixture);

  attachment = get_attachment (fixture->client, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_attachment_get_id (attachment), ==, id);
  g_assert_cmpstr (sd_attachment_get_filename (attachment), ==, "firewall.log");
  g_assert_cmpstr (sd_attachment_get_content_type (attachment), ==, "text/plain");
  g_assert_cmpint (sd_attachment_get_size (attachment), >, 0);
  g_assert_null (sd_attachment_get_sha256 (attachment));
  /* The url follows from the id, so the result can be downloaded as it is. */
  url = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT, id);
  g_assert_cmpstr (sd_attachment_get_url (attachment), ==, url);
}

/* Spaces, accents and a quote survive the trip through Content-Disposition. */
static void
test_unusual_name (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *name = "résumé \"final\" 2.txt";
  g_autofree char *dir = g_dir_make_tmp ("supportdesk-attachment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "plain.txt", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAttachment) listed = NULL;
  const char *tokens[2] = { NULL, NULL };
  SdMessage *message;

  g_file_set_contents (path, "twelve bytes", -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  upload = sd_upload_new (fixture->client, file, name, NULL);
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  info = sd_upload_start_finish (upload, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tokens[0] = sd_upload_info_get_token (info);
  sd_client_create_ticket_async (fixture->client, "other", "A file with a long name",
                                 "See the file", tokens, NULL, NULL, sd_test_store_result_cb,
                                 &result);
  sd_test_wait_for_result (&result);
  ticket = sd_client_create_ticket_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  sd_client_list_messages_async (fixture->client, sd_ticket_get_id (ticket), 0, NULL, 0, NULL,
                                 sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  page = sd_client_list_messages_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  message = g_ptr_array_index (page->items, 0);
  listed = g_list_model_get_item (sd_message_get_attachments (message), 0);

  attachment = get_attachment (fixture->client, sd_attachment_get_id (listed), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_attachment_get_filename (attachment), ==, name);
  g_assert_cmpstr (sd_attachment_get_content_type (attachment), ==, "text/plain");
  g_assert_cmpint (sd_attachment_get_size (attachment), ==, 12);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;

  attachment = get_attachment (fixture->client, 999999, &error);
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpuint (sd_client_error_get_status (error), ==, 404);
  g_assert_null (attachment);
}

/* Another organization's attachment does not exist, as its download does not. */
static void
test_other_organization (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SdClient) other = sd_test_client_new (fixture->server, SD_TEST_OTHER);
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;

  attachment = get_attachment (other, demo_attachment_id (fixture), &error);
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NOT_FOUND);
  g_assert_null (attachment);
}

static void
test_signed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SdClient) client = sd_client_new (fixture->server->url);
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;

  attachment = get_attachment (client, demo_attachment_id (fixture), &error);
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (sd_client_error_get_status (error), ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/client/attachment/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("get", test_get);
  ADD ("unusual-name", test_unusual_name);
  ADD ("not-found", test_not_found);
  ADD ("other-organization", test_other_organization);
  ADD ("signed-out", test_signed_out);

#undef ADD

  return g_test_run ();
}
