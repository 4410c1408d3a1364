#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-upload.h"

#include "sd-client-private.h"
#include "sd-upload-private.h"

/*
 * Sending an SdUpload: open the file, learn its size, check it against the
 * server's limit, and stream it as the body of POST /uploads, reporting
 * progress on the way. A failure that may pass is retried after a wait,
 * from the start: the file is opened again and sent whole, with the same
 * Idempotency-Key, so that an attempt whose answer was lost is answered
 * again by the server rather than stored twice.
 */

/* A progress bar cannot show more than this; every chunk libsoup writes would be far more. */
#define NOTIFY_INTERVAL (50 * G_TIME_SPAN_MILLISECOND)
/* What is read of the file at a time (see send_body()). */
#define BODY_BUFFER_SIZE (256 * 1024)

/*
 * Attempts of one start, the first included. With the default backoff the
 * last begins some 8 to 15 seconds after the first failed (later when the
 * server asks for it with Retry-After): long enough for a dropped connection
 * or a restarting server, short enough that someone waiting is told.
 */
#define MAX_ATTEMPTS 5

static void begin_attempt (SdUpload *self,
                           GTask    *task);

/* What one attempt holds: the file it reads and the request it sends. */
static void
drop_attempt (SdUpload *self)
{
  if (self->msg != NULL)
    g_signal_handlers_disconnect_by_data (self->msg, self);
  g_clear_object (&self->msg);
  g_clear_object (&self->stream);
}

void
sd_upload_end_attempt (SdUpload *self)
{
  drop_attempt (self);

  if (self->retry_source != NULL)
    g_source_destroy (self->retry_source);
  g_clear_pointer (&self->retry_source, g_source_unref);

  if (self->caller_cancellable != NULL)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_cancelled_id);
  self->caller_cancelled_id = 0;
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->cancellable);
}

/* Takes @error; the state says whether the user stopped it or it failed. */
static void
fail (SdUpload *self,
      GTask    *task,
      GError   *error)
{
  g_object_freeze_notify (G_OBJECT (self));
  sd_upload_end_attempt (self);
  sd_upload_set_error (self, g_error_copy (error));
  sd_upload_set_state (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                             ? SD_UPLOAD_STATE_CANCELLED : SD_UPLOAD_STATE_FAILED);
  g_object_thaw_notify (G_OBJECT (self));

  g_task_return_error (task, error);
}

