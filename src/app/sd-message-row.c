#define G_LOG_DOMAIN "sd-message-row"

#include "config.h"

#include "sd-message-row.h"

#include "sd-app-errors.h"
#include "sd-format.h"

#include <glib/gi18n.h>

/* Others' messages lean to the start, the user's own to the end, as in a chat. */
#define BUBBLE_INDENT 24

struct _SdMessageRow
{
  GtkListBoxRow  parent_instance;

  /* template widgets */
  GtkLabel      *event_label;
  GtkWidget     *bubble;
  GtkLabel      *author_label;
  GtkLabel      *role_label;
  GtkLabel      *time_label;
  GtkButton     *quote_button;
  GtkLabel      *body_label;
  GtkBox        *attachments_box;

  /* owned */
  SdClient      *client;
  SdMessage     *message;
  GCancellable  *cancellable;
  /* attachment id -> GtkSpinner (borrowed: children of attachments_box) */
  GHashTable    *spinners;
};

G_DEFINE_FINAL_TYPE (SdMessageRow, sd_message_row, GTK_TYPE_LIST_BOX_ROW)

/* One download on its way; the row is held so that the callback may touch it. */
typedef struct
{
  SdMessageRow *row;
  SdAttachment *attachment;
  GFile        *destination;
  gboolean      open;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->row);
  g_clear_object (&download->attachment);
  g_clear_object (&download->destination);
  g_free (download);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Download, download_free)

static void
toast (SdMessageRow *self,
       const char   *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static SdAttachment *
find_attachment (SdMessageRow *self,
                 gint64        id)
{
  GListModel *attachments = sd_message_get_attachments (self->message);

  for (guint i = 0; i < g_list_model_get_n_items (attachments); i++)
    {
      g_autoptr(SdAttachment) attachment = g_list_model_get_item (attachments, i);

      if (sd_attachment_get_id (attachment) == id)
        return g_steal_pointer (&attachment);
    }

  return NULL;
}

static void
set_busy (SdMessageRow *self,
          SdAttachment *attachment,
          gboolean      busy)
{
  gint64 id = sd_attachment_get_id (attachment);
  GtkWidget *spinner = g_hash_table_lookup (self->spinners, &id);

  if (spinner != NULL)
    {
      gtk_widget_set_visible (spinner, busy);
      gtk_spinner_set_spinning (GTK_SPINNER (spinner), busy);
    }
}

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      g_debug ("Cannot open an attachment: %s", error->message);
      text = g_strdup_printf (_("No app could open “%s”. Save it instead."),
                              sd_attachment_get_filename (download->attachment));
      toast (download->row, text);
    }
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  SdMessageRow *self = download->row;
  g_autoptr(GError) error = NULL;

  if (!sd_client_download_finish (SD_CLIENT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = sd_app_error_message (error);
          g_autofree char *text = NULL;

          /* Translators: %s is a file name, then why it could not be downloaded. */
          text = g_strdup_printf (_("“%s” could not be downloaded. %s"),
                                  sd_attachment_get_filename (download->attachment), message);
          set_busy (self, download->attachment, FALSE);
          toast (self, text);
        }
      return;
    }

  set_busy (self, download->attachment, FALSE);

  if (download->open)
    {
      g_autofree char *uri = g_file_get_uri (download->destination);
      g_autoptr(GdkAppLaunchContext) context = NULL;

      context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
      g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context),
                                               self->cancellable, launched_cb,
                                               g_steal_pointer (&download));
    }
  else
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("“%s” was saved"),
                              sd_attachment_get_filename (download->attachment));
      toast (self, text);
    }
}

static void
start_download (Download *download)
{
  SdMessageRow *self = download->row;

  set_busy (self, download->attachment, TRUE);
  sd_client_download_async (self->client, download->attachment, download->destination,
                            self->cancellable, downloaded_cb, download);
}

/* The server already reduced the name to one safe component; this is for any other server. */
static char *
safe_filename (SdAttachment *attachment)
{
  const char *name = sd_attachment_get_filename (attachment);
  /* Translators: the file name an attachment is saved under when it has none of its own. */
  g_autofree char *base = g_path_get_basename (name != NULL && *name != '\0' ? name : _("file"));

  if (g_str_equal (base, ".") || g_str_equal (base, "..") || g_str_equal (base, G_DIR_SEPARATOR_S))
    return g_strdup (_("file"));

  return g_steal_pointer (&base);
}

