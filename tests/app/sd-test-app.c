#include "config.h"

#include "sd-test-app.h"

#include "sd-sign-in-page.h"

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

      /* NULL means the property has that value. */
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                      label);
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
  SdTestApp *self = g_new0 (SdTestApp, 1);

  self->server = sd_test_server_new (NULL);

  self->app = sd_test_application_new (self->server->url);
  self->window = SD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self->app)));
  g_assert_nonnull (self->window);
  g_object_ref (self->window);

  sd_test_wait_until (g_strcmp0 (sd_window_get_state (self->window), "sign-in") == 0 ||
                      g_strcmp0 (sd_window_get_state (self->window), "signed-in") == 0);

  return self;
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
}
