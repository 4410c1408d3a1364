#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli.h"

#include "sd-cli-private.h"
#include "sd-number.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * One run of supportdesk-cli: the global options, the command, its own
 * options, the session it needs, and how whatever went wrong becomes one
 * line and an exit status. Calls to the service are asynchronous; a command
 * waits for each on the main loop, which also hears Ctrl+C and cancels.
 */

G_DEFINE_QUARK (sd-cli-error-quark, sd_cli_error)

#define EXIT_STATUS_HELP \
  "Exit status:\n" \
  "  0    success\n" \
  "  1    the service refused or failed the request (not found, not allowed, ...)\n" \
  "  2    wrong usage, or a file named on the command line cannot be used\n" \
  "  3    the service cannot be reached (network or TLS)\n" \
  "  4    not signed in, wrong email or password, or the session has ended\n" \
  "  130  interrupted (Ctrl+C)"

#define ENVIRONMENT_HELP \
  "Environment:\n" \
  "  SUPPORTDESK_SERVER  the service, unless --server is given (default " \
  DEFAULT_SERVER_URL ")\n" \
  "  SUPPORTDESK_TOKEN   a session token to use instead of the keyring's, for scripts"

static const SdCliCommand commands[] = {
  { "login", "[--email EMAIL] [--print-token]",
    "Sign in; the session is kept in the keyring",
    "Asks for the email and the password. When standard input is not a terminal, it reads\n"
    "them from its first two lines (only the password with --email). --print-token prints\n"
    "the session token for SUPPORTDESK_TOKEN instead of keeping it in the keyring.",
    sd_cli_login },
  { "logout", "",
    "Sign out: revoke the session and forget it",
    "Revokes the keyring's session (or SUPPORTDESK_TOKEN's) on the service, and removes it\n"
    "and any support PIN kept for this account from the keyring.",
    sd_cli_logout },
  { "whoami", "", "Show who is signed in, and where", NULL, sd_cli_whoami },
  { "tickets", "[--search WORDS] [--category ID] [--status pending|solved] [--limit N]",
    "List tickets, most recent activity first",
    "Every word of --search must occur in the subject or a message of the ticket; the last\n"
    "word may be the start of a word. 'supportdesk-cli categories' lists the category ids.",
    sd_cli_tickets },
  { "show", "ID", "Show a ticket and its whole conversation", NULL, sd_cli_show },
  { "create", "--category ID --subject TEXT [--description TEXT] [--attach FILE]...",
    "Open a ticket",
    "Without --description, the description is read from standard input. --attach may be\n"
    "given once per file; --attach - uploads standard input (then give --description),\n"
    "named after --stdin-name.",
    sd_cli_create },
  { "reply", "ID [--message TEXT] [--attach FILE]...",
    "Add a message to a ticket's conversation",
    "Without --message, the message is read from standard input. --attach may be given\n"
    "once per file; --attach - uploads standard input (then give --message), named after\n"
    "--stdin-name.",
    sd_cli_reply },
  { "status", "ID pending|solved", "Set a ticket's status (support agents)", NULL,
    sd_cli_status },
  { "categories", "", "List the ticket categories and their ids", NULL, sd_cli_categories },
  { "download", "ATTACHMENT_ID [-o FILE]", "Save an attachment",
    "Without -o, the file is saved in the current folder under the attachment's own name,\n"
    "and never replaces a file: if one of that name exists, nothing is downloaded (exit 2).\n"
    "A name that starts with a dot or a dash, or is otherwise unsafe, is refused the same\n"
    "way. -o FILE saves to FILE, replacing it if it exists: naming it is the permission.\n"
    "-o DIR (an existing folder) saves into DIR under the attachment's name, never\n"
    "replacing anything. A failed download leaves no partial file behind.",
    sd_cli_download },
  { "pin", "renew|show|clear", "Manage your one-time support PIN (customers)",
    "renew makes a new PIN (the old one stops working) and shows it; show tells whether a\n"
    "PIN is active, used or expired; clear makes no PIN work until the next renew.",
    sd_cli_pin },
  { "access-log", "", "Who from support opened your dashboard, and open invitations",
    NULL, sd_cli_access_log },
  { "invite", "TICKET_ID", "Invite support to your dashboard for 24 hours (customers)", NULL,
    sd_cli_invite },
  { "revoke", "INVITATION_ID", "Revoke an invitation (customers)", NULL, sd_cli_revoke },
  { "dashboard", "--customer EMAIL --pin PIN | --invitation ID",
    "Open a customer's dashboard and print its session token (agents)",
    "The token is a read-only session as the customer, valid for one hour. Use it as\n"
    "SUPPORTDESK_TOKEN=TOKEN supportdesk-cli tickets",
    sd_cli_dashboard },
};

