#define G_LOG_DOMAIN "sd-outbox"

#include "config.h"

#include "sd-disk-worker.h"
#include "sd-outbox-private.h"

#include "sd-upload.h"

/*
 * The sending side of SdOutbox: one item at a time, its files first (each
 * under a key of its own), then the item; and what each outcome means for it.
 */

/* An upload token this close to expiring is not trusted to last until the item is sent. */
#define TOKEN_MARGIN_SECONDS (10 * 60)

static void send_current (SdOutbox *self);

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Sent already: at worst a later run sends it again, and the server recognises the key. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot remove a sent item from the outbox: %s", error->message);
}

void
sd_outbox_finish_current (SdOutbox *self)
{
  g_clear_object (&self->current);
  g_clear_object (&self->current_upload);
  g_clear_object (&self->current_cancellable);
  self->reuploaded = FALSE;
}

static gboolean
retry_timeout_cb (gpointer user_data)
{
  SdOutbox *self = user_data;

  self->retry_source = 0;
  sd_outbox_process (self);

  return G_SOURCE_REMOVE;
}

static void
sent (SdOutbox *self,
      GObject  *created)
{
  g_autoptr(SdOutboxItem) item = g_object_ref (self->current);

  sd_outbox_finish_current (self);
  sd_backoff_reset (&self->backoff);

  sd_outbox_remove_item (self, item);
  sd_outbox_remove_from_disk (self, item, removed_cb, NULL);
  sd_outbox_emit_item_sent (self, item, created);

  sd_outbox_process (self);
}

/* After an attempt failed: wait and retry, stop for a new session, or wait for the user. */
static void
failed (SdOutbox     *self,
        const GError *error)
{
  g_autoptr(SdOutboxItem) item = g_object_ref (self->current);
  guint delay;

  sd_outbox_finish_current (self);

  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    {
      /* Nothing can be sent with this token; the item waits, unharmed, for the next one. */
      sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_WAITING, error);
      g_clear_object (&self->client);
      sd_outbox_emit_session_ended (self);
      return;
    }

  /*
   * No answer, or one that cannot be read, says nothing about the item: the
   * same key makes the next attempt safe either way.
   */
  if (sd_client_error_is_transient (error) ||
      g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_RESPONSE))
    {
      sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_WAITING, error);
      delay = sd_backoff_next (&self->backoff, error);
      g_debug ("Retrying %s in %u ms: %s", sd_outbox_item_get_key (item), delay, error->message);
      self->retry_source = g_timeout_add (delay, retry_timeout_cb, self);
      return;
    }

  sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_FAILED, error);
  sd_outbox_process (self);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SdOutbox) self = user_data;
  g_autoptr(GObject) created = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files;

  /* The outbox went meanwhile (its dispose cancelled the request). */
  if (self->current == NULL)
    return;

  if (sd_outbox_item_get_kind (self->current) == SD_OUTBOX_ITEM_KIND_TICKET)
    created = G_OBJECT (sd_client_create_ticket_finish (SD_CLIENT (source), result, &error));
  else
    created = G_OBJECT (sd_client_post_message_finish (SD_CLIENT (source), result, &error));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (created != NULL)
    {
      sent (self, created);
      return;
    }

  /*
   * A refused token expired, or its file was removed on the server: a
   * fresh upload under a fresh key replaces it, once per attempt.
   */
  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_FIELD) &&
      g_strcmp0 (sd_client_error_get_field (error), "uploads") == 0 && !self->reuploaded)
    {
      files = sd_outbox_item_get_files (self->current);
      for (guint i = 0; i < files->len; i++)
        {
          SdOutboxFile *file = g_ptr_array_index (files, i);

          g_clear_pointer (&file->token, g_free);
          file->token_expires = 0;
          file->generation++;
        }
      self->reuploaded = TRUE;
      send_current (self);
      return;
    }

  failed (self, error);
}

