#define G_LOG_DOMAIN "sd-test-credentials"

#include "config.h"

#include "sd-credentials.h"
#include "sd-test-client.h"

#include <libsecret/secret.h>

/*
 * The keyring through libsecret: these need a session bus with an unlocked
 * Secret Service, which build-aux/headless (and so build-aux/test) provides.
 * Each test uses a server address of its own, so tests never see each
 * other's items, nor anything else in the keyring.
 */

typedef struct
{
  char *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();

  fixture->server = g_strdup_printf ("https://test-%s.example.com", uuid);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, g_free);
}

static gboolean
have_keyring (void)
{
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("No session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no keyring; "
                   "run the tests through build-aux/headless");
      return FALSE;
    }

  return TRUE;
}

static void
store_token (const char *server,
             const char *email,
             const char *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_credentials_store_token_async (server, email, token, NULL, sd_test_store_result_cb,
                                    &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_credentials_store_token_finish (result, &error));
  g_assert_no_error (error);
}

static char *
lookup_token (const char  *server,
              const char  *email,
              char       **out_email)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  sd_credentials_lookup_token_async (server, email, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  token = sd_credentials_lookup_token_finish (result, out_email, &error);
  g_assert_no_error (error);

  return token;
}

static void
clear_token (const char *server,
             const char *email)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_credentials_clear_token_async (server, email, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_credentials_clear_token_finish (result, &error));
  g_assert_no_error (error);
}

/* The keyring keeps modification times in whole seconds. */
static void
wait_next_second (void)
{
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
}

static void
test_token_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *email = NULL;
  g_autofree char *again = NULL;

  if (!have_keyring ())
    return;

  store_token (fixture->server, "alex@example.com", "token-of-alex");

  token = lookup_token (fixture->server, "alex@example.com", &email);
  g_assert_cmpstr (token, ==, "token-of-alex");
  g_assert_cmpstr (email, ==, "alex@example.com");
  g_clear_pointer (&token, g_free);
  g_clear_pointer (&email, g_free);

  /* Storing again replaces the item rather than adding one. */
  store_token (fixture->server, "alex@example.com", "new-token-of-alex");
  token = lookup_token (fixture->server, NULL, &email);
  g_assert_cmpstr (token, ==, "new-token-of-alex");
  g_assert_cmpstr (email, ==, "alex@example.com");

  clear_token (fixture->server, "alex@example.com");
  again = lookup_token (fixture->server, "alex@example.com", NULL);
  g_assert_null (again);
}

static void
test_token_not_found (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *email = NULL;
  g_autofree char *token = NULL;

  if (!have_keyring ())
    return;

  /* Not found is no error, with or without an email; and clearing nothing is fine. */
  token = lookup_token (fixture->server, "nobody@example.com", &email);
  g_assert_null (token);
  g_assert_null (email);
  token = lookup_token (fixture->server, NULL, &email);
  g_assert_null (token);
  g_assert_null (email);
  clear_token (fixture->server, NULL);
}

static void
test_token_last_used (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *other_server = g_strconcat (fixture->server, ".other", NULL);
  g_autofree char *token = NULL;
  g_autofree char *email = NULL;

  if (!have_keyring ())
    return;

  store_token (fixture->server, "alex@example.com", "token-of-alex");
  wait_next_second ();
  store_token (fixture->server, "sam@example.com", "token-of-sam");
  wait_next_second ();
  store_token (other_server, "kim@example.com", "token-of-kim");

  /* Without an email, the account whose session was stored last on that server. */
  token = lookup_token (fixture->server, NULL, &email);
  g_assert_cmpstr (token, ==, "token-of-sam");
  g_assert_cmpstr (email, ==, "sam@example.com");
  g_clear_pointer (&token, g_free);
  g_clear_pointer (&email, g_free);

  wait_next_second ();
  store_token (fixture->server, "alex@example.com", "token-of-alex-again");
  token = lookup_token (fixture->server, NULL, &email);
  g_assert_cmpstr (token, ==, "token-of-alex-again");
  g_assert_cmpstr (email, ==, "alex@example.com");
  g_clear_pointer (&token, g_free);
  g_clear_pointer (&email, g_free);

  /* Clearing without an email clears every account of that server, and only of that one. */
  clear_token (fixture->server, NULL);
  token = lookup_token (fixture->server, NULL, NULL);
  g_assert_null (token);
  token = lookup_token (other_server, NULL, &email);
  g_assert_cmpstr (token, ==, "token-of-kim");
  g_assert_cmpstr (email, ==, "kim@example.com");

  clear_token (other_server, NULL);
}

/* The schema of the session items, written out here to look at them from outside. */
static const SecretSchema session_schema = {
  "com.example.SupportDesk.Session", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* What people see in Passwords and Keys says what the item is. */
static void
test_labels (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *label = NULL;
  GList *items;

  if (!have_keyring ())
    return;

  store_token (fixture->server, "alex@example.com", "token-of-alex");

  secret_password_search (&session_schema, SECRET_SEARCH_ALL, NULL, sd_test_store_result_cb,
                          &result,
                          "server", fixture->server,
                          NULL);
  sd_test_wait_for_result (&result);
  items = secret_password_search_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  label = secret_retrievable_get_label (items->data);
  expected = g_strdup_printf ("SupportDesk session for alex@example.com on %s", fixture->server);
  g_assert_cmpstr (label, ==, expected);

  g_list_free_full (items, g_object_unref);
  clear_token (fixture->server, NULL);
}

static void
test_pin (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *token = NULL;

  if (!have_keyring ())
    return;

  sd_credentials_store_pin_async (fixture->server, "alex@example.com", "482913706", NULL,
                                  sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_credentials_store_pin_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sd_credentials_lookup_pin_async (fixture->server, "alex@example.com", NULL,
                                   sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  pin = sd_credentials_lookup_pin_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pin, ==, "482913706");
  g_clear_object (&result);

  /* The PIN and the session are separate items. */
  token = lookup_token (fixture->server, "alex@example.com", NULL);
  g_assert_null (token);

  sd_credentials_clear_pin_async (fixture->server, "alex@example.com", NULL,
                                  sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_credentials_clear_pin_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&pin, g_free);

  sd_credentials_lookup_pin_async (fixture->server, "alex@example.com", NULL,
                                   sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  pin = sd_credentials_lookup_pin_finish (result, &error);
  g_assert_no_error (error);
  g_assert_null (pin);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sd/client/credentials/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("token/round-trip", test_token_round_trip);
  ADD ("token/not-found", test_token_not_found);
  ADD ("token/last-used", test_token_last_used);
  ADD ("labels", test_labels);
  ADD ("pin", test_pin);

#undef ADD

  status = g_test_run ();

  /* Drops the shared Secret Service proxy, so that leak checkers see what is really lost. */
  secret_service_disconnect ();

  return status;
}
