#include "config.h"

#include "sd-sign-in-page.h"
#include "sd-test-app.h"

/*
 * The app and a service whose certificate no system CA signed, as with a
 * company's own CA: refused until the app is told to trust that CA, with
 * --ca-file or the "ca-file" key, and a clear word when that file is no use.
 */

#define TLS_MESSAGE "The support service’s identity cannot be verified, so the connection " \
                    "was refused to keep your data safe."
#define CA_FILE_UNREADABLE_MESSAGE "The certificate file this app is set to trust cannot be " \
                                   "used: it does not exist or cannot be read."
#define CA_FILE_INVALID_MESSAGE "The certificate file this app is set to trust cannot be " \
                                "used: it holds no certificate in PEM format."

typedef struct
{
  SdTestCertificate *certificate;
  SdTestApp         *app;
  GSettings         *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->certificate = sd_test_certificate_new ();
  if (fixture->certificate == NULL)
    return;

  /* The memory backend is shared by every app of this process. */
  fixture->settings = g_settings_new (APPLICATION_ID);
  g_settings_reset (fixture->settings, "ca-file");

  fixture->app = sd_test_app_new_full ((const char *[]) {
                                         "--tls-certificate", fixture->certificate->certificate,
                                         "--tls-key", fixture->certificate->key, NULL
                                       });
  g_assert_true (g_str_has_prefix (fixture->app->server->url, "https://"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->app, sd_test_app_free);
  if (fixture->settings != NULL)
    g_settings_reset (fixture->settings, "ca-file");
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->certificate, sd_test_certificate_free);
}

/* Fills the sign-in page with the right email and password, and presses "Sign in". */
static void
try_sign_in (Fixture *fixture)
{
  GtkWidget *root = GTK_WIDGET (fixture->app->window);

  sd_test_wait_until (gtk_widget_get_mapped (root));
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, "Email", G_TYPE_NONE, FALSE)),
                         SD_TEST_CUSTOMER);
  gtk_editable_set_text (GTK_EDITABLE (sd_test_find (root, "Password", G_TYPE_NONE, FALSE)),
                         SD_TEST_PASSWORD);
  sd_test_click (root, "Sign in");
}

/* Shows the ticket list, then signs out, so that the keyring keeps no session. */
static void
assert_signed_in (Fixture *fixture)
{
  GtkWidget *root = GTK_WIDGET (fixture->app->window);

  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "signed-in") == 0);
  sd_test_wait_until (sd_test_has_label (root, "Firewall blocks the update service"));
  sd_test_wait_until (!sd_test_has_label (root, TLS_MESSAGE));

  gtk_widget_activate_action (root, "win.sign-out", NULL);
  sd_test_wait_until (g_strcmp0 (sd_window_get_state (fixture->app->window), "sign-in") == 0);
}

/* Waits until the sign-in page says @message, and checks that it stays there. */
static void
assert_refused (Fixture    *fixture,
                const char *message)
{
  GtkWidget *root = GTK_WIDGET (fixture->app->window);

  sd_test_wait_until (sd_test_has_label (root, message));
  /* Ready for another try once the file is put right. */
  sd_test_wait_until (gtk_widget_is_sensitive (sd_test_find (root, "Sign in", GTK_TYPE_BUTTON,
                                                              FALSE)));
  g_assert_cmpstr (sd_window_get_state (fixture->app->window), ==, "sign-in");
  g_assert_null (sd_window_get_client (fixture->app->window));
}

/* Hides the page's message, tries again, and waits for @message to show again. */
static void
retry_refused (Fixture    *fixture,
               const char *message)
{
  GtkWidget *root = GTK_WIDGET (fixture->app->window);
  GtkWidget *page = sd_test_find_type (root, SD_TYPE_SIGN_IN_PAGE, NULL);

  g_assert_nonnull (page);
  sd_sign_in_page_set_message (SD_SIGN_IN_PAGE (page), NULL);
  sd_test_wait_until (!sd_test_has_label (root, message));

  sd_test_click (root, "Sign in");
  assert_refused (fixture, message);
}

static void
test_untrusted (Fixture       *fixture,
                gconstpointer  data)
{
  if (fixture->certificate == NULL)
    return;

  /* Only the system's CAs: the certificate is refused, and the page says why. */
  try_sign_in (fixture);
  assert_refused (fixture, TLS_MESSAGE);
}

static void
test_trusted_ca_file (Fixture       *fixture,
                      gconstpointer  data)
{
  if (fixture->certificate == NULL)
    return;

  g_settings_set_string (fixture->settings, "ca-file", fixture->certificate->certificate);
  try_sign_in (fixture);
  assert_signed_in (fixture);
}

static void
test_trust_once_more (Fixture       *fixture,
                      gconstpointer  data)
{
  if (fixture->certificate == NULL)
    return;

  /* A refusal first; the file set afterwards counts from the next try, without a restart. */
  try_sign_in (fixture);
  assert_refused (fixture, TLS_MESSAGE);

  g_settings_set_string (fixture->settings, "ca-file", fixture->certificate->certificate);
  sd_test_click (GTK_WIDGET (fixture->app->window), "Sign in");
  assert_signed_in (fixture);
}

static void
test_ca_file_option (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_autofree char *setting = NULL;
  int status = 0;

  if (fixture->certificate == NULL)
    return;

  /* --ca-file is for this run: it wins over the key, and does not change it. */
  g_settings_set_string (fixture->settings, "ca-file", "/nonexistent/ca.pem");
  g_variant_dict_insert_value (options, "ca-file",
                               g_variant_new_bytestring (fixture->certificate->certificate));
  g_signal_emit_by_name (fixture->app->app, "handle-local-options", options, &status);
  g_assert_cmpint (status, ==, -1);

  try_sign_in (fixture);
  assert_signed_in (fixture);

  setting = g_settings_get_string (fixture->settings, "ca-file");
  g_assert_cmpstr (setting, ==, "/nonexistent/ca.pem");
}

static void
test_ca_file_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *missing = NULL;

  if (fixture->certificate == NULL)
    return;

  missing = g_build_filename (fixture->certificate->dir, "missing.pem", NULL);
  g_settings_set_string (fixture->settings, "ca-file", missing);
  try_sign_in (fixture);
  assert_refused (fixture, CA_FILE_UNREADABLE_MESSAGE);

  /* A folder cannot be read as a file either. */
  g_settings_set_string (fixture->settings, "ca-file", fixture->certificate->dir);
  retry_refused (fixture, CA_FILE_UNREADABLE_MESSAGE);
}

static void
test_ca_file_not_pem (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->certificate == NULL)
    return;

  text = g_build_filename (fixture->certificate->dir, "notes.txt", NULL);
  g_file_set_contents (text, "Ask IT for the company certificate.\n", -1, &error);
  g_assert_no_error (error);

  /* Text, and a PEM file with a key but no certificate: neither holds a CA. */
  g_settings_set_string (fixture->settings, "ca-file", text);
  try_sign_in (fixture);
  assert_refused (fixture, CA_FILE_INVALID_MESSAGE);

  g_settings_set_string (fixture->settings, "ca-file", fixture->certificate->key);
  retry_refused (fixture, CA_FILE_INVALID_MESSAGE);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sd/app/tls/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("untrusted", test_untrusted);
  ADD ("trusted-ca-file", test_trusted_ca_file);
  ADD ("trust-once-more", test_trust_once_more);
  ADD ("ca-file-option", test_ca_file_option);
  ADD ("ca-file-missing", test_ca_file_missing);
  ADD ("ca-file-not-pem", test_ca_file_not_pem);

#undef ADD

  return g_test_run ();
}
