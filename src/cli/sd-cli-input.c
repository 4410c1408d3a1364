#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/*
 * Standard input: a prompt's answer, a password without echo, a whole text,
 * or a file to upload. It is read on the main loop like everything that may
 * wait, so that Ctrl+C interrupts a read (and the echo comes back).
 */

#define READ_CHUNK_SIZE (64 * 1024)

static GInputStream *
get_stdin (SdCli *cli)
{
  if (cli->stdin_stream == NULL)
    cli->stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);

  return cli->stdin_stream;
}

static void
prompt (const char *text)
{
  fputs (text, stderr);
  fflush (stderr);
}

char *
sd_cli_read_line (SdCli       *cli,
                  const char  *prompt_text,
                  gboolean     secret,
                  GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *line = NULL;
  struct termios saved;
  gboolean echo_off = FALSE;
  gsize length = 0;

  if (cli->stdin_lines == NULL)
    {
      cli->stdin_lines = g_data_input_stream_new (get_stdin (cli));
      /* A line ends at "\n"; a "\r" before it (a file from elsewhere) is dropped below. */
      g_data_input_stream_set_newline_type (cli->stdin_lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
    }

  if (cli->stdin_is_tty)
    {
      if (prompt_text != NULL)
        prompt (prompt_text);

      if (secret && tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~(tcflag_t)ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSANOW, &quiet) == 0;
        }
    }

  g_data_input_stream_read_line_async (cli->stdin_lines, G_PRIORITY_DEFAULT, cli->cancellable,
                                       sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  line = g_data_input_stream_read_line_finish (cli->stdin_lines, result, &length, &read_error);

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      /* The Enter that ended the password was not echoed either. */
      fputc ('\n', stderr);
    }

  if (read_error != NULL)
    {
      if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&read_error));
      else
        g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                     "cannot read standard input: %s", read_error->message);
      return NULL;
    }

  if (line == NULL)
    return NULL;

  if (length > 0 && line[length - 1] == '\r')
    line[length - 1] = '\0';

  if (!g_utf8_validate (line, -1, NULL))
    {
      g_set_error_literal (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                           "standard input is not UTF-8 text");
      return NULL;
    }

  return g_steal_pointer (&line);
}

char *
sd_cli_read_text (SdCli       *cli,
                  const char  *what,
                  const char  *prompt_text,
                  gsize        max_bytes,
                  GError     **error)
{
  GInputStream *input = get_stdin (cli);
  g_autoptr(GByteArray) data = g_byte_array_new ();

  if (cli->stdin_is_tty && prompt_text != NULL)
    prompt (prompt_text);

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) chunk = NULL;
      g_autoptr(GError) read_error = NULL;
      gsize size;

      g_input_stream_read_bytes_async (input, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                       cli->cancellable, sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      chunk = g_input_stream_read_bytes_finish (input, result, &read_error);

      if (chunk == NULL)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                         "cannot read the %s from standard input: %s", what,
                         read_error->message);
          return NULL;
        }

      if ((size = g_bytes_get_size (chunk)) == 0)
        break;

      if (size > max_bytes - MIN (data->len, max_bytes))
        {
          g_autofree char *limit = g_format_size (max_bytes);

          g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                       "the %s on standard input is larger than %s", what, limit);
          return NULL;
        }

      g_byte_array_append (data, g_bytes_get_data (chunk, NULL), size);
    }

  if (memchr (data->data, '\0', data->len) != NULL ||
      !g_utf8_validate ((const char *)data->data, data->len, NULL))
    {
      g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                   "the %s on standard input is not UTF-8 text", what);
      return NULL;
    }

  g_byte_array_append (data, (const guint8 *)"", 1);

  return (char *)g_byte_array_free (g_steal_pointer (&data), FALSE);
}

GFile *
sd_cli_spool_stdin (SdCli   *cli,
                    GError **error)
{
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  GOutputStream *output;

  file = g_file_new_tmp ("supportdesk-cli-XXXXXX", &stream, &local_error);
  if (file == NULL)
    {
      g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_FILE,
                   "cannot make a temporary file for standard input: %s", local_error->message);
      return NULL;
    }

  /* A file, rather than the pipe itself, tells the service the size before a byte is sent. */
  output = g_io_stream_get_output_stream (G_IO_STREAM (stream));
  g_output_stream_splice_async (output, get_stdin (cli), G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cli->cancellable,
                                sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);

  if (g_output_stream_splice_finish (output, result, &local_error) < 0 ||
      !g_io_stream_close (G_IO_STREAM (stream), NULL, &local_error))
    {
      g_file_delete (file, NULL, NULL);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_FILE,
                     "cannot keep standard input in a temporary file: %s",
                     local_error->message);
      return NULL;
    }

  return g_steal_pointer (&file);
}
