#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"

/*
 * What an attachment is, known from its id alone: HEAD /attachments/{id}
 * answers the headers of the download without its bytes, so a caller can
 * choose where to save a file (or refuse to) before any of it arrives.
 * The API has no other way to describe one attachment; the conversation
 * lists them, but only with the message they belong to.
 */

typedef struct
{
  SoupMessage *msg;
  gint64       id;
} Head;

static void
head_free (Head *head)
{
  g_clear_object (&head->msg);
  g_free (head);
}

/* The name the server gave in Content-Disposition; libsoup decodes RFC 5987's filename*. */
static char *
dup_filename (SoupMessageHeaders *headers)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *disposition = NULL;
  const char *filename;

  if (!soup_message_headers_get_content_disposition (headers, &disposition, &params))
    return NULL;

  filename = g_hash_table_lookup (params, "filename");
  if (filename == NULL || filename[0] == '\0' || !g_utf8_validate (filename, -1, NULL))
    return NULL;

  return g_strdup (filename);
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Head *head = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *filename = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  goffset size;
  GError *error = NULL;

  stream = sd_client_send_finish (SD_CLIENT (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A HEAD answer has no body: closing it costs nothing and frees the connection. */
  g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  headers = soup_message_get_response_headers (head->msg);
  size = soup_message_headers_get_content_length (headers);
  content_type = soup_message_headers_get_content_type (headers, NULL);

  /* Every attachment has a name: an answer without one is not the API's. */
  if ((filename = dup_filename (headers)) == NULL || size < 0)
    {
      g_task_return_error (task, sd_client_error_new_invalid (soup_message_get_status (head->msg),
                                                              NULL));
      return;
    }

  g_task_return_pointer (task,
                         sd_attachment_new (head->id, filename,
                                            content_type != NULL ? content_type
                                                                 : "application/octet-stream",
                                            size, NULL),
                         g_object_unref);
}

void
sd_client_get_attachment_async (SdClient            *self,
                                gint64               attachment_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  Head *head;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (attachment_id > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_get_attachment_async);

  path = g_strdup_printf (SD_CLIENT_API "/attachments/%" G_GINT64_FORMAT, attachment_id);
  if ((msg = sd_client_new_message (self, "HEAD", path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");

  head = g_new0 (Head, 1);
  head->msg = g_object_ref (msg);
  head->id = attachment_id;
  g_task_set_task_data (task, head, (GDestroyNotify)head_free);

  sd_client_send_async (self, msg, cancellable, answered_cb, g_steal_pointer (&task));
}

SdAttachment *
sd_client_get_attachment_finish (SdClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_get_attachment_async, error);
}
