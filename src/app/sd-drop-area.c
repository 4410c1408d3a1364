#define G_LOG_DOMAIN "sd-drop-area"

#include "config.h"

#include "sd-drop-area-private.h"
#include "sd-pasted-image.h"

#include "sd-upload-row.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (SdDropArea, sd_drop_area, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_UPLOADS,
  PROP_BUSY,
  PROP_FAILED,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
sd_drop_area_set_message (SdDropArea *self,
                          const char *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL)
    gtk_label_set_text (self->message_label, message);
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

void
sd_drop_area_update_state (SdDropArea *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));
  gboolean busy = self->n_adding > 0;
  gboolean failed = FALSE;

  /* Work that ends after dispose finds no widgets to update. */
  if (self->list_box == NULL)
    return;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);
      SdUploadState state = sd_upload_get_state (upload);

      failed |= state == SD_UPLOAD_STATE_FAILED;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->list_box), n_items > 0);

  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  if (self->failed != failed)
    {
      self->failed = failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
    }
}

/* Cancels every file, leaving the widgets alone (they may be gone, in dispose). */
static void
cancel_all (SdDropArea *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));

  /* Work still in flight for the old files finds its cancellable cancelled and stops. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_adding = 0;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);

      g_signal_handlers_disconnect_by_data (upload, self);
      sd_upload_cancel (upload);
    }
  g_list_store_remove_all (self->uploads);
}

/* Rows: one SdUploadRow per upload; what its buttons ask for is done here. */

static void
row_remove_cb (SdUploadRow *row,
               SdDropArea  *self)
{
  sd_drop_area_remove (self, sd_upload_row_get_upload (row));
}

static void
row_retry_cb (SdUploadRow *row,
              SdDropArea  *self)
{
  sd_drop_area_retry (self, sd_upload_row_get_upload (row));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  SdDropArea *self = user_data;
  SdUpload *upload = item;
  gint64 *known_size = g_object_get_data (G_OBJECT (upload), SD_DROP_AREA_SIZE_KEY);
  GtkWidget *row = sd_upload_row_new (upload, known_size != NULL ? *known_size : -1);

  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove_cb), self, 0);
  g_signal_connect_object (row, "retry", G_CALLBACK (row_retry_cb), self, 0);

  return row;
}

/* Uploading */

static void
upload_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdDropArea) self = user_data;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* The upload's state says how it went; its row and "busy" follow that. */
  info = sd_upload_start_finish (SD_UPLOAD (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Upload of %s failed: %s", sd_upload_get_filename (SD_UPLOAD (source)),
             error->message);
  sd_drop_area_update_state (self);
}

void
sd_drop_area_start_upload (SdDropArea *self,
                           SdUpload   *upload)
{
  sd_upload_start_async (upload, self->cancellable, upload_finished_cb, g_object_ref (self));
}

static void
browse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sd_drop_area_browse (SD_DROP_AREA (widget));
}

static void
sd_drop_area_dispose (GObject *object)
{
  SdDropArea *self = (SdDropArea *)object;
  GtkWidget *child;

  cancel_all (self);
  g_cancellable_cancel (self->portal_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_DROP_AREA);
  /* The template's top box has no id, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sd_drop_area_parent_class)->dispose (object);
}

static void
sd_drop_area_finalize (GObject *object)
{
  SdDropArea *self = (SdDropArea *)object;

  g_clear_object (&self->uploads);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal_cancellable);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (sd_drop_area_parent_class)->finalize (object);
}

static void
sd_drop_area_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SdDropArea *self = SD_DROP_AREA (object);

  switch (prop_id)
    {
    case PROP_UPLOADS:
      g_value_set_object (value, self->uploads);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_drop_area_class_init (SdDropAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_drop_area_dispose;
  object_class->finalize = sd_drop_area_finalize;
  object_class->get_property = sd_drop_area_get_property;

  properties[PROP_UPLOADS] =
    g_param_spec_object ("uploads", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-drop-area.ui");
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, zone);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, message_label);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, list_box);
  gtk_widget_class_bind_template_child (widget_class, SdDropArea, screenshot_button);

  gtk_widget_class_install_action (widget_class, "drop-area.browse", NULL, browse_action);
  gtk_widget_class_install_action (widget_class, "drop-area.screenshot", NULL,
                                   sd_drop_area_screenshot_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_drop_area_init (SdDropArea *self)
{
  self->cancellable = g_cancellable_new ();
  self->portal_cancellable = g_cancellable_new ();
  self->uploads = g_list_store_new (SD_TYPE_UPLOAD);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->uploads),
                           create_row_cb, self, NULL);

  sd_drop_area_init_drop_target (self);
  sd_drop_area_init_screenshot (self);
}

GtkWidget *
sd_drop_area_new (void)
{
  return g_object_new (SD_TYPE_DROP_AREA, NULL);
}

void
sd_drop_area_set_client (SdDropArea *self,
                         SdClient   *client)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Uploads belong to the session that made them. */
  sd_drop_area_clear (self);
  g_set_object (&self->client, client);
}

