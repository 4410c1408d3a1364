#define G_LOG_DOMAIN "sd-test-upload-limits"

#include "config.h"

#include "sd-test-client.h"
#include "sd-upload.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/*
 * The server's limits as the client learns them (GET /limits), SdUpload
 * refusing a file too large before sending it, retrying what may pass
 * without ever storing a file twice, and memory that stays flat for a file
 * of 2 GiB. All against the real server, stopped and started where a test
 * needs it to fail.
 */

#define MIB (G_GINT64_CONSTANT (1) << 20)
#define GIB (G_GINT64_CONSTANT (1) << 30)

/* Retries in tests are quick; what is tested is that they happen, not when. */
#define TEST_BACKOFF_BASE_MS 100
#define TEST_BACKOFF_MAX_MS  400

typedef struct
{
  SdTestServer *server;
  SdClient     *client;
  char         *dir;
} Fixture;

/* @data: the server's extra options (NULL-terminated), or NULL. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sd_test_server_new_logged (data);
  fixture->client = sd_test_client_new (fixture->server, SD_TEST_CUSTOMER);
  fixture->dir = g_dir_make_tmp ("supportdesk-upload-XXXXXX", &error);
  g_assert_no_error (error);
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

static const char * const small_limit[] = { "--max-upload-size", "1048576", NULL };
static const char * const large_limit[] = { "--max-upload-size", "134217728", NULL };
/* Room for 2 GiB and then some. */
static const char * const huge_limit[] = { "--max-upload-size", "3221225472", NULL };

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

/* The SHA-256 of @size zero bytes, a block at a time, as the server computes it. */
static char *
zeros_sha256 (goffset size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *block = g_malloc0 (MIB);

  for (goffset done = 0; done < size; done += MIN (size - done, MIB))
    g_checksum_update (checksum, block, MIN (size - done, MIB));

  return g_strdup (g_checksum_get_string (checksum));
}

static SdUpload *
new_upload (Fixture *fixture,
            GFile   *file)
{
  SdUpload *upload = sd_upload_new (fixture->client, file, NULL, NULL);

  sd_upload_set_backoff (upload, TEST_BACKOFF_BASE_MS, TEST_BACKOFF_MAX_MS);

  return upload;
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

/* How many lines of the server's request log start with @prefix ("POST /api/v1/uploads 201"). */
static guint
count_log_lines (Fixture    *fixture,
                 const char *prefix)
{
  g_autofree char *log = sd_test_server_read_log (fixture->server);
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  g_autofree char *with_space = g_strconcat (prefix, " ", NULL);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], with_space))
      count++;

  return count;
}

/*
 * Asserts that @expected lines start with @prefix, once they are all there:
 * the server writes a request's line when it is done with it, which may be
 * a moment after the client has the answer.
 */
static void
assert_log_lines (Fixture    *fixture,
                  const char *prefix,
                  guint       expected)
{
  guint count = count_log_lines (fixture, prefix);

  for (guint i = 0; i < 250 && count < expected; i++)
    {
      g_usleep (G_USEC_PER_SEC / 50);
      count = count_log_lines (fixture, prefix);
    }

  g_assert_cmpuint (count, ==, expected);
}

/*
 * Files stored in the data dir, once no unfinished upload is left: the
 * server removes what it did not keep right after it answered, so the answer
 * may arrive a moment earlier.
 */
static guint
count_stored_files (Fixture *fixture)
{
  g_autofree char *files_dir = g_build_filename (fixture->server->data_dir, "files", NULL);

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(GDir) dir = g_dir_open (files_dir, 0, NULL);
      const char *name;
      guint stored = 0, partial = 0;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          if (strspn (name, "0123456789") == strlen (name))
            stored++;
          else
            partial++;
        }

      if (partial == 0)
        return stored;
      g_usleep (G_USEC_PER_SEC / 50);
    }

  g_error ("Unfinished uploads are left behind");
}

/* Restarts the server on its port and data dir, with other options. */
static void
restart_with (Fixture            *fixture,
              const char * const *extra_args)
{
  sd_test_server_stop (fixture->server);
  g_strfreev (fixture->server->extra_args);
  fixture->server->extra_args = g_strdupv ((char **)extra_args);
  sd_test_server_start_on_same_port (fixture->server);
}

