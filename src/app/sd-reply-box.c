#define G_LOG_DOMAIN "sd-reply-box"

#include "config.h"

#include "sd-reply-box-private.h"

#include "sd-app-errors.h"
#include "sd-outbox-row.h"

#include <glib/gi18n.h>

/* The service's limit on a message's length (its default). */
#define SD_REPLY_BOX_MAX_BODY 65536

enum
{
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SdReplyBox, sd_reply_box, GTK_TYPE_WIDGET)

/* Drafts */

TicketData *
ticket_data_new (SdReplyBox *self,
                 gint64      ticket_id)
{
  TicketData *data = g_new0 (TicketData, 1);

  data->box = g_object_ref (self);
  data->ticket_id = ticket_id;

  return data;
}

void
ticket_data_free (TicketData *data)
{
  g_clear_object (&data->box);
  g_free (data);
}

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
  g_free (draft);
}

Draft *
sd_reply_box_lookup_draft (SdReplyBox *self,
              gint64      ticket_id)
{
  return g_hash_table_lookup (self->drafts, &ticket_id);
}

Draft *
sd_reply_box_current_draft (SdReplyBox *self)
{
  gint64 ticket_id;
  Draft *draft;

  if (self->ticket == NULL)
    return NULL;

  ticket_id = sd_ticket_get_id (self->ticket);
  draft = sd_reply_box_lookup_draft (self, ticket_id);
  if (draft == NULL)
    {
      draft = g_new0 (Draft, 1);
      draft->uploads = g_list_store_new (SD_TYPE_UPLOAD);
      g_hash_table_insert (self->drafts, g_memdup2 (&ticket_id, sizeof ticket_id), draft);
    }

  return draft;
}

