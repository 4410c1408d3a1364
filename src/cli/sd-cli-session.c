#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include "sd-credentials.h"

#include <stdio.h>
#include <string.h>

/*
 * The session: which token a command uses (SUPPORTDESK_TOKEN, else the
 * keyring's), and the commands for it. login keeps the token in the keyring
 * under the server and the account's email, where the app finds it too;
 * logout revokes it and forgets it; whoami asks the service whose it is.
 */

/* A password: the memory it was in is not left holding it. */
typedef char SdSecret;

static void
sd_secret_free (SdSecret *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSecret, sd_secret_free)

gboolean
sd_cli_authenticate (SdCli   *cli,
                     GError **error)
{
  const char *token = g_getenv ("SUPPORTDESK_TOKEN");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *email = NULL;

  if (token != NULL && token[0] != '\0')
    {
      sd_client_set_token (cli->client, token);
      cli->token_source = SD_CLI_TOKEN_ENVIRONMENT;
      return TRUE;
    }

  sd_credentials_lookup_token_async (cli->server, NULL, cli->cancellable,
                                     sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  stored = sd_credentials_lookup_token_finish (result, &email, &keyring_error);

  if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&keyring_error));
      return FALSE;
    }

  if (keyring_error != NULL)
    {
      g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_KEYRING,
                   "cannot read the keyring (%s); for scripts, set SUPPORTDESK_TOKEN",
                   keyring_error->message);
      return FALSE;
    }

  if (stored == NULL)
    {
      g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_NOT_SIGNED_IN,
                   "not signed in to %s: run 'supportdesk-cli login' first, or set "
                   "SUPPORTDESK_TOKEN", cli->server);
      return FALSE;
    }

  sd_client_set_token (cli->client, stored);
  memset (stored, 0, strlen (stored));
  cli->email = g_steal_pointer (&email);
  cli->token_source = SD_CLI_TOKEN_KEYRING;

  return TRUE;
}

static JsonNode *
session_to_json (SdCli      *cli,
                 SdUser     *user,
                 const char *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, cli->server);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, sd_user_to_json (user));
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_user (SdUser *user)
{
  sd_cli_print ("%s <%s>, %s", sd_user_get_name (user), sd_user_get_email (user),
                sd_role_to_string (sd_user_get_role (user)));
  if (sd_user_get_organization_name (user) != NULL)
    sd_cli_print (" of %s", sd_user_get_organization_name (user));
}

