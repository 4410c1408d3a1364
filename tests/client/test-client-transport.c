#define G_LOG_DOMAIN "sd-test-client-transport"

#include "config.h"

#include "sd-client.h"
#include "sd-test-client.h"

#include <string.h>

/*
 * What SdClient does when the answer is not the API's: no server at all, a
 * certificate it must not trust (and one it was told to trust), and a
 * server in this process that answers what the real one never would.
 */

static void
assert_client_error (const GError  *error,
                     SdClientError  code,
                     guint          status)
{
  g_assert_error (error, SD_CLIENT_ERROR, (int)code);
  g_assert_cmpuint (sd_client_error_get_status (error), ==, status);
}

static SdUser *
sign_in (SdClient  *client,
         GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_sign_in_async (client, SD_TEST_CUSTOMER, SD_TEST_PASSWORD, NULL,
                           sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_sign_in_finish (client, result, error);
}

static SdTicket *
get_ticket (SdClient  *client,
            gint64     id,
            GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_get_ticket_async (client, id, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);

  return sd_client_get_ticket_finish (client, result, error);
}

/* A loopback port where nothing listens: bound, then let go. */
static char *
closed_port_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static void
test_connection_refused (void)
{
  g_autofree char *url = closed_port_url ();
  SdClient *client = sd_client_new (url);
  g_autoptr(GError) error = NULL;

  g_assert_null (sign_in (client, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NETWORK, 0);
  g_assert_null (sd_client_error_get_field (error));

  g_assert_finalize_object (client);
}

static void
test_not_an_address (void)
{
  static const char * const addresses[] = {
    "not a server address", "ftp://example.com", "http://", "",
  };

  /* An address that is no http(s) URL fails like an unreachable server, without a critical. */
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      SdClient *client = sd_client_new (addresses[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (sign_in (client, &error));
      assert_client_error (error, SD_CLIENT_ERROR_NETWORK, 0);

      g_assert_finalize_object (client);
    }
}

static void
test_base_url (void)
{
  SdClient *client = sd_client_new ("https://support.example.com/");

  /* The trailing slash goes: paths are appended with their own. */
  g_assert_cmpstr (sd_client_get_base_url (client), ==, "https://support.example.com");
  g_assert_null (sd_client_get_token (client));

  g_assert_finalize_object (client);
}

static void
test_error_details (void)
{
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Failed");
  g_autoptr(GError) plain = g_error_new_literal (SD_CLIENT_ERROR, SD_CLIENT_ERROR_SERVER,
                                                 "Failed");

  /* Errors of other domains have no details, and asking them is no mistake. */
  g_assert_null (sd_client_error_get_field (other));
  g_assert_cmpint (sd_client_error_get_retry_after (other), ==, 0);
  g_assert_cmpuint (sd_client_error_get_status (other), ==, 0);
  g_assert_null (sd_client_error_get_field (NULL));

  g_assert_null (sd_client_error_get_field (plain));
  g_assert_cmpuint (sd_client_error_get_status (plain), ==, 0);
}

static void
test_tls (void)
{
  g_autoptr(SdTestCertificate) certificate = sd_test_certificate_new ();
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  SdClient *untrusting;
  SdClient *trusting;

  if (certificate == NULL)
    return;

  /* The real server, with a certificate made for this test, for 127.0.0.1. */
  server = sd_test_server_new ((const char *[]) {
                                 "--tls-certificate", certificate->certificate,
                                 "--tls-key", certificate->key, NULL
                               });
  g_assert_true (g_str_has_prefix (server->url, "https://"));

  /* The system does not know the certificate: the client refuses it. */
  untrusting = sd_client_new (server->url);
  g_assert_null (sign_in (untrusting, &error));
  assert_client_error (error, SD_CLIENT_ERROR_TLS, 0);
  g_clear_error (&error);
  g_assert_finalize_object (untrusting);

  /* Told to trust it, as a company trusts its own CA, the client signs in. */
  trusting = sd_client_new (server->url);
  g_assert_true (sd_client_set_ca_file (trusting, certificate->certificate, &error));
  g_assert_no_error (error);
  user = sign_in (trusting, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_user_get_email (user), ==, SD_TEST_CUSTOMER);

  g_assert_false (sd_client_set_ca_file (trusting, "/nonexistent/ca.pem", &error));
  g_assert_nonnull (error);

  g_assert_finalize_object (trusting);
}

/* A server in this process, answering what the API never would. */
typedef struct
{
  SoupServer *server;
  SdClient   *client;
  char       *user_agent;
} Fixture;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
fake_handler_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);

  g_free (fixture->user_agent);
  fixture->user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));

  if (g_str_equal (path, "/api/v1/categories"))
    {
      reply (msg, 200, "text/html", "<html><body>Sign in to the hotel Wi-Fi</body></html>");
    }
  else if (g_str_equal (path, "/api/v1/tickets/1"))
    {
      reply (msg, 200, "application/json", "{\"id\": \"one\"}");
    }
  else if (g_str_equal (path, "/api/v1/tickets/2"))
    {
      soup_message_headers_replace (headers, "Location", "https://elsewhere.example.com/");
      reply (msg, 302, NULL, NULL);
    }
  else if (g_str_equal (path, "/api/v1/tickets/3"))
    {
      reply (msg, 502, "text/plain", "Bad gateway");
    }
  else if (g_str_equal (path, "/api/v1/tickets/4"))
    {
      reply (msg, 500, "application/json",
             "{\"error\": {\"code\": \"internal\", \"message\": \"The disk is full\"}}");
    }
  else if (g_str_equal (path, "/api/v1/tickets/5"))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 120);
      g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Retry-After", date);
      reply (msg, 429, "application/json",
             "{\"error\": {\"code\": \"rate_limited\", \"message\": \"Slow down\"}}");
    }
  else if (g_str_equal (path, "/api/v1/tickets/6"))
    {
      reply (msg, 204, NULL, NULL);
    }
  else if (g_str_equal (path, "/api/v1/tickets/7"))
    {
      /* An unknown code: the status decides. */
      reply (msg, 404, "application/json", "{\"error\": {\"code\": \"gone_fishing\"}}");
    }
  else if (g_str_equal (path, "/api/v1/invitations"))
    {
      reply (msg, 200, "application/json", "{\"invitations\": [{\"id\": 1}]}");
    }
  else if (g_str_equal (path, "/api/v1/support-pin") && g_str_equal (method, "POST"))
    {
      /* A status, but no PIN: not the answer to a renewal. */
      reply (msg, 201, "application/json", "{\"active\": true}");
    }
  else if (g_str_equal (path, "/api/v1/session") && g_str_equal (method, "DELETE"))
    {
      reply (msg, 204, NULL, NULL);
    }
  else
    {
      reply (msg, 404, "application/json",
             "{\"error\": {\"code\": \"not_found\", \"message\": \"Not here\"}}");
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GSList *uris;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, fake_handler_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  fixture->client = sd_client_new (url);
  sd_client_set_token (fixture->client, "a-token");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->client);
  /* The connections it accepted are closed from the main loop. */
  soup_server_disconnect (fixture->server);
  g_assert_finalize_object (fixture->server);
  sd_test_run_for (50);
  g_clear_pointer (&fixture->user_agent, g_free);
}

