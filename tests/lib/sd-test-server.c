#define G_LOG_DOMAIN "sd-test"

#include "config.h"

#include "sd-test-server.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

const char *
sd_test_server_binary (void)
{
  const char *binary = g_getenv ("SD_SERVER_BINARY");

  g_assert_nonnull (binary);

  return binary;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* @listen: "127.0.0.1:PORT", port 0 for a free one. */
static void
start_listening (SdTestServer *self,
                 const char   *listen)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_ptr_array_add (argv, (char *)sd_test_server_binary ());
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, (char *)listen);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, "--demo");
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, self->extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that fails aborts; its server must not outlive it. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (self->log_path != NULL)
    {
      /* Appended to, so that a restart keeps the earlier lines. */
      int fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      g_assert_cmpint (fd, >=, 0);
      g_subprocess_launcher_take_stderr_fd (launcher, fd);
    }
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                                &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  /* https:// when started with --tls-certificate and --tls-key. */
  g_assert_true (g_str_has_prefix (line, "Listening on http://127.0.0.1:") ||
                 g_str_has_prefix (line, "Listening on https://127.0.0.1:"));

  g_free (self->url);
  self->url = g_strdup (line + strlen ("Listening on "));
}

static void
start (SdTestServer *self)
{
  start_listening (self, "127.0.0.1:0");
}

SdTestServer *
sd_test_server_new (const char * const *extra_args)
{
  SdTestServer *self = g_new0 (SdTestServer, 1);
  g_autoptr(GError) error = NULL;

  self->data_dir = g_dir_make_tmp ("supportdesk-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->extra_args = g_strdupv ((char **)extra_args);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);

  start (self);

  return self;
}

void
sd_test_server_stop (SdTestServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  /* A clean shutdown, not a crash. */
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
  g_clear_object (&self->process);
}

void
sd_test_server_restart (SdTestServer *self)
{
  sd_test_server_stop (self);
  start (self);
}

void
sd_test_server_start_on_same_port (SdTestServer *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *listen = NULL;

  g_assert_null (self->process);
  g_assert_nonnull (uri);
  g_assert_cmpint (g_uri_get_port (uri), >, 0);

  listen = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  start_listening (self, listen);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }

  g_rmdir (path);
}

void
sd_test_server_free (SdTestServer *self)
{
  if (self == NULL)
    return;

  sd_test_server_stop (self);
  remove_tree (self->data_dir);
  g_clear_object (&self->session);
  g_free (self->data_dir);
  g_free (self->url);
  g_strfreev (self->extra_args);
  if (self->log_path != NULL)
    g_unlink (self->log_path);
  g_free (self->log_path);
  g_free (self);
}

SdTestResponse *
sd_test_request_full (SdTestServer       *self,
                      const char         *method,
                      const char         *path,
                      const char         *token,
                      const char         *content_type,
                      GBytes             *body,
                      const char * const *headers)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  SoupMessageHeaders *request_headers;
  SdTestResponse *response;
  const char *type;

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", value);
    }

  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  response = g_new0 (SdTestResponse, 1);
  response->body = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (response->headers, NULL);
  /* A HEAD answer has the type of a JSON body, but no body. */
  if (type != NULL && g_str_equal (type, "application/json") &&
      g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size = 0;
      const char *data = g_bytes_get_data (response->body, &size);

      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      response->json = json_node_copy (json_parser_get_root (parser));
    }

  return response;
}

SdTestResponse *
sd_test_request (SdTestServer *self,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *json)
{
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  return sd_test_request_full (self, method, path, token,
                               json != NULL ? "application/json" : NULL, body, NULL);
}

void
sd_test_response_free (SdTestResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

JsonObject *
sd_test_response_object (SdTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));

  return json_node_get_object (response->json);
}

void
sd_test_assert_error (SdTestResponse *response,
                      guint           status,
                      const char     *code,
                      const char     *field)
{
  JsonObject *error;

  g_assert_cmpuint (response->status, ==, status);
  error = json_object_get_object_member (sd_test_response_object (response), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_true (json_object_has_member (error, "message"));
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member_with_default (error, "field", NULL), ==, field);
  else
    g_assert_false (json_object_has_member (error, "field"));
}

char *
sd_test_login (SdTestServer *self,
               const char   *email,
               const char   *password)
{
  g_autofree char *json = NULL;
  g_autoptr(SdTestResponse) response = NULL;

  json = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
  response = sd_test_request (self, "POST", "/api/v1/session", NULL, json);
  g_assert_cmpuint (response->status, ==, 201);

  return g_strdup (json_object_get_string_member (sd_test_response_object (response), "token"));
}

