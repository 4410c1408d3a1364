#define G_LOG_DOMAIN "sd-test-fault-proxy"

#include "config.h"

#include "sd-test-proxy.h"

#include <string.h>

/*
 * The fault-injecting proxy itself: that it passes traffic through
 * untouched, that each fault looks to a client as promised, and that a seed
 * fixes the sequence of faults.
 */

#define TICKET_JSON \
  "{\"category\": \"billing\", \"subject\": \"%s\", \"description\": \"Please refund.\"}"

typedef struct
{
  SdTestServer *server;
  SdTestProxy  *proxy;
  char         *token;  /* the customer's, signed in directly */
} Fixture;

static const SdTestProxyOptions pass_through = { .seed = 1 };
static const SdTestProxyOptions errors = { .seed = 1, .error_rate = 1 };
static const SdTestProxyOptions drops = { .seed = 1, .drop_rate = 1 };
static const SdTestProxyOptions response_drops = { .seed = 1, .drop_response_rate = 1 };
static const SdTestProxyOptions stalls = { .seed = 1, .stall_rate = 1, .stall_ms = 100 };
static const SdTestProxyOptions mixed = {
  .seed = 7, .drop_rate = 0.3, .error_rate = 0.3, .stall_rate = 0.1, .stall_ms = 20,
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = sd_test_server_new (NULL);
  fixture->proxy = sd_test_proxy_new (fixture->server->url, data);
  fixture->token = sd_test_login (fixture->server, SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *log = NULL;

  /*
   * In the TAP output, next to each result; after a failed assertion the log
   * is in the proxy's temporary file, which is then left behind.
   */
  log = sd_test_proxy_read_log (fixture->proxy);
  g_test_message ("%s", log);

  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->proxy, sd_test_proxy_free);
  g_clear_pointer (&fixture->server, sd_test_server_free);
}

/* Through the proxy; asserts that an answer came. */
static SdTestResponse *
request_ok (Fixture            *fixture,
            const char         *method,
            const char         *path,
            const char         *token,
            const char         *json,
            const char * const *headers)
{
  g_autoptr(GError) error = NULL;
  SdTestResponse *response = sd_test_proxy_request (fixture->proxy, method, path, token, json,
                                                    headers, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);

  return response;
}

/* How many of the customer's tickets, asked of the server directly, have @subject. */
static guint
count_subject (Fixture    *fixture,
               const char *subject,
               gint64     *out_id)
{
  g_autoptr(SdTestResponse) response = NULL;
  JsonArray *tickets;
  guint count = 0;

  response = sd_test_request (fixture->server, "GET", "/api/v1/tickets?limit=100",
                              fixture->token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  tickets = json_object_get_array_member (sd_test_response_object (response), "tickets");

  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);

      if (g_strcmp0 (json_object_get_string_member (ticket, "subject"), subject) == 0)
        {
          count++;
          if (out_id != NULL)
            *out_id = json_object_get_int_member (ticket, "id");
        }
    }

  return count;
}

/*
 * The proxy's lines about requests since it last started:
 * "connection N: METHOD PATH: fault".
 */
static GPtrArray *
faults_of_last_run (Fixture *fixture)
{
  g_autofree char *log = sd_test_proxy_read_log (fixture->proxy);
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  GPtrArray *faults = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *request = strstr (lines[i], ": #");

      if (g_str_has_prefix (lines[i], "sd-fault-proxy: seed "))
        g_ptr_array_set_size (faults, 0);
      else if (request != NULL && (request = strchr (request + 2, ' ')) != NULL)
        g_ptr_array_add (faults, g_strdup (request + 1));
    }

  return faults;
}

static GSocketConnection *
raw_connect (Fixture *fixture)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 30);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, fixture->proxy->url + strlen ("http://"),
                                                0, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

/*
 * Reads until @until has come, or until the proxy closes the connection
 * when @until is NULL. Returns NULL when nothing more came for
 * @timeout_seconds.
 */
static GBytes *
raw_receive (GSocketConnection *connection,
             guint              timeout_seconds,
             const char        *until)
{
  g_autoptr(GByteArray) received = g_byte_array_new ();
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  g_socket_set_timeout (g_socket_connection_get_socket (connection), timeout_seconds);
  for (;;)
    {
      guint8 buffer[16 * 1024];
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (input, buffer, until != NULL ? 1 : sizeof buffer, NULL,
                                      &error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        return NULL;
      /* A reset after the answer is a close as well. */
      if (n <= 0)
        break;
      g_byte_array_append (received, buffer, n);
      if (until != NULL && received->len >= strlen (until) &&
          memcmp (received->data + received->len - strlen (until), until, strlen (until)) == 0)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&received));
}

