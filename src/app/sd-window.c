#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include "sd-window-private.h"

#include "sd-app-errors.h"
#include "sd-credentials.h"
#include "sd-outbox.h"

#include <glib/gi18n.h>

/* How long a confirmed session waits for its list before it is shown anyway. */
#define CONFIRMED_WAIT_MS 150

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, ADW_TYPE_APPLICATION_WINDOW)

static SdApplication *
get_application (SdWindow *self)
{
  return SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void show_sign_in (SdWindow   *self,
                          const char *message);

static void
outbox_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing is lost by this: the items stay on disk for the next start. */
  if (!sd_outbox_load_finish (SD_OUTBOX (source), result, &error))
    {
      g_warning ("Cannot read the outbox: %s", error->message);
      sd_window_add_toast (self, _("Unsent tickets and messages from earlier could not be "
                                   "read. They are kept, and tried again next time."));
    }
}

/*
 * Any call of the current session was refused for its token: sign in again,
 * keeping the outbox and drafts. The outbox's calls go through the same
 * client, so their refusals end the session here too.
 */
static void
client_session_ended_cb (SdWindow *self,
                         SdClient *client)
{
  SdApplication *app = get_application (self);

  if (client != self->client)
    return;

  sd_credentials_clear_token_async (sd_client_get_base_url (client), NULL, NULL, NULL, NULL);
  if (app != NULL)
    show_sign_in (self, _("Your session has ended. Sign in again to send what you wrote; "
                          "nothing is lost."));
}

/*
 * The outbox stopped because an attempt was refused for its token. That
 * attempt may have begun in a session that has ended since: while the user
 * signs in again, or once they have, this says nothing about the session
 * now, and must neither reset the sign-in page nor end the new session.
 * The current session's client reports its own end (above), so here the
 * outbox only gets the current client back, if there is one.
 */
static void
outbox_session_ended_cb (SdWindow *self)
{
  if (self->client != NULL && self->outbox != NULL)
    sd_outbox_set_client (self->outbox, self->client);
}

/* The outbox and drafts of @client's account: those kept from before, or the account's own. */
static void
use_account (SdWindow *self,
             SdClient *client)
{
  const char *server = sd_client_get_base_url (client);
  const char *email = sd_user_get_email (sd_client_get_user (client));
  g_autoptr(GFile) outbox_dir = sd_outbox_dup_default_dir (server, email);
  g_autoptr(GFile) drafts_dir = sd_drafts_dup_default_dir (server, email);

  if (self->outbox == NULL || !g_file_equal (sd_outbox_get_directory (self->outbox), outbox_dir))
    {
      if (self->outbox != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->outbox, self);
          sd_outbox_set_client (self->outbox, NULL);
        }
      g_clear_object (&self->outbox);
      g_clear_object (&self->drafts);

      self->outbox = sd_outbox_new (outbox_dir);
      self->drafts = sd_drafts_new (drafts_dir);
      g_signal_connect_object (self->outbox, "session-ended",
                               G_CALLBACK (outbox_session_ended_cb), self, G_CONNECT_SWAPPED);
      sd_outbox_load_async (self->outbox, self->cancellable, outbox_loaded_cb,
                            g_object_ref (self));
    }

  sd_outbox_set_client (self->outbox, client);
}

static void
forget_confirmed (SdWindow *self)
{
  g_clear_handle_id (&self->confirmed_id, g_source_remove);
  g_clear_object (&self->confirmed_client);
}

static void
show_signed_in (SdWindow *self,
                SdClient *client)
{
  forget_confirmed (self);
  g_set_object (&self->client, client);
  g_signal_connect_object (client, "session-ended", G_CALLBACK (client_session_ended_cb), self,
                           G_CONNECT_SWAPPED);
  use_account (self, client);

  /* The list may be on its way already, asked for while the session was checked. */
  sd_support_page_set_client (self->support_page, client);
  sd_support_page_set_outbox (self->support_page, self->outbox, self->drafts);

  adw_view_stack_set_visible_child_name (self->view_stack, "support");
  gtk_stack_set_visible_child_name (self->session_stack, "signed-in");

  self->rest_pending = TRUE;
  if (self->pending_pin)
    sd_window_finish_sign_in (self);
  else if (sd_support_page_get_list_loaded (self->support_page))
    sd_window_list_loaded_cb (self);
}

