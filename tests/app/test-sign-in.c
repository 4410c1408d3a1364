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

/* Fills the page and presses "Sign in", as the user would. */
static void
sign_in_with (SdTestApp  *app,
              const char *email,
              const char *password)
{
  GtkWidget *root = GTK_WIDGET (app->window);

  sd_test_wait_until (gtk_widget_get_mapped (root));
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, "Email", G_TYPE_NONE, FALSE)), email);
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, "Password", G_TYPE_NONE, FALSE)),
                         password);
  sd_test_click (root, "Sign in");
}

/* Waits until the page is ready for another try, and checks that nobody signed in. */
static void
assert_not_signed_in (SdTestApp *app)
{
  GtkWidget *root = GTK_WIDGET (app->window);

  sd_test_wait_until (gtk_widget_is_sensitive (sd_test_find (root, "Sign in", GTK_TYPE_BUTTON,
                                                              FALSE)));
  g_assert_cmpstr (sd_window_get_state (app->window), ==, "sign-in");
  g_assert_null (sd_window_get_client (app->window));
  g_assert_false (keyring_has_token (app->server->url));
}

static void
test_unreachable (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();

  /* The server's port, with nothing listening on it any more. */
  sd_test_server_stop (app->server);

  sign_in_with (app, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (app->window),
                                         "The support service cannot be reached. Check your "
                                         "connection and the server address."));
  assert_not_signed_in (app);
}

static void
test_rate_limited (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();

  /* Ten wrong passwords, as from someone guessing; the limit counts per email. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;
      g_autofree char *json = NULL;

      json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"guess %u\"}",
                              SD_TEST_CUSTOMER, i);

      response = sd_test_request (app->server, "POST", "/api/v1/session", NULL, json);
      g_assert_cmpuint (response->status, ==, 401);
    }

  /* Then even the right one waits, and the page says how long, not that it is wrong. */
  sign_in_with (app, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_wait_until (sd_test_has_label_prefix (GTK_WIDGET (app->window),
                                                "Too many attempts. Please wait "));
  g_assert_false (sd_test_has_label (GTK_WIDGET (app->window),
                                     "The email address or password is not right."));
  assert_not_signed_in (app);
}

/*
 * Holds the write lock of the server's database, as a stuck maintenance job
 * would: the server's writes give up after its busy timeout and it answers
 * 500. Python's sqlite3 module takes the lock, as the app's tests link no
 * SQLite of their own. NULL, with the test skipped, without python3.
 */
static GSubprocess *
lock_database (SdTestServer *server)
{
  static const char script[] =
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "db.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n";
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *database = g_build_filename (server->data_dir, "supportdesk.db", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (python == NULL)
    {
      g_test_skip ("python3 is needed to lock the server's database");
      return NULL;
    }

  /* The lock goes when standard input closes, also when the test dies. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, python, "-c", script, database, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");

  return g_steal_pointer (&process);
}

static void
unlock_database (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

static void
test_server_error (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();
  g_autoptr(GSubprocess) lock = lock_database (app->server);

  if (lock == NULL)
    return;

  sign_in_with (app, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (app->window),
                                         "The support service has a problem right now. "
                                         "Please try again later."));
  assert_not_signed_in (app);

  /* Once the service is well again, the same page signs in. */
  unlock_database (lock);
  sd_test_click (GTK_WIDGET (app->window), "Sign in");
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (app->window), "signed-in") == 0);
  sd_test_wait_until (keyring_has_token (app->server->url));
  gtk_widget_activate_action (GTK_WIDGET (app->window), "win.sign-out", NULL);
  sd_test_wait_until (!keyring_has_token (app->server->url));
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
  GtkListView *list_view;
  SdWindow *window;

  sd_test_app_sign_in (app, SD_TEST_CUSTOMER);
  sd_test_wait_until (keyring_has_token (app->server->url));
  gtk_window_destroy (GTK_WINDOW (app->window));
  g_clear_object (&app->window);
  g_clear_object (&app->app);

  /*
   * A new start finds the session in the keyring and skips the sign-in page. The
   * signed-in page comes with its list: it is not shown empty just before.
   */
  second = sd_test_application_new (app->server->url);
  window = SD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (second)));
  while (g_strcmp0 (sd_window_get_state (window), "starting") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (sd_window_get_state (window), ==, "signed-in");
  list_view = GTK_LIST_VIEW (sd_test_find_type (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, NULL));
  g_assert_nonnull (gtk_list_view_get_model (list_view));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view))),
                    >, 0);
  sd_test_wait_until (sd_test_has_label (GTK_WIDGET (window),
                                         "Firewall blocks the update service"));

  gtk_window_destroy (GTK_WINDOW (window));
  sd_test_spin (50);
}