static void
temp_dir_made_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  dir = g_file_new_tmp_dir_finish (result, &error);
  if (dir == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot make a temporary folder: %s", error->message);
          set_busy (download->row, download->attachment, FALSE);
          toast (download->row, _("The attachment could not be opened: there is no room "
                                  "for it on this computer."));
        }
      return;
    }

  /* Apps show the file's name, so it keeps the one it was sent with. */
  name = safe_filename (download->attachment);
  download->destination = g_file_get_child (dir, name);
  start_download (g_steal_pointer (&download));
}

static void
open_attachment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SdMessageRow *self = SD_MESSAGE_ROW (widget);
  Download *download;
  SdAttachment *attachment;

  attachment = find_attachment (self, g_variant_get_int64 (parameter));
  if (attachment == NULL)
    return;

  download = g_new0 (Download, 1);
  download->row = g_object_ref (self);
  download->attachment = attachment;
  download->open = TRUE;

  set_busy (self, attachment, TRUE);
  g_file_new_tmp_dir_async ("supportdesk-XXXXXX", G_PRIORITY_DEFAULT, self->cancellable,
                            temp_dir_made_cb, download);
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(Download) download = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      download->destination = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (download->destination != NULL)
        start_download (g_steal_pointer (&download));
    }

  g_object_unref (dialog);
}

static void
save_attachment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SdMessageRow *self = SD_MESSAGE_ROW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  Download *download;
  SdAttachment *attachment;

  attachment = find_attachment (self, g_variant_get_int64 (parameter));
  if (attachment == NULL)
    return;

  download = g_new0 (Download, 1);
  download->row = g_object_ref (self);
  download->attachment = attachment;

  name = safe_filename (attachment);
  chooser = gtk_file_chooser_native_new (_("Save Attachment"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), download);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
attachment_widget (SdMessageRow *self,
                   SdAttachment *attachment)
{
  const char *filename = sd_attachment_get_filename (attachment);
  const char *content_type = sd_attachment_get_content_type (attachment);
  g_autoptr(GIcon) icon = NULL;
  g_autofree char *size = g_format_size (sd_attachment_get_size (attachment));
  GVariant *target = g_variant_new_int64 (sd_attachment_get_id (attachment));
  GtkWidget *box, *open_button, *content, *labels, *label, *spinner, *save_button;
  gint64 *key;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (box, "card");

  icon = g_content_type_get_symbolic_icon (content_type != NULL ? content_type
                                                                : "application/octet-stream");
  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (content), gtk_image_new_from_gicon (icon));
  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  label = gtk_label_new (filename);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (labels), label);
  label = gtk_label_new (size);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (labels), label);
  gtk_box_append (GTK_BOX (content), labels);

  open_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (open_button), content);
  gtk_widget_set_hexpand (open_button, TRUE);
  gtk_widget_add_css_class (open_button, "flat");
  /* Translators: a verb; the button opens an attached file. */
  gtk_widget_set_tooltip_text (open_button, _("Open"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open_button), "message.open-attachment");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open_button), target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (open_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, filename,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Open"),
                                  -1);
  gtk_box_append (GTK_BOX (box), open_button);

  spinner = gtk_spinner_new ();
  gtk_widget_set_visible (spinner, FALSE);
  gtk_box_append (GTK_BOX (box), spinner);
  key = g_new (gint64, 1);
  *key = sd_attachment_get_id (attachment);
  g_hash_table_insert (self->spinners, key, spinner);

  save_button = gtk_button_new_from_icon_name ("document-save-symbolic");
  gtk_widget_set_valign (save_button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (save_button, 6);
  gtk_widget_add_css_class (save_button, "flat");
  /* Translators: a verb; the button saves an attached file in a folder of your choice. */
  gtk_widget_set_tooltip_text (save_button, _("Save"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save_button), "message.save-attachment");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (save_button), target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (save_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Save"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, filename,
                                  -1);
  gtk_box_append (GTK_BOX (box), save_button);

  return box;
}