/* After a failed keyring write the session would be nobody's: it is revoked. */
static void
sign_out_quietly (SdCli *cli)
{
  g_autoptr(GAsyncResult) result = NULL;

  sd_client_sign_out_async (cli->client, NULL, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  sd_client_sign_out_finish (cli->client, result, NULL);
}

int
sd_cli_login (SdCli  *cli,
              int     argc,
              char  **argv)
{
  g_autofree char *email = NULL;
  gboolean print_token = FALSE;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email,
      "Sign in as EMAIL (then only the password is asked for)", "EMAIL" },
    { "print-token", 0, 0, G_OPTION_ARG_NONE, &print_token,
      "Print the session token, for SUPPORTDESK_TOKEN, instead of keeping it in the keyring",
      NULL },
    { NULL }
  };
  g_autoptr(SdSecret) password = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = sd_cli_parse (cli, entries, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;

  if (email == NULL)
    {
      if ((email = sd_cli_read_line (cli, "Email: ", FALSE, &error)) == NULL)
        return error != NULL ? sd_cli_fail (cli, error, NULL)
                             : sd_cli_usage_error (cli, "no email given");
    }
  g_strstrip (email);
  if (email[0] == '\0')
    return sd_cli_usage_error (cli, "no email given");

  if ((password = sd_cli_read_line (cli, "Password: ", TRUE, &error)) == NULL)
    return error != NULL ? sd_cli_fail (cli, error, NULL)
                         : sd_cli_usage_error (cli, "no password given");
  if (password[0] == '\0')
    return sd_cli_usage_error (cli, "no password given");

  sd_client_sign_in_async (cli->client, email, password, cli->cancellable,
                           sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  user = sd_client_sign_in_finish (cli->client, result, &error);
  g_clear_object (&result);

  if (g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    {
      fprintf (stderr, "supportdesk-cli: wrong email or password for %s\n", cli->server);
      return SD_CLI_EXIT_AUTH;
    }
  if (user == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (print_token)
    {
      if (cli->json)
        sd_cli_print_json (session_to_json (cli, user, sd_client_get_token (cli->client)));
      else
        printf ("%s\n", sd_client_get_token (cli->client));
      return SD_CLI_EXIT_OK;
    }

  /* Not cancelled by Ctrl+C: the session exists now, and is either kept or revoked. */
  sd_credentials_store_token_async (cli->server, sd_user_get_email (user),
                                    sd_client_get_token (cli->client), NULL,
                                    sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  if (!sd_credentials_store_token_finish (result, &error))
    {
      g_autoptr(GError) keyring_error = NULL;

      sign_out_quietly (cli);
      keyring_error = g_error_new (SD_CLI_ERROR, SD_CLI_ERROR_KEYRING,
                                   "the keyring cannot keep the session (%s), so it was "
                                   "signed out again; for scripts, 'supportdesk-cli login "
                                   "--print-token' prints a token for SUPPORTDESK_TOKEN",
                                   error->message);
      return sd_cli_fail (cli, keyring_error, NULL);
    }

  if (g_getenv ("SUPPORTDESK_TOKEN") != NULL && g_getenv ("SUPPORTDESK_TOKEN")[0] != '\0')
    fputs ("supportdesk-cli: note: SUPPORTDESK_TOKEN is set, and the other commands use it "
           "rather than this session\n", stderr);

  if (cli->json)
    {
      sd_cli_print_json (session_to_json (cli, user, NULL));
      return SD_CLI_EXIT_OK;
    }

  sd_cli_print ("Signed in to %s as ", cli->server);
  print_user (user);
  sd_cli_print (".\n");

  return SD_CLI_EXIT_OK;
}

/* Forgets the keyring's session and PIN of the account; the keyring failing is an error. */
static gboolean
forget (SdCli   *cli,
        GError **error)
{
  g_autoptr(GAsyncResult) token_result = NULL;
  g_autoptr(GAsyncResult) pin_result = NULL;
  g_autoptr(GError) local_error = NULL;

  sd_credentials_clear_token_async (cli->server, cli->email, NULL, sd_cli_store_result_cb,
                                    &token_result);
  sd_credentials_clear_pin_async (cli->server, cli->email, NULL, sd_cli_store_result_cb,
                                  &pin_result);
  sd_cli_wait (&token_result);
  sd_cli_wait (&pin_result);

  if (!sd_credentials_clear_token_finish (token_result, &local_error) ||
      !sd_credentials_clear_pin_finish (pin_result, &local_error))
    {
      g_set_error (error, SD_CLI_ERROR, SD_CLI_ERROR_KEYRING,
                   "the session was revoked, but the keyring cannot forget it (%s)",
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

int
sd_cli_logout (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;

  /* Signed out already is what was asked for. */
  if (!sd_cli_authenticate (cli, &error))
    {
      if (!g_error_matches (error, SD_CLI_ERROR, SD_CLI_ERROR_NOT_SIGNED_IN))
        return sd_cli_fail (cli, error, NULL);

      if (cli->json)
        sd_cli_print_json (sd_cli_json_empty_object ());
      else
        sd_cli_print ("Not signed in to %s.\n", cli->server);
      return SD_CLI_EXIT_OK;
    }

  sd_client_sign_out_async (cli->client, cli->cancellable, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);

  /*
   * A session the service no longer knows is as good as revoked; any other
   * failure keeps it in the keyring, so that logging out again can revoke it.
   */
  if (!sd_client_sign_out_finish (cli->client, result, &error) &&
      !g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    return sd_cli_fail (cli, error, NULL);
  g_clear_error (&error);

  if (cli->token_source == SD_CLI_TOKEN_KEYRING && !forget (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    sd_cli_print_json (sd_cli_json_empty_object ());
  else if (cli->token_source == SD_CLI_TOKEN_KEYRING)
    sd_cli_print ("Signed %s out of %s.\n", cli->email, cli->server);
  else
    sd_cli_print ("The session in SUPPORTDESK_TOKEN is revoked.\n");

  return SD_CLI_EXIT_OK;
}

int
sd_cli_whoami (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  sd_client_get_session_async (cli->client, cli->cancellable, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  if ((user = sd_client_get_session_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    {
      sd_cli_print_json (session_to_json (cli, user, NULL));
      return SD_CLI_EXIT_OK;
    }

  print_user (user);
  sd_cli_print ("\nSigned in to %s (session from %s).\n", cli->server,
                cli->token_source == SD_CLI_TOKEN_ENVIRONMENT ? "SUPPORTDESK_TOKEN"
                                                              : "the keyring");

  return SD_CLI_EXIT_OK;
}
