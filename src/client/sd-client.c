#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"
#include "sd-json.h"
#include "sd-tls-database.h"

#include <string.h>

/*
 * SdClient is split by topic: this file holds the object, its SoupSession
 * and what every call shares; sd-client-send.c the HTTP exchange,
 * sd-client-error.c the error domain, and sd-client-session.c,
 * sd-client-tickets.c, sd-client-support.c and sd-client-download.c the
 * calls of the API.
 */

/* Seconds without progress on a connection before a request fails. */
#define IO_TIMEOUT 30
/* Seconds an unused connection is kept for the next request. */
#define IDLE_TIMEOUT 60

struct _SdClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *token;
  SdUser      *user;
  /* What the service said once and rarely changes: kept for the session. */
  SdClientCategoryCache categories;
  SdLimits    *limits;
};

G_DEFINE_FINAL_TYPE (SdClient, sd_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The token is a secret: no copy is left behind in freed memory. */
static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
sd_client_set_user (SdClient *self,
                    SdUser   *user)
{
  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (user == NULL || SD_IS_USER (user));

  if (g_set_object (&self->user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
sd_client_constructed (GObject *object)
{
  SdClient *self = (SdClient *)object;

  G_OBJECT_CLASS (sd_client_parent_class)->constructed (object);

  self->session = soup_session_new_with_options ("user-agent", "SupportDesk/" PACKAGE_VERSION,
                                                 "timeout", IO_TIMEOUT,
                                                 "idle-timeout", IDLE_TIMEOUT,
                                                 NULL);
}

static void
sd_client_dispose (GObject *object)
{
  SdClient *self = (SdClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (sd_client_parent_class)->dispose (object);
}

static void
sd_client_finalize (GObject *object)
{
  SdClient *self = (SdClient *)object;

  g_clear_pointer (&self->base_url, g_free);
  clear_secret (&self->token);
  g_clear_pointer (&self->categories.categories, g_ptr_array_unref);
  g_clear_pointer (&self->categories.waiting, g_ptr_array_unref);
  g_clear_object (&self->limits);

  G_OBJECT_CLASS (sd_client_parent_class)->finalize (object);
}

static void
sd_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SdClient *self = SD_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_USER:
      g_value_set_object (value, self->user);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SdClient *self = SD_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize length = url != NULL ? strlen (url) : 0;

        /* Paths are appended with their own "/". */
        while (length > 0 && url[length - 1] == '/')
          length--;
        self->base_url = g_strndup (url != NULL ? url : "", length);
      }
      break;

    case PROP_TOKEN:
      sd_client_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_client_class_init (SdClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sd_client_constructed;
  object_class->dispose = sd_client_dispose;
  object_class->finalize = sd_client_finalize;
  object_class->get_property = sd_client_get_property;
  object_class->set_property = sd_client_set_property;

  /* "https://support.example.com", without "/api/v1". */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL,
                         SD_TYPE_USER,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SdClient::session-ended:
   *
   * A request made with the token was answered 401: the session expired or
   * was revoked, and every further call will fail the same way.
   */
  signals[SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

void
sd_client_check_session (SdClient    *self,
                         SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED &&
      soup_message_headers_get_one (headers, "Authorization") != NULL)
    g_signal_emit (self, signals[SESSION_ENDED], 0);
}

static void
sd_client_init (SdClient *self)
{
}

SdClient *
sd_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (SD_TYPE_CLIENT,
                       "base-url", base_url,
                       NULL);
}

const char *
sd_client_get_base_url (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->base_url;
}

const char *
sd_client_get_token (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->token;
}

void
sd_client_set_token (SdClient   *self,
                     const char *token)
{
  g_return_if_fail (SD_IS_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  clear_secret (&self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

SdUser *
sd_client_get_user (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->user;
}

SoupSession *
sd_client_get_session (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->session;
}

SdLimits *
sd_client_get_cached_limits (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return self->limits;
}

void
sd_client_set_cached_limits (SdClient *self,
                             SdLimits *limits)
{
  g_return_if_fail (SD_IS_CLIENT (self));

  g_set_object (&self->limits, limits);
}

SdClientCategoryCache *
sd_client_get_category_cache (SdClient *self)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);

  return &self->categories;
}

/*
 * Connections already open keep the database they were made with, so this
 * is meant to be called before the first request.
 */
gboolean
sd_client_set_ca_file (SdClient    *self,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GTlsDatabase) file_database = NULL;
  g_autoptr(GTlsDatabase) system_database = NULL;
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (SD_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((file_database = g_tls_file_database_new (path, error)) == NULL)
    return FALSE;

  system_database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  database = sd_tls_database_new ((GTlsDatabase *[]) { file_database, system_database, NULL });
  soup_session_set_tls_database (self->session, database);

  return TRUE;
}

/* A UUID: 36 printable ASCII characters, well within what the API takes (1–255). */
char *
sd_client_new_idempotency_key (void)
{
  return g_uuid_string_random ();
}

/*
 * The base URL comes from the user, so it is checked here rather than
 * trusted: libsoup takes only absolute http(s) URIs with a host.
 */
static GUri *
build_uri (SdClient    *self,
           const char  *path,
           GError     **error)
{
  g_autofree char *text = g_strconcat (self->base_url, path, NULL);
  g_autoptr(GUri) uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      host == NULL || host[0] == '\0')
    {
      g_autofree char *message = g_strdup_printf ("“%s” is not the address of a server",
                                                  self->base_url);

      g_propagate_error (error, sd_client_error_new (SD_CLIENT_ERROR_NETWORK, 0, NULL, 0,
                                                     message));
      return NULL;
    }

  return g_steal_pointer (&uri);
}

SoupMessage *
sd_client_new_message (SdClient    *self,
                       const char  *method,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *headers;
  SoupMessage *msg;

  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  if ((uri = build_uri (self, path, error)) == NULL)
    return NULL;

  msg = soup_message_new_from_uri (method, uri);
  /* The API never redirects; following one would send the token elsewhere. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->token);

      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  return msg;
}

typedef struct
{
  const SdClientReader *reader;
  SoupMessage          *msg;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_free (call);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SdClient *self = SD_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  root = sd_client_send_json_finish (self, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (call->reader->read == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (root == NULL || (value = call->reader->read (self, root, &error)) == NULL)
    {
      g_task_return_error (task, sd_client_error_new_invalid (soup_message_get_status (call->msg),
                                                              error));
      return;
    }

  g_task_return_pointer (task, value, call->reader->free);
}

void
sd_client_call (SdClient             *self,
                GTask                *task,
                const char           *method,
                const char           *path,
                JsonNode             *body,
                const char           *idempotency_key,
                const SdClientReader *reader)
{
  g_autoptr(GTask) owned_task = task;
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;
  Call *call;
  GCancellable *cancellable;

  if ((msg = sd_client_new_message (self, method, path, &error)) == NULL)
    {
      g_task_return_error (owned_task, error);
      return;
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = sd_json_to_bytes (body);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Idempotency-Key", idempotency_key);

  call = g_new0 (Call, 1);
  call->reader = reader;
  call->msg = g_object_ref (msg);
  g_task_set_task_data (owned_task, call, (GDestroyNotify)call_free);

  cancellable = g_task_get_cancellable (owned_task);
  sd_client_send_json_async (self, msg, cancellable, call_done_cb, g_steal_pointer (&owned_task));
}

gpointer
sd_client_finish_pointer (SdClient      *self,
                          GAsyncResult  *result,
                          gpointer       source_tag,
                          GError       **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sd_client_finish_boolean (SdClient      *self,
                          GAsyncResult  *result,
                          gpointer       source_tag,
                          GError       **error)
{
  g_return_val_if_fail (SD_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
sd_client_read_list (JsonNode          *root,
                     const char        *member,
                     SdClientItemFunc   item_func,
                     GError           **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *object;
  JsonArray *array = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root) || (object = json_node_get_object (root)) == NULL)
    {
      g_set_error (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_RESPONSE,
                   "A list of “%s” must be a JSON object", member);
      return NULL;
    }

  if (!sd_json_get_array (object, member, TRUE, &array, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gpointer item = item_func (json_array_get_element (array, i), error);

      if (item == NULL)
        {
          g_prefix_error (error, "Item %u of “%s”: ", i, member);
          return NULL;
        }

      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}

SdPage *
sd_client_read_page (JsonNode          *root,
                     const char        *member,
                     SdClientItemFunc   item_func,
                     GError           **error)
{
  g_autoptr(GPtrArray) items = NULL;
  const char *next_cursor = NULL;
  SdPage *page;

  if ((items = sd_client_read_list (root, member, item_func, error)) == NULL ||
      !sd_json_get_string (json_node_get_object (root), "next_cursor", FALSE, &next_cursor, error))
    return NULL;

  page = g_new0 (SdPage, 1);
  page->items = g_steal_pointer (&items);
  /* An empty cursor could only start the list again. */
  if (next_cursor != NULL && next_cursor[0] != '\0')
    page->next_cursor = g_strdup (next_cursor);

  return page;
}

void
sd_page_free (SdPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->next_cursor, g_free);
  g_free (page);
}
