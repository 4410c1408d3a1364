#pragma once

#include "sd-cli.h"

#include "sd-client.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What the files of supportdesk-cli share. sd-cli.c runs a command: the
 * options every command takes, the session, waiting on the main loop, and
 * errors; sd-cli-output.c prints; sd-cli-input.c reads standard input;
 * sd-cli-files.c uploads and downloads; the other sd-cli-*.c files are the
 * commands, by topic.
 */

/* The exit statuses, as the manual page and --help document them. */
typedef enum
{
  SD_CLI_EXIT_OK          = 0,
  SD_CLI_EXIT_API         = 1,
  SD_CLI_EXIT_USAGE       = 2,
  SD_CLI_EXIT_NETWORK     = 3,
  SD_CLI_EXIT_AUTH        = 4,
  SD_CLI_EXIT_INTERRUPTED = 130,
} SdCliExit;

/* Errors that are the CLI's own, not the service's. Their messages are for the user. */
#define SD_CLI_ERROR (sd_cli_error_quark ())

typedef enum
{
  /* The command line asks for something impossible (exit 2). */
  SD_CLI_ERROR_USAGE,
  /* A file named on the command line cannot be read or written (exit 2). */
  SD_CLI_ERROR_FILE,
  /* There is no session to use (exit 4). */
  SD_CLI_ERROR_NOT_SIGNED_IN,
  /* The keyring failed (exit 4). */
  SD_CLI_ERROR_KEYRING,
} SdCliError;

GQuark sd_cli_error_quark (void);

typedef struct _SdCli SdCli;
typedef struct _SdCliCommand SdCliCommand;

typedef int (*SdCliCommandFunc) (SdCli  *cli,
                                 int     argc,
                                 char  **argv);

struct _SdCliCommand
{
  const char       *name;
  /* What follows the name in the synopsis, e.g. "ID [--message TEXT]". */
  const char       *synopsis;
  const char       *summary;
  /* More for --help, or NULL. */
  const char       *description;
  SdCliCommandFunc  run;
};

typedef enum
{
  SD_CLI_TOKEN_NONE,
  SD_CLI_TOKEN_ENVIRONMENT,
  SD_CLI_TOKEN_KEYRING,
} SdCliTokenSource;

struct _SdCli
{
  /* owned */
  SdClient           *client;
  GCancellable       *cancellable;
  char               *server_option;
  char               *ca_file;
  char               *server;
  /* The keyring account whose token is used, when it came from the keyring. */
  char               *email;
  GInputStream       *stdin_stream;
  GDataInputStream   *stdin_lines;

  /* borrowed */
  const SdCliCommand *command;

  guint               sigint_id;
  guint               sigterm_id;
  SdCliTokenSource    token_source;
  gboolean            json;
  gboolean            interrupted;
  gboolean            stdout_is_tty;
  gboolean            stderr_is_tty;
  gboolean            stdin_is_tty;
};

/* sd-cli.c */
/*
 * Parses the command's @entries and the global options, and sets up the
 * client. Leaves the command's name and its positional arguments in @argv;
 * fewer than @min_args or more than @max_args of them is a usage error.
 * Returns SD_CLI_EXIT_OK, or the status of the error it printed.
 */
int         sd_cli_parse            (SdCli               *cli,
                                     const GOptionEntry  *entries,
                                     guint                min_args,
                                     guint                max_args,
                                     int                 *argc,
                                     char              ***argv);
/* Prints "supportdesk-cli: MESSAGE" and a pointer to --help; returns SD_CLI_EXIT_USAGE. */
int         sd_cli_usage_error      (SdCli               *cli,
                                     const char          *format,
                                     ...) G_GNUC_PRINTF (2, 3);
/*
 * Prints what @error means, as one line on standard error, and returns the
 * exit status for it. @what names what the command is about ("ticket 12"),
 * for an error that says it does not exist; NULL for the server's words.
 */
int         sd_cli_fail             (SdCli               *cli,
                                     const GError        *error,
                                     const char          *what);