static void
send_item (SdOutbox *self)
{
  SdOutboxItem *item = self->current;
  GPtrArray *files = sd_outbox_item_get_files (item);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) tokens = NULL;

  for (guint i = 0; i < files->len; i++)
    g_strv_builder_add (builder, ((SdOutboxFile *)g_ptr_array_index (files, i))->token);
  tokens = g_strv_builder_end (builder);

  if (sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_TICKET)
    sd_client_create_ticket_async (self->client, sd_outbox_item_get_category (item),
                                   sd_outbox_item_get_subject (item),
                                   sd_outbox_item_get_body (item),
                                   files->len > 0 ? (const char * const *)tokens : NULL,
                                   sd_outbox_item_get_key (item), self->current_cancellable,
                                   created_cb, g_object_ref (self));
  else
    sd_client_post_message_async (self->client, sd_outbox_item_get_ticket_id (item),
                                  sd_outbox_item_get_body (item),
                                  files->len > 0 ? (const char * const *)tokens : NULL,
                                  sd_outbox_item_get_key (item), self->current_cancellable,
                                  created_cb, g_object_ref (self));
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (!sd_outbox_item_save (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
token_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdOutbox) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Unsaved, the token is only lost for a later run, which uploads the file again. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot keep an upload token in the outbox: %s", error->message);

  if (self->current == NULL || g_cancellable_is_cancelled (self->current_cancellable))
    return;

  send_current (self);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SdOutbox) self = user_data;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  SdOutboxFile *file;
  guint index;

  info = sd_upload_start_finish (SD_UPLOAD (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->current == NULL)
    return;

  if (info == NULL)
    {
      /* A stored copy that is gone or unreadable is no transient error: the item fails. */
      failed (self, error);
      return;
    }

  index = GPOINTER_TO_UINT (g_object_get_data (source, "sd-outbox-file"));
  file = g_ptr_array_index (sd_outbox_item_get_files (self->current), index);
  g_free (file->token);
  file->token = g_strdup (sd_upload_info_get_token (info));
  file->token_expires = g_date_time_to_unix (sd_upload_info_get_expires_at (info));
  g_clear_object (&self->current_upload);

  /* The token is kept with the item, so a later run need not upload the file again. */
  task = g_task_new (self, NULL, token_saved_cb, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (self->current), g_object_unref);
  sd_disk_worker_run (task, save_thread);
}

/* Uploads the next file that has no usable token, or sends the item once all have one. */
static void
send_current (SdOutbox *self)
{
  GPtrArray *files = sd_outbox_item_get_files (self->current);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < files->len; i++)
    {
      SdOutboxFile *file = g_ptr_array_index (files, i);
      g_autoptr(GFile) copy = NULL;
      g_autofree char *key = NULL;

      if (file->token != NULL && file->token_expires > now + TOKEN_MARGIN_SECONDS)
        continue;

      copy = g_file_get_child (sd_outbox_item_get_dir (self->current), file->path);
      key = g_strdup_printf ("%s.%u.%u", sd_outbox_item_get_key (self->current), i,
                             file->generation);
      g_clear_pointer (&file->token, g_free);

      self->current_upload = sd_upload_new (self->client, copy, file->filename,
                                            file->content_type);
      sd_upload_set_idempotency_key (self->current_upload, key);
      /* The outbox's waits hold for everything it retries, its files included. */
      sd_upload_set_backoff (self->current_upload, self->backoff.base_ms, self->backoff.max_ms);
      g_object_set_data (G_OBJECT (self->current_upload), "sd-outbox-file",
                         GUINT_TO_POINTER (i));
      sd_upload_start_async (self->current_upload, self->current_cancellable, uploaded_cb,
                             g_object_ref (self));
      return;
    }

  send_item (self);
}

/*
 * The next item to send: the oldest not refused, except that a message
 * waits for every earlier unsent message of its ticket.
 */
static SdOutboxItem *
next_item (SdOutbox *self)
{
  g_autoptr(GHashTable) tickets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      SdOutboxItem *item = g_ptr_array_index (self->items, i);
      gboolean earlier = FALSE;

      if (sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_MESSAGE)
        {
          gint64 *ticket_id = g_new (gint64, 1);

          *ticket_id = sd_outbox_item_get_ticket_id (item);
          earlier = g_hash_table_contains (tickets, ticket_id);
          if (!earlier)
            g_hash_table_add (tickets, ticket_id);
          else
            g_free (ticket_id);
        }

      if (!earlier && sd_outbox_item_get_state (item) != SD_OUTBOX_ITEM_STATE_FAILED)
        return item;
    }

  return NULL;
}

void
sd_outbox_process (SdOutbox *self)
{
  SdOutboxItem *item;

  if (self->current != NULL || self->client == NULL || !self->online || !self->loaded ||
      self->retry_source != 0)
    return;

  item = next_item (self);
  if (item == NULL)
    return;

  self->current = g_object_ref (item);
  self->current_cancellable = g_cancellable_new ();
  sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_SENDING, NULL);
  send_current (self);
}