/*
 * Sends @request on a new connection to the proxy and reads until it is
 * closed. Write errors are ignored: the proxy may close first.
 */
static GBytes *
raw_exchange (Fixture *fixture,
              GBytes  *request)
{
  g_autoptr(GSocketConnection) connection = raw_connect (fixture);
  GBytes *answer;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                             NULL, NULL, NULL);

  /* A time-out would mean the proxy hangs: that is a failure, not a close. */
  answer = raw_receive (connection, 30, NULL);
  g_assert_nonnull (answer);

  return answer;
}

static void
raw_send (GSocketConnection *connection,
          const char        *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* The status of the raw response in @bytes, 0 for none. */
static guint
raw_status (GBytes *bytes)
{
  gsize size = g_bytes_get_size (bytes);
  g_autofree char *text = g_strndup (size > 0 ? g_bytes_get_data (bytes, NULL) : "", size);
  guint64 status = 0;

  if (!g_str_has_prefix (text, "HTTP/1.1 ") || strlen (text) < 12)
    return 0;
  text[12] = '\0';
  g_ascii_string_to_unsigned (text + 9, 10, 100, 599, &status, NULL);

  return status;
}

/* An upload of "hello" whose client waits for "100 Continue" before it sends the body. */
static char *
expect_continue_head (Fixture *fixture)
{
  return g_strdup_printf ("POST /api/v1/uploads?filename=hello.txt HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: text/plain\r\nContent-Length: 5\r\n"
                          "Expect: 100-continue\r\nConnection: close\r\n\r\n",
                          fixture->token);
}

static void
test_pass_through (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SdTestResponse) health = NULL;
  g_autoptr(SdTestResponse) head = NULL;
  g_autoptr(SdTestResponse) session = NULL;
  g_autoptr(SdTestResponse) me = NULL;
  g_autoptr(SdTestResponse) ticket = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;

  health = request_ok (fixture, "GET", "/healthz", NULL, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (sd_test_response_object (health), "status"),
                   ==, "ok");

  /* A HEAD answer announces a body it does not have: the next answer must still be found. */
  head = request_ok (fixture, "HEAD", "/healthz", NULL, NULL, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);

  json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}",
                          SD_TEST_CUSTOMER, SD_TEST_PASSWORD);
  session = request_ok (fixture, "POST", "/api/v1/session", NULL, json, NULL);
  g_assert_cmpuint (session->status, ==, 201);
  token = g_strdup (json_object_get_string_member (sd_test_response_object (session), "token"));
  g_assert_nonnull (token);

  me = request_ok (fixture, "GET", "/api/v1/session", token, NULL, NULL);
  g_assert_cmpuint (me->status, ==, 200);

  g_clear_pointer (&json, g_free);
  json = g_strdup_printf (TICKET_JSON, "Through the proxy");
  ticket = request_ok (fixture, "POST", "/api/v1/tickets", token, json, NULL);
  g_assert_cmpuint (ticket->status, ==, 201);
  g_assert_cmpuint (count_subject (fixture, "Through the proxy", NULL), ==, 1);

  /*
   * Every request was seen. libsoup keeps the connection for the HEAD after
   * the GET (a POST gets a new one).
   */
  faults = faults_of_last_run (fixture);
  g_assert_cmpuint (faults->len, ==, 5);
  g_assert_cmpstr (faults->pdata[0], ==, "connection 1: GET /healthz: pass (health check)");
  g_assert_cmpstr (faults->pdata[1], ==, "connection 1: HEAD /healthz: pass");
  g_assert_true (g_str_has_suffix (faults->pdata[4], ": POST /api/v1/tickets: pass"));
}