typedef struct
{
  gboolean  done;
  char     *token;
  char     *email;
} SessionLookup;

static void
session_looked_up_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SessionLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->token = sd_application_lookup_session_finish (SD_APPLICATION (source), result,
                                                        &lookup->email, &error);
  g_assert_no_error (error);
  lookup->done = TRUE;
}

/* What sd_application_lookup_session_async() gives; the email in @out_email. */
static char *
app_session_token (SdApplication  *app,
                   char          **out_email)
{
  SessionLookup lookup = { 0 };

  sd_application_lookup_session_async (app, NULL, session_looked_up_cb, &lookup);
  sd_test_wait_until (lookup.done);
  if (out_email != NULL)
    *out_email = g_steal_pointer (&lookup.email);
  g_free (lookup.email);

  return lookup.token;
}

static void
token_stored_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_credentials_store_token_finish (result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/*
 * The kept session is looked up as the app starts, for the server it starts
 * with, and answers the first question; what changes later is looked up again.
 */
static void
test_session_looked_up_at_start (void)
{
  g_autoptr(SdTestApp) app = sd_test_app_new ();
  g_autoptr(SdApplication) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *email = NULL;
  g_autofree char *again = NULL;
  g_autofree char *elsewhere = NULL;
  gboolean stored = FALSE;

  sd_test_app_sign_in (app, SD_TEST_CUSTOMER);
  sd_test_wait_until (keyring_has_token (app->server->url));
  gtk_window_destroy (GTK_WINDOW (app->window));
  g_clear_object (&app->window);
  g_clear_object (&app->app);

  /* Started as main() starts it: the server is the one used last, and no window yet. */
  second = sd_application_new ();
  g_application_set_application_id (G_APPLICATION (second), "com.example.SupportDesk.TestLookup");
  g_application_set_flags (G_APPLICATION (second), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (second), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_application_get_server_url (second), ==, app->server->url);

  token = app_session_token (second, &email);
  g_assert_cmpstr (email, ==, SD_TEST_CUSTOMER);
  g_assert_cmpuint (session_status (app->server, token), ==, 200);

  /* A session kept since is found: the answer of the start is not given twice. */
  sd_credentials_store_token_async (app->server->url, SD_TEST_CUSTOMER, "a-newer-token", NULL,
                                    token_stored_cb, &stored);
  sd_test_wait_until (stored);
  again = app_session_token (second, NULL);
  g_assert_cmpstr (again, ==, "a-newer-token");

  /* Another server has no session kept. */
  sd_application_set_server_url (second, "http://127.0.0.1:9");
  elsewhere = app_session_token (second, NULL);
  g_assert_null (elsewhere);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sd/app/sign-in/page", test_sign_in_page);
  g_test_add_func ("/sd/app/sign-in/in-and-out", test_sign_in_and_out);
  g_test_add_func ("/sd/app/sign-in/unreachable", test_unreachable);
  g_test_add_func ("/sd/app/sign-in/rate-limited", test_rate_limited);
  g_test_add_func ("/sd/app/sign-in/server-error", test_server_error);
  g_test_add_func ("/sd/app/sign-in/restart", test_session_survives_restart);
  g_test_add_func ("/sd/app/sign-in/looked-up-at-start", test_session_looked_up_at_start);

  return g_test_run ();
}
