#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"
#include "sd-json.h"

/* The session (sign in, check, sign out) and the categories, which come with it. */

/* {"token", "expires_at", "user"}: the client is signed in from now on. */
static gpointer
read_new_session (SdClient  *self,
                  JsonNode  *root,
                  GError   **error)
{
  g_autoptr(SdUser) user = NULL;
  JsonObject *object;
  JsonObject *user_object = NULL;
  const char *token = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root) || (object = json_node_get_object (root)) == NULL ||
      !sd_json_get_string (object, "token", TRUE, &token, error) ||
      !sd_json_get_object (object, "user", TRUE, &user_object, error) ||
      (user = sd_user_new_from_json (json_object_get_member (object, "user"), error)) == NULL)
    return NULL;

  if (token[0] == '\0')
    {
      g_set_error_literal (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_RESPONSE,
                           "The session’s token is empty");
      return NULL;
    }

  sd_client_set_token (self, token);
  sd_client_set_user (self, user);

  return g_steal_pointer (&user);
}

static const SdClientReader new_session_reader = { read_new_session, g_object_unref };

void
sd_client_sign_in_async (SdClient            *self,
                         const char          *email,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_sign_in_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "email", email);
  sd_json_builder_add_string (builder, "password", password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  sd_client_call (self, g_steal_pointer (&task), "POST", SD_CLIENT_API "/session", body, NULL,
                  &new_session_reader);
}

SdUser *
sd_client_sign_in_finish (SdClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_sign_in_async, error);
}

/* {"user", "expires_at", "dashboard_agent"?}: the token is good, and names this user. */
static gpointer
read_session (SdClient  *self,
              JsonNode  *root,
              GError   **error)
{
  g_autoptr(SdUser) user = NULL;
  JsonObject *object;
  JsonObject *user_object = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root) || (object = json_node_get_object (root)) == NULL ||
      !sd_json_get_object (object, "user", TRUE, &user_object, error) ||
      (user = sd_user_new_from_json (json_object_get_member (object, "user"), error)) == NULL)
    return NULL;

  sd_client_set_user (self, user);

  return g_steal_pointer (&user);
}

static const SdClientReader session_reader = { read_session, g_object_unref };

void
sd_client_get_session_async (SdClient            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_get_session_async);

  sd_client_call (self, g_steal_pointer (&task), "GET", SD_CLIENT_API "/session", NULL, NULL,
                  &session_reader);
}

SdUser *
sd_client_get_session_finish (SdClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_get_session_async, error);
}

/*
 * The token is forgotten when the server revoked it, and also when the
 * server no longer knew it (401): either way it is of no use. After any
 * other failure it is kept, so that signing out can be tried again.
 */
static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SdClient *self = SD_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = sd_client_send_json_finish (self, result, &error);
  if (error == NULL ||
      g_error_matches (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_UNAUTHORIZED))
    {
      sd_client_set_token (self, NULL);
      sd_client_set_user (self, NULL);
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
sd_client_sign_out_async (SdClient            *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_sign_out_async);

  if ((msg = sd_client_new_message (self, "DELETE", SD_CLIENT_API "/session", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sd_client_send_json_async (self, msg, cancellable, signed_out_cb, g_steal_pointer (&task));
}

gboolean
sd_client_sign_out_finish (SdClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return sd_client_finish_boolean (self, result, sd_client_sign_out_async, error);
}

static gpointer
read_categories (SdClient  *self,
                 JsonNode  *root,
                 GError   **error)
{
  return sd_client_read_list (root, "categories", (SdClientItemFunc)sd_category_new_from_json,
                              error);
}

static const SdClientReader categories_reader = {
  read_categories, (GDestroyNotify)g_ptr_array_unref
};

static gpointer
ref_category (gconstpointer category,
              gpointer      user_data)
{
  return g_object_ref ((gpointer)category);
}

static GPtrArray *
copy_categories (GPtrArray *categories)
{
  return g_ptr_array_copy (categories, ref_category, NULL);
}

static void
categories_fetched_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  SdClientCategoryCache *cache = sd_client_get_category_cache (SD_CLIENT (source));
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&cache->waiting);
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;

  /* Only an answer is kept: after a failure the next call asks again. */
  categories = g_task_propagate_pointer (G_TASK (result), &error);
  if (categories != NULL && cache->categories == NULL)
    cache->categories = g_ptr_array_ref (categories);

  /* A call cancelled meanwhile is told so by its task. */
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (categories != NULL)
        g_task_return_pointer (task, copy_categories (categories),
                               (GDestroyNotify)g_ptr_array_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

void
sd_client_list_categories_async (SdClient            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SdClientCategoryCache *cache;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) fetch = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_list_categories_async);

  cache = sd_client_get_category_cache (self);
  if (cache->categories != NULL)
    {
      g_task_return_pointer (task, copy_categories (cache->categories),
                             (GDestroyNotify)g_ptr_array_unref);
      return;
    }

  /* The pages of a session all want them at its start: they share one request. */
  if (cache->waiting != NULL)
    {
      g_ptr_array_add (cache->waiting, g_steal_pointer (&task));
      return;
    }

  cache->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (cache->waiting, g_steal_pointer (&task));

  /* Not cancelled with the call that started it: others may wait for it too. */
  fetch = g_task_new (self, NULL, categories_fetched_cb, NULL);
  g_task_set_source_tag (fetch, categories_fetched_cb);
  sd_client_call (self, g_steal_pointer (&fetch), "GET", SD_CLIENT_API "/categories", NULL, NULL,
                  &categories_reader);
}

GPtrArray *
sd_client_list_categories_finish (SdClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_list_categories_async, error);
}
