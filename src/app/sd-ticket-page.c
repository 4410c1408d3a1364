#define G_LOG_DOMAIN "sd-ticket-page"

#include "config.h"

#include "sd-ticket-page.h"

#include "sd-app-errors.h"
#include "sd-format.h"
#include "sd-message-row.h"
#include "sd-upload.h"

#include <glib/gi18n.h>

#define REFRESH_SECONDS 30
#define MESSAGES_PER_PAGE 100

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

struct _SdTicketPage
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkLabel          *subject_label;
  GtkLabel          *details_label;
  GtkLabel          *status_label;
  GtkWidget         *invite_button;
  GtkLabel          *invitation_label;
  GtkStack          *conversation_stack;
  GtkScrolledWindow *scrolled_window;
  GtkListBox        *message_list;
  AdwStatusPage     *error_page;
  GtkFlowBox        *upload_box;
  GtkTextView       *message_view;
  GtkTextBuffer     *buffer;
  GtkLabel          *hint_label;
  GtkSpinner        *send_spinner;

  /* owned */
  SdClient          *client;
  SdTicket          *ticket;
  /* Cancelled when the client changes: sends, uploads, categories. */
  GCancellable      *cancellable;
  /* Cancelled when the ticket changes: what is loaded for the one shown. */
  GCancellable      *ticket_cancellable;
  GListStore        *messages;
  GHashTable        *message_ids;
  GHashTable        *category_names;
  /* ticket id -> Draft */
  GHashTable        *drafts;
  GDateTime         *invitation_expires_at;
  gint64             last_message_id;
  guint              refresh_id;
  guint              scroll_id;
  gulong             ticket_notify_id;
  gulong             uploads_changed_id;
  gboolean           loading;
  gboolean           loaded;
  gboolean           inviting;
  /* Whether the conversation follows its newest message. */
  gboolean           stick_to_end;
};

G_DEFINE_FINAL_TYPE (SdTicketPage, sd_ticket_page, GTK_TYPE_WIDGET)

static void load_messages (SdTicketPage *self);

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
lookup_draft (SdTicketPage *self,
              gint64        ticket_id)
{
  return g_hash_table_lookup (self->drafts, &ticket_id);
}

static Draft *
current_draft (SdTicketPage *self)
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
toast (SdTicketPage *self,
       const char   *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
toast_error (SdTicketPage *self,
             const char   *what,
             const GError *error)
{
  g_autofree char *message = sd_app_error_message (error);
  /* Translators: what failed, then why, e.g. "Your message was not sent. <reason>". */
  g_autofree char *text = g_strdup_printf (_("%s %s"), what, message);

  toast (self, text);
}

static char *
dup_text (SdTicketPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

static gboolean
is_agent (SdTicketPage *self)
{
  SdUser *user = self->client != NULL ? sd_client_get_user (self->client) : NULL;

  return user != NULL && sd_user_get_role (user) == SD_ROLE_AGENT;
}

/* Header */

static void
update_header (SdTicketPage *self)
{
  g_autofree char *details = NULL;
  const char *category, *name;
  gboolean solved;

  if (self->ticket == NULL)
    return;

  category = sd_ticket_get_category (self->ticket);
  name = category != NULL ? g_hash_table_lookup (self->category_names, category) : NULL;
  /* Translators: ticket number and category, e.g. "#12 · Billing". */
  details = g_strdup_printf (_("#%" G_GINT64_FORMAT " · %s"), sd_ticket_get_id (self->ticket),
                             name != NULL ? name : (category != NULL ? category : ""));
  solved = sd_ticket_get_status (self->ticket) == SD_TICKET_STATUS_SOLVED;

  gtk_label_set_text (self->subject_label, sd_ticket_get_subject (self->ticket));
  gtk_label_set_text (self->details_label, details);
  gtk_label_set_text (self->status_label, solved ? _("Solved") : _("Pending"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), solved ? "pending" : "solved");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), solved ? "solved" : "pending");
}

