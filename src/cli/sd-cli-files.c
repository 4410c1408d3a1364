#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include "sd-upload.h"

#include <stdio.h>
#include <string.h>

/*
 * Files both ways: attachments uploaded before the ticket or message that
 * carries them, and an attachment downloaded without ever replacing a file
 * that the user did not name.
 */

/* A local file the user named could not be used: exit 2, with the name in the message. */
static GError *
file_error (const char   *verb,
            const char   *path,
            const GError *cause)
{
  g_autofree char *display = g_filename_display_name (path);
  const char *reason = cause->message;

  /* GIO's own messages repeat the name; the common reasons are said shorter. */
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    reason = "no such file or folder";
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    reason = "permission denied";
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    reason = "it is a folder";
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    reason = "no space left on the disk";

  return g_error_new (SD_CLI_ERROR, SD_CLI_ERROR_FILE, "cannot %s '%s': %s", verb, display,
                      reason);
}

/* The files must all be there before the first is sent, so that a typo costs no upload. */
static gboolean
check_files (const char * const  *paths,
             GError             **error)
{
  guint from_stdin = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = NULL;
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) local_error = NULL;

      if (g_strcmp0 (paths[i], "-") == 0)
        {
          if (++from_stdin > 1)
            {
              g_set_error_literal (error, SD_CLI_ERROR, SD_CLI_ERROR_USAGE,
                                   "--attach - can be given only once");
              return FALSE;
            }
          continue;
        }

      file = g_file_new_for_commandline_arg (paths[i]);
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                G_FILE_ATTRIBUTE_ACCESS_CAN_READ,
                                G_FILE_QUERY_INFO_NONE, NULL, &local_error);
      if (info == NULL)
        {
          g_propagate_error (error, file_error ("attach", paths[i], local_error));
          return FALSE;
        }

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_autofree char *display = g_filename_display_name (paths[i]);

          g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_FILE,
                       "cannot attach '%s': it is not a file", display);
          return FALSE;
        }

      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
          !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
        {
          g_autofree char *display = g_filename_display_name (paths[i]);

          g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_FILE,
                       "cannot attach '%s': it cannot be read (permission denied)", display);
          return FALSE;
        }
    }

  return TRUE;
}

typedef struct
{
  char     *name;
  gboolean  shown;
} Progress;

static void
progress_free (Progress *progress)
{
  g_free (progress->name);
  g_free (progress);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Progress, progress_free)

/* One line, rewritten in place: it is only ever drawn on a terminal. */
static void
sent_cb (SdUpload   *upload,
         GParamSpec *pspec,
         Progress   *progress)
{
  g_autofree char *sent = g_format_size (sd_upload_get_sent (upload));
  g_autofree char *size = g_format_size (sd_upload_get_size (upload));

  fprintf (stderr, "\rUploading %s  %3d%%  %s of %s\033[K", progress->name,
           (int)(sd_upload_get_fraction (upload) * 100), sent, size);
  fflush (stderr);
  progress->shown = TRUE;
}

static char *
upload_one (SdCli       *cli,
            GFile       *file,
            const char  *filename,
            const char  *path,
            GError     **error)
{
  g_autoptr(SdUpload) upload = sd_upload_new (cli->client, file, filename, NULL);
  g_autoptr(Progress) progress = g_new0 (Progress, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUploadInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  progress->name = sd_cli_clean (sd_upload_get_filename (upload), FALSE);
  if (cli->stderr_is_tty)
    g_signal_connect (upload, "notify::sent", G_CALLBACK (sent_cb), progress);

  sd_upload_start_async (upload, cli->cancellable, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  info = sd_upload_start_finish (upload, result, &local_error);

  if (cli->stderr_is_tty)
    {
      g_signal_handlers_disconnect_by_data (upload, progress);
      if (info != NULL)
        {
          g_autofree char *size = g_format_size (sd_upload_info_get_size (info));

          fprintf (stderr, "\rUploaded %s (%s)\033[K\n", progress->name, size);
        }
      else if (progress->shown)
        {
          fputc ('\n', stderr);
        }
    }

  if (info != NULL)
    return g_strdup (sd_upload_info_get_token (info));

  if (local_error->domain == G_IO_ERROR &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, file_error ("read", path, local_error));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

GStrv
sd_cli_upload_files (SdCli               *cli,
                     const char * const  *paths,
                     const char          *stdin_name,
                     int                 *out_status)
{
  g_autoptr(GStrvBuilder) tokens = g_strv_builder_new ();
  g_autoptr(GFile) spooled = NULL;
  g_autoptr(GError) error = NULL;

  *out_status = SD_CLI_EXIT_OK;

  if (paths == NULL)
    return g_strv_builder_end (tokens);

  if (!check_files (paths, &error))
    {
      *out_status = sd_cli_fail (cli, error, NULL);
      return NULL;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = NULL;
      g_autofree char *token = NULL;
      const char *filename = NULL;

      if (g_strcmp0 (paths[i], "-") == 0)
        {
          if ((spooled = sd_cli_spool_stdin (cli, &error)) == NULL)
            break;
          file = g_object_ref (spooled);
          filename = stdin_name;
        }
      else
        {
          file = g_file_new_for_commandline_arg (paths[i]);
        }

      if ((token = upload_one (cli, file, filename, paths[i], &error)) == NULL)
        break;
      g_strv_builder_add (tokens, token);
    }

  if (spooled != NULL)
    g_file_delete (spooled, NULL, NULL);

  if (error != NULL)
    {
      if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE))
        {
          fputs ("supportdesk-cli: a file is larger than the service accepts\n", stderr);
          *out_status = SD_CLI_EXIT_API;
        }
      else
        {
          *out_status = sd_cli_fail (cli, error, NULL);
        }
      return NULL;
    }

  return g_strv_builder_end (tokens);
}

/*
 * A name from the service, to become a file in the user's folder: one
 * component, nothing hidden (".bashrc" in a home folder is a trap), nothing
 * that reads as an option ("-rf"), no control characters.
 */
static gboolean
is_safe_name (const char *name)
{
  if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-' ||
      strchr (name, '/') != NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_autofree char *one = g_utf8_substring (p, 0, 1);
      g_autofree char *clean = sd_cli_clean (one, FALSE);

      if (strcmp (one, clean) != 0)
        return FALSE;
    }

  return TRUE;
}

