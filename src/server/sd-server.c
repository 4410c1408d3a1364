#define G_LOG_DOMAIN "sd-server"

#include "config.h"

#include "sd-server.h"

#include "sd-api.h"
#include "sd-json.h"
#include "sd-number.h"
#include "sd-rate-limit.h"
#include "sd-request-private.h"
#include "sd-server-private.h"

#include <glib/gstdio.h>
#include <sodium.h>

/* How often expired uploads, sessions and records are swept away. */
#define PURGE_INTERVAL_SECONDS (10 * 60)

struct _SdServer
{
  GObject     parent_instance;

  /* owned */
  SdStore    *store;
  SoupServer *soup;
  char       *data_dir;
  char       *files_dir;
  guint       purge_source;

  guint64     max_upload_size;
  guint8      pin_key[SD_PIN_KEY_SIZE];
};

G_DEFINE_FINAL_TYPE (SdServer, sd_server, G_TYPE_OBJECT)

/* "#" stands for one numeric id. HEAD is served wherever GET is. */
static const SdRoute routes[] = {
  { "GET",    "/healthz",                          sd_api_healthz, SD_ROUTE_PUBLIC },
  { "GET",    "/api/v1/limits",                    sd_api_limits_get, SD_ROUTE_PUBLIC },
  { "POST",   "/api/v1/session",                   sd_api_session_create,
    SD_ROUTE_PUBLIC | SD_ROUTE_JSON | SD_ROUTE_ASYNC },
  { "GET",    "/api/v1/session",                   sd_api_session_get, 0 },
  { "DELETE", "/api/v1/session",                   sd_api_session_delete, 0 },
  { "GET",    "/api/v1/categories",                sd_api_categories_list, 0 },
  { "GET",    "/api/v1/tickets",                   sd_api_tickets_list, 0 },
  { "POST",   "/api/v1/tickets",                   sd_api_tickets_create,
    SD_ROUTE_JSON | SD_ROUTE_IDEMPOTENT },
  { "GET",    "/api/v1/tickets/#",                 sd_api_ticket_get, 0 },
  { "PATCH",  "/api/v1/tickets/#",                 sd_api_ticket_update, SD_ROUTE_JSON },
  { "GET",    "/api/v1/tickets/#/messages",        sd_api_messages_list, 0 },
  { "POST",   "/api/v1/tickets/#/messages",        sd_api_messages_create,
    SD_ROUTE_JSON | SD_ROUTE_IDEMPOTENT },
  { "POST",   "/api/v1/tickets/#/invitations",     sd_api_invitations_create, 0 },
  { "GET",    "/api/v1/invitations",               sd_api_invitations_list, 0 },
  { "DELETE", "/api/v1/invitations/#",             sd_api_invitation_delete, 0 },
  { "POST",   "/api/v1/uploads",                   sd_api_uploads_create,
    SD_ROUTE_UPLOAD | SD_ROUTE_IDEMPOTENT },
  { "GET",    "/api/v1/attachments/#",             sd_api_attachment_get, 0 },
  { "POST",   "/api/v1/support-pin",               sd_api_pin_create, 0 },
  { "GET",    "/api/v1/support-pin",               sd_api_pin_get, 0 },
  { "DELETE", "/api/v1/support-pin",               sd_api_pin_delete, 0 },
  { "GET",    "/api/v1/access-log",                sd_api_access_log, 0 },
  { "POST",   "/api/v1/agent/dashboard-sessions",  sd_api_dashboard_sessions_create,
    SD_ROUTE_JSON },
};

/* Plain decimal only: no sign, no spaces, no leading "+". */
static gboolean
parse_id (const char *text,
          gint64     *out_id)
{
  return sd_number_parse (text, 1, G_MAXINT64, out_id);
}

typedef enum
{
  MATCH_NONE,
  MATCH_OK,
  /* The path has the route's shape, but names an id that cannot exist. */
  MATCH_BAD_ID,
} MatchResult;