static SdLimits *
get_limits (SdClient  *client,
            GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_get_limits_async (client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_get_limits_finish (client, result, error);
}

/* The limits need no sign-in, and the client keeps them. */
static void
test_get_limits (Fixture       *fixture,
                 gconstpointer  data)
{
  SdClient *anonymous = sd_client_new (fixture->server->url);
  g_autoptr(SdLimits) limits = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sd_client_get_max_upload_size (anonymous), ==, 0);

  limits = get_limits (anonymous, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_limits_get_max_upload_size (limits), ==, MIB);
  g_assert_cmpuint (sd_limits_get_max_uploads (limits), ==, 20);
  g_assert_cmpuint (sd_limits_get_max_subject_length (limits), ==, 200);
  g_assert_cmpuint (sd_limits_get_max_body_length (limits), ==, 65536);
  g_assert_cmpint (sd_client_get_max_upload_size (anonymous), ==, MIB);

  /* Another client of the same server knows nothing until it asks. */
  g_assert_cmpint (sd_client_get_max_upload_size (fixture->client), ==, 0);

  /* A failure to ask keeps what was known. */
  sd_test_server_stop (fixture->server);
  g_clear_object (&limits);
  g_assert_null (get_limits (anonymous, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (sd_client_get_max_upload_size (anonymous), ==, MIB);

  g_assert_finalize_object (anonymous);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/*
 * A file over the limit fails at once: nothing of it reaches the server,
 * which sees the question about its limits and no upload at all.
 */
static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "huge.bin", MIB + 1);
  g_autoptr(GFile) exact = sparse_file (fixture, "exact.bin", MIB);
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint stored = count_stored_files (fixture);
  SdUpload *upload;
  gulong sent_handler;
  guint sent_notified = 0;

  upload = new_upload (fixture, file);
  sent_handler = g_signal_connect (upload, "notify::sent", G_CALLBACK (count_notify_cb),
                                   &sent_notified);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE);
  /* No answer of the server's: the client refused it. */
  g_assert_cmpuint (sd_client_error_get_status (error), ==, 0);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_error (sd_upload_get_error (upload), SD_CLIENT_ERROR,
                  SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE);
  g_assert_cmpint (sd_upload_get_size (upload), ==, MIB + 1);
  g_assert_cmpint (sd_upload_get_sent (upload), ==, 0);
  g_assert_cmpuint (sent_notified, ==, 0);
  /* Final: not retried. */
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);
  g_clear_error (&error);

  g_assert_cmpint (sd_client_get_max_upload_size (fixture->client), ==, MIB);
  assert_log_lines (fixture, "GET /api/v1/limits 200", 1);
  g_assert_cmpuint (count_stored_files (fixture), ==, stored);

  /* Exactly the limit is sent, without asking for the limits again. */
  g_signal_handler_disconnect (upload, sent_handler);
  g_assert_finalize_object (upload);
  upload = new_upload (fixture, exact);
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, MIB);
  /* Its line is the first of any upload: the file too large never came. */
  assert_log_lines (fixture, "POST /api/v1/uploads 201", 1);
  assert_log_lines (fixture, "POST /api/v1/uploads", 1);
  assert_log_lines (fixture, "GET /api/v1/limits", 1);

  g_assert_finalize_object (upload);
}

/*
 * Limits the client knew may have been raised since: before refusing a
 * file, the client asks again, and sends it when the server now takes it.
 */
static void
test_limit_raised (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "two.bin", 2 * MIB);
  g_autoptr(SdLimits) limits = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  limits = get_limits (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_client_get_max_upload_size (fixture->client), ==, MIB);

  restart_with (fixture, large_limit);

  upload = new_upload (fixture, file);
  info = run_upload (upload, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, 2 * MIB);
  g_assert_cmpint (sd_client_get_max_upload_size (fixture->client), ==, 128 * MIB);
  assert_log_lines (fixture, "GET /api/v1/limits 200", 2);

  g_assert_finalize_object (upload);
}

/*
 * Limits that were lowered since the client learnt them: the server is the
 * judge, refuses the file before its body is sent, and that is final.
 */