void
sd_reply_box_toast (SdReplyBox *self,
       const char *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

void
sd_reply_box_toast_error (SdReplyBox   *self,
             const char   *what,
             const GError *error)
{
  g_autofree char *message = sd_app_error_message (error);
  /* Translators: what failed, then why, e.g. "Your message was not sent. <reason>". */
  g_autofree char *text = g_strdup_printf (_("%s %s"), what, message);

  sd_reply_box_toast (self, text);
}

char *
sd_reply_box_dup_text (SdReplyBox *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

void
sd_reply_box_update_compose_state (SdReplyBox *self)
{
  Draft *draft = sd_reply_box_current_draft (self);
  gboolean sending = draft != NULL && draft->sending;
  g_autofree char *text = sd_reply_box_dup_text (self);
  gboolean has_files = draft != NULL &&
                       g_list_model_get_n_items (G_LIST_MODEL (draft->uploads)) > 0;
  gboolean has_text = *g_strstrip (text) != '\0';

  /* Files still uploading, or failed for now, are the outbox's to finish; refused ones are not. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.send",
                                 draft != NULL && self->client != NULL && self->outbox != NULL &&
                                 !sending && has_text &&
                                 !sd_upload_list_has_refused (G_LIST_MODEL (draft->uploads)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.discard-draft",
                                 draft != NULL && !sending && (has_text || has_files));
  gtk_widget_set_visible (self->discard_draft_button, has_text || has_files);
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
uploads_changed_cb (SdReplyBox *self)
{
  sd_reply_box_schedule_save (self);
  sd_reply_box_update_compose_state (self);
}

static void
buffer_changed_cb (SdReplyBox *self)
{
  sd_reply_box_schedule_save (self);
  sd_reply_box_update_compose_state (self);
}

/* Sending */

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TicketData) data = user_data;
  SdReplyBox *self = data->box;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  gboolean shown;
  Draft *draft;

  item = sd_outbox_add_finish (SD_OUTBOX (source), result, &error);

  draft = sd_reply_box_lookup_draft (self, data->ticket_id);
  if (draft == NULL)
    return;

  draft->sending = FALSE;
  shown = self->ticket != NULL && sd_ticket_get_id (self->ticket) == data->ticket_id;

  if (item == NULL)
    {
      /* The text stays in the field (and its draft), to be sent again. */
      g_warning ("Cannot put a message in the outbox: %s", error->message);
      sd_reply_box_toast (self, _("Your message could not be saved on this computer. Check "
                                  "that your home folder can be written to, and try again."));
      sd_reply_box_update_compose_state (self);
      /* The field lost the focus while it was insensitive. */
      if (shown)
        gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
      return;
    }

  /* The outbox has the message and copies of its files: the draft has done its work. */
  g_clear_pointer (&draft->text, g_free);
  g_list_store_remove_all (draft->uploads);
  sd_reply_box_forget_draft (self, data->ticket_id);

  if (shown)
    {
      self->quiet++;
      gtk_text_buffer_set_text (self->buffer, "", -1);
      self->quiet--;
      gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
    }

  sd_reply_box_update_compose_state (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdReplyBox *self = SD_REPLY_BOX (widget);
  Draft *draft = sd_reply_box_current_draft (self);
  g_autofree char *body = sd_reply_box_dup_text (self);
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *files;

  /* Ctrl+Enter reaches here whatever the state; the action's enabled state says when. */
  if (!gtk_widget_is_sensitive (widget) || draft == NULL || self->outbox == NULL ||
      draft->sending || sd_upload_list_has_refused (G_LIST_MODEL (draft->uploads)))
    return;

  g_strstrip (body);
  if (body[0] == '\0')
    return;

  if (g_utf8_strlen (body, -1) > SD_REPLY_BOX_MAX_BODY)
    {
      sd_reply_box_toast (self, _("A message can be at most 65,536 characters long. Please "
                                  "shorten it, or send it in parts."));
      return;
    }

  files = G_LIST_MODEL (draft->uploads);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (uploads, g_list_model_get_item (files, i));

  /* What is typed is on disk before anything else happens. */
  sd_reply_box_save_now (self);
  draft->sending = TRUE;
  sd_reply_box_update_compose_state (self);
  /* Not cancellable: once asked for, the message is kept, whatever happens to the box. */
  sd_outbox_add_message_async (self->outbox, sd_ticket_get_id (self->ticket), body, uploads,
                               NULL, queued_cb,
                               ticket_data_new (self, sd_ticket_get_id (self->ticket)));
}

static void
discard_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdReplyBox *self = SD_REPLY_BOX (widget);
  Draft *draft = sd_reply_box_current_draft (self);

  if (draft == NULL || draft->sending)
    return;

  g_list_store_remove_all (draft->uploads);
  self->quiet++;
  gtk_text_buffer_set_text (self->buffer, "", -1);
  self->quiet--;
  sd_reply_box_forget_draft (self, sd_ticket_get_id (self->ticket));
  sd_reply_box_update_compose_state (self);
  sd_reply_box_toast (self, _("Draft discarded"));
}

/* The outbox sent a message: the shown ticket's conversation gets it. */
static void
item_sent_cb (SdReplyBox   *self,
              SdOutboxItem *item,
              GObject      *created)
{
  if (SD_IS_MESSAGE (created) && self->ticket != NULL &&
      sd_message_get_ticket_id (SD_MESSAGE (created)) == sd_ticket_get_id (self->ticket))
    g_signal_emit (self, signals[SENT], 0, created);
}

static gboolean
is_message_of_shown_ticket (gpointer item,
                            gpointer user_data)
{
  SdReplyBox *self = user_data;

  return self->ticket != NULL &&
         sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_MESSAGE &&
         sd_outbox_item_get_ticket_id (item) == sd_ticket_get_id (self->ticket);
}

static GtkWidget *
create_pending_row_cb (gpointer item,
                       gpointer user_data)
{
  SdReplyBox *self = user_data;

  return sd_outbox_row_new (self->outbox, item);
}

static void
update_pending_list (SdReplyBox *self)
{
  GListModel *model = g_object_get_data (G_OBJECT (self->pending_list), "sd-model");

  gtk_widget_set_visible (GTK_WIDGET (self->pending_list),
                          model != NULL && g_list_model_get_n_items (model) > 0);
}

/* Unsent messages of the shown ticket, above the field, where they will appear once sent. */
static void
bind_pending_list (SdReplyBox *self)
{
  g_autoptr(GtkFilterListModel) pending = NULL;
  GtkCustomFilter *filter;

  gtk_list_box_bind_model (self->pending_list, NULL, NULL, NULL, NULL);
  g_object_set_data (G_OBJECT (self->pending_list), "sd-model", NULL);

  if (self->outbox != NULL && self->ticket != NULL)
    {
      filter = gtk_custom_filter_new (is_message_of_shown_ticket, self, NULL);
      pending = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->outbox)),
                                           GTK_FILTER (filter));
      gtk_list_box_bind_model (self->pending_list, G_LIST_MODEL (pending),
                               create_pending_row_cb, self, NULL);
      g_object_set_data_full (G_OBJECT (self->pending_list), "sd-model", g_object_ref (pending),
                              g_object_unref);
      g_signal_connect_object (pending, "items-changed", G_CALLBACK (update_pending_list), self,
                               G_CONNECT_SWAPPED);
    }

  update_pending_list (self);
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
  sd_reply_box_save_now (self);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->ticket);
  g_clear_object (&self->client);
  g_clear_object (&self->outbox);
  g_clear_object (&self->disk_drafts);
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
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, pending_list);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, discard_draft_button);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, upload_box);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, message_view);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, buffer);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SdReplyBox, send_spinner);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);

  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "ticket.attach", NULL,
                                   sd_reply_box_attach_action);
  gtk_widget_class_install_action (widget_class, "ticket.discard-draft", NULL,
                                   discard_draft_action);

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
  sd_reply_box_update_compose_state (self);
}

