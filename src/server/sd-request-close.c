#define G_LOG_DOMAIN "sd-request"

#include "config.h"

#include "sd-request.h"

#include "sd-request-private.h"

/*
 * Answering 413 while a body is still arriving: libsoup would read the rest
 * of it first, so the connection is taken over and closed instead.
 */

/* A client that keeps sending after a 413 is given this long to stop. */
#define DRAIN_SECONDS 10

static GBytes *
too_large_body (SdRequest *self)
{
  g_autofree char *limit = NULL;
  g_autofree char *message = NULL;

  limit = g_format_size_full (self->body_limit, G_FORMAT_SIZE_IEC_UNITS);
  if (self->route != NULL && (self->route->flags & SD_ROUTE_UPLOAD) != 0)
    message = g_strdup_printf ("The file is larger than the limit of %s", limit);
  else
    message = g_strdup_printf ("The request body is larger than the limit of %s", limit);

  return sd_request_error_body (SD_API_ERROR_PAYLOAD_TOO_LARGE, NULL, message);
}

void
sd_request_reply_too_large (SdRequest *self)
{
  g_autoptr(GBytes) body = too_large_body (self);

  sd_request_set_reply (self, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "application/json", body);
}

/*
 * A connection taken over from libsoup to answer 413 before the request body
 * has arrived: the answer is written, our side is shut, and what the client
 * still sends is read and dropped for a while, so that its kernel does not
 * reset the connection before the client has read the answer.
 */
typedef struct
{
  GIOStream    *stream;
  GCancellable *cancellable;
  guint         timeout_id;
  guint8        buffer[16 * 1024];
} Closing;

static void
closing_free (Closing *closing)
{
  g_clear_handle_id (&closing->timeout_id, g_source_remove);
  g_io_stream_close (closing->stream, NULL, NULL);
  g_clear_object (&closing->stream);
  g_clear_object (&closing->cancellable);
  g_free (closing);
}

static void
drain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Closing *closing = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      closing_free (closing);
      return;
    }

  g_input_stream_read_async (G_INPUT_STREAM (source), closing->buffer, sizeof closing->buffer,
                             G_PRIORITY_LOW, closing->cancellable, drain_cb, closing);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  Closing *closing = user_data;

  closing->timeout_id = 0;
  g_cancellable_cancel (closing->cancellable);

  return G_SOURCE_REMOVE;
}

static void
wrote_answer_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Closing *closing = user_data;
  GSocket *socket = g_object_get_data (G_OBJECT (closing->stream), "GSocket");

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      closing_free (closing);
      return;
    }

  if (socket != NULL && !G_IS_TLS_CONNECTION (closing->stream))
    g_socket_shutdown (socket, FALSE, TRUE, NULL);

  closing->timeout_id = g_timeout_add_seconds (DRAIN_SECONDS, drain_timeout_cb, closing);
  g_input_stream_read_async (g_io_stream_get_input_stream (closing->stream),
                             closing->buffer, sizeof closing->buffer,
                             G_PRIORITY_LOW, closing->cancellable, drain_cb, closing);
}

static gboolean
reject_too_large_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  SdRequest *self = sd_request_from_message (msg);
  g_autoptr(GBytes) body = too_large_body (self);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GBytes) answer_bytes = NULL;
  Closing *closing;
  GIOStream *stream;

  self->status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
  sd_request_finished (self, TRUE);

  g_string_append_printf (answer,
                          "HTTP/1.1 413 Payload Too Large\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Cache-Control: no-store\r\n"
                          "X-Content-Type-Options: nosniff\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (answer, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  answer_bytes = g_string_free_to_bytes (g_steal_pointer (&answer));

  /* This frees the message, and the request with it. */
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return G_SOURCE_REMOVE;

  closing = g_new0 (Closing, 1);
  closing->stream = stream;
  closing->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (answer_bytes, NULL),
                                   g_bytes_get_size (answer_bytes),
                                   G_PRIORITY_DEFAULT, closing->cancellable,
                                   wrote_answer_cb, closing);
  /* The buffer must outlive the write; the closing keeps it as its data. */
  g_object_set_data_full (G_OBJECT (stream), "sd-answer", g_steal_pointer (&answer_bytes),
                          (GDestroyNotify)g_bytes_unref);

  return G_SOURCE_REMOVE;
}

void
sd_request_reject_too_large (SdRequest *self)
{
  if (self->aborted || self->finished)
    return;

  self->aborted = TRUE;
  g_clear_pointer (&self->upload, sd_upload_writer_free);

  /* libsoup must not read further, and cannot hand the connection over from
   * inside its own reading: that happens once the main loop is back. */
  soup_server_message_pause (self->msg);
  g_idle_add_full (G_PRIORITY_DEFAULT, reject_too_large_cb,
                   g_object_ref (self->msg), g_object_unref);
}
