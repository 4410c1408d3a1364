#define G_LOG_DOMAIN "sd-pin-page"

#include "config.h"

#include "sd-pin-page-private.h"

#include "sd-app-errors.h"
#include "sd-credentials.h"
#include "sd-format.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (SdPinPage, sd_pin_page, GTK_TYPE_WIDGET)

static void
restart_cancellable (GCancellable **cancellable)
{
  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
sd_pin_page_toast (SdPinPage  *self,
                   const char *title)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", title);
}

char *
sd_pin_page_error_message (const GError *error)
{
  /* Here an unauthorized answer means that the session ended, not a wrong password. */
  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    return g_strdup (_("Your session has ended. Please sign out and sign in again."));

  return sd_app_error_message (error);
}

static const char *
user_email (SdPinPage *self)
{
  SdUser *user = self->client != NULL ? sd_client_get_user (self->client) : NULL;

  return user != NULL ? sd_user_get_email (user) : NULL;
}

static gboolean
pin_active (SdPinPage *self)
{
  return self->status != NULL && sd_pin_status_get_active (self->status);
}

static char *
describe_status (SdPinStatus *status)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *expires_at = status != NULL ? sd_pin_status_get_expires_at (status) : NULL;
  GDateTime *used_at = status != NULL ? sd_pin_status_get_used_at (status) : NULL;
  SdUser *used_by = status != NULL ? sd_pin_status_get_used_by (status) : NULL;
  g_autofree char *when = NULL;

  if (status != NULL && sd_pin_status_get_active (status))
    {
      if (expires_at == NULL)
        /* Translators: the state of a support PIN that works now. */
        return g_strdup (_("Active"));
      when = sd_format_time (expires_at);
      /* Translators: %s is a date and time, e.g. "27 November 2026, 08:00". */
      return g_strdup_printf (_("Active until %s"), when);
    }

  if (used_at != NULL)
    {
      when = sd_format_time (used_at);
      if (used_by != NULL && sd_user_get_name (used_by) != NULL)
        /* Translators: the agent's name, and a date and time. */
        return g_strdup_printf (_("Used by %s on %s"), sd_user_get_name (used_by), when);
      /* Translators: %s is a date and time. */
      return g_strdup_printf (_("Used on %s"), when);
    }

  if (expires_at != NULL && g_date_time_compare (expires_at, now) <= 0)
    {
      when = sd_format_time (expires_at);
      /* Translators: %s is a date and time. */
      return g_strdup_printf (_("Expired on %s"), when);
    }

  return g_strdup (_("No active PIN"));
}

static void
update_actions (SdPinPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean ready = self->client != NULL && !self->busy;

  gtk_widget_action_set_enabled (widget, "pin.renew", ready);
  gtk_widget_action_set_enabled (widget, "pin.copy", self->pin != NULL && pin_active (self));
  gtk_widget_action_set_enabled (widget, "pin.clear", ready && pin_active (self));
  gtk_widget_action_set_enabled (widget, "pin.reload", ready);
  gtk_widget_action_set_enabled (widget, "pin.revoke-invitation", self->client != NULL);
}

static void
update_pin_view (SdPinPage *self)
{
  gboolean active = pin_active (self);
  g_autofree char *grouped = active && self->pin ? sd_format_pin (self->pin) : NULL;
  g_autofree char *state = describe_status (self->status);

  if (!self->status_loaded)
    {
      gtk_label_set_text (self->error_label, self->load_error ? self->load_error : "");
      gtk_stack_set_visible_child_name (self->pin_stack, self->load_error ? "error" : "loading");
    }
  else
    {
      /* Digits that no longer work are not shown at all, so nobody reads them out. */
      gtk_label_set_text (self->pin_label, grouped != NULL ? grouped : "");
      gtk_stack_set_visible_child_name (self->pin_stack,
                                        active && self->pin != NULL ? "pin" : "hidden");
      gtk_label_set_text (self->state_label, state);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->state_label), self->status_loaded);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), active && self->pin == NULL);
  update_actions (self);
}