static void
categories_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SdTicketPage) self = user_data;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;

  categories = sd_client_list_categories_finish (SD_CLIENT (source), result, &error);
  if (categories == NULL)
    {
      /* The header shows the category's id instead, which is still readable. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot load the categories: %s", error->message);
      return;
    }

  for (guint i = 0; i < categories->len; i++)
    {
      SdCategory *category = g_ptr_array_index (categories, i);

      g_hash_table_insert (self->category_names, g_strdup (sd_category_get_id (category)),
                           g_strdup (sd_category_get_name (category)));
    }
  update_header (self);
}

/* Invitation */

static void
show_invitation (SdTicketPage *self,
                 GDateTime    *expires_at)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (expires_at != NULL && g_date_time_compare (expires_at, now) <= 0)
    expires_at = NULL;

  if (expires_at != self->invitation_expires_at)
    {
      g_clear_pointer (&self->invitation_expires_at, g_date_time_unref);
      if (expires_at != NULL)
        self->invitation_expires_at = g_date_time_ref (expires_at);
    }

  if (self->invitation_expires_at != NULL)
    {
      g_autofree char *until = sd_format_time (self->invitation_expires_at);
      /* Translators: %s is a date and time, e.g. "27 November 2026, 08:00". */
      g_autofree char *text = g_strdup_printf (_("Support may open your dashboard until %s. "
                                                 "You can revoke this on the Support PIN "
                                                 "page."), until);

      gtk_label_set_text (self->invitation_label, text);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->invitation_label),
                          self->invitation_expires_at != NULL);
  /* Only customers can invite support into their dashboard. */
  gtk_widget_set_visible (self->invite_button,
                          self->invitation_expires_at == NULL && !is_agent (self));
}

static void
invitations_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SdTicketPage) self = user_data;
  g_autoptr(GPtrArray) invitations = NULL;
  g_autoptr(GError) error = NULL;
  GDateTime *latest = NULL;

  invitations = sd_client_list_invitations_finish (SD_CLIENT (source), result, &error);
  if (invitations == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot load the invitations: %s", error->message);
      return;
    }

  for (guint i = 0; i < invitations->len && self->ticket != NULL; i++)
    {
      SdInvitation *invitation = g_ptr_array_index (invitations, i);
      GDateTime *expires_at = sd_invitation_get_expires_at (invitation);

      if (sd_invitation_get_ticket_id (invitation) == sd_ticket_get_id (self->ticket) &&
          expires_at != NULL && (latest == NULL || g_date_time_compare (expires_at, latest) > 0))
        latest = expires_at;
    }

  show_invitation (self, latest);
}

static void
invited_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SdTicketPage) self = user_data;
  g_autoptr(SdInvitation) invitation = NULL;
  g_autoptr(GError) error = NULL;

  invitation = sd_client_invite_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->inviting = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", TRUE);

  if (invitation == NULL)
    {
      toast_error (self, _("Support could not be invited."), error);
      return;
    }

  show_invitation (self, sd_invitation_get_expires_at (invitation));
}

static void
invite_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SdTicketPage     *self)
{
  if (!g_str_equal (response, "invite") || self->ticket == NULL || self->client == NULL)
    return;

  self->inviting = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", FALSE);
  sd_client_invite_async (self->client, sd_ticket_get_id (self->ticket),
                          self->ticket_cancellable, invited_cb, g_object_ref (self));
}

static void
invite_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);
  GtkWidget *dialog;

  if (self->ticket == NULL || self->client == NULL || self->inviting)
    return;

  /* Opening the dashboard is a lot of trust: the user agrees knowing what it allows. */
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Invite Support to Your Dashboard?"),
                                   _("The support agents of this ticket may open your "
                                     "dashboard for 24 hours without a PIN. You can revoke "
                                     "the invitation at any time on the Support PIN page."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "invite", _("_Invite"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "invite",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (invite_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
update_compose_state (SdTicketPage *self)
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
buffer_changed_cb (SdTicketPage *self)
{
  update_compose_state (self);
}

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
  g_autoptr(SdTicketPage) self = user_data;
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
start_upload (SdTicketPage *self,
              SdUpload     *upload)
{
  sd_upload_start_async (upload, self->cancellable, upload_started_cb, g_object_ref (self));
}

static void
retry_upload_cb (GtkButton *button,
                 SdUpload  *upload)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_TICKET_PAGE);

  if (page != NULL)
    start_upload (SD_TICKET_PAGE (page), upload);
}

static void
remove_upload_cb (GtkButton *button,
                  SdUpload  *upload)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), SD_TYPE_TICKET_PAGE);
  Draft *draft = page != NULL ? current_draft (SD_TICKET_PAGE (page)) : NULL;
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
  SdTicketPage *page;
  gint64        ticket_id;
} TicketData;

static TicketData *
ticket_data_new (SdTicketPage *self,
                 gint64        ticket_id)
{
  TicketData *data = g_new0 (TicketData, 1);

  data->page = g_object_ref (self);
  data->ticket_id = ticket_id;

  return data;
}

static void
ticket_data_free (TicketData *data)
{
  g_clear_object (&data->page);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TicketData, ticket_data_free)

