#define G_LOG_DOMAIN "sd-ticket-page"

#include "config.h"

#include "sd-ticket-page-private.h"

#include "sd-app-errors.h"
#include "sd-format.h"

#include <glib/gi18n.h>

/* The top of a ticket's page: its subject and details, and inviting support to the dashboard. */

/* Header */

void
sd_ticket_page_update_header (SdTicketPage *self)
{
  g_autofree char *details = NULL;
  const char *category, *name;
  gboolean solved;

  if (self->ticket == NULL)
    return;

  category = sd_ticket_get_category (self->ticket);
  name = category != NULL ? g_hash_table_lookup (self->category_names, category) : NULL;
  /* Translators: ticket number and category, e.g. "#12 · Billing". */
  details = g_strdup_printf (_("#%lld · %s"), (long long) sd_ticket_get_id (self->ticket),
                             name != NULL ? name : (category != NULL ? category : ""));
  solved = sd_ticket_get_status (self->ticket) == SD_TICKET_STATUS_SOLVED;

  gtk_label_set_text (self->subject_label, sd_ticket_get_subject (self->ticket));
  gtk_label_set_text (self->details_label, details);
  gtk_label_set_text (self->status_label, solved ? _("Solved") : _("Pending"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), solved ? "pending" : "solved");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), solved ? "solved" : "pending");
}

void
sd_ticket_page_categories_loaded_cb (GObject      *source,
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
  sd_ticket_page_update_header (self);
}

/* Invitation */

void
sd_ticket_page_show_invitation (SdTicketPage *self,
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
                          self->invitation_expires_at == NULL && !sd_ticket_page_is_agent (self));
}

void
sd_ticket_page_invitations_loaded_cb (GObject      *source,
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

  sd_ticket_page_show_invitation (self, latest);
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
      sd_ticket_page_toast_error (self, _("Support could not be invited."), error);
      return;
    }

  sd_ticket_page_show_invitation (self, sd_invitation_get_expires_at (invitation));
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

void
sd_ticket_page_invite_action (GtkWidget  *widget,
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
