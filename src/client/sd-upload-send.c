#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-upload.h"

#include "sd-client-private.h"
#include "sd-upload-private.h"

/*
 * One attempt of an SdUpload: open the file, learn its size, and stream it
 * as the body of POST /uploads, reporting progress on the way.
 */

/* A progress bar cannot show more than this; every chunk libsoup writes would be far more. */
#define NOTIFY_INTERVAL (50 * G_TIME_SPAN_MILLISECOND)

void
sd_upload_end_attempt (SdUpload *self)
{
  if (self->msg != NULL)
    g_signal_handlers_disconnect_by_data (self->msg, self);
  g_clear_object (&self->msg);

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
      fail (self, task, error != NULL ? g_steal_pointer (&error)
                                      : sd_client_error_new_invalid (status, NULL));
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

static void
send_body (SdUpload     *self,
           GTask        *task,
           GInputStream *stream)
{
  g_autofree char *escaped = g_uri_escape_string (self->filename, NULL, FALSE);
  g_autofree char *path = g_strconcat (SD_CLIENT_API "/uploads?filename=", escaped, NULL);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  if ((self->msg = sd_client_new_message (self->client, "POST", path, &error)) == NULL)
    {
      fail (self, task, error);
      return;
    }

  soup_message_set_request_body (self->msg, self->content_type, stream, self->size);

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

  sd_client_send_json_async (self->client, self->msg, self->cancellable, uploaded_cb, task);
}

static void
size_known_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SdUpload *self = g_task_get_source_object (task);
  GFileInputStream *stream = G_FILE_INPUT_STREAM (source);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  info = g_file_input_stream_query_info_finish (stream, result, &error);
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
  send_body (self, g_steal_pointer (&task), G_INPUT_STREAM (stream));
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
  g_autoptr(GFileInputStream) stream = NULL;
  GError *error = NULL;

  if ((stream = g_file_read_finish (G_FILE (source), result, &error)) == NULL)
    {
      fail (self, task, error);
      return;
    }

  g_file_input_stream_query_info_async (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_PRIORITY_DEFAULT, self->cancellable, size_known_cb,
                                        g_steal_pointer (&task));
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
   * The attempt has a cancellable of its own, so that sd_upload_cancel()
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

  g_object_freeze_notify (G_OBJECT (self));
  sd_upload_set_error (self, NULL);
  sd_upload_set_sent (self, 0);
  sd_upload_set_state (self, SD_UPLOAD_STATE_UPLOADING);
  g_object_thaw_notify (G_OBJECT (self));

  g_file_read_async (self->file, G_PRIORITY_DEFAULT, self->cancellable, opened_cb,
                     g_steal_pointer (&task));
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
