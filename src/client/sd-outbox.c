#define G_LOG_DOMAIN "sd-outbox"

#include "config.h"

#include "sd-outbox.h"

#include "sd-disk-worker.h"
#include "sd-drafts.h"
#include "sd-outbox-private.h"

static void sd_outbox_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SdOutbox, sd_outbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sd_outbox_list_model_init))

enum {
  PROP_0,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ITEM_SENT,
  SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
sd_outbox_get_item_type (GListModel *model)
{
  return SD_TYPE_OUTBOX_ITEM;
}

static guint
sd_outbox_get_n_items (GListModel *model)
{
  return SD_OUTBOX (model)->items->len;
}

static gpointer
sd_outbox_get_item (GListModel *model,
                    guint       position)
{
  SdOutbox *self = SD_OUTBOX (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
sd_outbox_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sd_outbox_get_item_type;
  iface->get_n_items = sd_outbox_get_n_items;
  iface->get_item = sd_outbox_get_item;
}

void
sd_outbox_emit_item_sent (SdOutbox     *self,
                          SdOutboxItem *item,
                          GObject      *created)
{
  g_signal_emit (self, signals[ITEM_SENT], 0, item, created);
}

void
sd_outbox_emit_session_ended (SdOutbox *self)
{
  g_signal_emit (self, signals[SESSION_ENDED], 0);
}

void
sd_outbox_remove_item (SdOutbox     *self,
             SdOutboxItem *item)
{
  guint position;

  if (g_ptr_array_find (self->items, item, &position))
    {
      g_ptr_array_remove_index (self->items, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
}

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (!sd_outbox_store_remove (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sd_outbox_remove_from_disk (SdOutbox            *self,
                  SdOutboxItem        *item,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_task_data (task, g_object_ref (sd_outbox_item_get_dir (item)), g_object_unref);
  sd_disk_worker_run (task, remove_thread);
}

typedef struct
{
  SdOutboxItem *item;
  /* The files to copy (GFile), in the item's order. */
  GPtrArray    *sources;
  char         *name;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_object (&data->item);
  g_clear_pointer (&data->sources, g_ptr_array_unref);
  g_free (data->name);
  g_free (data);
}

static void
add_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SdOutbox *self = source_object;
  AddData *data = task_data;
  GPtrArray *files = sd_outbox_item_get_files (data->item);
  GError *error = NULL;

  /* The size is the copy's: it is what gets uploaded. */
  for (guint i = 0; i < files->len; i++)
    {
      SdOutboxFile *file = g_ptr_array_index (files, i);
      g_autoptr(GFileInfo) info = NULL;

      info = g_file_query_info (g_ptr_array_index (data->sources, i),
                                G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                cancellable, &error);
      if (info == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      file->size = g_file_info_get_size (info);
    }

  if (!sd_outbox_store_add (self->directory, data->name, data->item, data->sources, cancellable,
                            &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (data->item), g_object_unref);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SdOutbox *self = SD_OUTBOX (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(SdOutboxItem) item = NULL;
  GError *error = NULL;

  item = g_task_propagate_pointer (G_TASK (result), &error);
  if (item == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_ptr_array_add (self->items, g_object_ref (item));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  g_task_return_pointer (task, g_steal_pointer (&item), g_object_unref);

  sd_outbox_process (self);
}

static void
add_item (SdOutbox            *self,
          SdOutboxItem        *item,
          GPtrArray           *uploads,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) thread_task = NULL;
  AddData *data = g_new0 (AddData, 1);
  /* A name that sorts by time of creation, and stays unique within the same microsecond. */
  static gint64 last_time;
  gint64 now = MAX (g_get_real_time (), last_time + 1);

  last_time = now;
  g_task_set_source_tag (task, source_tag);

  data->item = g_object_ref (item);
  data->sources = g_ptr_array_new_with_free_func (g_object_unref);
  data->name = g_strdup_printf ("%016" G_GINT64_MODIFIER "d-%s", now,
                                sd_outbox_item_get_key (item));

  for (guint i = 0; uploads != NULL && i < uploads->len; i++)
    {
      SdUpload *upload = g_ptr_array_index (uploads, i);
      SdUploadInfo *info = sd_upload_get_info (upload);
      SdOutboxFile *file = g_new0 (SdOutboxFile, 1);

      file->filename = g_strdup (sd_upload_get_filename (upload));
      file->content_type = g_strdup (sd_upload_get_content_type (upload));
      file->path = g_strdup_printf ("files/%u", i);
      /* A file already uploaded keeps its token, and is sent again only if it expires. */
      if (info != NULL && sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE)
        {
          file->token = g_strdup (sd_upload_info_get_token (info));
          file->token_expires = g_date_time_to_unix (sd_upload_info_get_expires_at (info));
        }
      sd_outbox_item_add_file (item, file);
      g_ptr_array_add (data->sources, g_object_ref (sd_upload_get_file (upload)));
    }

  /* Once on disk the item is in the outbox, cancelled or not: the result must say so. */
  g_task_set_check_cancellable (task, FALSE);
  thread_task = g_task_new (self, cancellable, added_cb, g_steal_pointer (&task));
  g_task_set_check_cancellable (thread_task, FALSE);
  g_task_set_task_data (thread_task, data, (GDestroyNotify)add_data_free);
  sd_disk_worker_run (thread_task, add_thread);
}

void
sd_outbox_add_ticket_async (SdOutbox            *self,
                            const char          *category,
                            const char          *subject,
                            const char          *description,
                            GPtrArray           *uploads,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *key = sd_client_new_idempotency_key ();

  g_return_if_fail (SD_IS_OUTBOX (self));
  g_return_if_fail (category != NULL && subject != NULL && description != NULL);

  item = sd_outbox_item_new (SD_OUTBOX_ITEM_KIND_TICKET, key, 0, category, subject,
                             description, now);
  add_item (self, item, uploads, cancellable, callback, user_data, sd_outbox_add_ticket_async);
}

void
sd_outbox_add_message_async (SdOutbox            *self,
                             gint64               ticket_id,
                             const char          *body,
                             GPtrArray           *uploads,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *key = sd_client_new_idempotency_key ();

  g_return_if_fail (SD_IS_OUTBOX (self));
  g_return_if_fail (ticket_id > 0 && body != NULL);

  item = sd_outbox_item_new (SD_OUTBOX_ITEM_KIND_MESSAGE, key, ticket_id, NULL, NULL, body,
                             now);
  add_item (self, item, uploads, cancellable, callback, user_data, sd_outbox_add_message_async);
}

SdOutboxItem *
sd_outbox_add_finish (SdOutbox      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SdOutbox *self = source_object;
  GError *error = NULL;
  GPtrArray *items;

  items = sd_outbox_store_load (self->directory, &error);
  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify)g_ptr_array_unref);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SdOutbox *self = SD_OUTBOX (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  items = g_task_propagate_pointer (G_TASK (result), &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* What earlier runs left goes before anything added meanwhile. */
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_insert (self->items, (int)i, g_object_ref (g_ptr_array_index (items, i)));
  self->loaded = TRUE;
  if (items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, items->len);

  g_task_return_boolean (task, TRUE);
  sd_outbox_process (self);
}

void
sd_outbox_load_async (SdOutbox            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) thread_task = NULL;

  g_return_if_fail (SD_IS_OUTBOX (self));

  g_task_set_source_tag (task, sd_outbox_load_async);
  thread_task = g_task_new (self, cancellable, loaded_cb, g_steal_pointer (&task));
  sd_disk_worker_run (thread_task, load_thread);
}

gboolean
sd_outbox_load_finish (SdOutbox      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sd_outbox_retry (SdOutbox     *self,
                 SdOutboxItem *item)
{
  g_return_if_fail (SD_IS_OUTBOX (self));
  g_return_if_fail (SD_IS_OUTBOX_ITEM (item));

  if (item == self->current)
    return;

  if (sd_outbox_item_get_state (item) == SD_OUTBOX_ITEM_STATE_FAILED)
    sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_QUEUED, NULL);

  /* Asked for by the user: now, not after the backoff. */
  g_clear_handle_id (&self->retry_source, g_source_remove);
  sd_backoff_reset (&self->backoff);
  sd_outbox_process (self);
}

static void
discarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sd_outbox_discard_async (SdOutbox            *self,
                         SdOutboxItem        *item,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (SD_IS_OUTBOX (self));
  g_return_if_fail (SD_IS_OUTBOX_ITEM (item));

  g_task_set_source_tag (task, sd_outbox_discard_async);

  /* It may reach the server any moment: too late to take it back. */
  if (item == self->current)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "The item is being sent");
      return;
    }

  sd_outbox_remove_item (self, item);
  sd_outbox_remove_from_disk (self, item, discarded_cb, g_steal_pointer (&task));
  sd_outbox_process (self);
}

gboolean
sd_outbox_discard_finish (SdOutbox      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sd_outbox_set_client (SdOutbox *self,
                      SdClient *client)
{
  g_return_if_fail (SD_IS_OUTBOX (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  /* Items that waited for a session go now. */
  for (guint i = 0; client != NULL && i < self->items->len; i++)
    {
      SdOutboxItem *item = g_ptr_array_index (self->items, i);
      const GError *error = sd_outbox_item_get_error (item);

      if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
        sd_outbox_item_set_state (item, SD_OUTBOX_ITEM_STATE_QUEUED, NULL);
    }

  sd_outbox_process (self);
}

SdClient *
sd_outbox_get_client (SdOutbox *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), NULL);

  return self->client;
}

void
sd_outbox_set_online (SdOutbox *self,
                      gboolean  online)
{
  g_return_if_fail (SD_IS_OUTBOX (self));

  online = !!online;
  if (self->online == online)
    return;

  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);

  /* Back online, there is no reason to wait out a backoff that began offline. */
  if (online)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      sd_backoff_reset (&self->backoff);
      sd_outbox_process (self);
    }
}

gboolean
sd_outbox_get_online (SdOutbox *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), FALSE);

  return self->online;
}

void
sd_outbox_set_backoff (SdOutbox *self,
                       guint     base_ms,
                       guint     max_ms)
{
  g_return_if_fail (SD_IS_OUTBOX (self));

  sd_backoff_init (&self->backoff, base_ms, max_ms);
}

GFile *
sd_outbox_get_directory (SdOutbox *self)
{
  g_return_val_if_fail (SD_IS_OUTBOX (self), NULL);

  return self->directory;
}

GFile *
sd_outbox_dup_default_dir (const char *server_url,
                           const char *email)
{
  return sd_account_dup_data_dir ("outbox", server_url, email);
}

SdOutbox *
sd_outbox_new (GFile *directory)
{
  SdOutbox *self;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (SD_TYPE_OUTBOX, NULL);
  self->directory = g_object_ref (directory);

  return self;
}

static void
sd_outbox_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdOutbox *self = SD_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_outbox_dispose (GObject *object)
{
  SdOutbox *self = SD_OUTBOX (object);

  if (self->current_cancellable != NULL)
    g_cancellable_cancel (self->current_cancellable);
  sd_outbox_finish_current (self);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (sd_outbox_parent_class)->dispose (object);
}

static void
sd_outbox_finalize (GObject *object)
{
  SdOutbox *self = SD_OUTBOX (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->directory);

  G_OBJECT_CLASS (sd_outbox_parent_class)->finalize (object);
}

static void
sd_outbox_class_init (SdOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sd_outbox_get_property;
  object_class->dispose = sd_outbox_dispose;
  object_class->finalize = sd_outbox_finalize;

  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ITEM_SENT] =
    g_signal_new ("item-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SD_TYPE_OUTBOX_ITEM, G_TYPE_OBJECT);
  signals[SESSION_ENDED] =
    g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
sd_outbox_init (SdOutbox *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->online = TRUE;
  sd_backoff_init (&self->backoff, SD_BACKOFF_BASE_MS, SD_BACKOFF_MAX_MS);
}
