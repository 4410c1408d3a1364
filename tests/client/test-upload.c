#define G_LOG_DOMAIN "sd-test-upload"

#include "config.h"

#include "sd-test-client.h"
#include "sd-upload.h"

#include <glib/gstdio.h>
#include <string.h>

/*
 * SdUpload against the real server: the body streamed from the file, the
 * progress it reports, cancelling, restarting, and the server's limit.
 */

typedef struct
{
  SdTestServer *server;
  SdClient     *client;
  char         *dir;
} Fixture;

static void
set_up (Fixture            *fixture,
        const char * const *server_args)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sd_test_server_new (server_args);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  fixture->dir = g_dir_make_tmp ("supportdesk-upload-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_up (fixture, NULL);
}

/* Room for a large file that is cancelled before it is all sent. */
static void
fixture_set_up_large (Fixture       *fixture,
                      gconstpointer  data)
{
  set_up (fixture, (const char * const[]) { "--max-upload-size", "134217728", NULL });
}

/* A limit of 1 MiB, for files that are too large. */
static void
fixture_set_up_small (Fixture       *fixture,
                      gconstpointer  data)
{
  set_up (fixture, (const char * const[]) { "--max-upload-size", "1048576", NULL });
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);

  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* A file of @size random bytes in the fixture's folder. */
static GFile *
random_file (Fixture    *fixture,
             const char *name,
             gsize       size,
             char      **out_sha256)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int_range (rand, 0, 256);

  g_file_set_contents (path, (const char *)data, size, &error);
  g_assert_no_error (error);

  if (out_sha256 != NULL)
    *out_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);

  return g_file_new_for_path (path);
}

/* A file of @size bytes that takes no room on disk: a hole, read as zeros. */
static GFile *
sparse_file (Fixture    *fixture,
             const char *name,
             goffset     size)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_seekable_truncate (G_SEEKABLE (stream), size, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&file);
}

static SdUploadInfo *
run_upload (SdUpload  *upload,
            GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_upload_start_finish (upload, result, error);
}

typedef struct
{
  guint   sent_notified;
  guint   fraction_notified;
  gint64  last_sent;
  double  last_fraction;
  GArray *states;
} Progress;

static void
sent_notify_cb (SdUpload   *upload,
                GParamSpec *pspec,
                Progress   *progress)
{
  gint64 sent = sd_upload_get_sent (upload);

  /* Never backwards within one attempt, never beyond the file. */
  if (sent != 0)
    g_assert_cmpint (sent, >=, progress->last_sent);
  g_assert_cmpint (sent, <=, sd_upload_get_size (upload));
  progress->last_sent = sent;
  progress->sent_notified++;
}

static void
fraction_notify_cb (SdUpload   *upload,
                    GParamSpec *pspec,
                    Progress   *progress)
{
  double fraction = sd_upload_get_fraction (upload);

  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  progress->last_fraction = fraction;
  progress->fraction_notified++;
}

static void
state_notify_cb (SdUpload   *upload,
                 GParamSpec *pspec,
                 Progress   *progress)
{
  SdUploadState state = sd_upload_get_state (upload);

  g_array_append_val (progress->states, state);
}

static void
watch_progress (SdUpload *upload,
                Progress *progress)
{
  memset (progress, 0, sizeof *progress);
  progress->states = g_array_new (FALSE, FALSE, sizeof (SdUploadState));

  g_signal_connect (upload, "notify::sent", G_CALLBACK (sent_notify_cb), progress);
  g_signal_connect (upload, "notify::fraction", G_CALLBACK (fraction_notify_cb), progress);
  g_signal_connect (upload, "notify::state", G_CALLBACK (state_notify_cb), progress);
}

static void
test_upload (Fixture       *fixture,
             gconstpointer  data)
{
  gsize size = 5 * 1024 * 1024 + 3;
  g_autofree char *sha256 = NULL;
  g_autoptr(GFile) file = random_file (fixture, "report.pdf", size, &sha256);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(SdUploadInfo) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  SdUpload *upload;
  Progress progress;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  g_assert_true (sd_upload_get_file (upload) == file);
  g_assert_cmpstr (sd_upload_get_filename (upload), ==, "report.pdf");
  g_assert_cmpstr (sd_upload_get_content_type (upload), ==, "application/pdf");
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_WAITING);
  g_assert_cmpfloat (sd_upload_get_fraction (upload), ==, 0.0);
  watch_progress (upload, &progress);

  info = run_upload (upload, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (sd_upload_info_get_sha256 (info), ==, sha256);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, size);
  g_assert_cmpstr (sd_upload_info_get_filename (info), ==, "report.pdf");
  g_assert_cmpstr (sd_upload_info_get_content_type (info), ==, "application/pdf");
  g_assert_true (sd_upload_get_info (upload) == info);
  g_assert_null (sd_upload_get_error (upload));

  g_assert_cmpint (sd_upload_get_size (upload), ==, size);
  g_assert_cmpint (sd_upload_get_sent (upload), ==, size);
  g_assert_cmpfloat (sd_upload_get_fraction (upload), ==, 1.0);
  g_assert_cmpint (progress.last_sent, ==, size);
  g_assert_cmpfloat (progress.last_fraction, ==, 1.0);
  g_assert_cmpuint (progress.sent_notified, >=, 2);
  g_assert_cmpuint (progress.states->len, ==, 2);
  g_assert_cmpint (g_array_index (progress.states, SdUploadState, 0), ==,
                   SD_UPLOAD_STATE_UPLOADING);
  g_assert_cmpint (g_array_index (progress.states, SdUploadState, 1), ==, SD_UPLOAD_STATE_DONE);

  /* Starting what is done gives the same upload again, without sending it. */
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  again = sd_upload_start_finish (upload, result, &error);
  g_assert_no_error (error);
  g_assert_true (again == info);
  g_clear_object (&result);

  /* The token attaches the file to a ticket. */
  sd_client_create_ticket_async (fixture->client, "billing", "With a report", "See attached",
                                 (const char * const[]) { sd_upload_info_get_token (info), NULL },
                                 NULL, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  ticket = sd_client_create_ticket_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  g_array_unref (progress.states);
  g_assert_finalize_object (upload);
}