static JsonNode *
download_to_json (SdCli        *cli,
                  SdAttachment *attachment,
                  GFile        *destination)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *path = g_file_get_path (destination);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "attachment");
  json_builder_add_value (builder, sd_attachment_to_json (attachment));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

int
sd_cli_download (SdCli  *cli,
                 int     argc,
                 char  **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Save as FILE (replacing it), or into the folder DIR", "FILE" },
    { NULL }
  };
  g_autoptr(SdAttachment) attachment = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *display = NULL;
  g_autofree char *size = NULL;
  gboolean placeholder = FALSE;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, entries, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not an attachment id", argv[1]);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  what = g_strdup_printf ("attachment %" G_GINT64_FORMAT, id);
  sd_client_get_attachment_async (cli->client, id, cli->cancellable, sd_cli_store_result_cb,
                                  &result);
  sd_cli_wait (&result);
  if ((attachment = sd_client_get_attachment_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, what);
  g_clear_object (&result);

  if (output != NULL && !g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      destination = g_file_new_for_commandline_arg (output);
      display = g_filename_display_name (output);
    }
  else
    {
      const char *name = sd_attachment_get_filename (attachment);
      g_autofree char *clean = sd_cli_clean (name, FALSE);
      g_autofree char *path = NULL;
      g_autoptr(GFileOutputStream) stream = NULL;

      if (!is_safe_name (name))
        return sd_cli_usage_error (cli, "the attachment's name '%s' is not safe as a file name; "
                                   "choose one with -o FILE", clean);

      /* A path, never a URI: the name is the service's, checked above to be one component. */
      path = output != NULL ? g_build_filename (output, name, NULL) : g_strdup (name);
      destination = g_file_new_for_path (path);
      display = g_filename_display_name (path);

      /*
       * Made empty first, and only if nothing has the name, so that no file
       * is replaced however the download ends; the download then fills it.
       */
      stream = g_file_create (destination, G_FILE_CREATE_NONE, NULL, &error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_autoptr(GError) exists = NULL;

          exists = g_error_new (SD_CLI_ERROR, SD_CLI_ERROR_FILE,
                                "'%s' already exists, so nothing was downloaded; -o FILE "
                                "saves under another name, or replaces FILE", display);
          return sd_cli_fail (cli, exists, NULL);
        }
      if (stream == NULL)
        {
          g_autoptr(GError) wrapped = file_error ("write", path, error);

          return sd_cli_fail (cli, wrapped, NULL);
        }
      placeholder = TRUE;
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
    }

  sd_client_download_async (cli->client, attachment, destination, cli->cancellable,
                            sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  if (!sd_client_download_finish (cli->client, result, &error))
    {
      if (placeholder)
        g_file_delete (destination, NULL, NULL);

      if (error->domain == G_IO_ERROR &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *path = g_file_get_path (destination);
          g_autoptr(GError) wrapped = file_error ("write", path, error);

          return sd_cli_fail (cli, wrapped, NULL);
        }
      return sd_cli_fail (cli, error, what);
    }

  if (cli->json)
    {
      sd_cli_print_json (download_to_json (cli, attachment, destination));
      return SD_CLI_EXIT_OK;
    }

  size = g_format_size (sd_attachment_get_size (attachment));
  sd_cli_print ("Saved %s (%s) as %s\n", sd_attachment_get_filename (attachment), size,
                display);

  return SD_CLI_EXIT_OK;
}