static void
sd_cli_free (SdCli *cli)
{
  g_clear_object (&cli->client);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->server_option, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->server, g_free);
  g_clear_pointer (&cli->email, g_free);
  g_clear_object (&cli->stdin_lines);
  g_clear_object (&cli->stdin_stream);
  g_free (cli);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCli, sd_cli_free)

static gboolean
server_option_cb (const char  *name,
                  const char  *value,
                  gpointer     data,
                  GError     **error)
{
  SdCli *cli = data;

  g_free (cli->server_option);
  cli->server_option = g_strdup (value);

  return TRUE;
}

static gboolean
ca_file_option_cb (const char  *name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  SdCli *cli = data;

  g_free (cli->ca_file);
  cli->ca_file = g_strdup (value);

  return TRUE;
}

/* The options every command takes, before or after its name. */
static void
add_global_entries (SdCli        *cli,
                    GOptionGroup *group)
{
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_CALLBACK, server_option_cb,
      "The service (default: $SUPPORTDESK_SERVER, else " DEFAULT_SERVER_URL ")", "URL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      "Print JSON for programs instead of text for people", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_CALLBACK, ca_file_option_cb,
      "Also trust the CA certificates in FILE (PEM)", "FILE" },
    { NULL }
  };

  g_option_group_add_entries (group, entries);
}

static void
print_usage (FILE *out)
{
  fputs ("Usage:\n"
         "  supportdesk-cli [--server URL] [--json] COMMAND [ARGUMENT...]\n"
         "\n"
         "SupportDesk from a terminal: for support agents, customers and scripts.\n"
         "\n"
         "Commands:\n", out);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, commands[i].summary);

  fputs ("\n"
         "Options (before or after the command):\n"
         "  --server URL    the service (default: $SUPPORTDESK_SERVER, else "
         DEFAULT_SERVER_URL ")\n"
         "  --json          print JSON for programs instead of text for people\n"
         "  --ca-file FILE  also trust the CA certificates in FILE (PEM)\n"
         "  --help          show this, or with a command, that command's help\n"
         "  --version       show the version\n"
         "\n"
         ENVIRONMENT_HELP "\n"
         "\n"
         EXIT_STATUS_HELP "\n"
         "\n"
         "'supportdesk-cli COMMAND --help' tells more about each command; see also\n"
         "supportdesk-cli(1).\n", out);
}

static const SdCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];

  return NULL;
}

int
sd_cli_usage_error (SdCli      *cli,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "supportdesk-cli: %s\n", message);
  if (cli != NULL && cli->command != NULL)
    fprintf (stderr, "Try 'supportdesk-cli %s --help'.\n", cli->command->name);
  else
    fputs ("Try 'supportdesk-cli --help'.\n", stderr);

  return SD_CLI_EXIT_USAGE;
}

/* Only absolute http(s) addresses with a host: the client would refuse anything else later. */
static gboolean
is_server_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return scheme != NULL &&
         (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0) &&
         host != NULL && host[0] != '\0' &&
         g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL;
}

static int
set_up_client (SdCli *cli)
{
  const char *server = cli->server_option;
  g_autoptr(GError) error = NULL;

  if (server == NULL || server[0] == '\0')
    server = g_getenv ("SUPPORTDESK_SERVER");
  if (server == NULL || server[0] == '\0')
    server = DEFAULT_SERVER_URL;

  if (!is_server_url (server))
    return sd_cli_usage_error (cli, "'%s' is not the address of a server: give one like "
                               "https://support.example.com or http://127.0.0.1:8080", server);

  cli->client = sd_client_new (server);
  /* As the client spells it (no trailing "/"), which is also how the keyring knows it. */
  cli->server = g_strdup (sd_client_get_base_url (cli->client));

  if (cli->ca_file != NULL && !sd_client_set_ca_file (cli->client, cli->ca_file, &error))
    return sd_cli_usage_error (cli, "cannot use '%s' as CA certificates: %s", cli->ca_file,
                               error->message);

  return SD_CLI_EXIT_OK;
}

