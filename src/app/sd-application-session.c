#define G_LOG_DOMAIN "sd-application"

#include "config.h"

#include "sd-application-private.h"

#include "sd-credentials.h"

#include <string.h>

/*
 * The session kept in the keyring is looked up as the app starts, on a
 * worker thread while GTK and libadwaita start on this one, so the window
 * finds it ready instead of asking and waiting once it is built.
 */

struct _SdEarlyLookup
{
  /* The server it looks up. */
  char         *server;
  /* The keyring's answer, once there. */
  GAsyncResult *result;
  /* The call waiting for it. */
  GTask        *waiter;
};

typedef struct
{
  char *token;
  char *email;
} KeptSession;

static void
kept_session_free (KeptSession *kept)
{
  if (kept->token != NULL)
    memset (kept->token, 0, strlen (kept->token));
  g_free (kept->token);
  g_free (kept->email);
  g_free (kept);
}

/* Completes @task with the keyring's answer @result. */
static void
answer (GTask        *task,
        GAsyncResult *result)
{
  KeptSession *kept = g_new0 (KeptSession, 1);
  GError *error = NULL;

  kept->token = sd_credentials_lookup_token_finish (result, &kept->email, &error);
  if (error != NULL)
    {
      kept_session_free (kept);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, kept, (GDestroyNotify)kept_session_free);
}

static void
early_lookup_free (SdEarlyLookup *early)
{
  g_free (early->server);
  g_clear_object (&early->result);
  g_clear_object (&early->waiter);
  g_free (early);
}

static void
early_looked_up_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdApplication) self = user_data;
  SdEarlyLookup *early = self->early_lookup;

  early->result = g_object_ref (result);
  if (early->waiter != NULL)
    {
      answer (early->waiter, early->result);
      g_clear_pointer (&self->early_lookup, early_lookup_free);
    }
}

void
sd_application_start_session_lookup (SdApplication *self)
{
  g_return_if_fail (self->early_lookup == NULL);

  self->early_lookup = g_new0 (SdEarlyLookup, 1);
  self->early_lookup->server = g_strdup (self->server_url);
  sd_credentials_lookup_token_async (self->server_url, NULL, NULL, early_looked_up_cb,
                                     g_object_ref (self));
}

void
sd_application_clear_session_lookup (SdApplication *self)
{
  /* One still under way holds the application, and is taken or freed with it. */
  if (self->early_lookup != NULL && self->early_lookup->result != NULL)
    g_clear_pointer (&self->early_lookup, early_lookup_free);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  answer (task, result);
}

void
sd_application_lookup_session_async (SdApplication       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SdEarlyLookup *early;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_application_lookup_session_async);

  /* The early lookup answers one call, for the server it looked up. */
  early = self->early_lookup;
  if (early != NULL && early->waiter == NULL && g_strcmp0 (early->server, self->server_url) == 0)
    {
      if (early->result == NULL)
        {
          early->waiter = g_steal_pointer (&task);
          return;
        }

      answer (task, early->result);
      g_clear_pointer (&self->early_lookup, early_lookup_free);
      return;
    }

  sd_credentials_lookup_token_async (self->server_url, NULL, cancellable, looked_up_cb,
                                     g_steal_pointer (&task));
}

char *
sd_application_lookup_session_finish (SdApplication  *self,
                                      GAsyncResult   *result,
                                      char          **out_email,
                                      GError        **error)
{
  KeptSession *kept;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sd_application_lookup_session_async, NULL);

  if (out_email != NULL)
    *out_email = NULL;

  if ((kept = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;

  token = g_steal_pointer (&kept->token);
  if (out_email != NULL)
    *out_email = g_steal_pointer (&kept->email);
  kept_session_free (kept);

  return token;
}
