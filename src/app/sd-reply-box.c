#define G_LOG_DOMAIN "sd-reply-box"

#include "config.h"

#include "sd-reply-box.h"

#include "sd-app-errors.h"
#include "sd-upload.h"

#include <glib/gi18n.h>

/*
 * What the user wrote for one ticket, kept while other tickets are shown so
 * that going back and forth loses nothing.
 */
typedef struct
{
  /* The field's text while another ticket is shown. */
  char       *text;
  /* SdUpload, in the order the files were attached. */
  GListStore *uploads;
  /* Made once per message, and sent again on every retry of the same message. */
  char       *idempotency_key;
  /* The body and upload tokens the key was last sent with. */
  char       *key_content;
  gboolean    sending;
} Draft;

struct _SdReplyBox
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkWidget     *clamp;
  GtkFlowBox    *upload_box;
  GtkTextView   *message_view;
  GtkTextBuffer *buffer;
  GtkLabel      *hint_label;
  GtkSpinner    *send_spinner;

  /* owned */
  SdClient      *client;
  SdTicket      *ticket;
  /* Cancelled when the client changes: sends, uploads, reading the files to attach. */
  GCancellable  *cancellable;
  /* ticket id -> Draft */
  GHashTable    *drafts;
  gulong         uploads_changed_id;
};

enum
{
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SdReplyBox, sd_reply_box, GTK_TYPE_WIDGET)

/* Drafts */

static void
draft_free (Draft *draft)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (draft->uploads)); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (G_LIST_MODEL (draft->uploads), i);

      sd_upload_cancel (upload);
    }
  g_clear_object (&draft->uploads);
  g_clear_pointer (&draft->text, g_free);
  g_clear_pointer (&draft->idempotency_key, g_free);
  g_clear_pointer (&draft->key_content, g_free);
  g_free (draft);
}

static Draft *
lookup_draft (SdReplyBox *self,
              gint64      ticket_id)
{
  return g_hash_table_lookup (self->drafts, &ticket_id);
}

static Draft *
current_draft (SdReplyBox *self)
{
  gint64 ticket_id;
  Draft *draft;

  if (self->ticket == NULL)
    return NULL;

  ticket_id = sd_ticket_get_id (self->ticket);
  draft = lookup_draft (self, ticket_id);
  if (draft == NULL)
    {
      draft = g_new0 (Draft, 1);
      draft->uploads = g_list_store_new (SD_TYPE_UPLOAD);
      g_hash_table_insert (self->drafts, g_memdup2 (&ticket_id, sizeof ticket_id), draft);
    }

  return draft;
}

static void
toast (SdReplyBox *self,
       const char *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
toast_error (SdReplyBox   *self,
             const char   *what,
             const GError *error)
{
  g_autofree char *message = sd_app_error_message (error);
  /* Translators: what failed, then why, e.g. "Your message was not sent. <reason>". */
  g_autofree char *text = g_strdup_printf (_("%s %s"), what, message);

  toast (self, text);
}

static char *
dup_text (SdReplyBox *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

static gboolean
uploads_ready (Draft *draft)
{
  GListModel *uploads = G_LIST_MODEL (draft->uploads);

  for (guint i = 0; i < g_list_model_get_n_items (uploads); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);

      if (sd_upload_get_state (upload) != SD_UPLOAD_STATE_DONE)
        return FALSE;
    }

  return TRUE;
}

static void
update_compose_state (SdReplyBox *self)
{
  Draft *draft = current_draft (self);
  gboolean sending = draft != NULL && draft->sending;
  g_autofree char *text = dup_text (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.send",
                                 draft != NULL && self->client != NULL && !sending &&
                                 *g_strstrip (text) != '\0' && uploads_ready (draft));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.attach",
                                 draft != NULL && self->client != NULL && !sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->message_view), draft != NULL && !sending);
  gtk_widget_set_visible (GTK_WIDGET (self->send_spinner), sending);
  gtk_spinner_set_spinning (self->send_spinner, sending);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label),
                          gtk_text_buffer_get_char_count (self->buffer) == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_box),
                          draft != NULL &&
                          g_list_model_get_n_items (G_LIST_MODEL (draft->uploads)) > 0);
}

static void
buffer_changed_cb (SdReplyBox *self)
{
  update_compose_state (self);
}