int
sd_cli_parse (SdCli                *cli,
              const GOptionEntry   *entries,
              guint                 min_args,
              guint                 max_args,
              int                  *argc,
              char               ***argv)
{
  const SdCliCommand *command = cli->command;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  GOptionGroup *group;
  guint n_args;

  parameters = g_strconcat (command->name, " ", command->synopsis, NULL);
  context = g_option_context_new (parameters);
  g_option_context_set_summary (context, command->summary);
  description = g_strconcat (command->description != NULL ? command->description : "",
                             command->description != NULL ? "\n\n" : "",
                             ENVIRONMENT_HELP "\n\n" EXIT_STATUS_HELP "\n\n"
                             "See also supportdesk-cli(1).",
                             NULL);
  g_option_context_set_description (context, description);

  group = g_option_group_new (NULL, NULL, NULL, cli, NULL);
  if (entries != NULL)
    g_option_group_add_entries (group, entries);
  add_global_entries (cli, group);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, argc, argv, &error))
    return sd_cli_usage_error (cli, "%s", error->message);

  /* What remains is the command's name and its arguments; "--" ends the options. */
  n_args = *argc - 1;
  if (n_args > 0 && g_strcmp0 ((*argv)[1], "--") == 0)
    {
      memmove (&(*argv)[1], &(*argv)[2], sizeof (char *) * (*argc - 1));
      (*argc)--;
      n_args--;
    }

  if (n_args < min_args)
    return sd_cli_usage_error (cli, "%s needs %s", command->name,
                               command->synopsis[0] != '\0' ? command->synopsis
                                                            : "no argument");
  if (n_args > max_args)
    return sd_cli_usage_error (cli, "unexpected argument '%s'", (*argv)[1 + max_args]);

  return set_up_client (cli);
}

gboolean
sd_cli_parse_id (const char *text,
                 gint64     *out_id)
{
  if (text == NULL)
    return FALSE;

  /* "#12", as tickets are shown, is 12. */
  if (text[0] == '#')
    text++;

  return sd_number_parse (text, 1, G_MAXINT64, out_id);
}

void
sd_cli_store_result_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert (*out == NULL);
  *out = g_object_ref (result);
}

void
sd_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static char *
client_error_message (SdCli        *cli,
                      const GError *error,
                      const char   *what,
                      int          *out_status)
{
  const char *field = sd_client_error_get_field (error);
  gint64 seconds;

  *out_status = SD_CLI_EXIT_API;

  switch ((SdClientError)error->code)
    {
    case SD_CLIENT_ERROR_UNAUTHORIZED:
      *out_status = SD_CLI_EXIT_AUTH;
      if (cli->token_source == SD_CLI_TOKEN_ENVIRONMENT)
        return g_strdup_printf ("the session in SUPPORTDESK_TOKEN is not valid on %s: it has "
                                "expired or was signed out", cli->server);
      if (cli->token_source == SD_CLI_TOKEN_KEYRING)
        return g_strdup_printf ("the session of %s on %s has ended; sign in again with "
                                "'supportdesk-cli login'", cli->email, cli->server);
      return g_strdup (error->message);

    case SD_CLIENT_ERROR_NETWORK:
      *out_status = SD_CLI_EXIT_NETWORK;
      return g_strdup_printf ("cannot reach the service at %s: %s", cli->server,
                              error->message);

    case SD_CLIENT_ERROR_TLS:
      *out_status = SD_CLI_EXIT_NETWORK;
      return g_strdup_printf ("the identity of %s cannot be verified (%s); --ca-file FILE "
                              "trusts a private CA", cli->server, error->message);

    case SD_CLIENT_ERROR_NOT_FOUND:
      if (what != NULL)
        return g_strdup_printf ("%s does not exist, or this account cannot see it", what);
      return g_strdup (error->message);

    case SD_CLIENT_ERROR_FORBIDDEN:
      return g_strdup_printf ("not allowed: %s", error->message);

    case SD_CLIENT_ERROR_INVALID_FIELD:
      if (g_strcmp0 (field, "category") == 0)
        return g_strdup_printf ("%s ('supportdesk-cli categories' lists them)", error->message);
      return g_strdup (error->message);

    case SD_CLIENT_ERROR_RATE_LIMITED:
      seconds = MAX (sd_client_error_get_retry_after (error), 1);
      if (seconds >= 120)
        return g_strdup_printf ("too many attempts; try again in %" G_GINT64_FORMAT " minutes",
                                (seconds + 59) / 60);
      return g_strdup_printf ("too many attempts; try again in %" G_GINT64_FORMAT " seconds",
                              seconds);

    case SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE:
      return g_strdup_printf ("too large for the service: %s", error->message);

    case SD_CLIENT_ERROR_SERVER:
      return g_strdup_printf ("the service failed (HTTP %u); try again later",
                              sd_client_error_get_status (error));

    case SD_CLIENT_ERROR_INVALID_RESPONSE:
      return g_strdup_printf ("the answer from %s is not what the SupportDesk API promises "
                              "(%s)", cli->server, error->message);

    case SD_CLIENT_ERROR_INVALID_JSON:
    case SD_CLIENT_ERROR_METHOD_NOT_ALLOWED:
    case SD_CLIENT_ERROR_CONFLICT:
    case SD_CLIENT_ERROR_UNSUPPORTED_MEDIA_TYPE:
    default:
      return g_strdup (error->message);
    }
}

