#define G_LOG_DOMAIN "sd-outbox-row"

#include "config.h"

#include "sd-outbox-row.h"

#include "sd-app-errors.h"

#include <glib/gi18n.h>
#include <string.h>

struct _SdOutboxRow
{
  AdwActionRow  parent_instance;

  /* template widgets */
  GtkStack     *icon_stack;
  GtkSpinner   *spinner;
  GtkImage     *icon;
  GtkWidget    *retry_button;
  GtkWidget    *discard_button;

  /* owned */
  SdOutbox     *outbox;
  SdOutboxItem *item;
};

G_DEFINE_FINAL_TYPE (SdOutboxRow, sd_outbox_row, ADW_TYPE_ACTION_ROW)

/* Why the server refused an item, in the words of the form the user filled. */
static char *
refusal_reason (const GError *error)
{
  const char *field = sd_client_error_get_field (error);

  if (error->domain == G_IO_ERROR)
    return g_strdup (_("An attached file can no longer be read."));

  if (!g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_FIELD) || field == NULL)
    return sd_app_error_message (error);

  if (g_str_equal (field, "subject"))
    return g_strdup (_("The subject is empty or longer than 200 characters."));
  if (g_str_equal (field, "description") || g_str_equal (field, "body"))
    return g_strdup (_("The text is empty or longer than 65,536 characters."));
  if (g_str_equal (field, "category"))
    return g_strdup (_("The category no longer exists."));
  if (g_str_equal (field, "uploads"))
    return g_strdup (_("The attached files were not accepted."));

  return sd_app_error_message (error);
}

char *
sd_outbox_item_describe (SdOutboxItem *item,
                         gboolean      online)
{
  const GError *error = sd_outbox_item_get_error (item);
  g_autofree char *reason = NULL;

  switch (sd_outbox_item_get_state (item))
    {
    case SD_OUTBOX_ITEM_STATE_SENDING:
      return g_strdup (_("Sending…"));

    case SD_OUTBOX_ITEM_STATE_QUEUED:
      return g_strdup (online ? _("Waiting to be sent") : _("Waiting for network"));

    case SD_OUTBOX_ITEM_STATE_WAITING:
      if (!online || g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK))
        return g_strdup (_("Waiting for network"));
      if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
        return g_strdup (_("Waiting for you to sign in again"));
      if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_RATE_LIMITED))
        return g_strdup (_("The support service is busy. Trying again shortly…"));
      return g_strdup (_("The support service has a problem. Trying again shortly…"));

    case SD_OUTBOX_ITEM_STATE_FAILED:
    default:
      reason = error != NULL ? refusal_reason (error) : sd_app_error_message (NULL);
      /* Translators: the reason follows, e.g. "Not sent: The category no longer exists." */
      return g_strdup_printf (_("Not sent: %s"), reason);
    }
}

static void
update (SdOutboxRow *self)
{
  SdOutboxItemState state = sd_outbox_item_get_state (self->item);
  gboolean online = sd_outbox_get_online (self->outbox);
  const GError *error = sd_outbox_item_get_error (self->item);
  g_autofree char *description = sd_outbox_item_describe (self->item, online);
  gboolean sending = state == SD_OUTBOX_ITEM_STATE_SENDING;
  gboolean offline;

  offline = !online || g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), description);
  gtk_stack_set_visible_child_name (self->icon_stack, sending ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->spinner, sending);

  if (state == SD_OUTBOX_ITEM_STATE_FAILED)
    gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
  else if (offline && state != SD_OUTBOX_ITEM_STATE_SENDING)
    gtk_image_set_from_icon_name (self->icon, "network-offline-symbolic");
  else
    gtk_image_set_from_icon_name (self->icon, "document-send-symbolic");

  if (state == SD_OUTBOX_ITEM_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "failed");

  /* Retry means "now": for what failed or waits, not for what is on its way. */
  gtk_widget_set_visible (self->retry_button,
                          state == SD_OUTBOX_ITEM_STATE_FAILED ||
                          state == SD_OUTBOX_ITEM_STATE_WAITING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outbox-row.discard", !sending);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdOutboxRow *self = SD_OUTBOX_ROW (widget);

  sd_outbox_retry (self->outbox, self->item);
}

static void
discarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWidget) window = user_data;
  g_autoptr(GError) error = NULL;

  if (!sd_outbox_discard_finish (SD_OUTBOX (source), result, &error))
    {
      /* It started on its way meanwhile, or the disk refused: it is still there to see. */
      g_warning ("Cannot discard an unsent item: %s", error->message);
      gtk_widget_activate_action (window, "win.toast", "s",
                                  _("It could not be discarded. It may be on its way already."));
    }
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SdOutboxRow      *self)
{
  GtkWidget *window = GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  if (g_strcmp0 (response, "discard") != 0 || self->outbox == NULL)
    return;

  sd_outbox_discard_async (self->outbox, self->item, NULL, discarded_cb,
                           window != NULL ? g_object_ref (window) : NULL);
}

/* What the user wrote is deleted only when they say so twice. */
static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SdOutboxRow *self = SD_OUTBOX_ROW (widget);
  gboolean ticket = sd_outbox_item_get_kind (self->item) == SD_OUTBOX_ITEM_KIND_TICKET;
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   ticket ? _("Discard Unsent Ticket?")
                                          : _("Discard Unsent Message?"),
                                   _("What you wrote will be deleted from this computer and "
                                     "not sent to support."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sd_outbox_row_dispose (GObject *object)
{
  SdOutboxRow *self = SD_OUTBOX_ROW (object);

  g_clear_object (&self->item);
  g_clear_object (&self->outbox);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_OUTBOX_ROW);

  G_OBJECT_CLASS (sd_outbox_row_parent_class)->dispose (object);
}

static void
sd_outbox_row_class_init (SdOutboxRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_outbox_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-outbox-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SdOutboxRow, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SdOutboxRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOutboxRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SdOutboxRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SdOutboxRow, discard_button);

  gtk_widget_class_install_action (widget_class, "outbox-row.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "outbox-row.discard", NULL, discard_action);
}

static void
sd_outbox_row_init (SdOutboxRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The first line of @text, for a title; the row shows two lines at most anyway. */
static char *
first_line (const char *text)
{
  const char *end = strchr (text, '\n');

  return end != NULL ? g_strndup (text, end - text) : g_strdup (text);
}

GtkWidget *
sd_outbox_row_new (SdOutbox     *outbox,
                   SdOutboxItem *item)
{
  SdOutboxRow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (SD_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (SD_IS_OUTBOX_ITEM (item), NULL);

  self = g_object_new (SD_TYPE_OUTBOX_ROW, NULL);
  self->outbox = g_object_ref (outbox);
  self->item = g_object_ref (item);

  if (sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_TICKET)
    title = g_strdup (sd_outbox_item_get_subject (item));
  else
    title = first_line (sd_outbox_item_get_body (item));
  /* The server's and the user's words are never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);

  g_signal_connect_object (item, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::error", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (outbox, "notify::online", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}