static void
set_status (SdPinPage   *self,
            SdPinStatus *status)
{
  g_set_object (&self->status, status);
  g_clear_pointer (&self->load_error, g_free);
  self->status_loaded = TRUE;
}

/* Takes @pin (owned, or NULL) as the digits of the PIN that @status tells about. */
static void
take_pin (SdPinPage   *self,
          char        *pin,
          SdPinStatus *status)
{
  GDateTime *created_at = status != NULL ? sd_pin_status_get_created_at (status) : NULL;

  g_free (self->pin);
  self->pin = pin;
  g_clear_pointer (&self->pin_created_at, g_date_time_unref);
  self->pin_created_at = created_at != NULL ? g_date_time_ref (created_at) : NULL;
  self->keyring_checked = TRUE;
}

/* The PIN stopped working on the server: its digits are of no use to anyone any more. */
static void
forget_pin (SdPinPage *self)
{
  if (self->client != NULL && (self->pin != NULL || !self->keyring_checked))
    sd_credentials_clear_pin_async (sd_client_get_base_url (self->client), user_email (self),
                                    NULL, NULL, NULL);

  take_pin (self, NULL, NULL);
}

static void
keyring_pin_found_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;

  pin = sd_credentials_lookup_pin_finish (result, &error);
  if (is_cancelled (error))
    return;

  if (error != NULL)
    g_warning ("Cannot read the support PIN from the keyring: %s", error->message);

  self->keyring_checked = TRUE;
  if (pin != NULL && self->pin == NULL && pin_active (self))
    take_pin (self, g_steal_pointer (&pin), self->status);

  update_pin_view (self);
}

static void
status_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(SdPinStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  GDateTime *created_at;
  gboolean renew_now;

  status = sd_client_get_pin_finish (SD_CLIENT (source), result, &error);
  if (is_cancelled (error) || SD_CLIENT (source) != self->client)
    return;

  renew_now = self->renew_when_loaded && status != NULL;
  self->renew_when_loaded = FALSE;

  if (status == NULL)
    {
      g_autofree char *message = sd_pin_page_error_message (error);

      g_debug ("Cannot load the support PIN: %s", error->message);
      /* Told once for as long as it lasts; what was loaded before stays shown. */
      if (g_strcmp0 (message, self->load_error) != 0)
        sd_pin_page_toast (self, message);
      g_free (self->load_error);
      self->load_error = g_steal_pointer (&message);
      update_pin_view (self);
      return;
    }

  created_at = sd_pin_status_get_created_at (status);
  if (self->pin_created_at != NULL && created_at != NULL)
    {
      int order = g_date_time_compare (created_at, self->pin_created_at);

      /* About an older PIN than the one shown: this answer was overtaken by a renewal. */
      if (order < 0)
        return;
      /* A newer PIN was made elsewhere: the digits known here no longer work. */
      if (order > 0)
        forget_pin (self);
    }

  set_status (self, status);

  if (!sd_pin_status_get_active (status))
    forget_pin (self);
  else if (self->pin == NULL && !self->keyring_checked && user_email (self) != NULL)
    {
      /* After a restart the digits are only in the keyring. */
      sd_credentials_lookup_pin_async (sd_client_get_base_url (self->client), user_email (self),
                                       self->status_cancellable, keyring_pin_found_cb,
                                       g_object_ref (self));
    }

  update_pin_view (self);
  if (renew_now)
    gtk_widget_activate_action (GTK_WIDGET (self), "pin.renew", NULL);
}

static void
load_status (SdPinPage *self)
{
  restart_cancellable (&self->status_cancellable);
  sd_client_get_pin_async (self->client, self->status_cancellable, status_loaded_cb,
                           g_object_ref (self));
}

