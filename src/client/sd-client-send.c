#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client-private.h"

#include "sd-json.h"

/*
 * The HTTP exchange under every call: send, tell success from failure by the
 * status, and read bodies into memory only when they are small by nature
 * (JSON answers and error bodies). Attachments and uploads never pass here
 * whole: their streams are handed to the caller.
 */

/* The API's error bodies are one short sentence; anything longer is not one of them. */
#define MAX_ERROR_BODY_SIZE (64 * 1024)
#define READ_CHUNK_SIZE (64 * 1024)

typedef struct
{
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *data;
  gsize         limit;
} BodyRead;

static void
body_read_free (BodyRead *read)
{
  g_clear_object (&read->msg);
  g_clear_object (&read->stream);
  g_clear_pointer (&read->data, g_byte_array_unref);
  g_free (read);
}

/*
 * Closing a response stream before its end makes libsoup read the rest, to
 * keep the connection for the next request; when the rest is unwanted (too
 * large, or the read failed) a close that is already cancelled drops the
 * connection instead. Either way the close is asynchronous: a stream closed
 * by its last unref would do that reading synchronously.
 *
 * A connection that ends with this exchange anyway is dropped the same way,
 * even at the end of the body. Otherwise, when a request that waited for
 * "100 Continue" (an upload) got its final answer at once (an early refusal
 * by the server, or a proxy's error), libsoup 3.2 goes on to wait for the
 * next answer on the closing connection, and sets up that wait with the
 * message's I/O state taken for another type: a crash, depending on whether
 * the server's close has arrived yet.
 */
static void
close_stream (GInputStream *stream,
              gboolean      keep_connection)
{
  g_autoptr(GCancellable) cancelled = NULL;

  if (!keep_connection)
    {
      cancelled = g_cancellable_new ();
      g_cancellable_cancel (cancelled);
    }

  g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, cancelled, NULL, NULL);
}

static GError *
too_large_error (SoupMessage *msg,
                 gsize        limit)
{
  g_autofree char *size = g_format_size (limit);
  g_autofree char *message = g_strdup_printf ("The server’s answer is larger than %s", size);

  return sd_client_error_new (SD_CLIENT_ERROR_INVALID_RESPONSE, soup_message_get_status (msg),
                              NULL, 0, message);
}

static void read_next_chunk (GTask *task);

static void
read_chunk_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BodyRead *read = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      close_stream (read->stream, FALSE);
      g_task_return_error (task, sd_client_error_new_from_transport (error));
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      close_stream (read->stream, soup_message_is_keepalive (read->msg));
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->data)),
                             (GDestroyNotify)g_bytes_unref);
      return;
    }

  if (size > read->limit - read->data->len)
    {
      close_stream (read->stream, FALSE);
      g_task_return_error (task, too_large_error (read->msg, read->limit));
      return;
    }

  g_byte_array_append (read->data, g_bytes_get_data (chunk, NULL), size);
  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  BodyRead *read = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (read->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_chunk_cb, task);
}

/* Reads the body of @msg from @stream (taken) to its end, refusing more than @limit bytes. */
static void
read_body_async (SoupMessage         *msg,
                 GInputStream        *stream,
                 gsize                limit,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BodyRead *read;
  goffset length;

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, read_body_async);

  read = g_new0 (BodyRead, 1);
  read->msg = g_object_ref (msg);
  read->stream = stream;
  read->data = g_byte_array_new ();
  read->limit = limit;
  g_task_set_task_data (task, read, (GDestroyNotify)body_read_free);

  /* When the server announces its size, a body that is too large is not read at all. */
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  if (length > 0 && (guint64)length > limit)
    {
      close_stream (stream, FALSE);
      g_task_return_error (task, too_large_error (msg, limit));
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

static GBytes *
read_body_finish (GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
error_body_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = read_body_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Without its body, the status alone still says what went wrong. */
  g_task_return_error (task, sd_client_error_new_from_answer (msg, body));
  sd_client_check_session (g_task_get_source_object (task), msg);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, sd_client_error_new_from_transport (error));
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  read_body_async (msg, g_steal_pointer (&stream), MAX_ERROR_BODY_SIZE, cancellable,
                   error_body_cb, g_steal_pointer (&task));
}

void
sd_client_send_async (SdClient            *self,
                      SoupMessage         *msg,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_send_async);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);

  soup_session_send_async (sd_client_get_session (self), msg, G_PRIORITY_DEFAULT, cancellable,
                           sent_cb, g_steal_pointer (&task));
}

GInputStream *
sd_client_send_finish (SdClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_send_async, error);
}

static void
json_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  body = read_body_finish (result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if ((root = sd_json_parse_bytes (body, &error)) == NULL)
    {
      g_task_return_error (task, sd_client_error_new_invalid (soup_message_get_status (msg),
                                                              error));
      return;
    }

  g_task_return_pointer (task, root, (GDestroyNotify)json_node_unref);
}

static void
json_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  stream = sd_client_send_finish (SD_CLIENT (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  read_body_async (msg, g_steal_pointer (&stream), SD_CLIENT_MAX_ANSWER_SIZE, cancellable,
                   json_read_cb, g_steal_pointer (&task));
}

void
sd_client_send_json_async (SdClient            *self,
                           SoupMessage         *msg,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_send_json_async);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);

  sd_client_send_async (self, msg, cancellable, json_sent_cb, g_steal_pointer (&task));
}

JsonNode *
sd_client_send_json_finish (SdClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_send_json_async, error);
}