static void signed_in_cb   (SdWindow     *self,
                            SdClient     *client,
                            SdSignInPage *page);
static void update_contact (SdWindow     *self);

static void
ensure_sign_in_page (SdWindow *self)
{
  if (self->sign_in_page != NULL)
    return;

  self->sign_in_page = g_object_new (SD_TYPE_SIGN_IN_PAGE, "vexpand", TRUE, NULL);
  g_signal_connect_object (self->sign_in_page, "signed-in", G_CALLBACK (signed_in_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (self->sign_in_box, GTK_WIDGET (self->sign_in_page));
  update_contact (self);
}

static void
show_sign_in (SdWindow   *self,
              const char *message)
{
  SdApplication *app = get_application (self);
  g_autofree char *email = g_settings_get_string (sd_application_get_settings (app),
                                                  "last-email");

  /*
   * The pages let go of the account (what is typed is on disk by then);
   * the outbox stays, without a client, for when the same account is back.
   */
  forget_confirmed (self);
  g_clear_object (&self->client);
  self->rest_pending = FALSE;
  sd_window_cancel_rest (self);
  sd_window_background_signed_out (self);
  sd_support_page_set_outbox (self->support_page, NULL, NULL);
  sd_support_page_set_client (self->support_page, NULL);
  sd_pin_page_set_client (self->pin_page, NULL);
  if (self->outbox != NULL)
    sd_outbox_set_client (self->outbox, NULL);
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);

  ensure_sign_in_page (self);
  sd_sign_in_page_reset (self->sign_in_page);
  sd_sign_in_page_set_server (self->sign_in_page, sd_application_get_server_url (app));
  sd_sign_in_page_set_email (self->sign_in_page, email);
  sd_sign_in_page_set_message (self->sign_in_page, message);
  gtk_stack_set_visible_child_name (self->session_stack, "sign-in");
}

static void
token_stored_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sd_credentials_store_token_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Cannot keep the session in the keyring: %s", error->message);
      sd_window_add_toast (self, _("The session could not be saved in the keyring; "
                                   "you will have to sign in again next time"));
    }
}

static void
signed_in_cb (SdWindow     *self,
              SdClient     *client,
              SdSignInPage *page)
{
  SdApplication *app = get_application (self);
  SdUser *user = sd_client_get_user (client);

  sd_application_set_server_url (app, sd_client_get_base_url (client));
  g_settings_set_string (sd_application_get_settings (app), "last-email",
                         sd_user_get_email (user));

  /* Not cancelled with the window: a session kept must be kept even if the user quits now. */
  sd_credentials_store_token_async (sd_client_get_base_url (client),
                                    sd_user_get_email (user),
                                    sd_client_get_token (client),
                                    NULL, token_stored_cb, g_object_ref (self));

  show_signed_in (self, client);
}

static void
show_confirmed (SdWindow *self)
{
  g_autoptr(SdClient) client = g_steal_pointer (&self->confirmed_client);

  if (client != NULL)
    show_signed_in (self, client);
}

static void
confirmed_timeout_cb (gpointer user_data)
{
  SdWindow *self = user_data;

  self->confirmed_id = 0;
  show_confirmed (self);
}