int
sd_cli_fail (SdCli        *cli,
             const GError *error,
             const char   *what)
{
  g_autofree char *message = NULL;
  g_autofree char *clean = NULL;
  int status = SD_CLI_EXIT_API;

  g_return_val_if_fail (error != NULL, SD_CLI_EXIT_API);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      message = g_strdup ("interrupted");
      status = SD_CLI_EXIT_INTERRUPTED;
    }
  else if (error->domain == SD_CLIENT_ERROR)
    {
      message = client_error_message (cli, error, what, &status);
    }
  else if (error->domain == SD_CLI_ERROR)
    {
      message = g_strdup (error->message);
      status = (error->code == SD_CLI_ERROR_USAGE || error->code == SD_CLI_ERROR_FILE)
               ? SD_CLI_EXIT_USAGE : SD_CLI_EXIT_AUTH;
    }
  else
    {
      message = g_strdup (error->message);
    }

  /* Much of a message may come from the service: it is shown, never obeyed by the terminal. */
  clean = sd_cli_clean (message, FALSE);
  fprintf (stderr, "supportdesk-cli: %s\n", clean);

  return status;
}

/*
 * The first Ctrl+C cancels what is running, so that the command can stop
 * cleanly (a download leaves no partial file); the handler then goes, and
 * a second Ctrl+C stops the process at once.
 */
static gboolean
interrupted_cb (gpointer user_data)
{
  SdCli *cli = user_data;

  cli->interrupted = TRUE;
  g_cancellable_cancel (cli->cancellable);

  g_clear_handle_id (&cli->sigint_id, g_source_remove);
  g_clear_handle_id (&cli->sigterm_id, g_source_remove);

  return G_SOURCE_REMOVE;
}

int
sd_cli_run (int    argc,
            char **argv)
{
  g_autoptr(SdCli) cli = g_new0 (SdCli, 1);
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionGroup *group;
  gboolean help = FALSE;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, NULL, NULL },
    { NULL }
  };
  const SdCliCommand *command;
  int status;

  g_set_prgname ("supportdesk-cli");

  cli->cancellable = g_cancellable_new ();
  cli->stdin_is_tty = isatty (STDIN_FILENO);
  cli->stdout_is_tty = isatty (STDOUT_FILENO);
  cli->stderr_is_tty = isatty (STDERR_FILENO);

  /* The global options come first, and end at the command's name. */
  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_strict_posix (context, TRUE);
  group = g_option_group_new (NULL, NULL, NULL, cli, NULL);
  g_option_group_add_entries (group, entries);
  add_global_entries (cli, group);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return sd_cli_usage_error (cli, "%s", error->message);

  if (version)
    {
      printf ("supportdesk-cli %s\n", PACKAGE_VERSION);
      return SD_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      if (!help)
        return sd_cli_usage_error (cli, "no command given");
      print_usage (stdout);
      return SD_CLI_EXIT_OK;
    }

  /* "help COMMAND" is "COMMAND --help"; "--help COMMAND" too. */
  if (g_strcmp0 (argv[1], "help") == 0 || help)
    {
      const char *name = g_strcmp0 (argv[1], "help") == 0 ? (argc > 2 ? argv[2] : NULL)
                                                           : argv[1];

      if (name == NULL)
        {
          print_usage (stdout);
          return SD_CLI_EXIT_OK;
        }
      if ((command = find_command (name)) == NULL)
        return sd_cli_usage_error (cli, "there is no command '%s'", name);

      cli->command = command;
      return command->run (cli, 2, (char *[]) { (char *)name, "--help", NULL });
    }

  if ((command = find_command (argv[1])) == NULL)
    return sd_cli_usage_error (cli, "there is no command '%s'", argv[1]);
  cli->command = command;

  cli->sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, cli);
  cli->sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, cli);

  status = command->run (cli, argc - 1, argv + 1);

  g_clear_handle_id (&cli->sigint_id, g_source_remove);
  g_clear_handle_id (&cli->sigterm_id, g_source_remove);

  return status;
}
