#define G_LOG_DOMAIN "sd-ticket-page"

#include "config.h"

#include "sd-ticket-page-private.h"

#include "sd-app-errors.h"
#include "sd-format.h"
#include "sd-message-row.h"

#include <glib/gi18n.h>

#define REFRESH_SECONDS 30
#define MESSAGES_PER_PAGE 100


G_DEFINE_FINAL_TYPE (SdTicketPage, sd_ticket_page, GTK_TYPE_WIDGET)

static void load_messages (SdTicketPage *self);

void
sd_ticket_page_toast (SdTicketPage *self,
       const char   *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

void
sd_ticket_page_toast_error (SdTicketPage *self,
             const char   *what,
             const GError *error)
{
  g_autofree char *message = sd_app_error_message (error);
  /* Translators: what failed, then why, e.g. "Your message was not sent. <reason>". */
  g_autofree char *text = g_strdup_printf (_("%s %s"), what, message);

  sd_ticket_page_toast (self, text);
}

gboolean
sd_ticket_page_is_agent (SdTicketPage *self)
{
  SdUser *user = self->client != NULL ? sd_client_get_user (self->client) : NULL;

  return user != NULL && sd_user_get_role (user) == SD_ROLE_AGENT;
}

/* Conversation */

static void
scroll_to_end_cb (gpointer user_data)
{
  SdTicketPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->scroll_id = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
}

/*
 * The end is known only once the rows are laid out, and a scroll asked for
 * while the viewport is being allocated is lost: it waits for an idle moment.
 */
static void
scroll_to_end (SdTicketPage *self)
{
  if (self->scroll_id == 0)
    self->scroll_id = g_idle_add_once (scroll_to_end_cb, self);
}

static void
adjustment_value_changed_cb (SdTicketPage  *self,
                             GtkAdjustment *adjustment)
{
  /* Reading older messages must not be interrupted; being at the end means following it. */
  self->stick_to_end = gtk_adjustment_get_value (adjustment) >=
                       gtk_adjustment_get_upper (adjustment) -
                       gtk_adjustment_get_page_size (adjustment) - 1;
}

static void
adjustment_size_changed_cb (SdTicketPage *self)
{
  if (self->stick_to_end)
    scroll_to_end (self);
}

static GtkWidget *
create_message_row_cb (gpointer item,
                       gpointer user_data)
{
  SdTicketPage *self = user_data;

  return sd_message_row_new (self->client, SD_MESSAGE (item));
}

static gboolean
add_message (SdTicketPage *self,
             SdMessage    *message)
{
  gint64 id = sd_message_get_id (message);
  guint position = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  /* A sent message and a refresh may bring the same message. */
  if (g_hash_table_contains (self->message_ids, &id))
    return FALSE;

  /* Oldest first, as ids grow; answers may arrive out of order. */
  while (position > 0)
    {
      g_autoptr(SdMessage) before = g_list_model_get_item (G_LIST_MODEL (self->messages),
                                                           position - 1);

      if (sd_message_get_id (before) < id)
        break;
      position--;
    }

  g_hash_table_add (self->message_ids, g_memdup2 (&id, sizeof id));
  g_list_store_insert (self->messages, position, message);

  return TRUE;
}

static void
update_conversation_state (SdTicketPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->messages)) > 0)
    gtk_stack_set_visible_child_name (self->conversation_stack, "messages");
  else if (self->loaded)
    gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
}

static void
messages_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdTicketPage) self = user_data;
  g_autoptr(SdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  page = sd_client_list_messages_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (page == NULL)
    {
      /* A failed refresh leaves what is shown; it is tried again soon enough. */
      g_debug ("Cannot load the messages: %s", error->message);
      if (!self->loaded)
        {
          g_autofree char *message = sd_app_error_message (error);

          adw_status_page_set_description (self->error_page, message);
          gtk_stack_set_visible_child_name (self->conversation_stack, "error");
        }
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    {
      SdMessage *message = g_ptr_array_index (page->items, i);

      /*
       * Only the list is complete up to its last message. One just sent is
       * not: others may have written before it, and their messages must
       * still be asked for.
       */
      self->last_message_id = MAX (self->last_message_id, sd_message_get_id (message));
      added |= add_message (self, message);
    }

  /* The newest message is what the user came for. */
  if (added)
    self->stick_to_end = TRUE;

  if (page->next_cursor != NULL && page->items->len > 0)
    {
      self->loading = TRUE;
      sd_client_list_messages_async (self->client, sd_ticket_get_id (self->ticket),
                                     self->last_message_id, page->next_cursor, MESSAGES_PER_PAGE,
                                     self->ticket_cancellable, messages_loaded_cb,
                                     g_object_ref (self));
    }
  else
    self->loaded = TRUE;

  update_conversation_state (self);
  if (added)
    scroll_to_end (self);
}

static void
load_messages (SdTicketPage *self)
{
  if (self->loading || self->ticket == NULL || self->client == NULL)
    return;

  self->loading = TRUE;
  sd_client_list_messages_async (self->client, sd_ticket_get_id (self->ticket),
                                 self->last_message_id, NULL, MESSAGES_PER_PAGE,
                                 self->ticket_cancellable, messages_loaded_cb,
                                 g_object_ref (self));
}

static void
ticket_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SdTicketPage) self = user_data;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = sd_client_get_ticket_finish (SD_CLIENT (source), result, &error);
  if (ticket == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot load the ticket: %s", error->message);
      return;
    }

  /* The list shares the object, so it follows status changes too. */
  if (self->ticket != NULL && sd_ticket_get_id (self->ticket) == sd_ticket_get_id (ticket))
    sd_ticket_update_from (self->ticket, ticket);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  sd_ticket_page_refresh (SD_TICKET_PAGE (user_data));

  return G_SOURCE_CONTINUE;
}

