#define G_LOG_DOMAIN "sd-application"

#include "config.h"

#include "sd-application-private.h"

#include "sd-window.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, ADW_TYPE_APPLICATION)

G_DEFINE_QUARK (sd-application-error-quark, sd_application_error)

static SdWindow *
active_window (SdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return SD_IS_WINDOW (window) ? SD_WINDOW (window) : NULL;
}

/* The window to show something in: the one there is, or a new one (started from outside). */
static SdWindow *
present_window (SdApplication *self)
{
  SdWindow *window = active_window (self);

  if (window == NULL)
    window = sd_window_new (self);
  gtk_window_present (GTK_WINDOW (window));

  return window;
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
set_url_from_key (GObject    *about,
                  const char *property,
                  GSettings  *settings,
                  const char *key)
{
  g_autofree char *url = g_settings_get_string (settings, key);

  /* An empty key leaves the row out. */
  if (*url != '\0')
    g_object_set (about, property, url, NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SdApplication *self = user_data;
  const char *developers[] = { _("The SupportDesk developers"), NULL };
  const char *libraries[] = {
    "GTK https://gtk.org",
    "libadwaita https://gnome.pages.gitlab.gnome.org/libadwaita/",
    "libsoup https://libsoup.org",
    "JSON-GLib https://gitlab.gnome.org/GNOME/json-glib",
    "libsecret https://gitlab.gnome.org/GNOME/libsecret",
    NULL
  };
  g_autofree char *release_notes = NULL;
  GtkWidget *about;

  /* The notes of this release, as the metainfo has them. Not for translation: the markup. */
  release_notes = g_markup_printf_escaped ("<p>%s</p><ul><li>%s</li><li>%s</li><li>%s</li>"
                                           "<li>%s</li></ul>",
                                           _("The first release of SupportDesk:"),
                                           _("Open tickets with screenshots and files, and "
                                             "reply in their conversation"),
                                           _("Find tickets by keyword, category and status"),
                                           _("Hand support a one-time PIN instead of your "
                                             "password"),
                                           _("Unsent work waits in an outbox, and drafts come "
                                             "back after a restart"));

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", active_window (self),
                        "application-name", _("SupportDesk"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "release-notes-version", PACKAGE_VERSION,
                        "release-notes", release_notes,
                        "developer-name", _("The SupportDesk developers"),
                        "developers", developers,
                        "copyright", _("© 2026 The SupportDesk developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Get help from your software vendor’s support team"),
                        /* Translators: your names, one per line, as "Name <email>". */
                        "translator-credits", _("translator-credits"),
                        NULL);
  set_url_from_key (G_OBJECT (about), "website", self->settings, "website-url");
  set_url_from_key (G_OBJECT (about), "issue-url", self->settings, "issue-url");
  set_url_from_key (G_OBJECT (about), "support-url", self->settings, "support-url");
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about), _("Built with"),
                                                libraries);

  gtk_window_present (GTK_WINDOW (about));
}

/* Notifications: their actions bring the window up where they point. */

static void
open_ticket_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SdApplication *self = user_data;
  gint64 ticket_id = g_variant_get_int64 (parameter);

  if (ticket_id <= 0)
    return;

  sd_window_open_ticket (present_window (self), ticket_id);
}

static void
show_pin_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  sd_window_show_pin (present_window (user_data), FALSE);
}

static void
renew_pin_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  sd_window_show_pin (present_window (user_data), TRUE);
}

/* Contact support: for deployments without tickets, and for those who cannot sign in. */

char *
sd_application_build_mailto_uri (const char *address,
                                 const char *subject)
{
  g_autofree char *to = NULL;
  g_autofree char *about = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  to = g_uri_escape_string (address, "@", FALSE);
  if (subject == NULL || *subject == '\0')
    return g_strconcat ("mailto:", to, NULL);

  about = g_uri_escape_string (subject, NULL, FALSE);
  return g_strconcat ("mailto:", to, "?subject=", about, NULL);
}

static void
uri_shown_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  SdWindow *window;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Cannot open the way to support: %s", error->message);
  if ((window = active_window (self)) != NULL)
    sd_window_add_toast (window, _("No app could be found to open it"));
}

static void
show_uri (SdApplication *self,
          const char    *uri)
{
  SdWindow *window = active_window (self);

  gtk_show_uri_full (window != NULL ? GTK_WINDOW (window) : NULL, uri, GDK_CURRENT_TIME,
                     NULL, uri_shown_cb, g_object_ref (self));
}

static void
contact_email_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  SdApplication *self = user_data;
  g_autofree char *address = g_settings_get_string (self->settings, "support-email");
  g_autofree char *uri = NULL;

  if (*address == '\0')
    return;

  uri = sd_application_build_mailto_uri (address, _("Support request"));
  show_uri (self, uri);
}

static void
contact_chat_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  SdApplication *self = user_data;
  g_autofree char *url = g_settings_get_string (self->settings, "live-chat-url");

  if (*url != '\0')
    show_uri (self, url);
}

static void
update_contact_actions (SdApplication *self)
{
  static const struct {
    const char *action;
    const char *key;
  } contacts[] = {
    { "contact-email", "support-email" },
    { "contact-chat", "live-chat-url" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (contacts); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), contacts[i].action);
      g_autofree char *value = g_settings_get_string (self->settings, contacts[i].key);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), *value != '\0');
    }
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "open-ticket", open_ticket_action, "x" },
  { "show-pin", show_pin_action },
  { "renew-pin", renew_pin_action },
  { "contact-email", contact_email_action },
  { "contact-chat", contact_chat_action },
};

static void
load_icon_theme_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GtkIconTheme *theme = task_data;

  /* Any lookup loads the theme first, under the theme's lock. */
  g_task_return_boolean (task, gtk_icon_theme_has_icon (theme, "open-menu-symbolic"));
}

/*
 * GTK loads the icon theme on a worker thread as it starts, but libadwaita
 * and the application then add their icon folders, which leaves the theme
 * to be loaded again by the first lookup: in the middle of showing the
 * window. Loaded again here, on a worker thread, it is ready by then.
 * Lookups from other threads are safe once the theme is set up (see
 * gtkicontheme.c); the display holds the theme for as long as the app runs.
 */
static void
load_icon_theme (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  g_task_set_task_data (task, g_object_ref (theme), g_object_unref);
  g_task_run_in_thread (task, load_icon_theme_thread);
}

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

  /* Before GTK starts, which takes a while: the keyring works meanwhile on another thread. */
  sd_application_start_session_lookup (self);

  G_APPLICATION_CLASS (sd_application_parent_class)->startup (application);
  load_icon_theme ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  /*
   * A deployment leaves a way to support out by emptying its key. The keys
   * are read after connecting, as GSettings asks for its change signals.
   */
  g_signal_connect_object (self->settings, "changed::support-email",
                           G_CALLBACK (update_contact_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::live-chat-url",
                           G_CALLBACK (update_contact_actions), self, G_CONNECT_SWAPPED);
  update_contact_actions (self);

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
  g_clear_pointer (&self->notifications, g_hash_table_unref);
  sd_application_clear_session_lookup (self);

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
  self->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