/* Attachments */

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

      toast_error (self, what, error);
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
  Draft *draft = box != NULL ? current_draft (SD_REPLY_BOX (box)) : NULL;
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
static GtkWidget *
create_upload_chip_cb (gpointer item,
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

typedef struct
{
  SdReplyBox *box;
  gint64      ticket_id;
} TicketData;

static TicketData *
ticket_data_new (SdReplyBox *self,
                 gint64      ticket_id)
{
  TicketData *data = g_new0 (TicketData, 1);

  data->box = g_object_ref (self);
  data->ticket_id = ticket_id;

  return data;
}

static void
ticket_data_free (TicketData *data)
{
  g_clear_object (&data->box);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TicketData, ticket_data_free)

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
  draft = lookup_draft (self, data->ticket_id);
  if (draft == NULL || self->client == NULL)
    return;

  if (info == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = g_strdup_printf (_("“%s” cannot be read."), name);

      g_debug ("Cannot read a file to attach: %s", error->message);
      toast (self, text);
      return;
    }

  upload = sd_upload_new (self->client, file, g_file_info_get_display_name (info),
                          g_file_info_get_content_type (info));
  g_signal_connect_object (upload, "notify::state", G_CALLBACK (update_compose_state), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (draft->uploads, upload);
  start_upload (self, upload);
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

          g_file_query_info_async (file,
                                   G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                   G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                                   data->box->cancellable, file_info_cb,
                                   ticket_data_new (data->box, data->ticket_id));
        }
    }

  g_object_unref (chooser);
}

static void
attach_action (GtkWidget  *widget,
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

/* Sending */

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TicketData) data = user_data;
  SdReplyBox *self = data->box;
  g_autoptr(SdMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gboolean shown;
  Draft *draft;

  message = sd_client_post_message_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  draft = lookup_draft (self, data->ticket_id);
  if (draft == NULL)
    return;

  draft->sending = FALSE;
  shown = self->ticket != NULL && sd_ticket_get_id (self->ticket) == data->ticket_id;

  if (message == NULL)
    {
      /* The text stays in the field (or the draft), to be sent again with the same key. */
      toast_error (self, _("Your message was not sent."), error);
      update_compose_state (self);
      /* The field lost the focus while it was insensitive. */
      if (shown)
        gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
      return;
    }

  g_clear_pointer (&draft->idempotency_key, g_free);
  g_clear_pointer (&draft->key_content, g_free);
  g_clear_pointer (&draft->text, g_free);
  g_list_store_remove_all (draft->uploads);

  if (shown)
    {
      gtk_text_buffer_set_text (self->buffer, "", -1);
      g_signal_emit (self, signals[SENT], 0, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
    }

  update_compose_state (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdReplyBox *self = SD_REPLY_BOX (widget);
  Draft *draft = current_draft (self);
  g_autofree char *body = dup_text (self);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  g_autoptr(GString) content = NULL;
  GListModel *uploads;

  /* Ctrl+Enter reaches here whatever the state; the action's enabled state says when. */
  if (!gtk_widget_is_sensitive (widget) || draft == NULL || self->client == NULL ||
      draft->sending || !uploads_ready (draft))
    return;

  content = g_string_new (body);
  g_strstrip (content->str);
  if (content->str[0] == '\0')
    return;
  g_string_assign (content, body);

  uploads = G_LIST_MODEL (draft->uploads);
  for (guint i = 0; i < g_list_model_get_n_items (uploads); i++)
    {
      g_autoptr(SdUpload) upload = g_list_model_get_item (uploads, i);
      const char *token = sd_upload_info_get_token (sd_upload_get_info (upload));

      g_ptr_array_add (tokens, (gpointer)token);
      g_string_append_printf (content, "\n%s", token);
    }
  g_ptr_array_add (tokens, NULL);

  /*
   * The same message sent again keeps its key, so that a reply whose answer
   * was lost is not posted twice. An edited message is another request: a
   * new key keeps the server from refusing it as a conflict.
   */
  if (draft->idempotency_key == NULL || g_strcmp0 (draft->key_content, content->str) != 0)
    {
      g_free (draft->idempotency_key);
      g_free (draft->key_content);
      draft->idempotency_key = sd_client_new_idempotency_key ();
      draft->key_content = g_string_free (g_steal_pointer (&content), FALSE);
    }

  draft->sending = TRUE;
  update_compose_state (self);
  sd_client_post_message_async (self->client, sd_ticket_get_id (self->ticket), body,
                                tokens->len > 1 ? (const char * const *)tokens->pdata : NULL,
                                draft->idempotency_key, self->cancellable, message_sent_cb,
                                ticket_data_new (self, sd_ticket_get_id (self->ticket)));
}

/*
 * The field takes Ctrl+Enter as a newline before any key binding sees it, so
 * the shortcut is caught on its way in. It is consumed even when there is
 * nothing to send: a stray newline would then be all it did.
 */
static gboolean
send_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  gtk_widget_activate_action (widget, "ticket.send", NULL);

  return TRUE;
}

static void
add_send_shortcut (SdReplyBox *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutTrigger *trigger;
  GtkShortcutAction *action;

  trigger = gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter");
  action = gtk_callback_action_new (send_shortcut_cb, NULL, NULL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (trigger, action));
  gtk_widget_add_controller (GTK_WIDGET (self->message_view), controller);
}

/* Lifecycle */

static void
sd_reply_box_dispose (GObject *object)
{
  SdReplyBox *self = (SdReplyBox *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->ticket);
  g_clear_object (&self->client);
  g_hash_table_remove_all (self->drafts);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_REPLY_BOX);

  G_OBJECT_CLASS (sd_reply_box_parent_class)->dispose (object);
}