static void
update_timer (SdTicketPage *self)
{
  gboolean wanted = self->ticket != NULL && self->client != NULL &&
                    gtk_widget_get_mapped (GTK_WIDGET (self));

  if (wanted && self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_timeout_cb, self);
  else if (!wanted)
    g_clear_handle_id (&self->refresh_id, g_source_remove);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);

  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->conversation_stack, "loading");
  sd_ticket_page_refresh (self);
}

/* Reply */

static void
reply_sent_cb (SdTicketPage *self,
               SdMessage    *message,
               SdReplyBox   *reply_box)
{
  if (add_message (self, message))
    {
      self->stick_to_end = TRUE;
      update_conversation_state (self);
      scroll_to_end (self);
    }
  /* A reply may reopen the ticket, which also writes an event. */
  sd_ticket_page_refresh (self);
}

/*
 * "ticket.send" and "ticket.attach" are the reply box's. The page has them
 * too, handing them on, so that they work from anywhere on the page: its
 * Ctrl+Enter, or whoever activates them on the page itself.
 */
static void
reply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);

  gtk_widget_activate_action_variant (GTK_WIDGET (self->reply_box), action_name, parameter);
}

static void
quote_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  GListModel *messages = G_LIST_MODEL (self->messages);

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(SdMessage) message = g_list_model_get_item (messages, i);

      if (sd_message_get_id (message) == id)
        {
          g_autofree char *quoted = sd_message_dup_quoted_body (message);

          sd_reply_box_insert_quote (self->reply_box, quoted);
          return;
        }
    }
}

/* Lifecycle */

static void
sd_ticket_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sd_ticket_page_parent_class)->map (widget);

  update_timer (SD_TICKET_PAGE (widget));
}

static void
sd_ticket_page_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sd_ticket_page_parent_class)->unmap (widget);

  update_timer (SD_TICKET_PAGE (widget));
}