static void
test_limit_lowered (Fixture       *fixture,
                    gconstpointer  data)
{
  goffset size = 64 * MIB;
  g_autoptr(GFile) file = sparse_file (fixture, "large.bin", size);
  g_autoptr(SdLimits) limits = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  limits = get_limits (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_client_get_max_upload_size (fixture->client), ==, 128 * MIB);

  restart_with (fixture, small_limit);

  upload = new_upload (fixture, file);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE);
  g_assert_cmpuint (sd_client_error_get_status (error), ==, 413);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);
  g_assert_cmpint (sd_upload_get_sent (upload), <, size);
  assert_log_lines (fixture, "POST /api/v1/uploads 413", 1);

  g_assert_finalize_object (upload);
}

static gboolean
attempt_is_second (gpointer data)
{
  return sd_upload_get_attempt (data) >= 2;
}

/*
 * The server is not there when the upload starts, and comes back: the
 * upload is retried until it gets through, and is stored once.
 */
static void
test_retry_until_listening (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "report.bin", 100 * 1024);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint stored = count_stored_files (fixture);
  SdUpload *upload;

  sd_test_server_stop (fixture->server);

  upload = new_upload (fixture, file);
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);

  /* The first attempt found no server; the second is under way. */
  sd_test_wait_until (attempt_is_second, upload);
  g_assert_null (result);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_UPLOADING);
  g_assert_null (sd_upload_get_error (upload));

  sd_test_server_start_on_same_port (fixture->server);

  sd_test_wait_for_result (&result);
  info = sd_upload_start_finish (upload, result, &error);
  g_assert_no_error (error);
  /* The result holds the upload. */
  g_clear_object (&result);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_DONE);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, 100 * 1024);
  g_test_message ("Stored at attempt %u", sd_upload_get_attempt (upload));

  assert_log_lines (fixture, "POST /api/v1/uploads 201", 1);
  g_assert_cmpuint (count_stored_files (fixture), ==, stored + 1);

  g_assert_finalize_object (upload);
}

typedef struct
{
  gint64   last_sent;
  gboolean restarted_from_zero;
} Progress;

static void
sent_notify_cb (SdUpload   *upload,
                GParamSpec *pspec,
                Progress   *progress)
{
  gint64 sent = sd_upload_get_sent (upload);

  if (sent == 0 && progress->last_sent > 0)
    progress->restarted_from_zero = TRUE;
  else
    g_assert_cmpint (sent, >=, progress->last_sent);
  progress->last_sent = sent;
}

static gboolean
upload_is_sending (gpointer data)
{
  return sd_upload_get_sent (data) > 0;
}

/*
 * The server goes away while the body is on its way, and comes back on the
 * same data dir: the upload starts over, with its progress, and the server
 * ends up with the whole file, once.
 */
static void
test_retry_after_restart (Fixture       *fixture,
                          gconstpointer  data)
{
  goffset size = 64 * MIB;
  g_autoptr(GFile) file = sparse_file (fixture, "large.iso", size);
  g_autofree char *sha256 = zeros_sha256 (size);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, };
  guint stored = count_stored_files (fixture);
  SdUpload *upload;
  guint attempt;

  upload = new_upload (fixture, file);
  g_signal_connect (upload, "notify::sent", G_CALLBACK (sent_notify_cb), &progress);
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);

  sd_test_wait_until (upload_is_sending, upload);
  attempt = sd_upload_get_attempt (upload);
  g_assert_cmpint (sd_upload_get_sent (upload), <, size);
  sd_test_server_stop (fixture->server);
  sd_test_server_start_on_same_port (fixture->server);

  sd_test_wait_for_result (&result);
  info = sd_upload_start_finish (upload, result, &error);
  g_assert_no_error (error);
  /* The result holds the upload. */
  g_clear_object (&result);
  g_assert_cmpuint (sd_upload_get_attempt (upload), >, attempt);
  g_assert_true (progress.restarted_from_zero);
  g_assert_cmpint (progress.last_sent, ==, size);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, size);
  g_assert_cmpstr (sd_upload_info_get_sha256 (info), ==, sha256);
  assert_log_lines (fixture, "POST /api/v1/uploads 201", 1);
  g_assert_cmpuint (count_stored_files (fixture), ==, stored + 1);

  g_assert_finalize_object (upload);
}

