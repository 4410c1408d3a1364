#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"

/* GET /limits; the client keeps the last limits the server gave. */

static gpointer
read_limits (SdClient  *self,
             JsonNode  *root,
             GError   **error)
{
  SdLimits *limits = sd_limits_new_from_json (root, error);

  if (limits != NULL)
    sd_client_set_cached_limits (self, limits);

  return limits;
}

static const SdClientReader limits_reader = {
  read_limits, g_object_unref
};

void
sd_client_get_limits_async (SdClient            *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_get_limits_async);

  sd_client_call (self, g_steal_pointer (&task), "GET", SD_CLIENT_API "/limits", NULL, NULL,
                  &limits_reader);
}

SdLimits *
sd_client_get_limits_finish (SdClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_get_limits_async, error);
}

gint64
sd_client_get_max_upload_size (SdClient *self)
{
  SdLimits *limits;

  g_return_val_if_fail (SD_IS_CLIENT (self), 0);

  limits = sd_client_get_cached_limits (self);

  return limits != NULL ? sd_limits_get_max_upload_size (limits) : 0;
}
