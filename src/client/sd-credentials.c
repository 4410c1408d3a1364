#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-credentials.h"

#include <libsecret/secret.h>
#include <string.h>

/*
 * Items are found by their schema and two attributes: "server" (the base
 * URL) and "email". Their labels are what people see in Passwords and Keys,
 * so they say what each item is for.
 */

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    "com.example.SupportDesk.Session", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const SecretSchema *
pin_schema (void)
{
  static const SecretSchema schema = {
    "com.example.SupportDesk.Pin", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/*
 * The values are copies: libsecret keeps a reference to the table and reads it only once
 * it has its backend, after the call returned and the caller may have freed its strings.
 */
static GHashTable *
new_attributes (const char *server,
                const char *email)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer)"server", g_strdup (server));
  if (email != NULL)
    g_hash_table_insert (attributes, (gpointer)"email", g_strdup (email));

  return attributes;
}

/* A secret found, and whose it is. */
typedef struct
{
  char *secret;
  char *email;
} Found;

static void
wipe_string (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

static void
found_free (Found *found)
{
  g_clear_pointer (&found->secret, wipe_string);
  g_clear_pointer (&found->email, g_free);
  g_free (found);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Found, found_free)

static Found *
found_new (const char *secret,
           const char *email)
{
  Found *found = g_new0 (Found, 1);

  found->secret = g_strdup (secret);
  found->email = g_strdup (email);

  return found;
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_async (const SecretSchema  *schema,
             const char          *label,
             const char          *server,
             const char          *email,
             const char          *secret,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = new_attributes (server, email);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  secret_password_storev (schema, attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, stored_cb, g_steal_pointer (&task));
}

static gboolean
finish_boolean (GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What a lookup looks for. */
typedef struct
{
  const SecretSchema *schema;
  GHashTable         *attributes;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_hash_table_unref (lookup->attributes);
  g_free (lookup);
}

/*
 * Lookups run on a worker thread, with a service of their own: the app
 * looks up its session while GTK starts, and the process-wide service is
 * left to the main thread. Of several items the one that changed last
 * wins, which is the account used last on the server.
 */
static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Lookup *lookup = task_data;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  SecretItem *newest = NULL;
  GError *error = NULL;
  GList *items;
  const char *secret;

  service = secret_service_open_sync (SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
                                      cancellable, &error);
  if (service == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  items = secret_service_search_sync (service, lookup->schema, lookup->attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK |
                                      SECRET_SEARCH_LOAD_SECRETS,
                                      cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    if (newest == NULL || secret_item_get_modified (l->data) > secret_item_get_modified (newest))
      newest = l->data;

  /* Not found is no error: the task completes with no secret. */
  if (newest == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  value = secret_item_get_secret (newest);
  attributes = secret_item_get_attributes (newest);
  g_list_free_full (items, g_object_unref);

  if (value == NULL || (secret = secret_value_get_text (value)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The keyring item of %s is not text",
                               (const char *)g_hash_table_lookup (attributes, "email"));
      return;
    }

  g_task_return_pointer (task, found_new (secret, g_hash_table_lookup (attributes, "email")),
                         (GDestroyNotify)found_free);
}

static void
lookup_async (const SecretSchema  *schema,
              const char          *server,
              const char          *email,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Lookup *lookup;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  lookup = g_new0 (Lookup, 1);
  lookup->schema = schema;
  lookup->attributes = new_attributes (server, email);
  g_task_set_task_data (task, lookup, (GDestroyNotify)lookup_free);
  g_task_run_in_thread (task, lookup_thread);
}

static char *
lookup_finish (GAsyncResult  *result,
               gpointer       source_tag,
               char         **out_email,
               GError       **error)
{
  g_autoptr(Found) found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  if (out_email != NULL)
    *out_email = NULL;

  if ((found = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;

  if (out_email != NULL)
    *out_email = g_steal_pointer (&found->email);

  return g_steal_pointer (&found->secret);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to clear, which is what was wanted. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_async (const SecretSchema  *schema,
             const char          *server,
             const char          *email,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = new_attributes (server, email);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  secret_password_clearv (schema, attributes, cancellable, cleared_cb, g_steal_pointer (&task));
}

void
sd_credentials_store_token_async (const char          *server,
                                  const char          *email,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (token != NULL);

  label = g_strdup_printf ("SupportDesk session for %s on %s", email, server);
  store_async (session_schema (), label, server, email, token,
               sd_credentials_store_token_async, cancellable, callback, user_data);
}

gboolean
sd_credentials_store_token_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return finish_boolean (result, sd_credentials_store_token_async, error);
}

void
sd_credentials_lookup_token_async (const char          *server,
                                   const char          *email,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (server != NULL);

  lookup_async (session_schema (), server, email, sd_credentials_lookup_token_async,
                cancellable, callback, user_data);
}

char *
sd_credentials_lookup_token_finish (GAsyncResult  *result,
                                    char         **out_email,
                                    GError       **error)
{
  return lookup_finish (result, sd_credentials_lookup_token_async, out_email, error);
}

/* With @email NULL, the sessions of every account on @server are cleared. */
void
sd_credentials_clear_token_async (const char          *server,
                                  const char          *email,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (server != NULL);

  clear_async (session_schema (), server, email, sd_credentials_clear_token_async,
               cancellable, callback, user_data);
}

gboolean
sd_credentials_clear_token_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return finish_boolean (result, sd_credentials_clear_token_async, error);
}

void
sd_credentials_store_pin_async (const char          *server,
                                const char          *email,
                                const char          *pin,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (pin != NULL);

  label = g_strdup_printf ("SupportDesk support PIN for %s on %s", email, server);
  store_async (pin_schema (), label, server, email, pin,
               sd_credentials_store_pin_async, cancellable, callback, user_data);
}

gboolean
sd_credentials_store_pin_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return finish_boolean (result, sd_credentials_store_pin_async, error);
}

void
sd_credentials_lookup_pin_async (const char          *server,
                                 const char          *email,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (server != NULL);

  lookup_async (pin_schema (), server, email, sd_credentials_lookup_pin_async,
                cancellable, callback, user_data);
}

char *
sd_credentials_lookup_pin_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return lookup_finish (result, sd_credentials_lookup_pin_async, NULL, error);
}

void
sd_credentials_clear_pin_async (const char          *server,
                                const char          *email,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (server != NULL);

  clear_async (pin_schema (), server, email, sd_credentials_clear_pin_async,
               cancellable, callback, user_data);
}

gboolean
sd_credentials_clear_pin_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return finish_boolean (result, sd_credentials_clear_pin_async, error);
}
