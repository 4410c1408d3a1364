#include "config.h"

#include "sd-test-app.h"

#include "sd-sign-in-page.h"

#include <glib/gstdio.h>
#include <string.h>

static GtkWidget *
find (GtkWidget  *widget,
      const char *label,
      GType       type,
      const char *css_class,
      gboolean    include_hidden)
{
  if (!include_hidden && !gtk_widget_get_mapped (widget))
    return NULL;

  if ((type == G_TYPE_NONE || G_TYPE_CHECK_INSTANCE_TYPE (widget, type)) &&
      (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    {
      if (label == NULL)
        return widget;

      g_autofree char *mismatch = NULL;

      /* NULL means the property has that value. */
      mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      if (mismatch == NULL)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, label, type, css_class, include_hidden);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
sd_test_find (GtkWidget  *root,
              const char *label,
              GType       type,
              gboolean    include_hidden)
{
  return find (root, label, type, NULL, include_hidden);
}

GtkWidget *
sd_test_find_type (GtkWidget  *root,
                   GType       type,
                   const char *css_class)
{
  return find (root, NULL, type, css_class, FALSE);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;

  return FALSE;
}

gboolean
sd_test_has_label (GtkWidget  *root,
                   const char *text)
{
  return has_label (root, text);
}

static gboolean
has_label_prefix (GtkWidget  *widget,
                  const char *prefix)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_prefix (child, prefix))
      return TRUE;

  return FALSE;
}

gboolean
sd_test_has_label_prefix (GtkWidget  *root,
                          const char *prefix)
{
  return has_label_prefix (root, prefix);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;

  return FALSE;
}

gboolean
sd_test_shows_text (GtkWidget  *root,
                    const char *text)
{
  return shows_text (root, text);
}

static gboolean
button_text_is (GtkWidget  *button,
                const char *text)
{
  const char *label = gtk_button_get_label (GTK_BUTTON (button));
  g_autoptr(GString) shown = NULL;

  if (label == NULL)
    return FALSE;

  shown = g_string_new (label);
  if (gtk_button_get_use_underline (GTK_BUTTON (button)))
    g_string_replace (shown, "_", "", 0);
  return g_str_equal (shown->str, text);
}

static GtkWidget *
find_button_with_text (GtkWidget  *widget,
                       const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (GTK_IS_BUTTON (widget) && button_text_is (widget, text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
sd_test_click_text (GtkWidget  *root,
                    const char *text)
{
  GtkWidget *button = NULL;

  sd_test_wait_until ((button = find_button_with_text (root, text)) != NULL &&
                      gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
keys_pressed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

void
sd_test_press_keys (GtkWindow  *window,
                    const char *keys)
{
  g_autoptr(GSubprocess) xdotool = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  /* Keys go to the window with the X server's focus. */
  gtk_window_present (window);
  sd_test_wait_until (gtk_window_is_active (window));

  xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "key", keys, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (xdotool, NULL, keys_pressed_cb, &done);
  sd_test_wait_until (done);
}

gboolean
sd_test_has_accel (GtkApplication *app,
                   const char     *action,
                   const char     *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, action);
  guint keyval, expected_keyval;
  GdkModifierType modifiers, expected_modifiers;

  g_assert_true (gtk_accelerator_parse (accel, &expected_keyval, &expected_modifiers));
  for (guint i = 0; accels[i] != NULL; i++)
    if (gtk_accelerator_parse (accels[i], &keyval, &modifiers) &&
        keyval == expected_keyval && modifiers == expected_modifiers)
      return TRUE;

  return FALSE;
}

GtkWindow *
sd_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

AdwMessageDialog *
sd_test_find_dialog (void)
{
  return (AdwMessageDialog *)sd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

void
sd_test_respond (AdwMessageDialog *dialog,
                 const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  /* Destroyed rather than closed: closing would answer the close response as well. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

typedef struct
{
  gboolean  done;
  char     *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  if (error != NULL)
    g_test_message ("Nothing to read on the clipboard: %s", error->message);
  read->done = TRUE;
}

char *
sd_test_read_clipboard (GdkClipboard *clipboard)
{
  ClipboardRead read = { 0 };

  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &read);
  sd_test_wait_until (read.done);

  return read.text;
}

void
sd_test_click (GtkWidget  *root,
               const char *label)
{
  GtkWidget *button = NULL;

  sd_test_wait_until ((button = sd_test_find (root, label, GTK_TYPE_BUTTON, FALSE)) != NULL &&
                      gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

void
sd_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

SdApplication *
sd_test_application_new (const char *server_url)
{
  static guint n_apps;
  g_autofree char *id = g_strdup_printf ("com.example.SupportDesk.Test%u", ++n_apps);
  g_autoptr(GError) error = NULL;
  SdApplication *app = sd_application_new ();

  /* Each test is its own app: a fresh id on the bus, no single-instance hand-over. */
  g_application_set_application_id (G_APPLICATION (app), id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  sd_application_set_server_url (app, server_url);
  g_application_activate (G_APPLICATION (app));

  return app;
}

SdTestApp *
sd_test_app_new (void)
{
  return sd_test_app_new_full (NULL);
}

static void
start_app (SdTestApp *self)
{
  self->app = sd_test_application_new (self->server->url);
  self->window = SD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self->app)));
  g_assert_nonnull (self->window);
  g_object_ref (self->window);

  sd_test_wait_until (g_strcmp0 (sd_window_get_state (self->window), "sign-in") == 0 ||
                      g_strcmp0 (sd_window_get_state (self->window), "signed-in") == 0);
}

SdTestApp *
sd_test_app_new_full (const char * const *server_args)
{
  SdTestApp *self = g_new0 (SdTestApp, 1);

  self->server = sd_test_server_new (server_args);
  start_app (self);

  return self;
}

static void
quit_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
}

static void
still_running_cb (gpointer user_data)
{
  g_error ("The app did not end within 15 s of quitting");
}

void
sd_test_app_quit (SdTestApp *self)
{
  guint deadline;

  g_assert_nonnull (self->app);

  /* Only GTK holds the window now, as in the program, so closing it disposes it. */
  g_clear_object (&self->window);

  g_idle_add_once (quit_cb, self->app);
  deadline = g_timeout_add_once (15000, still_running_cb, NULL);
  g_application_run (G_APPLICATION (self->app), 0, NULL);
  g_source_remove (deadline);

  /* Nothing kept a window open. */
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (self->app)));
  g_clear_object (&self->app);
}

void
sd_test_app_crash (SdTestApp *self)
{
  g_assert_nonnull (self->window);

  gtk_window_destroy (GTK_WINDOW (self->window));
  g_clear_object (&self->window);
  sd_test_spin (50);
  g_clear_object (&self->app);
}

void
sd_test_app_start_again (SdTestApp *self)
{
  g_assert_null (self->app);

  start_app (self);
}

void
sd_test_app_restart (SdTestApp *self,
                     gboolean   quit)
{
  if (quit)
    sd_test_app_quit (self);
  else
    sd_test_app_crash (self);

  sd_test_app_start_again (self);
}

void
sd_test_app_sign_in (SdTestApp  *self,
                     const char *email)
{
  GtkWidget *root = GTK_WIDGET (self->window);
  GtkWidget *row;

  sd_test_wait_until (g_strcmp0 (sd_window_get_state (self->window), "sign-in") == 0 &&
                      gtk_widget_get_mapped (root));

  row = sd_test_find (root, "Email", G_TYPE_NONE, FALSE);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), email);
  row = sd_test_find (root, "Password", G_TYPE_NONE, FALSE);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), SD_TEST_PASSWORD);

  sd_test_click (root, "Sign in");
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (self->window), "signed-in") == 0);
}

static void
remove_tree (const char *parent,
             const char *name)
{
  g_autofree char *path = g_build_filename (parent, name, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *child;

  while (dir != NULL && (child = g_dir_read_name (dir)) != NULL)
    remove_tree (path, child);
  g_remove (path);
}

void
sd_test_app_free (SdTestApp *self)
{
  if (self == NULL)
    return;

  if (self->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->window));
      g_clear_object (&self->window);
    }
  sd_test_spin (50);
  g_clear_object (&self->app);
  g_clear_pointer (&self->server, sd_test_server_free);
  g_free (self);

  /* The outbox and drafts of this test's account are no business of the next test. */
  remove_tree (g_get_user_data_dir (), "supportdesk");
}
