#define G_LOG_DOMAIN "sd-sign-in-page"

#include "config.h"

#include "sd-sign-in-page.h"

#include "sd-app-errors.h"
#include "sd-application.h"

#include <glib/gi18n.h>

struct _SdSignInPage
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkWidget           *scroller;
  GtkRevealer         *message_revealer;
  GtkLabel            *message_label;
  AdwEntryRow         *server_row;
  AdwEntryRow         *email_row;
  AdwPasswordEntryRow *password_row;
  GtkButton           *sign_in_button;
  GtkStack            *button_stack;
  GtkWidget           *contact_button;

  /* owned */
  GCancellable        *cancellable;
  SdClient            *pending;
};

G_DEFINE_FINAL_TYPE (SdSignInPage, sd_sign_in_page, GTK_TYPE_WIDGET)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
server_text (SdSignInPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  /* People type "support.example.com"; the service is spoken to over HTTPS. */
  if (*text != '\0' && strstr (text, "://") == NULL)
    {
      g_autofree char *bare = g_steal_pointer (&text);

      text = g_strconcat ("https://", bare, NULL);
    }

  while (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';

  return g_steal_pointer (&text);
}

static gboolean
valid_server (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_str_equal (g_uri_get_scheme (uri), "http") ||
          g_str_equal (g_uri_get_scheme (uri), "https"));
}

static void
update_state (SdSignInPage *self)
{
  g_autofree char *server = server_text (self);
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  gboolean busy = self->pending != NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* An entry made insensitive while it has the focus confuses GTK 4.8's focus tracking. */
  if (busy && root != NULL)
    gtk_root_set_focus (root, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in",
                                 !busy && valid_server (server) &&
                                 strchr (email, '@') != NULL && *password != '\0');
  gtk_stack_set_visible_child_name (self->button_stack, busy ? "busy" : "label");
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
}

static void
field_changed_cb (SdSignInPage *self)
{
  update_state (self);
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdSignInPage) self = user_data;
  g_autoptr(SdClient) client = g_object_ref (SD_CLIENT (source));
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = sd_client_sign_in_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->pending);
  update_state (self);

  if (user == NULL)
    {
      /* Here, and only here, a refusal means the email or password is wrong. */
      if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
        {
          sd_sign_in_page_set_message (self, _("The email address or password is not right."));
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
      else
        {
          g_autofree char *message = sd_app_error_message (error);

          sd_sign_in_page_set_message (self, message);
        }
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  sd_sign_in_page_set_message (self, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0, client);
}

/* A client that trusts what the app is set to trust, or NULL with the reason shown. */
static SdClient *
new_client (SdSignInPage *self,
            const char   *server)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root))
                                             : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SdClient *client;

  /* A page on its own, outside the app, has no CA file to trust. */
  if (!SD_IS_APPLICATION (app))
    return sd_client_new (server);

  client = sd_application_new_client (SD_APPLICATION (app), server, &error);
  if (client != NULL)
    return client;

  g_message ("%s", error->message);
  message = sd_app_error_message (error);
  sd_sign_in_page_set_message (self, message);

  return NULL;
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SdSignInPage *self = SD_SIGN_IN_PAGE (widget);
  g_autofree char *server = server_text (self);
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

  if (self->pending != NULL)
    return;

  if ((self->pending = new_client (self, server)) == NULL)
    return;

  sd_client_sign_in_async (self->pending, email,
                           gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                           self->cancellable, signed_in_cb, g_object_ref (self));
  update_state (self);
}

static void
entry_activated_cb (SdSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.sign-in", NULL);
}

static void
sd_sign_in_page_dispose (GObject *object)
{
  SdSignInPage *self = (SdSignInPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->pending);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (sd_sign_in_page_parent_class)->dispose (object);
}

static void
sd_sign_in_page_finalize (GObject *object)
{
  SdSignInPage *self = (SdSignInPage *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sd_sign_in_page_parent_class)->finalize (object);
}

static void
sd_sign_in_page_class_init (SdSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_sign_in_page_dispose;
  object_class->finalize = sd_sign_in_page_finalize;

  /**
   * SdSignInPage::signed-in:
   * @client: the client of the new session
   */
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, SD_TYPE_CLIENT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/SupportDesk/sd-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, button_stack);
  gtk_widget_class_bind_template_child (widget_class, SdSignInPage, contact_button);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_sign_in_page_init (SdSignInPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  update_state (self);
}

void
sd_sign_in_page_set_server (SdSignInPage *self,
                            const char   *server_url)
{
  g_return_if_fail (SD_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url ? server_url : "");
}

const char *
sd_sign_in_page_get_server (SdSignInPage *self)
{
  g_return_val_if_fail (SD_IS_SIGN_IN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}

void
sd_sign_in_page_set_email (SdSignInPage *self,
                           const char   *email)
{
  g_return_if_fail (SD_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email ? email : "");
}

void
sd_sign_in_page_set_message (SdSignInPage *self,
                             const char   *message)
{
  g_return_if_fail (SD_IS_SIGN_IN_PAGE (self));

  if (message != NULL)
    gtk_label_set_text (self->message_label, message);
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

void
sd_sign_in_page_reset (SdSignInPage *self)
{
  g_return_if_fail (SD_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->pending);

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  sd_sign_in_page_set_message (self, NULL);
  update_state (self);
}

void
sd_sign_in_page_set_can_contact (SdSignInPage *self,
                                 gboolean      can_contact)
{
  g_return_if_fail (SD_IS_SIGN_IN_PAGE (self));

  gtk_widget_set_visible (self->contact_button, can_contact);
}
