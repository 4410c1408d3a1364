#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include "sd-window-private.h"

static SdApplication *
get_application (SdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return SD_IS_APPLICATION (app) ? SD_APPLICATION (app) : NULL;
}

/* The network */

static void
reach_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean was_offline;
  gboolean online;

  online = g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  was_offline = gtk_revealer_get_reveal_child (self->offline_revealer);
  gtk_revealer_set_reveal_child (self->offline_revealer, !online);
  if (self->outbox != NULL)
    sd_outbox_set_online (self->outbox, online);

  /* Back online: what the pages show may be out of date. */
  if (online && was_offline && self->client != NULL)
    sd_support_page_refresh (self->support_page);
}

/* A server on this machine is always reachable. */
void
sd_window_check_network (SdWindow *self)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  g_autoptr(GSocketConnectable) address = NULL;

  if (self->client == NULL)
    return;

  g_cancellable_cancel (self->reach_cancellable);
  g_clear_object (&self->reach_cancellable);

  address = g_network_address_parse_uri (sd_client_get_base_url (self->client), 443, NULL);
  if (address == NULL)
    return;

  self->reach_cancellable = g_cancellable_new ();
  g_network_monitor_can_reach_async (monitor, address, self->reach_cancellable, reach_cb,
                                     g_object_ref (self));
}

/* Notifications */

static void
agent_replied_cb (SdWindow        *self,
                  SdTicket        *ticket,
                  SdMessage       *message,
                  SdActivityWatch *watch)
{
  SdApplication *app = get_application (self);

  /* With the window in front, the page shows it already. */
  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    sd_application_notify_reply (app, ticket, message);
}

static void
pin_used_cb (SdWindow        *self,
             SdPinStatus     *status,
             SdActivityWatch *watch)
{
  SdApplication *app = get_application (self);

  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    sd_application_notify_pin_use (app, status);
}

/* What the user has in front of them needs no notification any more. */
static void
withdraw_shown (SdWindow *self)
{
  SdApplication *app = get_application (self);
  const char *page;
  SdTicket *ticket;

  if (app == NULL || self->client == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;

  page = adw_view_stack_get_visible_child_name (self->view_stack);
  if (g_strcmp0 (page, "pin") == 0)
    sd_application_withdraw_pin_notification (app);
  else if ((ticket = sd_support_page_get_open_ticket (self->support_page)) != NULL)
    sd_application_withdraw_ticket_notification (app, sd_ticket_get_id (ticket));
}

static void
ticket_opened_cb (SdWindow      *self,
                  SdTicket      *ticket,
                  SdSupportPage *page)
{
  SdApplication *app = get_application (self);

  if (app != NULL)
    sd_application_withdraw_ticket_notification (app, sd_ticket_get_id (ticket));
}

/* Watching is for a window on screen that the user is not looking at; not one going away. */
static void
update_watch (SdWindow *self)
{
  if (self->watch != NULL)
    sd_activity_watch_set_running (self->watch,
                                   gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                                   !gtk_window_is_active (GTK_WINDOW (self)));
}

static void
is_active_changed_cb (SdWindow *self)
{
  /* Agents answer while the user is elsewhere: coming back shows what is new. */
  if (gtk_window_is_active (GTK_WINDOW (self)) && self->client != NULL)
    {
      sd_support_page_refresh (self->support_page);
      sd_pin_page_refresh (self->pin_page);
    }

  update_watch (self);
  withdraw_shown (self);
}

/* What notifications ask for */

static void
run_pending (SdWindow *self)
{
  gint64 ticket_id = self->pending_ticket_id;
  gboolean pin = self->pending_pin;
  gboolean renew = self->pending_renew;

  if (self->client == NULL)
    return;

  /* Done once: showing a page may finish signing in, which runs this again. */
  self->pending_ticket_id = 0;
  self->pending_pin = FALSE;
  self->pending_renew = FALSE;

  if (ticket_id > 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "support");
      sd_support_page_open_ticket_by_id (self->support_page, ticket_id);
    }
  else if (pin)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "pin");
      if (renew)
        sd_pin_page_renew (self->pin_page);
    }
}

