#define G_LOG_DOMAIN "sd-pin-page"

#include "config.h"

#include "sd-pin-page-private.h"

#include "sd-format.h"

#include <glib/gi18n.h>

/* The PIN page's access log and active invitations, and revoking one. */

typedef JsonNode *(*ToJsonFunc) (gpointer item);

static GtkWidget *
create_log_row_cb (gpointer item,
                   gpointer user_data)
{
  SdAccessEntry *entry = item;
  SdUser *agent = sd_access_entry_get_agent (entry);
  const char *name = agent != NULL ? sd_user_get_name (agent) : NULL;
  g_autofree char *when = sd_format_time (sd_access_entry_get_at (entry));
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             sd_access_entry_get_ticket_id (entry));
  g_autofree char *details = NULL;
  GtkWidget *row = adw_action_row_new ();

  if (name == NULL || *name == '\0')
    name = _("Someone from support");

  if (g_strcmp0 (sd_access_entry_get_via (entry), "pin") == 0)
    /* Translators: %s is a date and time; the line says how support opened the dashboard. */
    details = g_strdup_printf (_("%s · with the PIN"), when);
  else if (sd_access_entry_get_ticket_id (entry) > 0)
    /* Translators: a date and time, and a ticket number. */
    details = g_strdup_printf (_("%s · through an invitation on ticket #%s"), when, number);
  else
    /* Translators: %s is a date and time. */
    details = g_strdup_printf (_("%s · through an invitation"), when);

  /* Names come from the server: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), details);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), adw_avatar_new (32, name, TRUE));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static GtkWidget *
create_invitation_row_cb (gpointer item,
                          gpointer user_data)
{
  SdInvitation *invitation = item;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             sd_invitation_get_ticket_id (invitation));
  g_autofree char *when = sd_format_time (sd_invitation_get_expires_at (invitation));
  /* Translators: %s is a ticket number. */
  g_autofree char *title = g_strdup_printf (_("Ticket #%s"), number);
  /* Translators: %s is a date and time. */
  g_autofree char *subtitle = g_strdup_printf (_("Open until %s"), when);
  /* Translators: what the Revoke button of one invitation does; %s is a ticket number. */
  g_autofree char *description = g_strdup_printf (_("Revoke the invitation on ticket #%s"),
                                                  number);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "pin.revoke-invitation");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x",
                                    sd_invitation_get_id (invitation));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Revoke"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

/* Rows are only replaced when something changed, so that refreshing whenever the window
 * gains focus leaves the keyboard focus where it was. */
static gboolean
same_items (GListModel *shown,
            GPtrArray  *items,
            ToJsonFunc  to_json)
{
  if (g_list_model_get_n_items (shown) != items->len)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(GObject) old = g_list_model_get_item (shown, i);
      g_autoptr(JsonNode) a = to_json (old);
      g_autoptr(JsonNode) b = to_json (g_ptr_array_index (items, i));

      if (!json_node_equal (a, b))
        return FALSE;
    }

  return TRUE;
}

static void
show_list (GListStore   *store,
           GtkLabel     *placeholder,
           GPtrArray    *items,
           const GError *error,
           ToJsonFunc    to_json,
           const char   *empty)
{
  if (items == NULL)
    {
      /* Why is told once, with the PIN: three times the same sentence would be noise. */
      g_debug ("Cannot load a list of the PIN page: %s", error->message);
      if (g_list_model_get_n_items (G_LIST_MODEL (store)) == 0)
        gtk_label_set_text (placeholder, _("This could not be loaded right now."));
      return;
    }

  if (!same_items (G_LIST_MODEL (store), items, to_json))
    g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                         items->pdata, items->len);
  gtk_label_set_text (placeholder, empty);
}

static void
log_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = sd_client_list_access_log_finish (SD_CLIENT (source), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      SD_CLIENT (source) == self->client)
    show_list (self->log, self->log_placeholder, entries, error,
               (ToJsonFunc)sd_access_entry_to_json,
               _("Nobody from support has opened your dashboard."));
}

static void
invitations_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GPtrArray) invitations = NULL;
  g_autoptr(GError) error = NULL;

  invitations = sd_client_list_invitations_finish (SD_CLIENT (source), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      SD_CLIENT (source) == self->client)
    show_list (self->invitations, self->invitation_placeholder, invitations, error,
               (ToJsonFunc)sd_invitation_to_json,
               _("No active invitations. You can invite an agent from a ticket."));
}

void
sd_pin_page_load_lists (SdPinPage *self)
{
  /* A refresh replaces the one still on its way: only the newest answer is shown. */
  g_cancellable_cancel (self->lists_cancellable);
  g_clear_object (&self->lists_cancellable);
  self->lists_cancellable = g_cancellable_new ();
  sd_client_list_access_log_async (self->client, self->lists_cancellable, log_loaded_cb,
                                   g_object_ref (self));
  sd_client_list_invitations_async (self->client, self->lists_cancellable,
                                    invitations_loaded_cb, g_object_ref (self));
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GError) error = NULL;

  sd_client_revoke_invitation_finish (SD_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      SD_CLIENT (source) != self->client)
    return;

  /* Revoked twice (a double click) or expired meanwhile: it is gone either way. */
  if (error != NULL && !g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NOT_FOUND))
    {
      g_autofree char *message = sd_pin_page_error_message (error);

      sd_pin_page_toast (self, message);
      return;
    }

  sd_pin_page_toast (self, _("Invitation revoked"));
  sd_pin_page_load_lists (self);
}

void
sd_pin_page_revoke_invitation_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  SdPinPage *self = SD_PIN_PAGE (widget);

  if (self->client != NULL)
    sd_client_revoke_invitation_async (self->client, g_variant_get_int64 (parameter),
                                       self->cancellable, revoked_cb, g_object_ref (self));
}

void
sd_pin_page_lists_reset (SdPinPage *self)
{
  g_list_store_remove_all (self->log);
  g_list_store_remove_all (self->invitations);
  gtk_label_set_text (self->log_placeholder, _("Loading…"));
  gtk_label_set_text (self->invitation_placeholder, _("Loading…"));
}

void
sd_pin_page_lists_init (SdPinPage *self)
{
  gtk_list_box_bind_model (self->log_list, G_LIST_MODEL (self->log),
                           create_log_row_cb, NULL, NULL);
  gtk_list_box_bind_model (self->invitation_list, G_LIST_MODEL (self->invitations),
                           create_invitation_row_cb, NULL, NULL);
}
