#define G_LOG_DOMAIN "sd-application"

#include "config.h"

#include "sd-application.h"

#include "sd-window.h"

#include <glib/gi18n.h>

struct _SdApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
  char           *server_url;
  /* --ca-file, for this run only; NULL to use the "ca-file" key. */
  char           *ca_file;

  /* --server was given: the address is for this run only. */
  gboolean        server_overridden;
};

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, ADW_TYPE_APPLICATION)

G_DEFINE_QUARK (sd-application-error-quark, sd_application_error)

static SdWindow *
active_window (SdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return SD_IS_WINDOW (window) ? SD_WINDOW (window) : NULL;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SdApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window lets it save its state first. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SdApplication *self = user_data;
  const char *developers[] = { _("The SupportDesk developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", active_window (self),
                        "application-name", _("SupportDesk"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The SupportDesk developers"),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Get help from your software vendor’s support team"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
};

static void
sd_application_startup (GApplication *application)
{
  SdApplication *self = SD_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.new-ticket", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.copy-pin", { "<Control><Shift>c", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (sd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  /* Every keyboard shortcut is set here, and listed in the shortcuts window. */
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
sd_application_activate (GApplication *application)
{
  SdApplication *self = SD_APPLICATION (application);
  SdWindow *window = active_window (self);

  if (window == NULL)
    window = sd_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
}

static int
sd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  SdApplication *self = SD_APPLICATION (application);
  const char *server = NULL;
  const char *ca_file = NULL;

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        {
          g_printerr (_("“%s” is not the address of a service (http:// or https://)\n"), server);
          return 2;
        }
      g_free (self->server_url);
      self->server_url = g_strdup (server);
      self->server_overridden = TRUE;
    }

  /* Made absolute here: a relative path means the folder the app was started in. */
  if (g_variant_dict_lookup (options, "ca-file", "^&ay", &ca_file))
    {
      g_free (self->ca_file);
      self->ca_file = g_canonicalize_filename (ca_file, NULL);
    }

  return -1;
}

static void
sd_application_finalize (GObject *object)
{
  SdApplication *self = (SdApplication *)object;

  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->ca_file, g_free);

  G_OBJECT_CLASS (sd_application_parent_class)->finalize (object);
}

static void
sd_application_class_init (SdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sd_application_finalize;

  application_class->startup = sd_application_startup;
  application_class->activate = sd_application_activate;
  application_class->handle_local_options = sd_application_handle_local_options;
}

static void
sd_application_init (SdApplication *self)
{
  const GOptionEntry options[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Use this support service for this run"), N_("URL") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Trust the certificate authority in this PEM file for this run"), N_("FILE") },
    { NULL }
  };

  self->settings = g_settings_new (APPLICATION_ID);
  self->server_url = g_settings_get_string (self->settings, "server-url");
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

SdApplication *
sd_application_new (void)
{
  return g_object_new (SD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/com/example/SupportDesk",
                       NULL);
}

const char *
sd_application_get_server_url (SdApplication *self)
{
  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);

  return self->server_url;
}

void
sd_application_set_server_url (SdApplication *self,
                               const char    *server_url)
{
  g_return_if_fail (SD_IS_APPLICATION (self));
  g_return_if_fail (server_url != NULL);

  g_free (self->server_url);
  self->server_url = g_strdup (server_url);

  if (!self->server_overridden)
    g_settings_set_string (self->settings, "server-url", server_url);
}

GSettings *
sd_application_get_settings (SdApplication *self)
{
  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);

  return self->settings;
}

static char *
trusted_ca_file (SdApplication *self)
{
  g_autofree char *path = NULL;

  if (self->ca_file != NULL)
    return g_strdup (self->ca_file);

  path = g_settings_get_string (self->settings, "ca-file");
  if (*path == '\0')
    return NULL;

  /* The TLS backend takes only absolute paths. */
  return g_canonicalize_filename (path, NULL);
}

SdClient *
sd_application_new_client (SdApplication  *self,
                           const char     *base_url,
                           GError        **error)
{
  g_autoptr(SdClient) client = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *certificates;

  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  client = sd_client_new (base_url);
  if ((path = trusted_ca_file (self)) == NULL)
    return g_steal_pointer (&client);

  /*
   * A file that is not PEM makes an empty list of trusted CAs rather than an
   * error, which would only show later as an untrusted server: look first.
   */
  certificates = g_tls_certificate_list_new_from_file (path, &local_error);
  if (certificates == NULL)
    {
      if (local_error != NULL && local_error->domain == G_FILE_ERROR)
        g_set_error (error, SD_APPLICATION_ERROR, SD_APPLICATION_ERROR_CA_FILE_UNREADABLE,
                     "Cannot read the CA file %s: %s", path, local_error->message);
      else
        g_set_error (error, SD_APPLICATION_ERROR, SD_APPLICATION_ERROR_CA_FILE_INVALID,
                     "No PEM certificate in the CA file %s", path);
      return NULL;
    }
  g_list_free_full (certificates, g_object_unref);

  if (!sd_client_set_ca_file (client, path, &local_error))
    {
      g_set_error (error, SD_APPLICATION_ERROR, SD_APPLICATION_ERROR_CA_FILE_UNREADABLE,
                   "Cannot use the CA file %s: %s", path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&client);
}
