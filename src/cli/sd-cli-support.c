#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include "sd-credentials.h"

#include <stdio.h>
#include <string.h>

/*
 * Access to a customer's dashboard: the customer's support PIN, access log
 * and invitations, and the agent's side, which redeems a PIN or an
 * invitation for a read-only session as the customer.
 *
 * The plain PIN is in the answer to a renewal and nowhere else on the
 * service; the app keeps it in the keyring to show it again, and so does
 * this tool when its session is the keyring's (never with SUPPORTDESK_TOKEN,
 * which is for scripts that may have no keyring at all).
 */

static gboolean
uses_keyring (SdCli *cli)
{
  return cli->token_source == SD_CLI_TOKEN_KEYRING && cli->email != NULL;
}

/* The keyring is a convenience here: failing it is worth a word, not the command. */
static void
warn_keyring (const GError *error)
{
  if (error != NULL)
    fprintf (stderr, "supportdesk-cli: note: the keyring failed (%s)\n", error->message);
}

static void
keep_pin (SdCli      *cli,
          const char *pin)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!uses_keyring (cli))
    return;

  if (pin != NULL)
    {
      sd_credentials_store_pin_async (cli->server, cli->email, pin, NULL,
                                      sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      sd_credentials_store_pin_finish (result, &error);
    }
  else
    {
      sd_credentials_clear_pin_async (cli->server, cli->email, NULL, sd_cli_store_result_cb,
                                      &result);
      sd_cli_wait (&result);
      sd_credentials_clear_pin_finish (result, &error);
    }

  warn_keyring (error);
}

static char *
kept_pin (SdCli *cli)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *pin;

  if (!uses_keyring (cli))
    return NULL;

  sd_credentials_lookup_pin_async (cli->server, cli->email, NULL, sd_cli_store_result_cb,
                                   &result);
  sd_cli_wait (&result);
  pin = sd_credentials_lookup_pin_finish (result, &error);
  warn_keyring (error);

  return pin;
}

static void
print_pin_status (SdPinStatus *pin_status,
                  const char  *pin)
{
  g_autofree char *expires = sd_cli_format_relative (sd_pin_status_get_expires_at (pin_status));
  g_autofree char *expires_at = sd_cli_format_time (sd_pin_status_get_expires_at (pin_status));
  SdUser *used_by = sd_pin_status_get_used_by (pin_status);

  if (sd_pin_status_get_active (pin_status))
    {
      if (pin != NULL)
        {
          g_autofree char *grouped = sd_cli_format_pin (pin);

          sd_cli_print ("Support PIN: %s\n", grouped);
        }
      sd_cli_print ("A support PIN is active until %s (%s). It works once.\n", expires_at,
                    expires);
      if (pin == NULL)
        sd_cli_print ("The PIN is shown only when it is made: 'supportdesk-cli pin renew' makes "
                      "a new one.\n");
    }
  else if (sd_pin_status_get_used_at (pin_status) != NULL)
    {
      g_autofree char *used = sd_cli_format_relative (sd_pin_status_get_used_at (pin_status));

      sd_cli_print ("No support PIN is active: the last one was used %s by %s.\n", used,
                    used_by != NULL ? sd_user_get_name (used_by) : "support");
    }
  else if (sd_pin_status_get_expires_at (pin_status) != NULL)
    {
      sd_cli_print ("No support PIN is active: the last one expired %s.\n", expires);
    }
  else
    {
      sd_cli_print ("No support PIN is active; 'supportdesk-cli pin renew' makes one.\n");
    }
}

int
sd_cli_pin (SdCli  *cli,
            int     argc,
            char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdPinStatus) pin_status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  const char *action;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  action = argv[1];
  if (g_strcmp0 (action, "renew") != 0 && g_strcmp0 (action, "show") != 0 &&
      g_strcmp0 (action, "clear") != 0)
    return sd_cli_usage_error (cli, "pin takes renew, show or clear, not '%s'", action);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  if (g_strcmp0 (action, "clear") == 0)
    {
      sd_client_clear_pin_async (cli->client, cli->cancellable, sd_cli_store_result_cb,
                                 &result);
      sd_cli_wait (&result);
      if (!sd_client_clear_pin_finish (cli->client, result, &error))
        return sd_cli_fail (cli, error, NULL);
      keep_pin (cli, NULL);

      if (cli->json)
        sd_cli_print_json (sd_cli_json_empty_object ());
      else
        sd_cli_print ("The support PIN is cleared: no PIN works until the next renew.\n");
      return SD_CLI_EXIT_OK;
    }

  if (g_strcmp0 (action, "renew") == 0)
    {
      sd_client_renew_pin_async (cli->client, cli->cancellable, sd_cli_store_result_cb,
                                 &result);
      sd_cli_wait (&result);
      if ((pin_status = sd_client_renew_pin_finish (cli->client, result, &error)) == NULL)
        return sd_cli_fail (cli, error, NULL);
      pin = g_strdup (sd_pin_status_get_pin (pin_status));
      keep_pin (cli, pin);
    }
  else
    {
      sd_client_get_pin_async (cli->client, cli->cancellable, sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      if ((pin_status = sd_client_get_pin_finish (cli->client, result, &error)) == NULL)
        return sd_cli_fail (cli, error, NULL);
      if (sd_pin_status_get_active (pin_status))
        pin = kept_pin (cli);
    }

  if (cli->json)
    {
      g_autoptr(JsonNode) node = sd_pin_status_to_json (pin_status);

      /* A PIN from the keyring is shown as a renewal shows it. */
      if (pin != NULL)
        json_object_set_string_member (json_node_get_object (node), "pin", pin);
      sd_cli_print_json (g_steal_pointer (&node));
      return SD_CLI_EXIT_OK;
    }

  print_pin_status (pin_status, pin);

  return SD_CLI_EXIT_OK;
}

