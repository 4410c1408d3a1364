#define G_LOG_DOMAIN "sd-reply-box"

#include "config.h"

#include "sd-reply-box-private.h"

#include "sd-app-errors.h"

#include <glib/gi18n.h>

/* The files of a reply: a chip per file with its progress, and adding them. */

static void
update_chip (GtkWidget *chip,
             GParamSpec *pspec,
             SdUpload   *upload)
{
  GtkWidget *progress = g_object_get_data (G_OBJECT (chip), "progress");
  GtkWidget *retry = g_object_get_data (G_OBJECT (chip), "retry");
  SdUploadState state = sd_upload_get_state (upload);
  const GError *error = sd_upload_get_error (upload);
  g_autofree char *tooltip = NULL;

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (progress), sd_upload_get_fraction (upload));
  gtk_widget_set_visible (progress, state == SD_UPLOAD_STATE_WAITING ||
                                    state == SD_UPLOAD_STATE_UPLOADING);
  gtk_widget_set_visible (retry, state == SD_UPLOAD_STATE_FAILED);

  if (state == SD_UPLOAD_STATE_FAILED)
    {
      g_autofree char *reason = error != NULL ? sd_app_error_message (error) : NULL;

      gtk_widget_add_css_class (chip, "error");
      /* Translators: a file that could not be uploaded, then why. */
      tooltip = g_strdup_printf (_("“%s” was not uploaded. %s"),
                                 sd_upload_get_filename (upload), reason != NULL ? reason : "");
    }
  else
    gtk_widget_remove_css_class (chip, "error");
  gtk_widget_set_tooltip_text (chip, tooltip);
}

static void
upload_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdReplyBox) self = user_data;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = sd_upload_start_finish (SD_UPLOAD (source), result, &error);
  if (info == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *what = g_strdup_printf (_("“%s” was not uploaded."),
                                               sd_upload_get_filename (SD_UPLOAD (source)));

      sd_reply_box_toast_error (self, what, error);
    }
}

static void
start_upload (SdReplyBox *self,
              SdUpload   *upload)
{
  sd_upload_start_async (upload, self->cancellable, upload_started_cb, g_object_ref (self));
}

static void
retry_upload_cb (GtkButton *button,
                 SdUpload  *upload)
{
  GtkWidget *box = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_REPLY_BOX);

  if (box != NULL)
    start_upload (SD_REPLY_BOX (box), upload);
}

static void
remove_upload_cb (GtkButton *button,
                  SdUpload  *upload)
{
  GtkWidget *box = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_REPLY_BOX);
  Draft *draft = box != NULL ? sd_reply_box_current_draft (SD_REPLY_BOX (box)) : NULL;
  guint position;

  sd_upload_cancel (upload);
  if (draft != NULL && g_list_store_find (draft->uploads, upload, &position))
    g_list_store_remove (draft->uploads, position);
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");

  return button;
}

/* A small chip per file: its name, a progress bar while it uploads, remove (and retry). */
GtkWidget *
sd_reply_box_create_upload_chip (gpointer item,
                       gpointer user_data)
{
  SdUpload *upload = item;
  GtkWidget *chip, *labels, *label, *progress, *retry, *remove;

  chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (chip, "card");

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_margin_start (labels, 12);
  gtk_widget_set_margin_end (labels, 6);
  gtk_widget_set_margin_top (labels, 8);
  gtk_widget_set_margin_bottom (labels, 8);
  label = gtk_label_new (sd_upload_get_filename (upload));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_box_append (GTK_BOX (labels), label);
  progress = gtk_progress_bar_new ();
  gtk_box_append (GTK_BOX (labels), progress);
  gtk_box_append (GTK_BOX (chip), labels);

  retry = icon_button ("view-refresh-symbolic", _("Try Again"));
  g_signal_connect_object (retry, "clicked", G_CALLBACK (retry_upload_cb), upload, 0);
  gtk_box_append (GTK_BOX (chip), retry);
  remove = icon_button ("window-close-symbolic", _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  sd_upload_get_filename (upload), -1);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_upload_cb), upload, 0);
  gtk_widget_set_margin_end (remove, 4);
  gtk_box_append (GTK_BOX (chip), remove);

  g_object_set_data (G_OBJECT (chip), "progress", progress);
  g_object_set_data (G_OBJECT (chip), "retry", retry);
  g_signal_connect_object (upload, "notify", G_CALLBACK (update_chip), chip, G_CONNECT_SWAPPED);
  update_chip (chip, NULL, upload);

  return chip;
}

static void
file_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TicketData) data = user_data;
  SdReplyBox *self = data->box;
  GFile *file = G_FILE (source);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;
  Draft *draft;

  info = g_file_query_info_finish (file, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The draft is gone when the user signed out meanwhile. */
  draft = sd_reply_box_lookup_draft (self, data->ticket_id);
  if (draft == NULL || self->client == NULL)
    return;

  if (info == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = g_strdup_printf (_("“%s” cannot be read."), name);

      g_debug ("Cannot read a file to attach: %s", error->message);
      sd_reply_box_toast (self, text);
      return;
    }

  upload = sd_upload_new (self->client, file, g_file_info_get_display_name (info),
                          g_file_info_get_content_type (info));
  g_signal_connect_object (upload, "notify::state",
                           G_CALLBACK (sd_reply_box_update_compose_state), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (draft->uploads, upload);
  start_upload (self, upload);
}

void
sd_reply_box_attach_file (SdReplyBox *self,
                          gint64      ticket_id,
                          GFile      *file)
{
  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                           G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           file_info_cb, ticket_data_new (self, ticket_id));
}

static void
attach_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(TicketData) data = user_data;
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          sd_reply_box_attach_file (data->box, data->ticket_id, file);
        }
    }

  g_object_unref (chooser);
}

void
sd_reply_box_attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdReplyBox *self = SD_REPLY_BOX (widget);
  GtkFileChooserNative *chooser;

  if (self->ticket == NULL || self->client == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Attach Files"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (attach_response_cb),
                    ticket_data_new (self, sd_ticket_get_id (self->ticket)));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