static MatchResult
match_pattern (const char *pattern,
               const char *path,
               gint64     *ids)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  gboolean bad_id = FALSE;
  guint n_ids = 0;

  if (g_strv_length (want) != g_strv_length (have))
    return MATCH_NONE;

  for (guint i = 0; want[i] != NULL; i++)
    {
      if (g_str_equal (want[i], "#"))
        {
          if (!parse_id (have[i], &ids[n_ids++]))
            bad_id = TRUE;
        }
      else if (!g_str_equal (want[i], have[i]))
        {
          return MATCH_NONE;
        }
    }

  return bad_id ? MATCH_BAD_ID : MATCH_OK;
}

/*
 * Finds the route for a request. Without one, replies 404, or 405 with an
 * Allow header when the path is known but not the method.
 */
static const SdRoute *
find_route (SdRequest *request)
{
  const char *method = sd_request_get_method (request);
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  g_autoptr(GString) allow = NULL;
  gboolean path_known = FALSE;

  if (g_str_equal (method, "HEAD"))
    method = "GET";

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      MatchResult match = match_pattern (routes[i].pattern, path, request->ids);

      if (match == MATCH_NONE)
        continue;

      if (match == MATCH_BAD_ID)
        {
          sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                                  "There is nothing at this address");
          return NULL;
        }

      path_known = TRUE;

      if (g_str_equal (routes[i].method, method))
        return &routes[i];

      if (allow == NULL)
        allow = g_string_new (NULL);
      else
        g_string_append (allow, ", ");
      g_string_append (allow, routes[i].method);
      if (g_str_equal (routes[i].method, "GET"))
        g_string_append (allow, ", HEAD");
    }

  if (path_known)
    {
      soup_message_headers_replace (sd_request_get_response_headers (request), "Allow",
                                    allow->str);
      sd_request_reply_error (request, SD_API_ERROR_METHOD_NOT_ALLOWED, NULL,
                              "This address does not take %s requests; it takes %s",
                              sd_request_get_method (request), allow->str);
    }
  else
    {
      sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                              "There is nothing at this address");
    }

  return NULL;
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              SdRequest         *request)
{
  g_autoptr(GError) error = NULL;
  gsize size = g_bytes_get_size (chunk);

  /* Once the answer is known, the rest of the body is read and dropped. */
  if (request->replied || request->aborted)
    return;

  request->received += size;
  if (request->received > request->body_limit)
    {
      sd_request_reject_too_large (request);
      return;
    }

  if (request->upload != NULL)
    {
      if (!sd_upload_writer_write (request->upload, g_bytes_get_data (chunk, NULL), size, &error))
        sd_request_reply_internal (request, error);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), size);
}