/* Keeps what is written for the ticket shown until now in its draft, and shows none. */
static void
leave_ticket (SdReplyBox *self)
{
  Draft *draft = sd_reply_box_current_draft (self);

  sd_reply_box_save_now (self);
  if (draft != NULL)
    {
      g_free (draft->text);
      draft->text = sd_reply_box_dup_text (self);
      g_clear_signal_handler (&self->uploads_changed_id, draft->uploads);
    }

  g_clear_object (&self->ticket);
  gtk_flow_box_bind_model (self->upload_box, NULL, NULL, NULL, NULL);
  self->quiet++;
  gtk_text_buffer_set_text (self->buffer, "", -1);
  self->quiet--;
  bind_pending_list (self);
}

void
sd_reply_box_set_client (SdReplyBox *self,
                         SdClient   *client)
{
  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Another session may be another user: nothing of the last one is kept here (it is on disk). */
  leave_ticket (self);
  g_hash_table_remove_all (self->drafts);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);

  sd_reply_box_update_compose_state (self);
}

void
sd_reply_box_set_outbox (SdReplyBox *self,
                         SdOutbox   *outbox,
                         SdDrafts   *drafts)
{
  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (outbox == NULL || SD_IS_OUTBOX (outbox));
  g_return_if_fail (drafts == NULL || SD_IS_DRAFTS (drafts));

  sd_reply_box_save_now (self);

  if (self->outbox != outbox)
    {
      if (self->outbox != NULL)
        g_signal_handlers_disconnect_by_data (self->outbox, self);
      g_set_object (&self->outbox, outbox);
      if (outbox != NULL)
        g_signal_connect_object (outbox, "item-sent", G_CALLBACK (item_sent_cb), self,
                                 G_CONNECT_SWAPPED);
      bind_pending_list (self);
    }

  if (g_set_object (&self->disk_drafts, drafts))
    {
      /* The drafts in memory were another account's, or none: those on disk count now. */
      GHashTableIter iter;
      Draft *draft;

      g_hash_table_iter_init (&iter, self->drafts);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&draft))
        draft->restored = FALSE;
      sd_reply_box_restore_draft (self);
    }

  sd_reply_box_update_compose_state (self);
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
      sd_reply_box_update_compose_state (self);
      return;
    }

  draft = sd_reply_box_current_draft (self);
  self->quiet++;
  gtk_text_buffer_set_text (self->buffer, draft->text != NULL ? draft->text : "", -1);
  self->quiet--;
  g_clear_pointer (&draft->text, g_free);
  gtk_flow_box_bind_model (self->upload_box, G_LIST_MODEL (draft->uploads),
                           sd_reply_box_create_upload_chip, self, NULL);
  self->uploads_changed_id = g_signal_connect_object (draft->uploads, "items-changed",
                                                      G_CALLBACK (uploads_changed_cb), self,
                                                      G_CONNECT_SWAPPED);
  bind_pending_list (self);
  sd_reply_box_update_compose_state (self);
  sd_reply_box_restore_draft (self);
}

void
sd_reply_box_insert_quote (SdReplyBox *self,
                           const char *quote)
{
  Draft *draft;
  GtkTextIter end;

  g_return_if_fail (SD_IS_REPLY_BOX (self));
  g_return_if_fail (quote != NULL);

  /* While a message is written to the outbox the field is not the user's to change. */
  draft = sd_reply_box_current_draft (self);
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