/* A renewal or a clear is on its way: its own answer will tell the state. */
static void
start_change (SdPinPage *self)
{
  g_cancellable_cancel (self->status_cancellable);
  self->renew_when_loaded = FALSE;
  self->busy = TRUE;
  update_actions (self);
}

/* Returns whether the change's answer still matters; on failure tells why. */
static gboolean
finish_change (SdPinPage    *self,
               GObject      *source,
               const GError *error)
{
  g_autofree char *message = NULL;

  if (is_cancelled (error) || SD_CLIENT (source) != self->client)
    return FALSE;

  self->busy = FALSE;
  update_actions (self);
  if (error == NULL)
    return TRUE;

  message = sd_pin_page_error_message (error);
  sd_pin_page_toast (self, message);
  /* The status load was cancelled for the change: what is true now is unknown. */
  load_status (self);
  return FALSE;
}

static void
keyring_pin_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (sd_credentials_store_pin_finish (result, &error) || is_cancelled (error))
    return;

  g_warning ("Cannot keep the support PIN in the keyring: %s", error->message);
  /* A PIN kept from before would be shown after a restart as if it still worked. */
  if (self->client != NULL)
    sd_credentials_clear_pin_async (sd_client_get_base_url (self->client), user_email (self),
                                    NULL, NULL, NULL);
  sd_pin_page_toast (self, _("The PIN could not be saved in the keyring, so it will not be "
                             "shown again after a restart"));
}

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(SdPinStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const char *pin;

  status = sd_client_renew_pin_finish (SD_CLIENT (source), result, &error);
  if (!finish_change (self, source, error))
    return;

  pin = sd_pin_status_get_pin (status);
  set_status (self, status);
  take_pin (self, g_strdup (pin), status);

  /* Kept until it stops working, so that it can be shown again after a restart. */
  if (pin != NULL && user_email (self) != NULL)
    sd_credentials_store_pin_async (sd_client_get_base_url (self->client), user_email (self),
                                    pin, self->cancellable, keyring_pin_stored_cb,
                                    g_object_ref (self));

  update_pin_view (self);
}

static void
renew (SdPinPage *self)
{
  if (self->client == NULL || self->busy)
    return;

  start_change (self);
  sd_client_renew_pin_async (self->client, self->cancellable, renewed_cb, g_object_ref (self));
}

static void
renew_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  if (g_str_equal (response, "renew"))
    renew (SD_PIN_PAGE (user_data));
}

static void
renew_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdPinPage *self = SD_PIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  if (!pin_active (self))
    {
      renew (self);
      return;
    }

  /* Someone may already have the current PIN: renewing takes it from them. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                             : NULL,
                                                       _("Renew the PIN?"),
                                                       _("The current PIN stops working at "
                                                         "once. If you have already given it "
                                                         "to support, give them the new one.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "renew", _("_Renew"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "renew", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "renew");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (renew_response_cb),
                         g_object_ref (self), (GClosureNotify)(void (*) (void))g_object_unref,
                         G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdPinPage *self = SD_PIN_PAGE (widget);

  if (self->pin == NULL || !pin_active (self))
    return;

  /* The plain digits: what support types, whatever the grouping shown. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->pin);
  sd_pin_page_toast (self, _("PIN copied"));
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SdPinPage) self = user_data;
  g_autoptr(GError) error = NULL;

  sd_client_clear_pin_finish (SD_CLIENT (source), result, &error);
  /* Already gone on the server is as good as cleared. */
  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NOT_FOUND))
    g_clear_error (&error);
  if (!finish_change (self, source, error))
    return;

  forget_pin (self);
  set_status (self, NULL);
  update_pin_view (self);
  sd_pin_page_toast (self, _("PIN cleared"));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdPinPage *self = SD_PIN_PAGE (widget);

  if (self->client == NULL || self->busy)
    return;

  start_change (self);
  sd_client_clear_pin_async (self->client, self->cancellable, cleared_cb, g_object_ref (self));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sd_pin_page_refresh (SD_PIN_PAGE (widget));
}