static void
test_user_agent (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sd_client_sign_out_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_true (sd_client_sign_out_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->user_agent, ==, "SupportDesk/" PACKAGE_VERSION);
  g_assert_null (sd_client_get_token (fixture->client));
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A portal page in place of the API, as behind a hotel's Wi-Fi. */
  sd_client_list_categories_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_list_categories_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 200);
}

static void
test_wrong_shape (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (get_ticket (fixture->client, 1, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 200);
  g_clear_error (&error);

  /* No content where a ticket was due. */
  g_assert_null (get_ticket (fixture->client, 6, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 204);
  g_clear_error (&error);

  sd_client_list_invitations_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_list_invitations_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 200);
  g_clear_error (&error);
  g_clear_object (&result);

  sd_client_renew_pin_async (fixture->client, NULL, sd_test_store_result_cb, &result);
  sd_test_wait_for_result (&result);
  g_assert_null (sd_client_renew_pin_finish (fixture->client, result, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 201);
}

static void
test_redirect (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Not followed: the token would go along to another host. */
  g_assert_null (get_ticket (fixture->client, 2, &error));
  assert_client_error (error, SD_CLIENT_ERROR_INVALID_RESPONSE, 302);
}

static void
test_server_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* A proxy's failure, without the API's error body. */
  g_assert_null (get_ticket (fixture->client, 3, &error));
  assert_client_error (error, SD_CLIENT_ERROR_SERVER, 502);
  g_clear_error (&error);

  g_assert_null (get_ticket (fixture->client, 4, &error));
  assert_client_error (error, SD_CLIENT_ERROR_SERVER, 500);
  g_assert_cmpstr (error->message, ==, "The disk is full");
  g_clear_error (&error);

  g_assert_null (get_ticket (fixture->client, 7, &error));
  assert_client_error (error, SD_CLIENT_ERROR_NOT_FOUND, 404);
}

static void
test_retry_after_date (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Retry-After may also be a date. */
  g_assert_null (get_ticket (fixture->client, 5, &error));
  assert_client_error (error, SD_CLIENT_ERROR_RATE_LIMITED, 429);
  g_assert_cmpint (sd_client_error_get_retry_after (error), >=, 115);
  g_assert_cmpint (sd_client_error_get_retry_after (error), <=, 121);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sd/client/transport/connection-refused", test_connection_refused);
  g_test_add_func ("/sd/client/transport/not-an-address", test_not_an_address);
  g_test_add_func ("/sd/client/transport/base-url", test_base_url);
  g_test_add_func ("/sd/client/transport/error-details", test_error_details);
  g_test_add_func ("/sd/client/transport/tls", test_tls);

#define ADD(path, func) \
  g_test_add ("/sd/client/transport/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("user-agent", test_user_agent);
  ADD ("not-json", test_not_json);
  ADD ("wrong-shape", test_wrong_shape);
  ADD ("redirect", test_redirect);
  ADD ("server-errors", test_server_errors);
  ADD ("retry-after-date", test_retry_after_date);

#undef ADD

  return g_test_run ();
}