static const char *
role_text (SdMessageRow *self,
           SdUser       *author)
{
  SdUser *me = sd_client_get_user (self->client);

  if (author != NULL && sd_user_get_role (author) == SD_ROLE_AGENT)
    /* Translators: shown beside the name of the author of a message from the support team. */
    return _("Support");
  if (author != NULL && me != NULL && sd_user_get_id (author) == sd_user_get_id (me))
    /* Translators: shown beside your own name on the messages you wrote. */
    return _("You");

  /* Another customer of the organization: the name says who. */
  return NULL;
}

static void
show_message (SdMessageRow *self)
{
  SdUser *author = sd_message_get_author (self->message);
  SdUser *me = sd_client_get_user (self->client);
  const char *name = author != NULL ? sd_user_get_name (author) : NULL;
  g_autofree char *time = sd_format_time (sd_message_get_created_at (self->message));
  GListModel *attachments = sd_message_get_attachments (self->message);
  const char *role;
  gboolean own;

  if (sd_message_get_kind (self->message) == SD_MESSAGE_KIND_EVENT)
    {
      /* Translators: an event in a conversation and its time, e.g.
       * "Jordan Lee marked this ticket as solved · 26 November 2026, 08:00". */
      g_autofree char *text = g_strdup_printf (_("%s · %s"),
                                               sd_message_get_body (self->message), time);

      gtk_label_set_text (self->event_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->event_label), TRUE);
      return;
    }

  own = author != NULL && me != NULL && sd_user_get_id (author) == sd_user_get_id (me);
  role = role_text (self, author);

  /* Translators: the author of a message whose name is not known. */
  gtk_label_set_text (self->author_label, name != NULL && *name != '\0' ? name : _("Unknown"));
  gtk_label_set_text (self->role_label, role != NULL ? role : "");
  gtk_widget_set_visible (GTK_WIDGET (self->role_label), role != NULL);
  gtk_label_set_text (self->time_label, time);
  gtk_label_set_text (self->body_label, sd_message_get_body (self->message));
  /* Target first: an action with a parameter refuses a button that has none yet. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->quote_button), "x",
                                    sd_message_get_id (self->message));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->quote_button), "ticket.quote");

  if (author != NULL && sd_user_get_role (author) == SD_ROLE_AGENT)
    gtk_widget_add_css_class (self->bubble, "agent");
  gtk_widget_set_margin_start (self->bubble, own ? BUBBLE_INDENT : 0);
  gtk_widget_set_margin_end (self->bubble, own ? 0 : BUBBLE_INDENT);

  for (guint i = 0; i < g_list_model_get_n_items (attachments); i++)
    {
      g_autoptr(SdAttachment) attachment = g_list_model_get_item (attachments, i);

      gtk_box_append (self->attachments_box, attachment_widget (self, attachment));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_box),
                          g_list_model_get_n_items (attachments) > 0);
  gtk_widget_set_visible (self->bubble, TRUE);
}

static void
sd_message_row_dispose (GObject *object)
{
  SdMessageRow *self = (SdMessageRow *)object;

  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->spinners);
  g_clear_object (&self->message);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (sd_message_row_parent_class)->dispose (object);
}

static void
sd_message_row_finalize (GObject *object)
{
  SdMessageRow *self = (SdMessageRow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->spinners, g_hash_table_unref);

  G_OBJECT_CLASS (sd_message_row_parent_class)->finalize (object);
}

static void
sd_message_row_class_init (SdMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_message_row_dispose;
  object_class->finalize = sd_message_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, event_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, role_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, quote_button);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageRow, attachments_box);

  gtk_widget_class_install_action (widget_class, "message.open-attachment", "x",
                                   open_attachment_action);
  gtk_widget_class_install_action (widget_class, "message.save-attachment", "x",
                                   save_attachment_action);
}

static void
sd_message_row_init (SdMessageRow *self)
{
  self->cancellable = g_cancellable_new ();
  self->spinners = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sd_message_row_new (SdClient  *client,
                    SdMessage *message)
{
  SdMessageRow *self;

  g_return_val_if_fail (SD_IS_CLIENT (client), NULL);
  g_return_val_if_fail (SD_IS_MESSAGE (message), NULL);

  self = g_object_new (SD_TYPE_MESSAGE_ROW, NULL);
  self->client = g_object_ref (client);
  self->message = g_object_ref (message);
  show_message (self);

  return GTK_WIDGET (self);
}

SdMessage *
sd_message_row_get_message (SdMessageRow *self)
{
  g_return_val_if_fail (SD_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}