/* What the page shows before anything is loaded, and after signing out. */
static void
show_nothing (SdPinPage *self)
{
  g_clear_object (&self->status);
  g_clear_pointer (&self->pin, g_free);
  g_clear_pointer (&self->pin_created_at, g_date_time_unref);
  g_clear_pointer (&self->load_error, g_free);
  self->status_loaded = FALSE;
  self->keyring_checked = FALSE;
  self->busy = FALSE;
  self->renew_when_loaded = FALSE;

  sd_pin_page_lists_reset (self);
  update_pin_view (self);
}

static void
sd_pin_page_dispose (GObject *object)
{
  SdPinPage *self = (SdPinPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->status_cancellable);
  g_cancellable_cancel (self->lists_cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->status);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_PIN_PAGE);
  /* The template's top widget has no name, so disposing the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->log);
  g_clear_object (&self->invitations);

  G_OBJECT_CLASS (sd_pin_page_parent_class)->dispose (object);
}

static void
sd_pin_page_finalize (GObject *object)
{
  SdPinPage *self = (SdPinPage *)object;

  g_clear_pointer (&self->pin, g_free);
  g_clear_pointer (&self->pin_created_at, g_date_time_unref);
  g_clear_pointer (&self->load_error, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->status_cancellable);
  g_clear_object (&self->lists_cancellable);

  G_OBJECT_CLASS (sd_pin_page_parent_class)->finalize (object);
}

static void
sd_pin_page_class_init (SdPinPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_pin_page_dispose;
  object_class->finalize = sd_pin_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-pin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, pin_stack);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, pin_label);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, log_list);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, log_placeholder);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, invitation_list);
  gtk_widget_class_bind_template_child (widget_class, SdPinPage, invitation_placeholder);

  gtk_widget_class_install_action (widget_class, "pin.renew", NULL, renew_action);
  gtk_widget_class_install_action (widget_class, "pin.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "pin.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "pin.revoke-invitation", "x",
                                   sd_pin_page_revoke_invitation_action);
  gtk_widget_class_install_action (widget_class, "pin.reload", NULL, reload_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_pin_page_init (SdPinPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->status_cancellable = g_cancellable_new ();
  self->lists_cancellable = g_cancellable_new ();
  self->log = g_list_store_new (SD_TYPE_ACCESS_ENTRY);
  self->invitations = g_list_store_new (SD_TYPE_INVITATION);

  gtk_widget_init_template (GTK_WIDGET (self));

  sd_pin_page_lists_init (self);

  show_nothing (self);
}

void
sd_pin_page_set_client (SdPinPage *self,
                        SdClient  *client)
{
  g_return_if_fail (SD_IS_PIN_PAGE (self));
  g_return_if_fail (client == NULL || SD_IS_CLIENT (client));

  if (self->client == client)
    return;

  /* Nothing of the previous session may stay shown, nor arrive late into this one. */
  restart_cancellable (&self->cancellable);
  restart_cancellable (&self->status_cancellable);
  restart_cancellable (&self->lists_cancellable);
  g_set_object (&self->client, client);

  show_nothing (self);
  sd_pin_page_refresh (self);
}

void
sd_pin_page_refresh (SdPinPage *self)
{
  g_return_if_fail (SD_IS_PIN_PAGE (self));

  if (self->client == NULL)
    return;

  /* While a renewal or a clear is on its way, its own answer tells the state. */
  if (!self->busy)
    load_status (self);
  sd_pin_page_load_lists (self);
}

void
sd_pin_page_renew (SdPinPage *self)
{
  g_return_if_fail (SD_IS_PIN_PAGE (self));

  if (self->client == NULL || self->busy)
    return;

  /* What the page knows may be old: a PIN used meanwhile needs no "are you sure". */
  self->renew_when_loaded = TRUE;
  load_status (self);
}
