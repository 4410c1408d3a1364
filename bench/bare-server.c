#define G_LOG_DOMAIN "sd-bench-bare-server"

#include "config.h"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>

/*
 * The reference of the list benchmark: a SoupServer that answers every
 * request with one fixed body (a saved answer of GET /api/v1/tickets) and
 * the headers supportdesk-server puts on it, and does nothing else.
 *   bare-server --body FILE    prints "Listening on http://127.0.0.1:PORT"
 */

static GBytes *body;

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *body_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;
  gsize length;
  const GOptionEntry entries[] = {
    { "body", 0, 0, G_OPTION_ARG_FILENAME, &body_path, "The body of every answer", "FILE" },
    { NULL }
  };

  context = g_option_context_new ("- answer every request with a fixed body");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || body_path == NULL)
    {
      g_printerr ("bare-server: %s\n", error != NULL ? error->message : "give --body");
      return 2;
    }

  if (!g_file_get_contents (body_path, &contents, &length, &error))
    {
      g_printerr ("bare-server: %s\n", error->message);
      return 1;
    }
  body = g_bytes_new_take (g_steal_pointer (&contents), length);

  /* The same Server header as supportdesk-server, so that both answers are as long. */
  server = soup_server_new ("server-header", "supportdesk-server/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (server, NULL, handle_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("bare-server: %s\n", error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  printf ("Listening on http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_bytes_unref (body);

  return 0;
}
