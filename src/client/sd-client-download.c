#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"

/*
 * An attachment goes from the response's stream straight into the file,
 * spliced, and is never held whole in memory.
 *
 * A failed download must not leave a half-written file behind. A file that
 * did not exist is created, and deleted again on failure; an existing file
 * is replaced the way GIO does it safely (for local files, a temporary file
 * renamed over it on close), and on failure the stream is closed with a
 * cancelled cancellable, which abandons the new content and keeps the old.
 * Writing next to the destination ourselves would not work in the document
 * portal's folders, where only the chosen file may be written.
 */

typedef struct
{
  GFile             *destination;
  GInputStream      *input;
  GFileOutputStream *output;
  gboolean           created;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->destination);
  g_clear_object (&download->input);
  g_clear_object (&download->output);
  g_free (download);
}

/* Errors of the connection are the client's; errors of the file (disk full, …) stay GIO's. */
static GError *
splice_error (const GError *error)
{
  static const GIOErrorEnum network_codes[] = {
    G_IO_ERROR_PARTIAL_INPUT,
    G_IO_ERROR_CONNECTION_CLOSED,
    G_IO_ERROR_TIMED_OUT,
    G_IO_ERROR_NOT_CONNECTED,
    G_IO_ERROR_CONNECTION_REFUSED,
    G_IO_ERROR_HOST_UNREACHABLE,
    G_IO_ERROR_NETWORK_UNREACHABLE,
  };

  if (error->domain != G_IO_ERROR)
    return sd_client_error_new_from_transport (error);

  for (guint i = 0; i < G_N_ELEMENTS (network_codes); i++)
    if (error->code == (int)network_codes[i])
      return sd_client_error_new_from_transport (error);

  return g_error_copy (error);
}

/* Abandons what was written, and completes @task with @error. */
static void
fail (GTask  *task,
      GError *error)
{
  Download *download = g_task_get_task_data (task);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);

  if (download->input != NULL && !g_input_stream_is_closed (download->input))
    g_input_stream_close_async (download->input, G_PRIORITY_DEFAULT, cancelled, NULL, NULL);

  if (download->output != NULL &&
      !g_output_stream_is_closed (G_OUTPUT_STREAM (download->output)))
    g_output_stream_close_async (G_OUTPUT_STREAM (download->output), G_PRIORITY_DEFAULT,
                                 cancelled, NULL, NULL);

  /* Not with the task's cancellable: after a cancellation the file must still go. */
  if (download->created)
    g_file_delete_async (download->destination, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  g_task_return_error (task, error);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      fail (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
spliced_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    {
      fail (task, splice_error (error));
      return;
    }

  /* Only a successful close commits the new content. */
  cancellable = g_task_get_cancellable (task);
  g_output_stream_close_async (G_OUTPUT_STREAM (source), G_PRIORITY_DEFAULT, cancellable,
                               closed_cb, g_steal_pointer (&task));
}

static void
start_splice (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  g_output_stream_splice_async (G_OUTPUT_STREAM (download->output), download->input,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, G_PRIORITY_DEFAULT,
                                g_task_get_cancellable (task), spliced_cb, task);
}

static void
replaced_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  download->output = g_file_replace_finish (G_FILE (source), result, &error);
  if (download->output == NULL)
    {
      fail (task, error);
      return;
    }

  start_splice (g_steal_pointer (&task));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable;

  download->output = g_file_create_finish (G_FILE (source), result, &error);
  if (download->output != NULL)
    {
      download->created = TRUE;
      start_splice (g_steal_pointer (&task));
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      fail (task, error);
      return;
    }

  g_clear_error (&error);
  cancellable = g_task_get_cancellable (task);
  g_file_replace_async (download->destination, NULL, FALSE, G_FILE_CREATE_NONE,
                        G_PRIORITY_DEFAULT, cancellable, replaced_cb, g_steal_pointer (&task));
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable;

  download->input = sd_client_send_finish (SD_CLIENT (source), result, &error);
  if (download->input == NULL)
    {
      /* Nothing was written yet: the file is left as it was. */
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_file_create_async (download->destination, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                       cancellable, created_cb, g_steal_pointer (&task));
}

void
sd_client_download_async (SdClient            *self,
                          SdAttachment        *attachment,
                          GFile               *destination,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Download *download;
  GError *error = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (SD_IS_ATTACHMENT (attachment));
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_download_async);

  download = g_new0 (Download, 1);
  download->destination = g_object_ref (destination);
  g_task_set_task_data (task, download, (GDestroyNotify)download_free);

  /* The url is derived from the id by the model, so it always names this server's API. */
  msg = sd_client_new_message (self, "GET", sd_attachment_get_url (attachment), &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");

  sd_client_send_async (self, msg, cancellable, answered_cb, g_steal_pointer (&task));
}

gboolean
sd_client_download_finish (SdClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return sd_client_finish_boolean (self, result, sd_client_download_async, error);
}