/*
 * What makes a retry safe: an attempt whose answer was lost is sent again
 * with the same key, and the server answers it with the first upload
 * instead of storing the file again. A second SdUpload given the first
 * one's key stands for that retry; one with its own key is a new upload.
 */
static void
test_same_key (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "notes.txt", 4096);
  g_autoptr(SdUploadInfo) first = NULL;
  g_autoptr(SdUploadInfo) again = NULL;
  g_autoptr(SdUploadInfo) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  SdUpload *upload;
  SdUpload *retry;
  SdUpload *another;
  guint stored;

  upload = new_upload (fixture, file);
  key = g_strdup (sd_upload_get_idempotency_key (upload));
  g_assert_nonnull (key);
  first = run_upload (upload, &error);
  g_assert_no_error (error);
  stored = count_stored_files (fixture);

  retry = new_upload (fixture, file);
  g_assert_cmpstr (sd_upload_get_idempotency_key (retry), !=, key);
  sd_upload_set_idempotency_key (retry, key);
  g_assert_cmpstr (sd_upload_get_idempotency_key (retry), ==, key);
  again = run_upload (retry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_info_get_token (again), ==, sd_upload_info_get_token (first));
  g_assert_cmpuint (count_stored_files (fixture), ==, stored);

  another = new_upload (fixture, file);
  other = run_upload (another, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_upload_info_get_token (other), !=, sd_upload_info_get_token (first));
  g_assert_cmpuint (count_stored_files (fixture), ==, stored + 1);

  g_assert_finalize_object (another);
  g_assert_finalize_object (retry);
  g_assert_finalize_object (upload);
}

/* A failure that will not pass by itself is not retried. */
static void
test_final_not_retried (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "note.txt", 10);
  SdClient *signed_out = sd_client_new (fixture->server->url);
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  upload = sd_upload_new (signed_out, file, NULL, NULL);
  sd_upload_set_backoff (upload, TEST_BACKOFF_BASE_MS, TEST_BACKOFF_MAX_MS);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);
  assert_log_lines (fixture, "POST /api/v1/uploads 401", 1);

  g_assert_finalize_object (upload);
  g_assert_finalize_object (signed_out);
}

/* After its attempts, an upload fails with the last error, which the caller may retry by hand. */
static void
test_attempts_bounded (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "note.txt", 10);
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  sd_test_server_stop (fixture->server);

  upload = new_upload (fixture, file);
  g_assert_null (run_upload (upload, &error));
  g_assert_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_FAILED);
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 5);
  g_assert_error (sd_upload_get_error (upload), SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK);
  g_clear_error (&error);

  /* A start by hand gets its own attempts, and goes through once the server is back. */
  sd_test_server_start_on_same_port (fixture->server);
  {
    g_autoptr(SdUploadInfo) info = run_upload (upload, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);
  }

  g_assert_finalize_object (upload);
}

/* Cancelling while waiting for the next attempt ends the upload at once. */
static void
test_cancel_while_waiting (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GFile) file = sparse_file (fixture, "note.txt", 10);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SdUpload *upload;

  sd_test_server_stop (fixture->server);

  /* A wait far longer than the test would wait for the result. */
  upload = sd_upload_new (fixture->client, file, NULL, NULL);
  sd_upload_set_backoff (upload, 10 * 60 * 1000, 10 * 60 * 1000);
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);
  /* Refused connections to loopback fail at once; this lets the first attempt end. */
  sd_test_run_for (500);
  g_assert_null (result);
  g_assert_cmpuint (sd_upload_get_attempt (upload), ==, 1);

  sd_upload_cancel (upload);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_upload_start_finish (upload, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);
  g_assert_cmpint (sd_upload_get_state (upload), ==, SD_UPLOAD_STATE_CANCELLED);

  g_assert_finalize_object (upload);
}

/* Kibibytes of a "VmRSS:"-like line of /proc/self/status. */
static gint64
read_status_kib (const char *name)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, name);
  g_assert_nonnull (line);

  return g_ascii_strtoll (line + strlen (name), NULL, 10);
}

/* Resets VmHWM to the current size (Linux ≥ 4.0), so that it measures only what follows. */
static gboolean
reset_peak_memory (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC, 0);
  gboolean done;

  if (fd < 0)
    return FALSE;

  done = write (fd, "5", 1) == 1;
  close (fd);

  return done;
}

