#define G_LOG_DOMAIN "sd-outbox-writer"

#include "config.h"

#include "sd-outbox.h"
#include "sd-number.h"
#include "sd-upload.h"

#include <stdio.h>
#include <string.h>

/*
 * What the app does with its outbox, as a program that a test can kill at
 * any moment: it loads an outbox, adds items to it one after another and
 * sends them. Usage:
 *
 *   outbox-writer OUTBOX-DIR SERVER-URL SPEC…
 *
 * with the session token in $SD_TEST_TOKEN rather than on the command line,
 * where every user of the machine could read it. A SPEC is
 * "ticket:SUBJECT[:FILE,…]" or "message:TICKET-ID:BODY[:FILE,…]".
 *
 * On standard output, each line flushed as soon as it is written: "loaded"
 * once the outbox is loaded; "added MARKER" (the subject or body) once an
 * item is safely stored, the moment the app would tell the user so; "sent
 * MARKER" once the server confirmed it; "done" once all are sent.
 */

/* A new ticket's description: the one the test looks for on its first message. */
#define DESCRIPTION "Written under faults"

typedef struct
{
  SdClient   *client;
  SdOutbox   *outbox;
  char      **specs;
  guint       next;
  /* An item is being stored: it is in no list yet, but it is not done. */
  gboolean    adding;
  GMainLoop  *loop;
  int         status;
} Writer;

static void add_next (Writer *writer);

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  /* A line the test reads after a kill must have left the process before it. */
  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
fail (Writer     *writer,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (Writer     *writer,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("outbox-writer: %s\n", message);
  writer->status = 1;
  g_main_loop_quit (writer->loop);
}

static const char *
item_marker (SdOutboxItem *item)
{
  if (sd_outbox_item_get_kind (item) == SD_OUTBOX_ITEM_KIND_TICKET)
    return sd_outbox_item_get_subject (item);

  return sd_outbox_item_get_body (item);
}

static void
check_done (Writer *writer)
{
  if (writer->specs[writer->next] == NULL && !writer->adding &&
      g_list_model_get_n_items (G_LIST_MODEL (writer->outbox)) == 0)
    {
      say ("done");
      g_main_loop_quit (writer->loop);
    }
}

static void
item_sent_cb (SdOutbox     *outbox,
              SdOutboxItem *item,
              GObject      *created,
              Writer       *writer)
{
  say ("sent %s", item_marker (item));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Writer     *writer)
{
  check_done (writer);
}

/* The files of a SPEC, comma-separated, as uploads not yet started. */
static GPtrArray *
new_uploads (Writer     *writer,
             const char *list)
{
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) paths = NULL;

  if (list == NULL || *list == '\0')
    return NULL;

  paths = g_strsplit (list, ",", -1);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autofree char *name = g_file_get_basename (file);

      g_ptr_array_add (uploads, sd_upload_new (writer->client, file, name,
                                               "application/octet-stream"));
    }

  return g_steal_pointer (&uploads);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Writer *writer = user_data;
  g_autoptr(SdOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  writer->adding = FALSE;
  item = sd_outbox_add_finish (SD_OUTBOX (source), result, &error);
  if (item == NULL)
    {
      fail (writer, "Cannot add an item: %s", error->message);
      return;
    }

  say ("added %s", item_marker (item));
  add_next (writer);
}

static void
add_next (Writer *writer)
{
  const char *spec = writer->specs[writer->next];
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  gint64 ticket_id;

  if (spec == NULL)
    {
      check_done (writer);
      return;
    }
  writer->next++;
  writer->adding = TRUE;

  parts = g_strsplit (spec, ":", 4);
  if (g_strcmp0 (parts[0], "ticket") == 0 && parts[1] != NULL)
    {
      uploads = new_uploads (writer, parts[2]);
      sd_outbox_add_ticket_async (writer->outbox, "billing", parts[1], DESCRIPTION, uploads,
                                  NULL, added_cb, writer);
    }
  else if (g_strcmp0 (parts[0], "message") == 0 && parts[1] != NULL && parts[2] != NULL &&
           sd_number_parse (parts[1], 1, G_MAXINT64, &ticket_id))
    {
      uploads = new_uploads (writer, parts[3]);
      sd_outbox_add_message_async (writer->outbox, ticket_id, parts[2], uploads, NULL, added_cb,
                                   writer);
    }
  else
    {
      fail (writer, "Not an item: %s", spec);
    }
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Writer *writer = user_data;
  g_autoptr(GError) error = NULL;

  if (!sd_outbox_load_finish (SD_OUTBOX (source), result, &error))
    {
      fail (writer, "Cannot load the outbox: %s", error->message);
      return;
    }

  say ("loaded");

  /* Sending starts with the first item, while the next ones are still being added. */
  sd_outbox_set_client (writer->outbox, writer->client);
  add_next (writer);
}

int
main (int   argc,
      char *argv[])
{
  const char *token = g_getenv ("SD_TEST_TOKEN");
  g_autoptr(GFile) dir = NULL;
  Writer writer = { 0 };

  if (argc < 3 || token == NULL)
    {
      g_printerr ("Usage: SD_TEST_TOKEN=… outbox-writer OUTBOX-DIR SERVER-URL SPEC…\n");
      return 2;
    }

  dir = g_file_new_for_commandline_arg (argv[1]);
  writer.client = sd_client_new (argv[2]);
  sd_client_set_token (writer.client, token);
  writer.specs = argv + 3;
  writer.loop = g_main_loop_new (NULL, FALSE);

  writer.outbox = sd_outbox_new (dir);
  /* Short waits, so that a test sees many attempts in little time. */
  sd_outbox_set_backoff (writer.outbox, 10, 100);
  g_signal_connect (writer.outbox, "item-sent", G_CALLBACK (item_sent_cb), &writer);
  g_signal_connect (writer.outbox, "items-changed", G_CALLBACK (items_changed_cb), &writer);
  sd_outbox_load_async (writer.outbox, NULL, loaded_cb, &writer);

  g_main_loop_run (writer.loop);

  g_signal_handlers_disconnect_by_data (writer.outbox, &writer);
  g_clear_object (&writer.outbox);
  g_clear_object (&writer.client);
  g_main_loop_unref (writer.loop);

  return writer.status;
}