static void
session_checked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SdClient *client = SD_CLIENT (source);
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = sd_client_get_session_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (user != NULL && !sd_support_page_get_list_loaded (self->support_page))
    {
      g_set_object (&self->confirmed_client, client);
      self->confirmed_id = g_timeout_add_once (CONFIRMED_WAIT_MS, confirmed_timeout_cb, self);
      return;
    }

  if (user != NULL)
    {
      show_signed_in (self, client);
      return;
    }

  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    {
      /* The stored session ended; it is no use keeping it. */
      sd_credentials_clear_token_async (sd_client_get_base_url (client), NULL, NULL, NULL, NULL);
      show_sign_in (self, _("Your session has ended. Please sign in again."));
      return;
    }

  show_sign_in (self, _("The support service cannot be reached right now. "
                        "Check your connection and sign in again."));
}

static void
token_found_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdClient) client = NULL;
  g_autofree char *email = NULL;
  g_autofree char *token = NULL;

  token = sd_application_lookup_session_finish (SD_APPLICATION (source), result, &email, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    g_warning ("Cannot read the keyring: %s", error->message);

  if (token == NULL)
    {
      show_sign_in (self, NULL);
      return;
    }

  g_clear_error (&error);
  client = sd_application_new_client (get_application (self),
                                      sd_application_get_server_url (get_application (self)),
                                      &error);
  if (client == NULL)
    {
      g_autofree char *message = sd_app_error_message (error);

      show_sign_in (self, message);
      return;
    }
  sd_client_set_token (client, token);
  sd_client_get_session_async (client, self->cancellable, session_checked_cb,
                               g_object_ref (self));

  /*
   * The list's first page is asked for alongside the session check, out of
   * sight: the support page shows only once the session is confirmed, and
   * lets go of the list if it is not.
   */
  sd_support_page_set_client (self->support_page, client);
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Whatever the server says, the token is forgotten here; it expires there. */
  if (!sd_client_sign_out_finish (SD_CLIENT (source), result, &error))
    g_debug ("Signing out on the server failed: %s", error->message);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);
  SdUser *user;
  const char *server;

  if (self->client == NULL)
    return;

  user = sd_client_get_user (self->client);
  server = sd_client_get_base_url (self->client);

  sd_client_sign_out_async (self->client, NULL, signed_out_cb, NULL);
  sd_credentials_clear_token_async (server, user != NULL ? sd_user_get_email (user) : NULL,
                                    NULL, NULL, NULL);
  sd_credentials_clear_pin_async (server, user != NULL ? sd_user_get_email (user) : NULL,
                                  NULL, NULL, NULL);
  /* What was said about this account is no business of whoever signs in next. */
  sd_application_withdraw_notifications (get_application (self));

  show_sign_in (self, NULL);
}

static void
new_ticket_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->client == NULL)
    return;

  adw_view_stack_set_visible_child_name (self->view_stack, "support");
  sd_support_page_new_ticket (self->support_page);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->client == NULL)
    return;

  adw_view_stack_set_visible_child_name (self->view_stack, "support");
  sd_support_page_focus_search (self->support_page);
}

static void
copy_pin_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->client == NULL)
    return;

  adw_view_stack_set_visible_child_name (self->view_stack, "pin");
  gtk_widget_activate_action (GTK_WIDGET (self->pin_page), "pin.copy", NULL);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->client != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sd_window_add_toast (SD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
save_window_state (SdWindow *self)
{
  GSettings *settings = sd_application_get_settings (get_application (self));
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
drafts_flushed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  if (!sd_drafts_flush_finish (SD_DRAFTS (source), result, &error))
    g_warning ("Cannot wait for the drafts to be saved: %s", error->message);
  g_application_release (app);
}

static gboolean
sd_window_close_request (GtkWindow *window)
{
  SdWindow *self = SD_WINDOW (window);
  SdApplication *app = get_application (self);

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);

  /*
   * The pages save what is typed a moment after each change; what still
   * waits for that moment is saved as they let go of the account. The
   * disk's work is done on another thread, which ends with the program: so
   * the app stays until the disk has done everything asked of it so far,
   * and quitting right after typing loses nothing.
   */
  sd_support_page_set_outbox (self->support_page, NULL, NULL);
  if (self->drafts != NULL && app != NULL)
    {
      g_application_hold (G_APPLICATION (app));
      sd_drafts_flush_async (self->drafts, NULL, drafts_flushed_cb, g_object_ref (app));
    }

  return GTK_WINDOW_CLASS (sd_window_parent_class)->close_request (window);
}