GListModel *
sd_drop_area_get_uploads (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return G_LIST_MODEL (self->uploads);
}

gboolean
sd_drop_area_get_busy (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);

  return self->busy;
}

gboolean
sd_drop_area_get_failed (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);

  return self->failed;
}

gboolean
sd_drop_area_get_screenshot_checked (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), FALSE);

  return self->screenshot_checked;
}

const char *
sd_drop_area_get_message (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return self->message;
}

char **
sd_drop_area_dup_tokens (SdDropArea *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n_items;

  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->uploads));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->uploads), i);
      SdUploadInfo *info = sd_upload_get_info (upload);

      if (sd_upload_get_state (upload) == SD_UPLOAD_STATE_DONE && info != NULL)
        g_strv_builder_add (builder, sd_upload_info_get_token (info));
    }

  return g_strv_builder_end (builder);
}

GtkDropTarget *
sd_drop_area_get_drop_target (SdDropArea *self)
{
  g_return_val_if_fail (SD_IS_DROP_AREA (self), NULL);

  return self->drop_target;
}

/* A pasted image exists only for the area: once the user lets go of it, it goes. */
static void
delete_pasted_image (SdUpload *upload)
{
  GFile *file = g_object_get_data (G_OBJECT (upload), SD_DROP_AREA_TEMP_FILE_KEY);

  if (file != NULL)
    sd_pasted_image_delete (g_object_ref (file));
}

void
sd_drop_area_remove (SdDropArea *self,
                     SdUpload   *upload)
{
  guint position;

  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (SD_IS_UPLOAD (upload));

  if (!g_list_store_find (self->uploads, upload, &position))
    return;

  g_signal_handlers_disconnect_by_data (upload, self);
  sd_upload_cancel (upload);
  delete_pasted_image (upload);
  g_list_store_remove (self->uploads, position);
  sd_drop_area_update_state (self);
}

void
sd_drop_area_retry (SdDropArea *self,
                    SdUpload   *upload)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));
  g_return_if_fail (SD_IS_UPLOAD (upload));

  if (sd_upload_get_state (upload) != SD_UPLOAD_STATE_FAILED ||
      !g_list_store_find (self->uploads, upload, NULL))
    return;

  sd_drop_area_start_upload (self, upload);
  sd_drop_area_update_state (self);
}

void
sd_drop_area_release (SdDropArea *self)
{
  GListModel *uploads;

  g_return_if_fail (SD_IS_DROP_AREA (self));

  uploads = G_LIST_MODEL (self->uploads);
  for (guint i = 0; i < g_list_model_get_n_items (uploads); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);

      delete_pasted_image (upload);
    }

  sd_drop_area_clear (self);
}

void
sd_drop_area_clear (SdDropArea *self)
{
  g_return_if_fail (SD_IS_DROP_AREA (self));

  cancel_all (self);
  sd_drop_area_set_message (self, NULL);
  sd_drop_area_update_state (self);
}