static void
got_headers_cb (SoupServerMessage *msg,
                SdRequest         *request)
{
  SdServer *self = request->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;

  /* Bodies are never accumulated by libsoup: JSON is collected up to its
   * limit, uploads go straight to disk. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  /* libsoup already refused the request (malformed, bad path). A path it
   * will not route (a NUL or a ".." segment once decoded) names nothing: that
   * is the API's 404, with its error body. Other refusals keep libsoup's. */
  if (soup_server_message_get_status (msg) != 0)
    {
      if (soup_server_message_get_status (msg) == SOUP_STATUS_BAD_REQUEST &&
          soup_server_message_get_uri (msg) != NULL)
        sd_request_reply_error (request, SD_API_ERROR_NOT_FOUND, NULL,
                                "There is nothing at this address");
      else
        request->replied = TRUE;
      return;
    }

  request->route = find_route (request);
  if (request->route == NULL)
    return;

  request->body_limit = (request->route->flags & SD_ROUTE_UPLOAD) != 0
                        ? self->max_upload_size
                        : SD_REQUEST_MAX_JSON_BODY;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64)soup_message_headers_get_content_length (headers) > request->body_limit)
    {
      if (soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE)
        {
          /* The client waits for our word before sending: no body will come. */
          soup_message_headers_replace (sd_request_get_response_headers (request),
                                        "Connection", "close");
          sd_request_reply_too_large (request);
        }
      else
        {
          sd_request_reject_too_large (request);
        }
      return;
    }

  if ((request->route->flags & SD_ROUTE_UPLOAD) == 0)
    return;

  /* Nothing reaches the disk before the sender is known and the upload is
   * acceptable. */
  if (!sd_request_authenticate (request) ||
      !sd_request_check_read_only (request) ||
      !sd_api_uploads_prepare (request))
    {
      /* The body that follows is of no use: the connection ends with the answer, so
       * that a client waiting on "Expect: 100-continue" is not left hanging. */
      soup_message_headers_replace (sd_request_get_response_headers (request),
                                    "Connection", "close");
      return;
    }

  request->upload = sd_upload_writer_new (self->files_dir, &error);
  if (request->upload == NULL)
    sd_request_reply_internal (request, error);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    SdServer          *self)
{
  SdRequest *request = sd_request_new (self, msg);

  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), request);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), request);
}

static void
request_finished_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     SdServer          *self)
{
  SdRequest *request = sd_request_from_message (msg);

  if (request != NULL)
    sd_request_finished (request, TRUE);
}

/* The client went away before the answer was sent: no status was given. */
static void
request_aborted_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    SdServer          *self)
{
  SdRequest *request = sd_request_from_message (msg);

  if (request != NULL)
    sd_request_finished (request, FALSE);
}

static void
handle_request_cb (SoupServer        *soup,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  SdRequest *request = sd_request_from_message (msg);

  g_return_if_fail (request != NULL);

  sd_request_dispatch (request, query);
}

static gboolean
purge_cb (gpointer user_data)
{
  sd_server_purge_expired (user_data);

  return G_SOURCE_CONTINUE;
}

static void
sd_server_dispose (GObject *object)
{
  SdServer *self = (SdServer *)object;

  g_clear_handle_id (&self->purge_source, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (sd_server_parent_class)->dispose (object);
}

static void
sd_server_finalize (GObject *object)
{
  SdServer *self = (SdServer *)object;

  sodium_memzero (self->pin_key, sizeof self->pin_key);
  g_clear_object (&self->store);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->files_dir, g_free);

  G_OBJECT_CLASS (sd_server_parent_class)->finalize (object);
}

static void
sd_server_class_init (SdServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_server_dispose;
  object_class->finalize = sd_server_finalize;
}

static void
sd_server_init (SdServer *self)
{
  self->max_upload_size = SD_SERVER_DEFAULT_MAX_UPLOAD_SIZE;
}

SdServer *
sd_server_new (SdStore     *store,
               const char  *data_dir,
               GError     **error)
{
  g_autoptr(SdServer) self = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (SD_TYPE_SERVER, NULL);
  self->store = g_object_ref (store);
  self->data_dir = g_strdup (data_dir);
  self->files_dir = g_build_filename (data_dir, "files", NULL);

  if (g_mkdir_with_parents (self->files_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", self->files_dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!sd_pin_load_key (data_dir, self->pin_key, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
sd_server_set_max_upload_size (SdServer *self,
                               guint64   max_upload_size)
{
  g_return_if_fail (SD_IS_SERVER (self));

  self->max_upload_size = max_upload_size;
}

static GInetSocketAddress *
parse_address (const char  *address,
               GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;
  g_autoptr(GInetAddress) inet = NULL;

  connectable = g_network_address_parse (address, 0, error);
  if (connectable == NULL)
    return NULL;

  host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));

  if (g_str_equal (host, "localhost"))
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (host);

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on", host);
      return NULL;
    }

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, port));
}