static gboolean
retry_cb (GCancellable *cancellable,
          gpointer      user_data)
{
  GTask *task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_clear_pointer (&self->retry_source, g_source_unref);

  /* The wait ends early when the upload is cancelled, and then so does the upload. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    fail (self, task, error);
  else
    begin_attempt (self, g_object_ref (task));

  return G_SOURCE_REMOVE;
}

/*
 * Waits for the backoff's delay, or until the upload is cancelled, and
 * begins the next attempt. @error (borrowed) is the failure of this one.
 */
static void
retry_later (SdUpload     *self,
             GTask        *task,
             const GError *error)
{
  guint delay = sd_backoff_next (&self->backoff, error);

  g_debug ("Attempt %u of “%s” failed (%s); trying again in %u ms",
           self->attempt, self->filename, error->message, delay);

  drop_attempt (self);
  /* The next attempt sends the file from its start. */
  sd_upload_set_sent (self, 0);

  self->retry_source = g_cancellable_source_new (self->cancellable);
  g_source_set_ready_time (self->retry_source,
                           g_get_monotonic_time () + delay * G_TIME_SPAN_MILLISECOND);
  g_source_set_callback (self->retry_source, G_SOURCE_FUNC (retry_cb), g_object_ref (task),
                         g_object_unref);
  g_source_set_static_name (self->retry_source, "[sd] upload retry");
  g_source_attach (self->retry_source, g_task_get_context (task));
}

static gboolean
may_retry (SdUpload     *self,
           const GError *error)
{
  return self->attempt < MAX_ATTEMPTS &&
         sd_client_error_is_transient (error) &&
         !g_cancellable_is_cancelled (self->cancellable);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    SdUpload    *self)
{
  gint64 sent = MIN (self->sent + (gint64)chunk_size, self->size);

  /* The first bytes show at once that the upload is moving; the last, that it is all sent. */
  if (self->sent == 0 || sent == self->size ||
      g_get_monotonic_time () - self->last_notify >= NOTIFY_INTERVAL)
    sd_upload_set_sent (self, sent);
  else
    self->sent = sent;
}

/* libsoup sends the body again from its start, on a fresh connection. */
static void
restarted_cb (SoupMessage *msg,
              SdUpload    *self)
{
  sd_upload_set_sent (self, 0);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint status = self->msg != NULL ? soup_message_get_status (self->msg) : 0;

  root = sd_client_send_json_finish (SD_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (error == NULL)
        error = sd_client_error_new_invalid (status, NULL);

      if (may_retry (self, error))
        retry_later (self, task, error);
      else
        fail (self, task, g_steal_pointer (&error));
      return;
    }

  if ((info = sd_upload_info_new_from_json (root, &error)) == NULL)
    {
      fail (self, task, sd_client_error_new_invalid (status, error));
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  sd_upload_end_attempt (self);
  sd_upload_set_info (self, info);
  sd_upload_set_sent (self, self->size);
  sd_upload_set_state (self, SD_UPLOAD_STATE_DONE);
  g_object_thaw_notify (G_OBJECT (self));

  g_task_return_pointer (task, g_steal_pointer (&info), g_object_unref);
}

/*
 * The body is the opened file itself, with its length: libsoup reads and
 * writes it a chunk at a time, so that memory stays the same for any size.
 * It reads 8 KiB at a time, and an asynchronous read of a local file is a
 * trip to a worker thread: through a buffer (BODY_BUFFER_SIZE) most reads
 * are served from memory, and the file is read in large pieces.
 */
static void
send_body (SdUpload *self,
           GTask    *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  g_autofree char *escaped = g_uri_escape_string (self->filename, NULL, FALSE);
  g_autofree char *path = g_strconcat (SD_CLIENT_API "/uploads?filename=", escaped, NULL);
  SoupMessageHeaders *headers;
  g_autoptr(GInputStream) body = NULL;
  GError *error = NULL;

  if ((self->msg = sd_client_new_message (self->client, "POST", path, &error)) == NULL)
    {
      fail (self, task, error);
      return;
    }

  body = g_buffered_input_stream_new_sized (G_INPUT_STREAM (self->stream), BODY_BUFFER_SIZE);
  soup_message_set_request_body (self->msg, self->content_type, body, self->size);

  headers = soup_message_get_request_headers (self->msg);
  soup_message_headers_replace (headers, "Idempotency-Key", self->idempotency_key);
  /*
   * The server can then refuse the file (too large, or not signed in) before
   * a byte of it is sent. libsoup 3.2 waits forever for a second response
   * when a server refuses this way and keeps the connection open, so the
   * connection is not kept: one handshake per file is nothing next to a file.
   */
  soup_message_headers_set_expectations (headers, SOUP_EXPECTATION_CONTINUE);
  soup_message_headers_replace (headers, "Connection", "close");

  g_signal_connect_object (self->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb),
                           self, 0);
  g_signal_connect_object (self->msg, "restarted", G_CALLBACK (restarted_cb), self, 0);

  sd_client_send_json_async (self->client, self->msg, self->cancellable, uploaded_cb,
                             g_steal_pointer (&task));
}

static void check_size (SdUpload *self,
                        GTask    *owned_task);

/* Whether the limits could be had or not, the size is checked with what is known. */
static void
limits_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  g_autoptr(SdLimits) limits = NULL;
  GError *error = NULL;

  limits = sd_client_get_limits_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (self, task, error);
      return;
    }

  /* An older server without GET /limits still refuses a file too large with 413. */
  if (error != NULL)
    {
      g_debug ("Sending “%s” without the server’s limits: %s", self->filename, error->message);
      g_clear_error (&error);
    }

  check_size (self, g_steal_pointer (&task));
}

