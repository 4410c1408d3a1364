#include "config.h"

#include "sd-credentials.h"
#include "sd-test-app.h"

typedef struct
{
  gboolean  done;
  gboolean  failed;
  char     *token;
  char     *email;
} Lookup;

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->token = sd_credentials_lookup_token_finish (result, &lookup->email, &error);
  /* An item deleted while the search loads it (the app signing out) fails the search. */
  if (error != NULL)
    g_test_message ("Keyring lookup failed, asking again: %s", error->message);
  lookup->failed = error != NULL;
  lookup->done = TRUE;
}

/* What the keyring holds for @server, as the app would find it on its next start. */
static char *
keyring_token (const char *server)
{
  Lookup lookup = { 0 };

  do
    {
      lookup.done = FALSE;
      sd_credentials_lookup_token_async (server, NULL, NULL, lookup_cb, &lookup);
      sd_test_wait_until (lookup.done);
      g_clear_pointer (&lookup.email, g_free);
    }
  while (lookup.failed);

  return lookup.token;
}

static gboolean
keyring_has_token (const char *server)
{
  g_autofree char *token = keyring_token (server);

  return token != NULL;
}

static guint
session_status (SdTestServer *server,
                const char   *token)
{
  g_autoptr(SdTestResponse) response = NULL;

  response = sd_test_request (server, "GET", "/api/v1/session", token, NULL);

  return response->status;
}

static void
test_sign_in_page (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();
  GtkWidget *root = GTK_WIDGET (app->window);
  GtkWidget *server, *password;

  g_assert_cmpstr (sd_window_get_state (app->window), ==, "sign-in");

  /* The controls are there under the names assistive technologies read out. */
  server = sd_test_find (root, "Server", G_TYPE_NONE, FALSE);
  g_assert_nonnull (server);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, app->server->url);
  g_assert_nonnull (sd_test_find (root, "Email", G_TYPE_NONE, FALSE));
  g_assert_nonnull (sd_test_find (root, "Sign in", GTK_TYPE_BUTTON, FALSE));

  /* "Sign in" waits for a complete form. */
  g_assert_false (gtk_widget_is_sensitive (sd_test_find (root, "Sign in", GTK_TYPE_BUTTON,
                                                         FALSE)));

  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, "Email", G_TYPE_NONE, FALSE)),
                         SD_TEST_CUSTOMER);
  password = sd_test_find (root, "Password", G_TYPE_NONE, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (password), "not the password");
  sd_test_click (root, "Sign in");

  /* A wrong password keeps the page and says so in words. */
  sd_test_wait_until (sd_test_has_label (root, "The email address or password is not right."));
  g_assert_cmpstr (sd_window_get_state (app->window), ==, "sign-in");
  g_assert_false (keyring_has_token (app->server->url));
}

static void
test_sign_in_and_out (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();
  g_autoptr(SdTestApp) again = NULL;
  g_autofree char *token = NULL;
  GtkWidget *root = GTK_WIDGET (app->window);

  sd_test_app_sign_in (app, SD_TEST_CUSTOMER);

  /* The session is kept in the keyring, under the server it belongs to. */
  sd_test_wait_until (keyring_has_token (app->server->url));
  token = keyring_token (app->server->url);
  g_assert_nonnull (token);
  g_assert_cmpstr (token, ==, sd_client_get_token (sd_window_get_client (app->window)));

  /* The ticket list shows the customer's tickets. */
  sd_test_wait_until (sd_test_has_label (root, "Firewall blocks the update service"));
  g_assert_nonnull (sd_test_find (root, "Support", G_TYPE_NONE, FALSE));
  g_assert_nonnull (sd_test_find (root, "Support PIN", G_TYPE_NONE, FALSE));

  /* Sign out revokes the token, and it is gone from the keyring. */
  gtk_widget_activate_action (root, "win.sign-out", NULL);
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (app->window), "sign-in") == 0);
  sd_test_wait_until (!keyring_has_token (app->server->url));
  sd_test_wait_until (session_status (app->server, token) == 401);
}

static void
test_session_survives_restart (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();
  g_autoptr(SdApplication) second = NULL;
  SdWindow *window;

  sd_test_app_sign_in (app, SD_TEST_CUSTOMER);
  sd_test_wait_until (keyring_has_token (app->server->url));
  gtk_window_destroy (GTK_WINDOW (app->window));
  g_clear_object (&app->window);
  g_clear_object (&app->app);

  /* A new start finds the session in the keyring and skips the sign-in page. */
  second = sd_test_application_new (app->server->url);
  window = SD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (second)));
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (window), "signed-in") == 0);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (window),
                                         "Firewall blocks the update service"));

  gtk_window_destroy (GTK_WINDOW (window));
  sd_test_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sd/app/sign-in/page", test_sign_in_page);
  g_test_add_func ("/sd/app/sign-in/in-and-out", test_sign_in_and_out);
  g_test_add_func ("/sd/app/sign-in/restart", test_session_survives_restart);

  return g_test_run ();
}