typedef struct
{
  gint64 max_rss_kib;
  guint  samples;
} MemorySamples;

static void
sample_memory_cb (SdUpload      *upload,
                  GParamSpec    *pspec,
                  MemorySamples *samples)
{
  samples->max_rss_kib = MAX (samples->max_rss_kib, read_status_kib ("VmRSS:"));
  samples->samples++;
}

/*
 * 2 GiB, from a file that takes no room, through SdUpload: the test
 * process's memory stays where it was, and the server stores every byte.
 */
static void
test_two_gib (Fixture       *fixture,
              gconstpointer  data)
{
  goffset size = 2 * GIB;
  struct statvfs fs;
  guint64 available;
  g_autoptr(GFile) file = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  MemorySamples samples = { 0, };
  gint64 rss_before, peak_after, started, deadline;
  SdUpload *upload;

  g_assert_cmpint (statvfs (fixture->server->data_dir, &fs), ==, 0);
  available = (guint64)fs.f_bavail * fs.f_frsize;
  if (available < 3 * (guint64)GIB)
    {
      g_autofree char *free_text = g_format_size (available);
      g_autofree char *reason = g_strdup_printf ("The server's data dir has %s free; this test "
                                                 "stores 2 GiB and wants 3 GiB free", free_text);

      g_test_skip (reason);
      return;
    }

  file = sparse_file (fixture, "disk.img", size);
  sha256 = zeros_sha256 (size);

  upload = new_upload (fixture, file);
  g_signal_connect (upload, "notify::sent", G_CALLBACK (sample_memory_cb), &samples);

  if (!reset_peak_memory ())
    g_test_message ("VmHWM cannot be reset: the growth measured is a lower bound");
  rss_before = read_status_kib ("VmRSS:");
  samples.max_rss_kib = rss_before;
  started = g_get_monotonic_time ();

  /* Longer than the usual wait: this is 2 GiB, written and synced on the server's side. */
  deadline = started + 300 * G_USEC_PER_SEC;
  sd_upload_start_async (upload, NULL, sd_test_store_result_cb, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);

  info = sd_upload_start_finish (upload, result, &error);
  g_assert_no_error (error);
  /* The result holds the upload. */
  g_clear_object (&result);
  peak_after = read_status_kib ("VmHWM:");

  g_test_message ("2 GiB sent in %.1f s (attempt %u); resident memory: %" G_GINT64_FORMAT
                  " KiB before, peak %" G_GINT64_FORMAT " KiB after (+%" G_GINT64_FORMAT
                  " KiB), largest sample %" G_GINT64_FORMAT " KiB of %u",
                  (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC,
                  sd_upload_get_attempt (upload), rss_before, peak_after,
                  peak_after - rss_before, samples.max_rss_kib, samples.samples);

  g_assert_cmpint (peak_after - rss_before, <, 32 * 1024);
  g_assert_cmpint (samples.max_rss_kib - rss_before, <, 32 * 1024);
  g_assert_cmpint (sd_upload_info_get_size (info), ==, size);
  g_assert_cmpstr (sd_upload_info_get_sha256 (info), ==, sha256);
  g_assert_cmpint (sd_upload_get_sent (upload), ==, size);

  g_assert_finalize_object (upload);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, args, func) \
  g_test_add ("/sd/client/" path, Fixture, args, fixture_set_up, func, fixture_tear_down)

  ADD ("limits/get", small_limit, test_get_limits);
  ADD ("upload-limits/too-large", small_limit, test_too_large);
  ADD ("upload-limits/limit-raised", small_limit, test_limit_raised);
  ADD ("upload-limits/limit-lowered", large_limit, test_limit_lowered);
  ADD ("upload-retry/until-listening", NULL, test_retry_until_listening);
  ADD ("upload-retry/after-restart", large_limit, test_retry_after_restart);
  ADD ("upload-retry/same-key", NULL, test_same_key);
  ADD ("upload-retry/final-not-retried", NULL, test_final_not_retried);
  ADD ("upload-retry/attempts-bounded", NULL, test_attempts_bounded);
  ADD ("upload-retry/cancel-while-waiting", NULL, test_cancel_while_waiting);
  ADD ("upload-limits/two-gib", huge_limit, test_two_gib);

#undef ADD

  return g_test_run ();
}