char *
sd_server_listen (SdServer         *self,
                  const char       *address,
                  GTlsCertificate  *certificate,
                  GError          **error)
{
  g_autoptr(GInetSocketAddress) socket_address = NULL;
  g_autoslist(GUri) uris = NULL;
  GUri *uri;
  g_autofree char *host = NULL;

  g_return_val_if_fail (SD_IS_SERVER (self), NULL);
  g_return_val_if_fail (self->soup == NULL, NULL);

  socket_address = parse_address (address, error);
  if (socket_address == NULL)
    return NULL;

  self->soup = g_object_new (SOUP_TYPE_SERVER,
                             "server-header", "supportdesk-server/" PACKAGE_VERSION " ",
                             "tls-certificate", certificate,
                             NULL);

  g_signal_connect_object (self->soup, "request-started",
                           G_CALLBACK (request_started_cb), self, 0);
  g_signal_connect_object (self->soup, "request-finished",
                           G_CALLBACK (request_finished_cb), self, 0);
  g_signal_connect_object (self->soup, "request-aborted",
                           G_CALLBACK (request_aborted_cb), self, 0);
  soup_server_add_handler (self->soup, NULL, handle_request_cb, self, NULL);

  if (!soup_server_listen (self->soup, G_SOCKET_ADDRESS (socket_address),
                           certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0,
                           error))
    return NULL;

  sd_server_purge_expired (self);
  self->purge_source = g_timeout_add_seconds (PURGE_INTERVAL_SECONDS, purge_cb, self);

  uris = soup_server_get_uris (self->soup);
  g_return_val_if_fail (uris != NULL, NULL);
  uri = uris->data;

  host = g_strdup (g_uri_get_host (uri));
  if (strchr (host, ':') != NULL)
    {
      g_autofree char *bare = g_steal_pointer (&host);

      host = g_strdup_printf ("[%s]", bare);
    }

  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), host, g_uri_get_port (uri));
}

static void
purge_step (SdServer   *self,
            const char *sql,
            gint64      before)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = sd_store_prepare (self->store, sql);

  sqlite3_bind_int64 (stmt, 1, before);
  if (!sd_store_run (self->store, stmt, &error))
    g_warning ("Cannot purge expired records: %s", error->message);
}

void
sd_server_purge_expired (SdServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) expired = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_if_fail (SD_IS_SERVER (self));

  {
    g_autoptr(SdStatement) stmt = NULL;

    stmt = sd_store_prepare (self->store,
                             "SELECT id FROM files WHERE message_id IS NULL AND expires_at <= ?1");
    sqlite3_bind_int64 (stmt, 1, now);
    while (sd_store_step (self->store, stmt, &error) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (expired, id);
      }
  }

  if (error != NULL)
    g_warning ("Cannot look for expired uploads: %s", error->message);

  /* Rows first: a file without a row is garbage, a row without a file an error. */
  purge_step (self, "DELETE FROM files WHERE message_id IS NULL AND expires_at <= ?1", now);
  for (guint i = 0; i < expired->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!sd_files_delete (self->files_dir, g_array_index (expired, gint64, i), &local_error))
        g_warning ("%s", local_error->message);
    }

  purge_step (self, "DELETE FROM sessions WHERE expires_at <= ?1", now);
  purge_step (self, "DELETE FROM idempotency_keys WHERE created_at <= ?1",
              now - SD_REQUEST_IDEMPOTENCY_LIFETIME);
  if (!sd_rate_limit_purge (self->store, now - 24 * 60 * 60, &error))
    g_warning ("Cannot purge rate-limit records: %s", error->message);
}

const char *
sd_server_get_files_dir (SdServer *self)
{
  return self->files_dir;
}

const guint8 *
sd_server_get_pin_key (SdServer *self)
{
  return self->pin_key;
}

guint64
sd_server_get_max_upload_size (SdServer *self)
{
  return self->max_upload_size;
}

SdStore *
sd_server_get_store (SdServer *self)
{
  return self->store;
}