static void
test_raw (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GBytes) pipelined = NULL;
  g_autoptr(GBytes) pipelined_answer = NULL;
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GBytes) garbage_answer = NULL;
  g_autoptr(GBytes) oversized = NULL;
  g_autoptr(GBytes) oversized_answer = NULL;
  g_autoptr(GBytes) bad_chunks = NULL;
  g_autoptr(GBytes) bad_chunks_answer = NULL;
  g_autoptr(GBytes) chunked = NULL;
  g_autoptr(GBytes) chunked_answer = NULL;
  g_autoptr(GBytes) upload = NULL;
  g_autoptr(GBytes) upload_answer = NULL;
  g_autoptr(GSocketConnection) continued = NULL;
  g_autofree char *continued_head = NULL;
  g_autoptr(GBytes) interim = NULL;
  g_autoptr(GBytes) continued_answer = NULL;
  g_autoptr(SdTestResponse) health = NULL;
  g_autofree char *long_line = sd_test_repeat ("a", 70 * 1024);
  g_autofree char *file = sd_test_repeat ("0123456789abcdef", 64 * 1024);
  GString *text;

  /*
   * Requests sent at once on one connection are answered in turn; the HEAD
   * answer's Content-Length announces no body that follows.
   */
  text = g_string_new (NULL);
  g_string_append (text, "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_string_append (text, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n");
  pipelined = g_string_free_to_bytes (text);
  pipelined_answer = raw_exchange (fixture, pipelined);
  g_assert_cmpuint (raw_status (pipelined_answer), ==, 200);
  {
    g_autofree char *answer = g_strndup (g_bytes_get_data (pipelined_answer, NULL),
                                         g_bytes_get_size (pipelined_answer));
    const char *second = strstr (answer + 1, "HTTP/1.1 200 ");

    g_assert_nonnull (second);
    g_assert_null (strstr (second + 1, "HTTP/1.1 "));
    g_assert_true (g_str_has_suffix (second, "\r\n\r\n{\"status\":\"ok\"}"));
  }

  /* What cannot be parsed is closed on, and nothing else is disturbed. */
  garbage = g_bytes_new_static ("GARBAGE\r\n\r\n", strlen ("GARBAGE\r\n\r\n"));
  garbage_answer = raw_exchange (fixture, garbage);
  g_assert_cmpuint (g_bytes_get_size (garbage_answer), ==, 0);

  text = g_string_new ("GET /healthz HTTP/1.1\r\nX-Long: ");
  g_string_append (text, long_line);
  oversized = g_string_free_to_bytes (text);
  oversized_answer = raw_exchange (fixture, oversized);
  g_assert_cmpuint (g_bytes_get_size (oversized_answer), ==, 0);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"
                          "zz\r\n{}\r\n0\r\n\r\n", fixture->token);
  bad_chunks = g_string_free_to_bytes (text);
  bad_chunks_answer = raw_exchange (fixture, bad_chunks);
  g_assert_cmpuint (raw_status (bad_chunks_answer), ==, 0);

  /* A chunked body, with an extension and a trailer, ends where the proxy thinks. */
  text = g_string_new (NULL);
  g_string_append_printf (text, "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                          fixture->token);
  {
    g_autofree char *json = g_strdup_printf (TICKET_JSON, "Chunked");
    gsize half = strlen (json) / 2;

    g_string_append_printf (text, "%zx;part=one\r\n%.*s\r\n", half, (int)half, json);
    g_string_append_printf (text, "%zX\r\n%s\r\n", strlen (json) - half, json + half);
    g_string_append (text, "0\r\nX-Trailer: yes\r\n\r\n");
  }
  chunked = g_string_free_to_bytes (text);
  chunked_answer = raw_exchange (fixture, chunked);
  g_assert_cmpuint (raw_status (chunked_answer), ==, 201);
  g_assert_cmpuint (count_subject (fixture, "Chunked", NULL), ==, 1);

  /* A large body with a length passes whole. */
  text = g_string_new (NULL);
  g_string_append_printf (text, "POST /api/v1/uploads?filename=big.bin HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                          fixture->token, strlen (file), file);
  upload = g_string_free_to_bytes (text);
  upload_answer = raw_exchange (fixture, upload);
  g_assert_cmpuint (raw_status (upload_answer), ==, 201);

  /* The server's interim answer reaches the client, and then the body the server. */
  continued = raw_connect (fixture);
  continued_head = expect_continue_head (fixture);
  raw_send (continued, continued_head);
  interim = raw_receive (continued, 30, "\r\n\r\n");
  g_assert_nonnull (interim);
  g_assert_cmpuint (raw_status (interim), ==, 100);
  raw_send (continued, "hello");
  continued_answer = raw_receive (continued, 30, NULL);
  g_assert_nonnull (continued_answer);
  g_assert_cmpuint (raw_status (continued_answer), ==, 201);

  health = request_ok (fixture, "GET", "/healthz", NULL, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SdTestResponse) health = NULL;
  g_autofree char *json = g_strdup_printf (TICKET_JSON, "Never created");
  g_autoptr(GSocketConnection) expecting = NULL;
  g_autofree char *expecting_head = NULL;
  g_autoptr(GBytes) expecting_answer = NULL;
  gboolean seen_500 = FALSE, seen_503 = FALSE, seen_429 = FALSE;

  /* Health checks pass, whatever the rates. */
  health = request_ok (fixture, "GET", "/healthz", NULL, NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);

  for (guint i = 0; i < 24; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;
      const char *retry_after;

      response = request_ok (fixture, "POST", "/api/v1/tickets", fixture->token, json, NULL);
      retry_after = soup_message_headers_get_one (response->headers, "Retry-After");
      switch (response->status)
        {
        case 500:
          sd_test_assert_error (response, 500, "internal", NULL);
          g_assert_null (retry_after);
          seen_500 = TRUE;
          break;
        case 503:
          sd_test_assert_error (response, 503, "internal", NULL);
          g_assert_cmpstr (retry_after, ==, "1");
          seen_503 = TRUE;
          break;
        case 429:
          sd_test_assert_error (response, 429, "rate_limited", NULL);
          g_assert_cmpstr (retry_after, ==, "1");
          seen_429 = TRUE;
          break;
        default:
          g_assert_not_reached ();
        }
      g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL),
                       ==, "application/json");
    }

  /* A client that waits for "100 Continue" is answered at once, without sending the body. */
  expecting = raw_connect (fixture);
  expecting_head = expect_continue_head (fixture);
  raw_send (expecting, expecting_head);
  expecting_answer = raw_receive (expecting, 30, NULL);
  g_assert_nonnull (expecting_answer);
  g_assert_true (raw_status (expecting_answer) == 500 || raw_status (expecting_answer) == 503 ||
                 raw_status (expecting_answer) == 429);

  /* With this seed, 24 draws give every kind. */
  g_assert_true (seen_500 && seen_503 && seen_429);
  /* The proxy answered alone: the server never saw a request. */
  g_assert_cmpuint (count_subject (fixture, "Never created", NULL), ==, 0);
}

