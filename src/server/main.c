#define G_LOG_DOMAIN "supportdesk-server"

#include "config.h"

#include "sd-accounts.h"
#include "sd-auth.h"
#include "sd-demo.h"
#include "sd-server.h"
#include "sd-store.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static char *
default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "supportdesk-server", NULL);
}

static SdStore *
open_store (const char  *data_dir,
            GError     **error)
{
  g_autofree char *path = NULL;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }

  path = g_build_filename (data_dir, "supportdesk.db", NULL);

  return sd_store_open (path, error);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

static char *
read_password (GError **error)
{
  g_autoptr(GString) password = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (password, c);

  if (password->len > 0 && password->str[password->len - 1] == '\r')
    g_string_truncate (password, password->len - 1);

  if (!g_utf8_validate (password->str, password->len, NULL) || password->len < 8)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Give a password of at least 8 characters on standard input");
      return NULL;
    }

  return g_string_free (g_steal_pointer (&password), FALSE);
}

static int
add_user (int    argc,
          char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SdRole role;
  gint64 id;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the service keeps its data", "DIR" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "The user’s email address", "E" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "The user’s name", "N" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, "customer or agent", "ROLE" },
    { "organization", 0, 0, G_OPTION_ARG_STRING, &organization,
      "The organization, created when new", "O" },
    { NULL }
  };

  context = g_option_context_new ("- add a user; the password is read from standard input");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("supportdesk-server add-user: %s\n", error->message);
      return 2;
    }

  if (email == NULL || name == NULL || role_text == NULL || organization == NULL ||
      !sd_role_from_string (role_text, &role))
    {
      g_printerr ("supportdesk-server add-user: give --email, --name, --organization and "
                  "--role customer|agent\n");
      return 2;
    }

  if (data_dir == NULL)
    data_dir = default_data_dir ();

  if ((password = read_password (&error)) == NULL ||
      (hash = sd_auth_hash_password (password, &error)) == NULL ||
      (store = open_store (data_dir, &error)) == NULL ||
      (id = sd_accounts_add_user (store, email, name, role, organization, hash, &error)) == 0)
    {
      g_printerr ("supportdesk-server add-user: %s\n", error->message);
      return 1;
    }

  sodium_memzero (password, strlen (password));
  g_print ("Added %s %s (id %" G_GINT64_FORMAT ") to %s\n", role_text, email, id, organization);

  return 0;
}

static int
serve (int    argc,
       char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *max_upload = NULL;
  g_autofree char *url = NULL;
  g_autofree char *files_dir = NULL;
  gboolean demo = FALSE;
  guint64 max_upload_size = SD_SERVER_DEFAULT_MAX_UPLOAD_SIZE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "Address to listen on (default 127.0.0.1:8080; port 0 picks one)", "HOST:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where to keep the data", "DIR" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Create the demo users and tickets", NULL },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate_file,
      "Serve HTTPS with this PEM certificate", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "The certificate’s PEM key", "FILE" },
    { "max-upload-size", 0, 0, G_OPTION_ARG_STRING, &max_upload,
      "Largest upload in bytes (default 52428800)", "BYTES" },
    { NULL }
  };

  context = g_option_context_new ("- the SupportDesk service");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Commands:\n"
                                    "  add-user   Add a customer or agent (see add-user --help)\n");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("supportdesk-server: %s\n", error->message);
      return 2;
    }

  if (argc > 1)
    {
      g_printerr ("supportdesk-server: unknown command “%s”\n", argv[1]);
      return 2;
    }

  if (max_upload != NULL &&
      !g_ascii_string_to_unsigned (max_upload, 10, 1, G_MAXINT64, &max_upload_size, &error))
    {
      g_printerr ("supportdesk-server: --max-upload-size: %s\n", error->message);
      return 2;
    }

  if ((certificate_file == NULL) != (key_file == NULL))
    {
      g_printerr ("supportdesk-server: give both --tls-certificate and --tls-key\n");
      return 2;
    }

  if (certificate_file != NULL)
    {
      certificate = g_tls_certificate_new_from_files (certificate_file, key_file, &error);
      if (certificate == NULL)
        {
          g_printerr ("supportdesk-server: %s\n", error->message);
          return 1;
        }
    }

  if (data_dir == NULL)
    data_dir = default_data_dir ();

  store = open_store (data_dir, &error);
  if (store == NULL)
    {
      g_printerr ("supportdesk-server: %s\n", error->message);
      return 1;
    }

  server = sd_server_new (store, data_dir, &error);
  if (server == NULL)
    {
      g_printerr ("supportdesk-server: %s\n", error->message);
      return 1;
    }
  sd_server_set_max_upload_size (server, max_upload_size);

  files_dir = g_build_filename (data_dir, "files", NULL);
  if (demo && !sd_demo_seed (store, files_dir, &error))
    {
      g_printerr ("supportdesk-server: cannot create the demo data: %s\n", error->message);
      return 1;
    }

  url = sd_server_listen (server, listen != NULL ? listen : "127.0.0.1:8080", certificate, &error);
  if (url == NULL)
    {
      g_printerr ("supportdesk-server: %s\n", error->message);
      return 1;
    }

  /* Tests and scripts read this line to find the port. */
  g_print ("Listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  g_printerr ("supportdesk-server: stopped\n");

  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (sodium_init () < 0)
    {
      g_printerr ("supportdesk-server: cannot initialize libsodium\n");
      return 1;
    }

  if (argc > 1 && g_str_equal (argv[1], "add-user"))
    return add_user (argc - 1, argv + 1);

  return serve (argc, argv);
}