static void
test_names (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GFile) file = random_file (fixture, "a.bin", 100, NULL);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  /* The name given is the one sent, escaped in the query; so is the type. */
  upload = sd_upload_new (fixture->client, file, "Notes & résumé?.txt", "text/plain");
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_info_get_filename (info), ==, "Notes & résumé?.txt");
  g_assert_cmpstr (sd_upload_info_get_content_type (info), ==, "text/plain");

  g_assert_finalize_object (upload);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GFile) file = random_file (fixture, "empty.txt", 0, NULL);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, 0);
  g_assert_cmpint (sd_upload_get_size (upload), ==, 0);
  g_assert_cmpfloat (sd_upload_get_fraction (upload), ==, 1.0);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);

  g_assert_finalize_object (upload);
}

static void
cancel_once_sending_cb (SdUpload   *upload,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  if (sd_upload_get_sent (upload) > 0 && sd_upload_get_sent (upload) < sd_upload_get_size (upload))
    sd_upload_cancel (upload);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "large.iso", 64 * 1024 * 1024);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *error_message = NULL;
  SdUpload *upload;
  gulong handler;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  handler = g_signal_connect (upload, "notify::sent", G_CALLBACK (cancel_once_sending_cb), NULL);

  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_CANCELLED);
  g_assert_cmpint (sd_upload_get_sent (upload), <, sd_upload_get_size (upload));
  g_assert_error (sd_upload_get_error (upload), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_get (upload, "error-message", &error_message, NULL);
  g_assert_nonnull (error_message);
  g_clear_error (&error);

  /* Cancelled is not the end: the same upload starts again, and completes. */
  g_signal_handler_disconnect (upload, handler);
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, 64 * 1024 * 1024);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_null (sd_upload_get_error (upload));

  g_assert_finalize_object (upload);
}

static void
test_cancel_with_cancellable (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GFile) file = random_file (fixture, "small.txt", 10, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  sd_upload_start_async (upload, cancellable, sd_test_store_result_cb, &result);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_UPLOADING);
  g_cancellable_cancel (cancellable);
  sd_test_wait_for_result (&result);

  g_assert_null (sd_upload_start_finish (upload, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_CANCELLED);
  g_clear_object (&result);

  g_assert_finalize_object (upload);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  goffset size = 64 * 1024 * 1024;
  g_autoptr(GFile) file = sparse_file (fixture, "huge.bin", size);
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  SdUpload *upload;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE);
  /* Refused by the client, which knows the server's limit: there was no answer. */
  g_assert_cmpuint (sd_client_error_get_status (error), ==, 0);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_cmpint (sd_upload_get_size (upload), ==, size);
  g_assert_error (sd_upload_get_error (upload), SD_CLIENT_ERROR,
                  SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE);
  g_assert_null (sd_upload_get_info (upload));
  /* Refused before the body was sent, not after 64 MiB went for nothing. */
  g_assert_cmpint (sd_upload_get_sent (upload), ==, 0);
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);
  g_test_message ("Refused after %" G_GINT64_FORMAT " ms, %" G_GINT64_FORMAT " bytes sent",
                  (g_get_monotonic_time () - started) / 1000, sd_upload_get_sent (upload));

  g_assert_finalize_object (upload);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "gone.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_clear_error (&error);

  /* Once the file is there, the failed upload is started again and succeeds. */
  g_assert_true (g_file_set_contents (path, "now it is here", -1, NULL));
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, strlen ("now it is here"));
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);

  g_assert_finalize_object (upload);
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) file = random_file (fixture, "note.txt", 10, NULL);
  SdClient *client = sd_client_new (fixture->server->url);
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  upload = sd_upload_new (client, file, NULL, NULL);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);

  g_assert_finalize_object (upload);
  g_assert_finalize_object (client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, set_up, func) \
  g_test_add ("/sd/client/upload/" path, Fixture, NULL, set_up, func, fixture_tear_down)

  ADD ("upload", fixture_set_up, test_upload);
  ADD ("names", fixture_set_up, test_names);
  ADD ("empty", fixture_set_up, test_empty);
  ADD ("cancel", fixture_set_up_large, test_cancel);
  ADD ("cancel-with-cancellable", fixture_set_up, test_cancel_with_cancellable);
  ADD ("too-large", fixture_set_up_small, test_too_large);
  ADD ("missing-file", fixture_set_up, test_missing_file);
  ADD ("unauthorized", fixture_set_up, test_unauthorized);

#undef ADD

  return g_test_run ();
}
