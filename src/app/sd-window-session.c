#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include "sd-window-private.h"

#include "sd-app-errors.h"
#include "sd-credentials.h"
#include "sd-outbox.h"

#include <glib/gi18n.h>

/*
 * The window's session: resuming the one kept in the keyring, signing in
 * and out, and a session ending under the user.
 */

/* How long a confirmed session waits for its list before it is shown anyway. */
#define CONFIRMED_WAIT_MS 150

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

void
sd_window_sign_out (SdWindow *self)
{
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

void
sd_window_session_init (SdWindow *self)
{
  g_signal_connect_object (self->support_page, "list-loaded", G_CALLBACK (show_confirmed), self,
                           G_CONNECT_SWAPPED);
}

void
sd_window_resume_session (SdWindow *self)
{
  SdApplication *app = get_application (self);

  g_signal_connect_object (app, "action-enabled-changed", G_CALLBACK (update_contact), self,
                           G_CONNECT_SWAPPED);

  /* A session kept in the keyring spares the user signing in again. */
  sd_application_lookup_session_async (app, self->cancellable, token_found_cb,
                                       g_object_ref (self));
}

void
sd_window_session_dispose (SdWindow *self)
{
  forget_confirmed (self);
}