static void
test_drops (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *log = NULL;

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdTestResponse) response = NULL;

      response = sd_test_proxy_request (fixture->proxy, "GET", "/api/v1/tickets",
                                        fixture->token, NULL, NULL, &error);
      g_assert_null (response);
      g_assert_nonnull (error);
      g_test_message ("request %u: %s", i, error->message);
    }

  log = sd_test_proxy_read_log (fixture->proxy);
  g_assert_nonnull (strstr (log, ": drop-request at "));
  g_assert_nonnull (strstr (log, ": drop-response at "));
}

static void
test_response_drop (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf (TICKET_JSON, "Lost answer");
  const char *headers[] = { "Idempotency-Key", "lost-answer-1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTestResponse) lost = NULL;
  g_autoptr(SdTestResponse) retry = NULL;
  gint64 id = 0;

  lost = sd_test_proxy_request (fixture->proxy, "POST", "/api/v1/tickets", fixture->token,
                                json, headers, &error);
  g_assert_null (lost);
  g_assert_nonnull (error);

  /* The client learnt nothing, but the server did the work, once. */
  g_assert_cmpuint (count_subject (fixture, "Lost answer", &id), ==, 1);

  /* Once the network is healed, a retry with the key gets the first answer. */
  sd_test_proxy_restart (fixture->proxy, &pass_through);
  retry = request_ok (fixture, "POST", "/api/v1/tickets", fixture->token, json, headers);
  g_assert_cmpuint (retry->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (sd_test_response_object (retry), "id"), ==, id);
  g_assert_cmpuint (count_subject (fixture, "Lost answer", NULL), ==, 1);
}

static void
test_stall (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *log = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SdTestResponse) response = NULL;

      response = request_ok (fixture, "GET", "/api/v1/tickets", fixture->token, NULL, NULL);
      g_assert_cmpuint (response->status, ==, 200);
    }

  log = sd_test_proxy_read_log (fixture->proxy);
  g_assert_nonnull (strstr (log, "GET /api/v1/tickets: stall "));
}

static char *
run_sequence (Fixture *fixture)
{
  GString *outcomes = g_string_new (NULL);

  for (guint i = 0; i < 24; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdTestResponse) response = NULL;

      /*
       * One request per connection: libsoup resends a request that fails on
       * a connection it reused, and that would draw one more fault.
       */
      soup_session_abort (fixture->proxy->session);
      response = sd_test_proxy_request (fixture->proxy, "GET", "/api/v1/tickets",
                                        fixture->token, NULL, NULL, &error);
      if (response != NULL)
        g_string_append_printf (outcomes, "%u ", response->status);
      else
        g_string_append (outcomes, "dropped ");
    }

  return g_string_free (outcomes, FALSE);
}