static JsonNode *
access_to_json (GPtrArray *entries,
                GPtrArray *invitations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    json_builder_add_value (builder, sd_access_entry_to_json (g_ptr_array_index (entries, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "invitations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < invitations->len; i++)
    json_builder_add_value (builder, sd_invitation_to_json (g_ptr_array_index (invitations, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
ticket_cell (gint64 ticket_id)
{
  return ticket_id > 0 ? g_strdup_printf ("#%" G_GINT64_FORMAT, ticket_id) : g_strdup ("-");
}

static void
print_access (GPtrArray *entries,
              GPtrArray *invitations)
{
  g_autoptr(SdCliTable) log = NULL;
  g_autoptr(SdCliTable) open = NULL;

  if (entries->len == 0)
    {
      sd_cli_print ("Nobody from support has opened your dashboard.\n");
    }
  else
    {
      log = sd_cli_table_new ("WHEN", "AGENT", "VIA", "TICKET", NULL);
      for (guint i = 0; i < entries->len; i++)
        {
          SdAccessEntry *entry = g_ptr_array_index (entries, i);
          SdUser *agent = sd_access_entry_get_agent (entry);

          sd_cli_table_add_row (log, sd_cli_format_relative (sd_access_entry_get_at (entry)),
                                g_strdup (agent != NULL ? sd_user_get_name (agent) : ""),
                                g_strdup (sd_access_entry_get_via (entry)),
                                ticket_cell (sd_access_entry_get_ticket_id (entry)),
                                NULL);
        }
      sd_cli_table_print (log);
    }

  if (invitations->len == 0)
    {
      sd_cli_print ("\nNo open invitations.\n");
      return;
    }

  sd_cli_print ("\nOpen invitations ('supportdesk-cli revoke ID' ends one):\n");
  open = sd_cli_table_new ("ID", "TICKET", "SENT", "EXPIRES", NULL);
  for (guint i = 0; i < invitations->len; i++)
    {
      SdInvitation *invitation = g_ptr_array_index (invitations, i);

      sd_cli_table_add_row (open,
                            g_strdup_printf ("%" G_GINT64_FORMAT,
                                             sd_invitation_get_id (invitation)),
                            ticket_cell (sd_invitation_get_ticket_id (invitation)),
                            sd_cli_format_relative (sd_invitation_get_created_at (invitation)),
                            sd_cli_format_relative (sd_invitation_get_expires_at (invitation)),
                            NULL);
    }
  sd_cli_table_print (open);
}

int
sd_cli_access_log (SdCli  *cli,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GAsyncResult) log_result = NULL;
  g_autoptr(GAsyncResult) invitations_result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) invitations = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  /* Both at once: they do not depend on each other. */
  sd_client_list_access_log_async (cli->client, cli->cancellable, sd_cli_store_result_cb,
                                   &log_result);
  sd_client_list_invitations_async (cli->client, cli->cancellable, sd_cli_store_result_cb,
                                    &invitations_result);
  sd_cli_wait (&log_result);
  sd_cli_wait (&invitations_result);

  if ((entries = sd_client_list_access_log_finish (cli->client, log_result, &error)) == NULL ||
      (invitations = sd_client_list_invitations_finish (cli->client, invitations_result,
                                                        &error)) == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    sd_cli_print_json (access_to_json (entries, invitations));
  else
    print_access (entries, invitations);

  return SD_CLI_EXIT_OK;
}

int
sd_cli_invite (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdInvitation) invitation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *expires_at = NULL;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not a ticket id", argv[1]);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  what = g_strdup_printf ("ticket %" G_GINT64_FORMAT, id);
  sd_client_invite_async (cli->client, id, cli->cancellable, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  if ((invitation = sd_client_invite_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, what);

  if (cli->json)
    {
      sd_cli_print_json (sd_invitation_to_json (invitation));
      return SD_CLI_EXIT_OK;
    }

  expires = sd_cli_format_relative (sd_invitation_get_expires_at (invitation));
  expires_at = sd_cli_format_time (sd_invitation_get_expires_at (invitation));
  sd_cli_print ("Invitation %" G_GINT64_FORMAT ": support can open your dashboard from ticket "
                "#%" G_GINT64_FORMAT " until %s (%s).\n"
                "'supportdesk-cli revoke %" G_GINT64_FORMAT "' ends it sooner.\n",
                sd_invitation_get_id (invitation), id, expires_at, expires,
                sd_invitation_get_id (invitation));

  return SD_CLI_EXIT_OK;
}

int
sd_cli_revoke (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not an invitation id", argv[1]);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  what = g_strdup_printf ("invitation %" G_GINT64_FORMAT, id);
  sd_client_revoke_invitation_async (cli->client, id, cli->cancellable, sd_cli_store_result_cb,
                                     &result);
  sd_cli_wait (&result);
  if (!sd_client_revoke_invitation_finish (cli->client, result, &error))
    return sd_cli_fail (cli, error, what);

  if (cli->json)
    sd_cli_print_json (sd_cli_json_empty_object ());
  else
    sd_cli_print ("Invitation %" G_GINT64_FORMAT " is revoked.\n", id);

  return SD_CLI_EXIT_OK;
}

/*
 * Nine digits, with spaces or dashes between groups as people copy them.
 * Anything else is refused here: the service would count it as a failed
 * attempt against the customer, and lock the PIN after five.
 */
static char *
normalize_pin (const char *text)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != ' ' && *p != '-')
        return NULL;
    }

  if (digits->len != 9)
    return NULL;

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

static JsonNode *
dashboard_to_json (SdCli      *cli,
                   const char *token,
                   SdUser     *customer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, cli->server);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "customer");
  json_builder_add_value (builder, sd_user_to_json (customer));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

int
sd_cli_dashboard (SdCli  *cli,
                  int     argc,
                  char  **argv)
{
  g_autofree char *customer_email = NULL;
  g_autofree char *pin_option = NULL;
  g_autofree char *invitation_option = NULL;
  const GOptionEntry entries[] = {
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer_email,
      "The customer's email (with --pin)", "EMAIL" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin_option,
      "The support PIN the customer gave", "PIN" },
    { "invitation", 0, 0, G_OPTION_ARG_STRING, &invitation_option,
      "An invitation the customer sent, instead of a PIN", "ID" },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdUser) customer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *token = NULL;
  gint64 invitation_id = 0;
  int status;

  if ((status = sd_cli_parse (cli, entries, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;

  if (invitation_option != NULL)
    {
      if (customer_email != NULL || pin_option != NULL)
        return sd_cli_usage_error (cli, "give either --invitation, or --customer and --pin");
      if (!sd_cli_parse_id (invitation_option, &invitation_id))
        return sd_cli_usage_error (cli, "'%s' is not an invitation id", invitation_option);
    }
  else
    {
      if (customer_email == NULL || pin_option == NULL)
        return sd_cli_usage_error (cli, "dashboard needs --customer EMAIL and --pin PIN, or "
                                   "--invitation ID");
      if ((pin = normalize_pin (pin_option)) == NULL)
        return sd_cli_usage_error (cli, "a support PIN is nine digits, like 482 913 706");
    }

  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  sd_client_open_dashboard_async (cli->client, customer_email, pin, invitation_id,
                                  cli->cancellable, sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  token = sd_client_open_dashboard_finish (cli->client, result, &customer, &error);
  if (token == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    {
      sd_cli_print_json (dashboard_to_json (cli, token, customer));
      return SD_CLI_EXIT_OK;
    }

  /* The token alone on standard output, so that $(supportdesk-cli dashboard …) is the token. */
  printf ("%s\n", token);

  if (cli->stdout_is_tty)
    {
      g_autofree char *name = sd_cli_clean (sd_user_get_name (customer), FALSE);
      g_autofree char *email = sd_cli_clean (sd_user_get_email (customer), FALSE);

      fprintf (stderr, "A read-only session as %s <%s>, for one hour. Use it as\n"
               "  SUPPORTDESK_TOKEN=%s supportdesk-cli --server %s tickets\n",
               name, email, token, cli->server);
    }

  memset (token, 0, strlen (token));

  return SD_CLI_EXIT_OK;
}