/* Gives the client the session's token: SUPPORTDESK_TOKEN, or the keyring's. */
gboolean    sd_cli_authenticate     (SdCli               *cli,
                                     GError             **error);
/* A positive id from the command line. */
gboolean    sd_cli_parse_id         (const char          *text,
                                     gint64              *out_id);
/* Iterates the main loop until *@result is set by sd_cli_store_result_cb(). */
void        sd_cli_wait             (GAsyncResult       **result);
void        sd_cli_store_result_cb  (GObject             *source,
                                     GAsyncResult        *result,
                                     gpointer             user_data);

/* sd-cli-output.c */
typedef struct _SdCliTable SdCliTable;

/* Columns are NULL-terminated; every row has as many cells. */
SdCliTable *sd_cli_table_new        (const char          *first_header,
                                     ...) G_GNUC_NULL_TERMINATED;
/* Takes the strings (made with g_strdup() and the like). */
void        sd_cli_table_add_row    (SdCliTable          *table,
                                     char                *first_cell,
                                     ...) G_GNUC_NULL_TERMINATED;
void        sd_cli_table_print      (SdCliTable          *table);
void        sd_cli_table_free       (SdCliTable          *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCliTable, sd_cli_table_free)

/* Prints @node (taken) as pretty JSON on standard output. */
void        sd_cli_print_json       (JsonNode            *node);
/* {}: what --json prints for a command whose answer has no content. */
JsonNode   *sd_cli_json_empty_object (void);
/* Prints on standard output, text from the server made safe with sd_cli_clean(). */
void        sd_cli_print            (const char          *format,
                                     ...) G_GNUC_PRINTF (1, 2);
/*
 * Text from the server, made safe for a terminal: control characters
 * (which could move the cursor, retitle the window or worse) and bidi
 * overrides become U+FFFD. @multiline keeps line breaks and tabs.
 */
char       *sd_cli_clean            (const char          *text,
                                     gboolean             multiline);
/* "just now", "5 minutes ago", "in 23 hours", "yesterday", "2026-11-24". */
char       *sd_cli_format_relative  (GDateTime           *time);
/* "2026-11-24 08:27", local time. */
char       *sd_cli_format_time      (GDateTime           *time);
/* "482 913 706". */
char       *sd_cli_format_pin       (const char          *pin);

/* sd-cli-input.c */
/*
 * Reads all of standard input as text: UTF-8, at most @max_bytes.
 * When it is a terminal, @prompt is shown first on standard error.
 */
char       *sd_cli_read_text        (SdCli               *cli,
                                     const char          *what,
                                     const char          *prompt,
                                     gsize                max_bytes,
                                     GError             **error);
/*
 * Reads one line of standard input, without its end. @prompt (on standard
 * error, only when standard input is a terminal) may be NULL. @secret turns
 * the terminal's echo off meanwhile. NULL without an error at the end.
 */
char       *sd_cli_read_line        (SdCli               *cli,
                                     const char          *prompt,
                                     gboolean             secret,
                                     GError             **error);
/* Copies standard input into a new temporary file, for an upload. */
GFile      *sd_cli_spool_stdin      (SdCli               *cli,
                                     GError             **error);

/* sd-cli-files.c */
/*
 * Uploads @paths (NULL-terminated; "-" is standard input, named
 * @stdin_name) one after the other, with progress on standard error when it
 * is a terminal. Returns the uploads' tokens, NULL-terminated.
 */
GStrv       sd_cli_upload_files     (SdCli               *cli,
                                     const char * const  *paths,
                                     const char          *stdin_name,
                                     int                 *out_status);
int         sd_cli_download         (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);

/* The commands. */
int         sd_cli_login            (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_logout           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_whoami           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_categories       (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_tickets          (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_show             (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_status           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_create           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_reply            (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_pin              (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_access_log       (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_invite           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_revoke           (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);
int         sd_cli_dashboard        (SdCli               *cli,
                                     int                  argc,
                                     char               **argv);

G_END_DECLS
