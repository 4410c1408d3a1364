#define G_LOG_DOMAIN "sd-test"

#include "config.h"

#include "sd-test-proxy.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

const char *
sd_test_proxy_binary (void)
{
  const char *binary = g_getenv ("SD_FAULT_PROXY_BINARY");

  g_assert_nonnull (binary);

  return binary;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
add_rate (GPtrArray  *argv,
          const char *option,
          double      rate)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (rate == 0)
    return;

  /* Not printf: the test's locale may write a decimal comma. */
  g_ptr_array_add (argv, g_strdup (option));
  g_ptr_array_add (argv, g_strdup (g_ascii_dtostr (text, sizeof text, rate)));
}

/* Returns FALSE when the proxy exits before it listens. */
static gboolean
try_start (SdTestProxy *self,
           const char  *listen)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  int fd;

  g_ptr_array_add (argv, g_strdup (sd_test_proxy_binary ()));
  g_ptr_array_add (argv, g_strdup ("--upstream"));
  g_ptr_array_add (argv, g_strdup (self->upstream));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup (listen));
  g_ptr_array_add (argv, g_strdup ("--seed"));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GUINT32_FORMAT, self->options.seed));
  add_rate (argv, "--drop-rate", self->options.drop_rate);
  add_rate (argv, "--drop-request-rate", self->options.drop_request_rate);
  add_rate (argv, "--drop-response-rate", self->options.drop_response_rate);
  add_rate (argv, "--stall-rate", self->options.stall_rate);
  add_rate (argv, "--error-rate", self->options.error_rate);
  if (self->options.stall_ms > 0)
    {
      g_ptr_array_add (argv, g_strdup ("--stall-ms"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", self->options.stall_ms));
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that fails aborts; its proxy must not outlive it. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Appended to, so that a restart keeps the earlier lines. */
  fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stderr_fd (launcher, fd);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                                &error);
  g_assert_no_error (error);

  self->control = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (self->control, NULL, NULL, &error);
  g_assert_no_error (error);

  if (line == NULL)
    {
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->control);
      g_clear_object (&self->process);
      return FALSE;
    }

  g_assert_true (g_str_has_prefix (line, "Listening on http://127.0.0.1:"));
  g_free (self->url);
  self->url = g_strdup (line + strlen ("Listening on "));

  return TRUE;
}

static void
start (SdTestProxy *self,
       const char  *listen)
{
  /*
   * A port given up a moment ago can be taken for a while by an outgoing
   * connection of some other program; it is free again soon.
   */
  for (guint i = 0; i < 100; i++)
    {
      if (try_start (self, listen))
        return;
      g_usleep (50 * 1000);
    }

  g_error ("sd-fault-proxy did not start; see %s", self->log_path);
}

SdTestProxy *
sd_test_proxy_new (const char               *upstream_url,
                   const SdTestProxyOptions *options)
{
  SdTestProxy *self = g_new0 (SdTestProxy, 1);
  g_autoptr(GError) error = NULL;
  int fd;

  self->upstream = g_strdup (upstream_url);
  if (options != NULL)
    self->options = *options;
  fd = g_file_open_tmp ("sd-fault-proxy-XXXXXX.log", &self->log_path, &error);
  g_assert_no_error (error);
  close (fd);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);

  start (self, "127.0.0.1:0");

  return self;
}

const char *
sd_test_proxy_get_url (SdTestProxy *self)
{
  return self->url;
}

void
sd_test_proxy_stop (SdTestProxy *self)
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
  g_clear_object (&self->control);
  g_clear_object (&self->process);
}

void
sd_test_proxy_restart (SdTestProxy              *self,
                       const SdTestProxyOptions *options)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *listen = NULL;

  g_assert_nonnull (uri);
  listen = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));

  sd_test_proxy_stop (self);
  if (options != NULL)
    self->options = *options;
  start (self, listen);
}

void
sd_test_proxy_set_blackhole (SdTestProxy *self,
                             gboolean     blackhole)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (self->process);

  g_subprocess_send_signal (self->process, blackhole ? SIGUSR1 : SIGUSR2);
  line = g_data_input_stream_read_line_utf8 (self->control, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, blackhole ? "Blackhole on" : "Blackhole off");
}

void
sd_test_proxy_free (SdTestProxy *self)
{
  if (self == NULL)
    return;

  sd_test_proxy_stop (self);
  g_clear_object (&self->session);
  g_unlink (self->log_path);
  g_free (self->log_path);
  g_free (self->upstream);
  g_free (self->url);
  g_free (self);
}

char *
sd_test_proxy_read_log (SdTestProxy *self)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (self->log_path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

SdTestResponse *
sd_test_proxy_request (SdTestProxy         *self,
                       const char          *method,
                       const char          *path,
                       const char          *token,
                       const char          *json,
                       const char * const  *headers,
                       GError             **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SdTestResponse) response = NULL;
  SoupMessageHeaders *request_headers;
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

  if (json != NULL)
    {
      g_autoptr(GBytes) request_body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", request_body);
    }

  body = soup_session_send_and_read (self->session, msg, NULL, error);
  if (body == NULL)
    return NULL;

  response = g_new0 (SdTestResponse, 1);
  response->body = g_steal_pointer (&body);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (response->headers, NULL);
  if (type != NULL && g_str_equal (type, "application/json") &&
      g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size = 0;
      const char *data = g_bytes_get_data (response->body, &size);

      /* A body cut short can arrive as if whole (see the header): no JSON then. */
      if (json_parser_load_from_data (parser, data, size, NULL))
        response->json = json_node_copy (json_parser_get_root (parser));
    }

  return g_steal_pointer (&response);
}