static void
sd_ticket_page_dispose (GObject *object)
{
  SdTicketPage *self = (SdTicketPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->ticket_cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->ticket != NULL)
    g_clear_signal_handler (&self->ticket_notify_id, self->ticket);
  g_clear_object (&self->ticket);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_TICKET_PAGE);
  /* The template's outer box is no bound child, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sd_ticket_page_parent_class)->dispose (object);
}

static void
sd_ticket_page_finalize (GObject *object)
{
  SdTicketPage *self = (SdTicketPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->ticket_cancellable);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->message_ids, g_hash_table_unref);
  g_clear_pointer (&self->category_names, g_hash_table_unref);
  g_clear_pointer (&self->invitation_expires_at, g_date_time_unref);

  G_OBJECT_CLASS (sd_ticket_page_parent_class)->finalize (object);
}

static void
sd_ticket_page_class_init (SdTicketPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_ticket_page_dispose;
  object_class->finalize = sd_ticket_page_finalize;

  widget_class->map = sd_ticket_page_map;
  widget_class->unmap = sd_ticket_page_unmap;

  g_type_ensure (SD_TYPE_MESSAGE_ROW);
  g_type_ensure (SD_TYPE_REPLY_BOX);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-ticket-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, details_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, invite_button);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, invitation_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, message_list);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, reply_box);
  gtk_widget_class_bind_template_callback (widget_class, reply_sent_cb);

  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, reply_action);
  gtk_widget_class_install_action (widget_class, "ticket.invite", NULL,
                                   sd_ticket_page_invite_action);
  gtk_widget_class_install_action (widget_class, "ticket.quote", "x", quote_action);
  gtk_widget_class_install_action (widget_class, "ticket.attach", NULL, reply_action);
  gtk_widget_class_install_action (widget_class, "ticket.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "ticket.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "ticket.send", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_ticket_page_init (SdTicketPage *self)
{
  GtkAdjustment *adjustment;

  self->cancellable = g_cancellable_new ();
  self->ticket_cancellable = g_cancellable_new ();
  self->messages = g_list_store_new (SD_TYPE_MESSAGE);
  self->message_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->category_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_bind_model (self->message_list, G_LIST_MODEL (self->messages),
                           create_message_row_cb, self, NULL);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper",
                           G_CALLBACK (adjustment_size_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::page-size",
                           G_CALLBACK (adjustment_size_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", FALSE);
}

/* Forgets the shown ticket's conversation; the reply box keeps what the user wrote. */
static void
leave_ticket (SdTicketPage *self)
{
  sd_reply_box_set_ticket (self->reply_box, NULL);

  g_cancellable_cancel (self->ticket_cancellable);
  g_clear_object (&self->ticket_cancellable);
  self->ticket_cancellable = g_cancellable_new ();

  if (self->ticket != NULL)
    g_clear_signal_handler (&self->ticket_notify_id, self->ticket);
  g_clear_object (&self->ticket);

  g_list_store_remove_all (self->messages);
  g_hash_table_remove_all (self->message_ids);
  self->last_message_id = 0;
  self->loading = FALSE;
  self->loaded = FALSE;
  self->inviting = FALSE;
  g_clear_pointer (&self->invitation_expires_at, g_date_time_unref);
  sd_ticket_page_show_invitation (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", FALSE);
}

void
sd_ticket_page_set_client (SdTicketPage *self,
                           SdClient     *client)
{
  g_return_if_fail (SD_IS_TICKET_PAGE (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Another session may be another user: nothing of the last one is kept. */
  leave_ticket (self);
  sd_reply_box_set_client (self->reply_box, client);
  g_hash_table_remove_all (self->category_names);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);

  update_timer (self);

  if (client != NULL)
    sd_client_list_categories_async (client, self->cancellable, sd_ticket_page_categories_loaded_cb,
                                     g_object_ref (self));
}

void
sd_ticket_page_set_outbox (SdTicketPage *self,
                           SdOutbox     *outbox,
                           SdDrafts     *drafts)
{
  g_return_if_fail (SD_IS_TICKET_PAGE (self));

  sd_reply_box_set_outbox (self->reply_box, outbox, drafts);
}

void
sd_ticket_page_set_ticket (SdTicketPage *self,
                           SdTicket     *ticket)
{
  g_return_if_fail (SD_IS_TICKET_PAGE (self));
  g_return_if_fail (ticket == NULL || SD_IS_TICKET (ticket));

  if (self->ticket == ticket)
    return;

  leave_ticket (self);
  self->ticket = ticket != NULL ? g_object_ref (ticket) : NULL;
  update_timer (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite",
                                 ticket != NULL && self->client != NULL);

  if (ticket == NULL)
    return;

  self->ticket_notify_id = g_signal_connect_object (ticket, "notify",
                                                    G_CALLBACK (sd_ticket_page_update_header), self,
                                                    G_CONNECT_SWAPPED);
  sd_ticket_page_update_header (self);
  sd_ticket_page_show_invitation (self, NULL);

  sd_reply_box_set_ticket (self->reply_box, ticket);

  gtk_stack_set_visible_child_name (self->conversation_stack, "loading");
  self->stick_to_end = TRUE;
  sd_ticket_page_refresh (self);

  if (self->client != NULL && !sd_ticket_page_is_agent (self))
    sd_client_list_invitations_async (self->client, self->ticket_cancellable,
                                      sd_ticket_page_invitations_loaded_cb, g_object_ref (self));
}

SdTicket *
sd_ticket_page_get_ticket (SdTicketPage *self)
{
  g_return_val_if_fail (SD_IS_TICKET_PAGE (self), NULL);

  return self->ticket;
}

void
sd_ticket_page_refresh (SdTicketPage *self)
{
  g_return_if_fail (SD_IS_TICKET_PAGE (self));

  if (self->ticket == NULL || self->client == NULL)
    return;

  load_messages (self);
  sd_client_get_ticket_async (self->client, sd_ticket_get_id (self->ticket),
                              self->ticket_cancellable, ticket_loaded_cb, g_object_ref (self));
  /* An invitation runs out while the page is open. */
  sd_ticket_page_show_invitation (self, self->invitation_expires_at);
}