SdTestServer *
sd_test_server_new_logged (const char * const *extra_args)
{
  SdTestServer *self = g_new0 (SdTestServer, 1);
  g_autoptr(GError) error = NULL;
  int fd;

  self->data_dir = g_dir_make_tmp ("supportdesk-test-XXXXXX", &error);
  g_assert_no_error (error);
  /* Outside the data dir: tests look at every file in there. */
  fd = g_file_open_tmp ("supportdesk-test-XXXXXX.log", &self->log_path, &error);
  g_assert_no_error (error);
  close (fd);
  self->extra_args = g_strdupv ((char **)extra_args);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);

  start (self);

  return self;
}

char *
sd_test_server_read_log (SdTestServer *self)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (self->log_path);
  g_file_get_contents (self->log_path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static void
parse_raw_response (SdTestResponse *response,
                    const guint8   *data,
                    gsize           length)
{
  const guint8 *end = NULL;
  SoupHTTPVersion version;
  gsize body_length;

  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  for (gsize i = 0; i + 4 <= length && end == NULL; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      end = data + i + 4;

  if (end == NULL ||
      !soup_headers_parse_response ((const char *)data, end - data, response->headers,
                                    &version, &response->status, NULL))
    {
      response->status = 0;
      response->body = g_bytes_new (data, length);
      return;
    }

  /* Only the first response: more may follow on the connection. */
  body_length = length - (end - data);
  if (soup_message_headers_get_encoding (response->headers) == SOUP_ENCODING_CONTENT_LENGTH)
    body_length = MIN (body_length,
                       (gsize)soup_message_headers_get_content_length (response->headers));

  response->body = g_bytes_new (end, body_length);
}

SdTestResponse *
sd_test_raw_request (SdTestServer *self,
                     GBytes       *request,
                     guint         timeout_seconds,
                     gboolean     *out_closed)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  SdTestResponse *response;
  GInputStream *input;
  gboolean closed = FALSE;
  const char *type;

  g_assert_true (g_str_has_prefix (self->url, "http://"));

  g_socket_client_set_timeout (client, timeout_seconds);
  connection = g_socket_client_connect_to_host (client, self->url + strlen ("http://"), 0,
                                                NULL, &error);
  g_assert_no_error (error);

  /* A server that answers early may close before all of it is written. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                             NULL, NULL, NULL);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  for (;;)
    {
      guint8 buffer[16 * 1024];
      g_autoptr(GError) read_error = NULL;
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &read_error);

      if (n > 0)
        {
          g_byte_array_append (received, buffer, n);
          continue;
        }

      /* A reset after the answer is a close as well; only a timeout is not. */
      closed = n == 0 || !g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      break;
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  if (out_closed != NULL)
    *out_closed = closed;

  response = g_new0 (SdTestResponse, 1);
  parse_raw_response (response, received->data, received->len);

  type = soup_message_headers_get_content_type (response->headers, NULL);
  if (response->status != 0 && type != NULL && g_str_equal (type, "application/json") &&
      g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size = 0;
      const char *data = g_bytes_get_data (response->body, &size);

      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      response->json = json_node_copy (json_parser_get_root (parser));
    }

  return response;
}

void
sd_test_assert_time_near (const char *text,
                          gint64      expected,
                          gint64      tolerance)
{
  g_autoptr(GDateTime) time = NULL;

  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "Z"));
  time = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (time);
  g_assert_cmpint (ABS (g_date_time_to_unix (time) - expected), <=, tolerance);
}

char *
sd_test_repeat (const char *text,
                guint       n)
{
  GString *result = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (result, text);

  return g_string_free (result, FALSE);
}

char *
sd_test_json_string (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);

  return json_to_string (node, FALSE);
}

SdTestCertificate *
sd_test_certificate_new (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GError) error = NULL;
  SdTestCertificate *self;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make a certificate");
      return NULL;
    }

  self = g_new0 (SdTestCertificate, 1);
  self->dir = g_dir_make_tmp ("supportdesk-tls-XXXXXX", &error);
  g_assert_no_error (error);
  self->certificate = g_build_filename (self->dir, "certificate.pem", NULL);
  self->key = g_build_filename (self->dir, "key.pem", NULL);

  g_spawn_sync (NULL,
                (char *[]) {
                  openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                  "-keyout", self->key, "-out", self->certificate, "-days", "2",
                  "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL
                },
                NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return self;
}

void
sd_test_certificate_free (SdTestCertificate *self)
{
  if (self == NULL)
    return;

  remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->certificate);
  g_free (self->key);
  g_free (self);
}