/*
 * A file the server would refuse is refused here, before a byte of it is
 * sent. The limits are asked for once per start when they are not known,
 * and also when they would refuse the file, since the server's limit may
 * have been raised since they were given.
 */
static void
check_size (SdUpload *self,
            GTask    *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  gint64 max_size = sd_client_get_max_upload_size (self->client);

  if (!self->limits_checked && (max_size == 0 || self->size > max_size))
    {
      self->limits_checked = TRUE;
      sd_client_get_limits_async (self->client, self->cancellable, limits_cb,
                                  g_steal_pointer (&task));
      return;
    }

  if (max_size > 0 && self->size > max_size)
    {
      g_autofree char *size = g_format_size_full (self->size, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *message = g_strdup_printf ("“%s” (%s) is larger than the server "
                                                  "accepts (%s)", self->filename, size, limit);

      fail (self, task, sd_client_error_new (SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE, 0, NULL, 0,
                                             message));
      return;
    }

  send_body (self, g_steal_pointer (&task));
}

static void
size_known_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source), result, &error);
  if (info == NULL)
    {
      fail (self, task, error);
      return;
    }

  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      fail (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                     "The size of “%s” cannot be known", self->filename));
      return;
    }

  sd_upload_set_size (self, g_file_info_get_size (info));
  check_size (self, g_steal_pointer (&task));
}

/*
 * The size is taken from the opened stream rather than from the file's
 * name, so that it is the size of what is read, should the file be replaced
 * meanwhile.
 */
static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  GError *error = NULL;

  if ((self->stream = g_file_read_finish (G_FILE (source), result, &error)) == NULL)
    {
      fail (self, task, error);
      return;
    }

  g_file_input_stream_query_info_async (self->stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_PRIORITY_DEFAULT, self->cancellable, size_known_cb,
                                        g_steal_pointer (&task));
}

/* Takes @task. Every attempt opens the file anew: the last one may have read it to its end. */
static void
begin_attempt (SdUpload *self,
               GTask    *task)
{
  sd_upload_set_attempt (self, self->attempt + 1);

  g_file_read_async (self->file, G_PRIORITY_DEFAULT, self->cancellable, opened_cb, task);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

void
sd_upload_start_async (SdUpload            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_UPLOAD (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->state != SD_UPLOAD_STATE_UPLOADING);

  /*
   * The start has a cancellable of its own, so that sd_upload_cancel()
   * works whether or not the caller gave one.
   */
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (caller_cancelled_cb),
                                                         g_object_ref (self->cancellable),
                                                         g_object_unref);
    }

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_upload_start_async);

  /* Done is done: the server has the file, and its token may already be used. */
  if (self->state == SD_UPLOAD_STATE_DONE)
    {
      sd_upload_end_attempt (self);
      g_task_return_pointer (task, g_object_ref (self->info), g_object_unref);
      return;
    }

  /* A start by hand after a failure gets the full number of attempts again. */
  sd_backoff_reset (&self->backoff);
  self->limits_checked = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  sd_upload_set_error (self, NULL);
  sd_upload_set_sent (self, 0);
  sd_upload_set_attempt (self, 0);
  sd_upload_set_state (self, SD_UPLOAD_STATE_UPLOADING);
  g_object_thaw_notify (G_OBJECT (self));

  begin_attempt (self, g_steal_pointer (&task));
}

SdUploadInfo *
sd_upload_start_finish (SdUpload      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (SD_IS_UPLOAD (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sd_upload_start_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sd_upload_cancel (SdUpload *self)
{
  g_return_if_fail (SD_IS_UPLOAD (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}
