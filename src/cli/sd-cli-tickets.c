#define G_LOG_DOMAIN "sd-cli"

#include "config.h"

#include "sd-cli-private.h"

#include <stdio.h>

/*
 * Reading tickets: the categories, the list with its filters, one ticket
 * with its whole conversation; and setting a ticket's status.
 */

/* The API's largest page; --limit beyond it takes more than one. */
#define PAGE_SIZE 100
#define MAX_LIMIT 10000

static JsonNode *
categories_to_json (GPtrArray *categories)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < categories->len; i++)
    json_builder_add_value (builder, sd_category_to_json (g_ptr_array_index (categories, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

int
sd_cli_categories (SdCli  *cli,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(SdCliTable) table = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  sd_client_list_categories_async (cli->client, cli->cancellable, sd_cli_store_result_cb,
                                   &result);
  sd_cli_wait (&result);
  if ((categories = sd_client_list_categories_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    {
      sd_cli_print_json (categories_to_json (categories));
      return SD_CLI_EXIT_OK;
    }

  table = sd_cli_table_new ("ID", "NAME", NULL);
  for (guint i = 0; i < categories->len; i++)
    {
      SdCategory *category = g_ptr_array_index (categories, i);

      sd_cli_table_add_row (table, g_strdup (sd_category_get_id (category)),
                            g_strdup (sd_category_get_name (category)), NULL);
    }
  sd_cli_table_print (table);

  return SD_CLI_EXIT_OK;
}

static JsonNode *
tickets_to_json (GPtrArray *tickets,
                 gboolean   has_more)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tickets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < tickets->len; i++)
    json_builder_add_value (builder, sd_ticket_to_json (g_ptr_array_index (tickets, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "has_more");
  json_builder_add_boolean_value (builder, has_more);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_tickets (GPtrArray *tickets,
               gboolean   filtered,
               gboolean   has_more)
{
  g_autoptr(SdCliTable) table = NULL;

  if (tickets->len == 0)
    {
      sd_cli_print (filtered ? "No tickets match.\n" : "No tickets.\n");
      return;
    }

  table = sd_cli_table_new ("ID", "STATUS", "CATEGORY", "ACTIVITY", "MESSAGES", "REQUESTER",
                            "SUBJECT", NULL);
  for (guint i = 0; i < tickets->len; i++)
    {
      SdTicket *ticket = g_ptr_array_index (tickets, i);
      SdUser *requester = sd_ticket_get_requester (ticket);

      sd_cli_table_add_row (table,
                            g_strdup_printf ("%" G_GINT64_FORMAT, sd_ticket_get_id (ticket)),
                            g_strdup (sd_ticket_status_to_string (sd_ticket_get_status (ticket))),
                            g_strdup (sd_ticket_get_category (ticket)),
                            sd_cli_format_relative (sd_ticket_get_updated_at (ticket)),
                            g_strdup_printf ("%" G_GINT64_FORMAT,
                                             sd_ticket_get_message_count (ticket)),
                            g_strdup (requester != NULL ? sd_user_get_name (requester) : ""),
                            g_strdup (sd_ticket_get_subject (ticket)),
                            NULL);
    }
  sd_cli_table_print (table);

  if (has_more)
    sd_cli_print ("There are more: --limit N shows up to N tickets.\n");
}

int
sd_cli_tickets (SdCli  *cli,
                int     argc,
                char  **argv)
{
  g_autofree char *search = NULL;
  g_autofree char *category = NULL;
  g_autofree char *status_filter = NULL;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "search", 'q', 0, G_OPTION_ARG_STRING, &search,
      "Only tickets with all these words in the subject or a message", "WORDS" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category,
      "Only tickets of this category", "ID" },
    { "status", 's', 0, G_OPTION_ARG_STRING, &status_filter,
      "Only pending or only solved tickets", "pending|solved" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit,
      "Show at most N tickets (default 50)", "N" },
    { NULL }
  };
  g_autoptr(SdTicketQuery) query = NULL;
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  SdTicketStatus ticket_status;
  int status;

  if ((status = sd_cli_parse (cli, entries, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (status_filter != NULL && !sd_ticket_status_from_string (status_filter, &ticket_status))
    return sd_cli_usage_error (cli, "--status is pending or solved, not '%s'", status_filter);
  if (limit < 1 || limit > MAX_LIMIT)
    return sd_cli_usage_error (cli, "--limit is a number from 1 to %d", MAX_LIMIT);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  query = sd_ticket_query_new (search, category, status_filter);

  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SdPage) page = NULL;
      guint wanted = MIN ((guint)limit - tickets->len, PAGE_SIZE);

      sd_client_list_tickets_async (cli->client, query, cursor, wanted, cli->cancellable,
                                    sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      if ((page = sd_client_list_tickets_finish (cli->client, result, &error)) == NULL)
        return sd_cli_fail (cli, error, NULL);

      for (guint i = 0; i < page->items->len && tickets->len < (guint)limit; i++)
        g_ptr_array_add (tickets, g_object_ref (g_ptr_array_index (page->items, i)));

      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
    }
  while (cursor != NULL && tickets->len < (guint)limit);

  if (cli->json)
    sd_cli_print_json (tickets_to_json (tickets, cursor != NULL));
  else
    print_tickets (tickets, query->q != NULL || query->category != NULL ||
                            query->status != NULL, cursor != NULL);

  return SD_CLI_EXIT_OK;
}

static JsonNode *
conversation_to_json (SdTicket  *ticket,
                      GPtrArray *messages)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticket");
  json_builder_add_value (builder, sd_ticket_to_json (ticket));
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    json_builder_add_value (builder, sd_message_to_json (g_ptr_array_index (messages, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_ticket (SdTicket *ticket)
{
  SdUser *requester = sd_ticket_get_requester (ticket);
  g_autofree char *created = sd_cli_format_relative (sd_ticket_get_created_at (ticket));
  g_autofree char *created_at = sd_cli_format_time (sd_ticket_get_created_at (ticket));
  g_autofree char *updated = sd_cli_format_relative (sd_ticket_get_updated_at (ticket));
  gint64 count = sd_ticket_get_message_count (ticket);

  sd_cli_print ("#%" G_GINT64_FORMAT " %s\n", sd_ticket_get_id (ticket),
                sd_ticket_get_subject (ticket));
  sd_cli_print ("Status: %s · Category: %s · Requester: %s\n",
                sd_ticket_status_to_string (sd_ticket_get_status (ticket)),
                sd_ticket_get_category (ticket),
                requester != NULL ? sd_user_get_name (requester) : "unknown");
  sd_cli_print ("Opened %s (%s) · last activity %s · %" G_GINT64_FORMAT " message%s\n",
                created, created_at, updated, count, count == 1 ? "" : "s");
}

/* Each line of the body indented, so that one message ends where the next begins. */
static void
print_body (const char *body)
{
  g_auto(GStrv) lines = g_strsplit (body != NULL ? body : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    sd_cli_print (lines[i][0] != '\0' ? "  %s\n" : "%s\n", lines[i]);
}

static void
print_message (SdMessage *message)
{
  SdUser *author = sd_message_get_author (message);
  const char *name = author != NULL ? sd_user_get_name (author) : "Someone";
  g_autofree char *when = sd_cli_format_relative (sd_message_get_created_at (message));
  GListModel *attachments = sd_message_get_attachments (message);

  if (sd_message_get_kind (message) == SD_MESSAGE_KIND_EVENT)
    {
      sd_cli_print ("\n* %s · %s\n", sd_message_get_body (message), when);
      return;
    }

  sd_cli_print ("\n%s (%s) · %s · message %" G_GINT64_FORMAT "\n", name,
                author != NULL ? sd_role_to_string (sd_user_get_role (author)) : "unknown",
                when, sd_message_get_id (message));
  print_body (sd_message_get_body (message));

  for (guint i = 0; i < g_list_model_get_n_items (attachments); i++)
    {
      g_autoptr(SdAttachment) attachment = g_list_model_get_item (attachments, i);
      g_autofree char *size = g_format_size (sd_attachment_get_size (attachment));

      sd_cli_print ("  Attachment %" G_GINT64_FORMAT ": %s (%s, %s)\n",
                    sd_attachment_get_id (attachment), sd_attachment_get_filename (attachment),
                    sd_attachment_get_content_type (attachment), size);
    }
}

int
sd_cli_show (SdCli  *cli,
             int     argc,
             char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *cursor = NULL;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not a ticket id", argv[1]);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  what = g_strdup_printf ("ticket %" G_GINT64_FORMAT, id);
  sd_client_get_ticket_async (cli->client, id, cli->cancellable, sd_cli_store_result_cb,
                              &result);
  sd_cli_wait (&result);
  if ((ticket = sd_client_get_ticket_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, what);

  do
    {
      g_autoptr(GAsyncResult) page_result = NULL;
      g_autoptr(SdPage) page = NULL;

      sd_client_list_messages_async (cli->client, id, 0, cursor, PAGE_SIZE, cli->cancellable,
                                     sd_cli_store_result_cb, &page_result);
      sd_cli_wait (&page_result);
      if ((page = sd_client_list_messages_finish (cli->client, page_result, &error)) == NULL)
        return sd_cli_fail (cli, error, what);

      for (guint i = 0; i < page->items->len; i++)
        g_ptr_array_add (messages, g_object_ref (g_ptr_array_index (page->items, i)));

      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
    }
  while (cursor != NULL);

  if (cli->json)
    {
      sd_cli_print_json (conversation_to_json (ticket, messages));
      return SD_CLI_EXIT_OK;
    }

  print_ticket (ticket);
  for (guint i = 0; i < messages->len; i++)
    print_message (g_ptr_array_index (messages, i));

  return SD_CLI_EXIT_OK;
}

int
sd_cli_status (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  SdTicketStatus ticket_status;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, NULL, 2, 2, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not a ticket id", argv[1]);
  if (!sd_ticket_status_from_string (argv[2], &ticket_status))
    return sd_cli_usage_error (cli, "a status is pending or solved, not '%s'", argv[2]);
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  what = g_strdup_printf ("ticket %" G_GINT64_FORMAT, id);
  sd_client_set_ticket_status_async (cli->client, id, ticket_status, cli->cancellable,
                                     sd_cli_store_result_cb, &result);
  sd_cli_wait (&result);
  if ((ticket = sd_client_set_ticket_status_finish (cli->client, result, &error)) == NULL)
    return sd_cli_fail (cli, error, what);

  if (cli->json)
    sd_cli_print_json (sd_ticket_to_json (ticket));
  else
    sd_cli_print ("Ticket #%" G_GINT64_FORMAT " is %s: %s\n", sd_ticket_get_id (ticket),
                  sd_ticket_status_to_string (sd_ticket_get_status (ticket)),
                  sd_ticket_get_subject (ticket));

  return SD_CLI_EXIT_OK;
}

/* Typed at a terminal, or piped; the API takes 65,536 characters, of up to four bytes. */
#define MAX_TEXT_SIZE (256 * 1024)

/*
 * The text of a new ticket or message: @option, or standard input. An
 * empty text is refused here, as the service would.
 */
static char *
get_text (SdCli       *cli,
          const char  *option,
          const char  *what,
          const char  *option_name,
          int         *out_status)
{
  g_autofree char *text = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *trimmed = NULL;
  g_autoptr(GError) error = NULL;

  *out_status = SD_CLI_EXIT_OK;

  if (option != NULL)
    {
      text = g_strdup (option);
    }
  else
    {
      prompt = g_strdup_printf ("Type the %s, then Ctrl+D on a line of its own:\n", what);
      if ((text = sd_cli_read_text (cli, what, prompt, MAX_TEXT_SIZE, &error)) == NULL)
        {
          *out_status = sd_cli_fail (cli, error, NULL);
          return NULL;
        }
    }

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      *out_status = sd_cli_usage_error (cli, "the %s is empty: give %s, or the text on "
                                        "standard input", what, option_name);
      return NULL;
    }

  return g_steal_pointer (&text);
}

static gboolean
attaches_stdin (char **paths)
{
  return paths != NULL && g_strv_contains ((const char * const *)paths, "-");
}

int
sd_cli_create (SdCli  *cli,
               int     argc,
               char  **argv)
{
  g_autofree char *category = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *description = NULL;
  g_autofree char *stdin_name = NULL;
  g_auto(GStrv) attach = NULL;
  const GOptionEntry entries[] = {
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category,
      "The ticket's category ('supportdesk-cli categories' lists them)", "ID" },
    { "subject", 's', 0, G_OPTION_ARG_STRING, &subject, "The ticket's subject, one line",
      "TEXT" },
    { "description", 'd', 0, G_OPTION_ARG_STRING, &description,
      "What happened (default: read from standard input)", "TEXT" },
    { "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &attach,
      "Attach FILE (again for more files; - for standard input)", "FILE" },
    { "stdin-name", 0, 0, G_OPTION_ARG_STRING, &stdin_name,
      "The name of the file that --attach - uploads (default: stdin.txt)", "NAME" },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) tokens = NULL;
  int status;

  if ((status = sd_cli_parse (cli, entries, 0, 0, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (category == NULL || category[0] == '\0')
    return sd_cli_usage_error (cli, "create needs --category ID ('supportdesk-cli categories' "
                               "lists them)");
  if (subject == NULL || g_strstrip (subject)[0] == '\0')
    return sd_cli_usage_error (cli, "create needs --subject TEXT");
  if (description == NULL && attaches_stdin (attach))
    return sd_cli_usage_error (cli, "standard input cannot be both the description and a file: "
                               "give --description with --attach -");
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  if ((text = get_text (cli, description, "description", "--description", &status)) == NULL)
    return status;

  tokens = sd_cli_upload_files (cli, (const char * const *)attach,
                                stdin_name != NULL ? stdin_name : "stdin.txt", &status);
  if (tokens == NULL)
    return status;

  /* One key for both attempts: if the first was done and only its answer lost, it counts. */
  key = sd_client_new_idempotency_key ();
  for (guint attempt = 0; ticket == NULL && attempt < 2; attempt++)
    {
      g_clear_object (&result);
      g_clear_error (&error);
      sd_client_create_ticket_async (cli->client, category, subject, text,
                                     (const char * const *)tokens, key, cli->cancellable,
                                     sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      ticket = sd_client_create_ticket_finish (cli->client, result, &error);
      if (!g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK))
        break;
    }
  if (ticket == NULL)
    return sd_cli_fail (cli, error, NULL);

  if (cli->json)
    sd_cli_print_json (sd_ticket_to_json (ticket));
  else
    sd_cli_print ("Created ticket #%" G_GINT64_FORMAT ": %s\n", sd_ticket_get_id (ticket),
                  sd_ticket_get_subject (ticket));

  return SD_CLI_EXIT_OK;
}

int
sd_cli_reply (SdCli  *cli,
              int     argc,
              char  **argv)
{
  g_autofree char *message_option = NULL;
  g_autofree char *stdin_name = NULL;
  g_auto(GStrv) attach = NULL;
  const GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message_option,
      "The message (default: read from standard input)", "TEXT" },
    { "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &attach,
      "Attach FILE (again for more files; - for standard input)", "FILE" },
    { "stdin-name", 0, 0, G_OPTION_ARG_STRING, &stdin_name,
      "The name of the file that --attach - uploads (default: stdin.txt)", "NAME" },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SdMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) tokens = NULL;
  gint64 id;
  int status;

  if ((status = sd_cli_parse (cli, entries, 1, 1, &argc, &argv)) != SD_CLI_EXIT_OK)
    return status;
  if (!sd_cli_parse_id (argv[1], &id))
    return sd_cli_usage_error (cli, "'%s' is not a ticket id", argv[1]);
  if (message_option == NULL && attaches_stdin (attach))
    return sd_cli_usage_error (cli, "standard input cannot be both the message and a file: "
                               "give --message with --attach -");
  if (!sd_cli_authenticate (cli, &error))
    return sd_cli_fail (cli, error, NULL);

  if ((text = get_text (cli, message_option, "message", "--message", &status)) == NULL)
    return status;

  tokens = sd_cli_upload_files (cli, (const char * const *)attach,
                                stdin_name != NULL ? stdin_name : "stdin.txt", &status);
  if (tokens == NULL)
    return status;

  what = g_strdup_printf ("ticket %" G_GINT64_FORMAT, id);
  key = sd_client_new_idempotency_key ();
  for (guint attempt = 0; message == NULL && attempt < 2; attempt++)
    {
      g_clear_object (&result);
      g_clear_error (&error);
      sd_client_post_message_async (cli->client, id, text, (const char * const *)tokens, key,
                                    cli->cancellable, sd_cli_store_result_cb, &result);
      sd_cli_wait (&result);
      message = sd_client_post_message_finish (cli->client, result, &error);
      if (!g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_NETWORK))
        break;
    }
  if (message == NULL)
    return sd_cli_fail (cli, error, what);

  if (cli->json)
    sd_cli_print_json (sd_message_to_json (message));
  else
    sd_cli_print ("Replied to ticket #%" G_GINT64_FORMAT " (message %" G_GINT64_FORMAT ").\n",
                  id, sd_message_get_id (message));

  return SD_CLI_EXIT_OK;
}