/* "Contact support" is offered where there is a way to it: an address or a chat. */
static void
update_contact (SdWindow *self)
{
  GActionGroup *app = G_ACTION_GROUP (get_application (self));

  if (self->sign_in_page == NULL)
    return;

  sd_sign_in_page_set_can_contact (self->sign_in_page,
                                   g_action_group_get_action_enabled (app, "contact-email") ||
                                   g_action_group_get_action_enabled (app, "contact-chat"));
}

/* Needs the application, which GtkWindow sets only after construction. */
static void
start (SdWindow *self)
{
  SdApplication *app = get_application (self);
  GSettings *settings = sd_application_get_settings (app);

  g_signal_connect_object (app, "action-enabled-changed", G_CALLBACK (update_contact), self,
                           G_CONNECT_SWAPPED);
  update_contact (self);
  sd_support_page_set_settings (self->support_page, settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* A session kept in the keyring spares the user signing in again. */
  sd_application_lookup_session_async (app, self->cancellable, token_found_cb,
                                       g_object_ref (self));
}

/* The keyboard shortcuts, made when first asked for rather than with every window. */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdWindow *self = SD_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/com/example/SupportDesk/sd-shortcuts-window.ui");

      self->shortcuts_window = g_object_ref (GTK_WINDOW (gtk_builder_get_object (builder,
                                                                                  "shortcuts_window")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }

  gtk_window_present (self->shortcuts_window);
}

static void
sd_window_unrealize (GtkWidget *widget)
{
  SdWindow *self = SD_WINDOW (widget);

  /*
   * A shortcuts window that was shown and closed (so only hidden) and is destroyed after
   * this window is unrealized leaves work behind that later finds this window freed (GTK
   * 4.8). While this window is whole, it goes cleanly.
   */
  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }

  GTK_WIDGET_CLASS (sd_window_parent_class)->unrealize (widget);
}

static void
sd_window_dispose (GObject *object)
{
  SdWindow *self = (SdWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->reach_cancellable);
  sd_window_cancel_rest (self);
  forget_confirmed (self);
  g_clear_object (&self->client);
  g_clear_object (&self->watch);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_object (&self->drafts);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_WINDOW);

  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_finalize (GObject *object)
{
  SdWindow *self = (SdWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->reach_cancellable);

  G_OBJECT_CLASS (sd_window_parent_class)->finalize (object);
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sd_window_dispose;
  object_class->finalize = sd_window_finalize;

  widget_class->unrealize = sd_window_unrealize;
  window_class->close_request = sd_window_close_request;

  g_type_ensure (SD_TYPE_SUPPORT_PAGE);
  g_type_ensure (SD_TYPE_PIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, session_stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, sign_in_box);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, support_page);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, pin_page);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, offline_revealer);

  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.new-ticket", NULL, new_ticket_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.copy-pin", NULL, copy_pin_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_shortcuts_action);
}

static void
sd_window_init (SdWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  sd_window_background_init (self);
  g_signal_connect_object (self->support_page, "list-loaded", G_CALLBACK (show_confirmed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->support_page, "list-loaded", G_CALLBACK (sd_window_list_loaded_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (sd_window_page_shown_cb), self, G_CONNECT_SWAPPED);
}

SdWindow *
sd_window_new (SdApplication *application)
{
  SdWindow *self = g_object_new (SD_TYPE_WINDOW, "application", application, NULL);

  start (self);

  return self;
}

SdOutbox *
sd_window_get_outbox (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->outbox;
}

SdClient *
sd_window_get_client (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->client;
}

const char *
sd_window_get_state (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->session_stack);
}

void
sd_window_add_toast (SdWindow   *self,
                     const char *title)
{
  g_return_if_fail (SD_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}