static void
file_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TicketData) data = user_data;
  SdTicketPage *self = data->page;
  GFile *file = G_FILE (source);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(SdUpload) upload = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
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
                                   data->page->cancellable, file_info_cb,
                                   ticket_data_new (data->page, data->ticket_id));
        }
    }

  g_object_unref (chooser);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);
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

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TicketData) data = user_data;
  SdTicketPage *self = data->page;
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
      if (add_message (self, message))
        {
          self->stick_to_end = TRUE;
          update_conversation_state (self);
          scroll_to_end (self);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
      /* A reply may reopen the ticket, which also writes an event. */
      sd_ticket_page_refresh (self);
    }

  update_compose_state (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);
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

static void
quote_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTicketPage *self = SD_TICKET_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  GListModel *messages = G_LIST_MODEL (self->messages);
  Draft *draft = current_draft (self);
  g_autofree char *quoted = NULL;
  GtkTextIter end;

  if (draft == NULL || draft->sending)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (messages) && quoted == NULL; i++)
    {
      g_autoptr(SdMessage) message = g_list_model_get_item (messages, i);

      if (sd_message_get_id (message) == id)
        quoted = sd_message_dup_quoted_body (message);
    }
  if (quoted == NULL)
    return;

  /* The quote goes after what is written already, on a line of its own. */
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  if (gtk_text_buffer_get_char_count (self->buffer) > 0 && !gtk_text_iter_starts_line (&end))
    gtk_text_buffer_insert (self->buffer, &end, "\n", -1);
  gtk_text_buffer_insert (self->buffer, &end, quoted, -1);
  gtk_text_buffer_place_cursor (self->buffer, &end);
  gtk_text_view_scroll_mark_onscreen (self->message_view,
                                      gtk_text_buffer_get_insert (self->buffer));
  gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
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
  g_hash_table_remove_all (self->drafts);

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
  g_clear_pointer (&self->drafts, g_hash_table_unref);
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
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, upload_box);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, message_view);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, buffer);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SdTicketPage, send_spinner);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);

  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "ticket.invite", NULL, invite_action);
  gtk_widget_class_install_action (widget_class, "ticket.quote", "x", quote_action);
  gtk_widget_class_install_action (widget_class, "ticket.attach", NULL, attach_action);
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
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify)draft_free);

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

  update_compose_state (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", FALSE);
}

/* Forgets the shown ticket's conversation, keeping what the user wrote in its draft. */
static void
leave_ticket (SdTicketPage *self)
{
  Draft *draft = current_draft (self);

  if (draft != NULL)
    {
      g_free (draft->text);
      draft->text = dup_text (self);
      g_clear_signal_handler (&self->uploads_changed_id, draft->uploads);
    }

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
  show_invitation (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.invite", FALSE);

  gtk_flow_box_bind_model (self->upload_box, NULL, NULL, NULL, NULL);
  gtk_text_buffer_set_text (self->buffer, "", -1);
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
  g_hash_table_remove_all (self->drafts);
  g_hash_table_remove_all (self->category_names);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);

  update_timer (self);
  update_compose_state (self);

  if (client != NULL)
    sd_client_list_categories_async (client, self->cancellable, categories_loaded_cb,
                                     g_object_ref (self));
}

void
sd_ticket_page_set_ticket (SdTicketPage *self,
                           SdTicket     *ticket)
{
  Draft *draft;

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
    {
      update_compose_state (self);
      return;
    }

  self->ticket_notify_id = g_signal_connect_object (ticket, "notify",
                                                    G_CALLBACK (update_header), self,
                                                    G_CONNECT_SWAPPED);
  update_header (self);
  show_invitation (self, NULL);

  draft = current_draft (self);
  gtk_text_buffer_set_text (self->buffer, draft->text != NULL ? draft->text : "", -1);
  g_clear_pointer (&draft->text, g_free);
  gtk_flow_box_bind_model (self->upload_box, G_LIST_MODEL (draft->uploads),
                           create_upload_chip_cb, self, NULL);
  self->uploads_changed_id = g_signal_connect_object (draft->uploads, "items-changed",
                                                      G_CALLBACK (update_compose_state), self,
                                                      G_CONNECT_SWAPPED);
  update_compose_state (self);

  gtk_stack_set_visible_child_name (self->conversation_stack, "loading");
  self->stick_to_end = TRUE;
  sd_ticket_page_refresh (self);

  if (self->client != NULL && !is_agent (self))
    sd_client_list_invitations_async (self->client, self->ticket_cancellable,
                                      invitations_loaded_cb, g_object_ref (self));
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
  show_invitation (self, self->invitation_expires_at);
}