static void
test_same_seed (Fixture       *fixture,
                gconstpointer  data)
{
  SdTestProxyOptions other = mixed;
  g_autofree char *first = run_sequence (fixture);
  g_autoptr(GPtrArray) first_faults = faults_of_last_run (fixture);
  g_autofree char *second = NULL;
  g_autoptr(GPtrArray) second_faults = NULL;
  g_autofree char *third = NULL;

  g_test_message ("seed %u: %s", mixed.seed, first);
  /* The sequence mixes outcomes, or this test would prove little. */
  g_assert_nonnull (strstr (first, "200 "));
  g_assert_nonnull (strstr (first, "dropped "));
  g_assert_true (strstr (first, "500 ") != NULL || strstr (first, "503 ") != NULL ||
                 strstr (first, "429 ") != NULL);

  sd_test_proxy_restart (fixture->proxy, NULL);
  second = run_sequence (fixture);
  second_faults = faults_of_last_run (fixture);
  g_assert_cmpstr (second, ==, first);
  g_assert_cmpuint (second_faults->len, ==, 24);
  g_assert_cmpuint (first_faults->len, ==, second_faults->len);
  for (guint i = 0; i < first_faults->len; i++)
    g_assert_cmpstr (second_faults->pdata[i], ==, first_faults->pdata[i]);

  other.seed = mixed.seed + 1;
  sd_test_proxy_restart (fixture->proxy, &other);
  third = run_sequence (fixture);
  g_test_message ("seed %u: %s", other.seed, third);
  g_assert_cmpstr (third, !=, first);
}

#define HEALTH_REQUEST "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define HEALTH_CLOSE_REQUEST \
  "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
#define HEALTH_BODY "{\"status\":\"ok\"}"

static void
test_blackhole (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSocketConnection) open = raw_connect (fixture);
  g_autoptr(GSocketConnection) fresh = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) held_open = NULL;
  g_autoptr(GBytes) held_fresh = NULL;
  g_autoptr(GBytes) served_open = NULL;
  g_autoptr(GBytes) served_fresh = NULL;
  g_autoptr(SdTestResponse) after = NULL;

  raw_send (open, HEALTH_REQUEST);
  before = raw_receive (open, 30, HEALTH_BODY);
  g_assert_cmpuint (raw_status (before), ==, 200);

  /* Nothing is answered, neither on a connection already open nor on a new one. */
  sd_test_proxy_set_blackhole (fixture->proxy, TRUE);
  raw_send (open, HEALTH_CLOSE_REQUEST);
  held_open = raw_receive (open, 1, NULL);
  g_assert_null (held_open);
  fresh = raw_connect (fixture);
  raw_send (fresh, HEALTH_CLOSE_REQUEST);
  held_fresh = raw_receive (fresh, 1, NULL);
  g_assert_null (held_fresh);

  /* Then what was held is served, as after a network outage that heals. */
  sd_test_proxy_set_blackhole (fixture->proxy, FALSE);
  served_open = raw_receive (open, 30, NULL);
  g_assert_nonnull (served_open);
  g_assert_cmpuint (raw_status (served_open), ==, 200);
  served_fresh = raw_receive (fresh, 30, NULL);
  g_assert_nonnull (served_fresh);
  g_assert_cmpuint (raw_status (served_fresh), ==, 200);

  after = request_ok (fixture, "GET", "/api/v1/tickets", fixture->token, NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sd/fault-proxy/pass-through", Fixture, &pass_through,
              fixture_set_up, test_pass_through, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/raw", Fixture, &pass_through,
              fixture_set_up, test_raw, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/errors", Fixture, &errors,
              fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/drops", Fixture, &drops,
              fixture_set_up, test_drops, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/response-drop", Fixture, &response_drops,
              fixture_set_up, test_response_drop, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/stall", Fixture, &stalls,
              fixture_set_up, test_stall, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/same-seed", Fixture, &mixed,
              fixture_set_up, test_same_seed, fixture_tear_down);
  g_test_add ("/sd/fault-proxy/blackhole", Fixture, &pass_through,
              fixture_set_up, test_blackhole, fixture_tear_down);

  return g_test_run ();
}
