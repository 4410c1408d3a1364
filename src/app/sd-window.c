#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include "sd-window-private.h"

#include "sd-outbox.h"

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, ADW_TYPE_APPLICATION_WINDOW)

static SdApplication *
get_application (SdWindow *self)
{
  return SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  sd_window_sign_out (SD_WINDOW (widget));
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

/* Needs the application, which GtkWindow sets only after construction. */
static void
start (SdWindow *self)
{
  GSettings *settings = sd_application_get_settings (get_application (self));

  sd_support_page_set_settings (self->support_page, settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  sd_window_resume_session (self);
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
  sd_window_session_dispose (self);
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
  sd_window_session_init (self);
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