static void
sd_reply_box_finalize (GObject *object)
{
  SdReplyBox *self = (SdReplyBox *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->drafts, g_hash_table_unref);

  G_OBJECT_CLASS (sd_reply_box_parent_class)->finalize (object);
}

static void
sd_reply_box_class_init (SdReplyBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_reply_box_dispose;
  object_class->finalize = sd_reply_box_finalize;

  /* A message of the shown ticket was posted: the server's SdMessage. */
  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-reply-box.ui");
  /* Bound so that disposing the template also takes the top widget. */
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, clamp);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, upload_box);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, message_view);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, buffer);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, send_spinner);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);

  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "ticket.attach", NULL, attach_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_reply_box_init (SdReplyBox *self)
{
  self->cancellable = g_cancellable_new ();
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify)draft_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  add_send_shortcut (self);
  update_compose_state (self);
}

/* Keeps what is written for the ticket shown until now in its draft, and shows none. */
static void
leave_ticket (SdReplyBox *self)
{
  Draft *draft = current_draft (self);

  if (draft != NULL)
    {
      g_free (draft->text);
      draft->text = dup_text (self);
      g_clear_signal_handler (&self->uploads_changed_id, draft->uploads);
    }

  g_clear_object (&self->ticket);
  gtk_flow_box_bind_model (self->upload_box, NULL, NULL, NULL, NULL);
  gtk_text_buffer_set_text (self->buffer, "", -1);
}

void
sd_reply_box_set_client (SdReplyBox *self,
                         SdClient   *client)
{
  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Another session may be another user: nothing of the last one is kept. */
  leave_ticket (self);
  g_hash_table_remove_all (self->drafts);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);

  update_compose_state (self);
}

void
sd_reply_box_set_ticket (SdReplyBox *self,
                         SdTicket   *ticket)
{
  Draft *draft;

  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (ticket == NULL || SD_IS_TICKET (ticket));

  if (self->ticket == ticket)
    return;

  leave_ticket (self);
  self->ticket = ticket != NULL ? g_object_ref (ticket) : NULL;

  if (ticket == NULL)
    {
      update_compose_state (self);
      return;
    }

  draft = current_draft (self);
  gtk_text_buffer_set_text (self->buffer, draft->text != NULL ? draft->text : "", -1);
  g_clear_pointer (&draft->text, g_free);
  gtk_flow_box_bind_model (self->upload_box, G_LIST_MODEL (draft->uploads),
                           create_upload_chip_cb, self, NULL);
  self->uploads_changed_id = g_signal_connect_object (draft->uploads, "items-changed",
                                                      G_CALLBACK (update_compose_state), self,
                                                      G_CONNECT_SWAPPED);
  update_compose_state (self);
}

void
sd_reply_box_insert_quote (SdReplyBox *self,
                           const char *quote)
{
  Draft *draft;
  GtkTextIter end;

  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (quote != NULL);

  /* While a message is on its way the field is not the user's to change. */
  draft = current_draft (self);
  if (draft == NULL || draft->sending)
    return;

  /* The quote goes after what is written already, on a line of its own. */
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  if (gtk_text_buffer_get_char_count (self->buffer) > 0 && !gtk_text_iter_starts_line (&end))
    gtk_text_buffer_insert (self->buffer, &end, "\n", -1);
  gtk_text_buffer_insert (self->buffer, &end, quote, -1);
  gtk_text_buffer_place_cursor (self->buffer, &end);
  gtk_text_view_scroll_mark_onscreen (self->message_view,
                                      gtk_text_buffer_get_insert (self->buffer));
  gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
}