void
sd_window_background_init (SdWindow *self)
{
  g_signal_connect_object (self, "notify::is-active",
                           G_CALLBACK (is_active_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "map", G_CALLBACK (update_watch), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "unmap", G_CALLBACK (update_watch), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (withdraw_shown), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->support_page, "ticket-opened",
                           G_CALLBACK (ticket_opened_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (sd_window_check_network), self, G_CONNECT_SWAPPED);
}

void
sd_window_background_signed_in (SdWindow *self)
{
  sd_window_background_signed_out (self);

  self->watch = sd_activity_watch_new (self->client);
  g_signal_connect_object (self->watch, "agent-replied", G_CALLBACK (agent_replied_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->watch, "pin-used", G_CALLBACK (pin_used_cb), self,
                           G_CONNECT_SWAPPED);
  update_watch (self);

  run_pending (self);
}

void
sd_window_background_signed_out (SdWindow *self)
{
  if (self->watch == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->watch, self);
  sd_activity_watch_set_running (self->watch, FALSE);
  g_clear_object (&self->watch);
}

void
sd_window_open_ticket (SdWindow *self,
                       gint64    ticket_id)
{
  g_return_if_fail (SD_IS_WINDOW (self));
  g_return_if_fail (ticket_id > 0);

  self->pending_ticket_id = ticket_id;
  self->pending_pin = FALSE;
  self->pending_renew = FALSE;
  run_pending (self);
}

void
sd_window_show_pin (SdWindow *self,
                    gboolean  renew)
{
  g_return_if_fail (SD_IS_WINDOW (self));

  self->pending_ticket_id = 0;
  self->pending_pin = TRUE;
  self->pending_renew = renew;
  run_pending (self);
}

SdActivityWatch *
sd_window_get_activity_watch (SdWindow *self)
{
  g_return_val_if_fail (SD_IS_WINDOW (self), NULL);

  return self->watch;
}

/* The rest of signing in: what the first frame does not need waits until after it. */

void
sd_window_cancel_rest (SdWindow *self)
{
  g_clear_handle_id (&self->rest_id, g_source_remove);
  /* GTK lets go of the window's handlers on the clock when it is unrealized. */
  if (self->rest_clock != NULL && g_signal_handler_is_connected (self->rest_clock,
                                                                 self->rest_paint_id))
    g_signal_handler_disconnect (self->rest_clock, self->rest_paint_id);
  self->rest_paint_id = 0;
  g_clear_object (&self->rest_clock);
}

/* The rest of signing in, once the list has its first page or another page is shown. */
void
sd_window_finish_sign_in (SdWindow *self)
{
  if (!self->rest_pending)
    return;

  self->rest_pending = FALSE;
  sd_window_cancel_rest (self);

  sd_support_page_make_form (self->support_page);
  sd_pin_page_set_client (self->pin_page, self->client);
  sd_window_check_network (self);

  /* The service's limits, known before the first file is added; the default serves meanwhile. */
  sd_client_get_limits_async (self->client, self->cancellable, NULL, NULL);

  sd_window_background_signed_in (self);
}

static void
finish_sign_in_cb (gpointer user_data)
{
  SdWindow *self = user_data;

  self->rest_id = 0;
  sd_window_finish_sign_in (self);
}

static gboolean
finish_sign_in_idle_cb (gpointer user_data)
{
  finish_sign_in_cb (user_data);

  return G_SOURCE_REMOVE;
}

/* Not an idle of the usual priority: an animation on screen would hold that back. */
static void
rest_after_paint_cb (SdWindow *self)
{
  sd_window_cancel_rest (self);
  self->rest_id = g_idle_add_full (G_PRIORITY_DEFAULT, finish_sign_in_idle_cb, self, NULL);
}

/*
 * The list has its first page: the rest follows once that is painted, or
 * after a moment if nothing is (the window hidden, say).
 */
void
sd_window_list_loaded_cb (SdWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (!self->rest_pending || self->rest_id != 0)
    return;

  self->rest_id = g_timeout_add_once (200, finish_sign_in_cb, self);
  if (clock != NULL)
    {
      self->rest_clock = g_object_ref (clock);
      self->rest_paint_id = g_signal_connect_swapped (clock, "after-paint",
                                                      G_CALLBACK (rest_after_paint_cb), self);
    }
}

/* Another page needs what waits: it is done at once. */
void
sd_window_page_shown_cb (SdWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "support") != 0)
    sd_window_finish_sign_in (self);
}
