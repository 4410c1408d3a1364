#define G_LOG_DOMAIN "sd-upload-row"

#include "config.h"

#include "sd-upload-row.h"

#include "sd-app-errors.h"

#include <glib/gi18n.h>

struct _SdUploadRow
{
  AdwActionRow    parent_instance;

  /* template widgets */
  GtkImage       *icon;
  GtkProgressBar *progress;
  GtkWidget      *done_image;
  GtkWidget      *retry_button;

  /* owned */
  SdUpload       *upload;
  gint64          size;
};

G_DEFINE_FINAL_TYPE (SdUploadRow, sd_upload_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_UPLOAD,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REMOVE,
  RETRY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update (SdUploadRow *self)
{
  SdUploadState state = sd_upload_get_state (self->upload);
  gint64 bytes = sd_upload_get_size (self->upload);
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;

  if (bytes <= 0)
    bytes = self->size;
  size = g_format_size (MAX (bytes, 0));

  switch (state)
    {
    case SD_UPLOAD_STATE_UPLOADING:
      {
        g_autofree char *sent = g_format_size (MAX (sd_upload_get_sent (self->upload), 0));

        /* Translators: how much of a file is uploaded, e.g. "1.2 MB of 4.8 MB". */
        subtitle = g_strdup_printf (_("%s of %s"), sent, size);
      }
      break;
    case SD_UPLOAD_STATE_FAILED:
      {
        const GError *error = sd_upload_get_error (self->upload);
        g_autofree char *reason = NULL;

        if (error != NULL)
          reason = sd_app_error_message (error);
        /* Translators: a file's size, then why it could not be uploaded. */
        subtitle = g_strdup_printf (_("%s — Not uploaded. %s"), size,
                                    reason != NULL ? reason : "");
      }
      break;
    case SD_UPLOAD_STATE_WAITING:
      /* Translators: a file's size, and that its upload has not started yet. */
      subtitle = g_strdup_printf (_("%s — Waiting…"), size);
      break;
    case SD_UPLOAD_STATE_DONE:
    case SD_UPLOAD_STATE_CANCELLED:
    default:
      subtitle = g_steal_pointer (&size);
      break;
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->progress),
                          state == SD_UPLOAD_STATE_WAITING || state == SD_UPLOAD_STATE_UPLOADING);
  gtk_widget_set_visible (self->done_image, state == SD_UPLOAD_STATE_DONE);
  gtk_widget_set_visible (self->retry_button, state == SD_UPLOAD_STATE_FAILED);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[RETRY], 0);
}

static void
sd_upload_row_constructed (GObject *object)
{
  SdUploadRow *self = SD_UPLOAD_ROW (object);
  g_autoptr(GIcon) icon = NULL;

  G_OBJECT_CLASS (sd_upload_row_parent_class)->constructed (object);

  icon = g_content_type_get_symbolic_icon (sd_upload_get_content_type (self->upload));
  gtk_image_set_from_gicon (self->icon, icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 sd_upload_get_filename (self->upload));
  g_object_bind_property (self->upload, "fraction", self->progress, "fraction",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->upload, "notify::state", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->upload, "notify::sent", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->upload, "notify::size", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
}

static void
sd_upload_row_dispose (GObject *object)
{
  SdUploadRow *self = (SdUploadRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_UPLOAD_ROW);
  g_clear_object (&self->upload);

  G_OBJECT_CLASS (sd_upload_row_parent_class)->dispose (object);
}

static void
sd_upload_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdUploadRow *self = SD_UPLOAD_ROW (object);

  switch (prop_id)
    {
    case PROP_UPLOAD:
      g_value_set_object (value, self->upload);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdUploadRow *self = SD_UPLOAD_ROW (object);

  switch (prop_id)
    {
    case PROP_UPLOAD:
      self->upload = g_value_dup_object (value);
      break;
    case PROP_SIZE:
      self->size = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_upload_row_class_init (SdUploadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sd_upload_row_constructed;
  object_class->dispose = sd_upload_row_dispose;
  object_class->get_property = sd_upload_row_get_property;
  object_class->set_property = sd_upload_row_set_property;

  properties[PROP_UPLOAD] =
    g_param_spec_object ("upload", NULL, NULL, SD_TYPE_UPLOAD,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SdUploadRow::remove:
   *
   * The user asked to remove the file (cancelling its upload).
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SdUploadRow::retry:
   *
   * The user asked to upload the failed file again.
   */
  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-upload-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdUploadRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SdUploadRow, progress);
  gtk_widget_class_bind_template_child (widget_class, SdUploadRow, done_image);
  gtk_widget_class_bind_template_child (widget_class, SdUploadRow, retry_button);

  gtk_widget_class_install_action (widget_class, "upload-row.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "upload-row.retry", NULL, retry_action);
}

static void
sd_upload_row_init (SdUploadRow *self)
{
  self->size = -1;

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sd_upload_row_new (SdUpload *upload,
                   gint64    size)
{
  g_return_val_if_fail (SD_IS_UPLOAD (upload), NULL);

  return g_object_new (SD_TYPE_UPLOAD_ROW, "upload", upload, "size", size, NULL);
}

SdUpload *
sd_upload_row_get_upload (SdUploadRow *self)
{
  g_return_val_if_fail (SD_IS_UPLOAD_ROW (self), NULL);

  return self->upload;
}
