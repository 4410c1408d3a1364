#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"
#include "sd-json.h"

/*
 * How support reaches a customer's dashboard: invitations and the support
 * PIN on the customer's side, the access log that shows who came, and the
 * dashboard session on the agent's side.
 */

/* The access log is shown whole in one list; more than one page of it is history. */
#define ACCESS_LOG_LIMIT 100

static gpointer
read_invitation (SdClient  *self,
                 JsonNode  *root,
                 GError   **error)
{
  return sd_invitation_new_from_json (root, error);
}

static const SdClientReader invitation_reader = { read_invitation, g_object_unref };

static gpointer
read_invitations (SdClient  *self,
                  JsonNode  *root,
                  GError   **error)
{
  return sd_client_read_list (root, "invitations",
                              (SdClientItemFunc)sd_invitation_new_from_json, error);
}

static const SdClientReader invitations_reader = {
  read_invitations, (GDestroyNotify)g_ptr_array_unref
};

static const SdClientReader no_content_reader = { NULL, NULL };

void
sd_client_invite_async (SdClient            *self,
                        gint64               ticket_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (ticket_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_invite_async);

  path = g_strdup_printf (SD_CLIENT_API "/tickets/%" G_GINT64_FORMAT "/invitations", ticket_id);
  sd_client_call (self, g_steal_pointer (&task), "POST", path, NULL, NULL, &invitation_reader);
}

SdInvitation *
sd_client_invite_finish (SdClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_invite_async, error);
}

void
sd_client_list_invitations_async (SdClient            *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_list_invitations_async);

  sd_client_call (self, g_steal_pointer (&task), "GET", SD_CLIENT_API "/invitations", NULL, NULL,
                  &invitations_reader);
}

GPtrArray *
sd_client_list_invitations_finish (SdClient      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_list_invitations_async, error);
}

void
sd_client_revoke_invitation_async (SdClient            *self,
                                   gint64               invitation_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (invitation_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_revoke_invitation_async);

  path = g_strdup_printf (SD_CLIENT_API "/invitations/%" G_GINT64_FORMAT, invitation_id);
  sd_client_call (self, g_steal_pointer (&task), "DELETE", path, NULL, NULL, &no_content_reader);
}

gboolean
sd_client_revoke_invitation_finish (SdClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return sd_client_finish_boolean (self, result, sd_client_revoke_invitation_async, error);
}

static gpointer
read_pin_status (SdClient  *self,
                 JsonNode  *root,
                 GError   **error)
{
  return sd_pin_status_new_from_json (root, error);
}

static const SdClientReader pin_status_reader = { read_pin_status, g_object_unref };

/* A renewal must carry the new PIN: a status without one is not the answer to this call. */
static gpointer
read_new_pin (SdClient  *self,
              JsonNode  *root,
              GError   **error)
{
  g_autoptr(SdPinStatus) status = sd_pin_status_new_from_json (root, error);

  if (status == NULL)
    return NULL;

  if (sd_pin_status_get_pin (status) == NULL)
    {
      g_set_error_literal (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_RESPONSE,
                           "The renewed support PIN is missing");
      return NULL;
    }

  return g_steal_pointer (&status);
}

static const SdClientReader new_pin_reader = { read_new_pin, g_object_unref };

void
sd_client_renew_pin_async (SdClient            *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_renew_pin_async);

  sd_client_call (self, g_steal_pointer (&task), "POST", SD_CLIENT_API "/support-pin", NULL, NULL,
                  &new_pin_reader);
}

SdPinStatus *
sd_client_renew_pin_finish (SdClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_renew_pin_async, error);
}

void
sd_client_get_pin_async (SdClient            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_get_pin_async);

  sd_client_call (self, g_steal_pointer (&task), "GET", SD_CLIENT_API "/support-pin", NULL, NULL,
                  &pin_status_reader);
}

SdPinStatus *
sd_client_get_pin_finish (SdClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_get_pin_async, error);
}

void
sd_client_clear_pin_async (SdClient            *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_clear_pin_async);

  sd_client_call (self, g_steal_pointer (&task), "DELETE", SD_CLIENT_API "/support-pin", NULL,
                  NULL, &no_content_reader);
}

gboolean
sd_client_clear_pin_finish (SdClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return sd_client_finish_boolean (self, result, sd_client_clear_pin_async, error);
}

static gpointer
read_access_log (SdClient  *self,
                 JsonNode  *root,
                 GError   **error)
{
  return sd_client_read_list (root, "entries", (SdClientItemFunc)sd_access_entry_new_from_json,
                              error);
}

static const SdClientReader access_log_reader = {
  read_access_log, (GDestroyNotify)g_ptr_array_unref
};

void
sd_client_list_access_log_async (SdClient            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_list_access_log_async);

  sd_client_call (self, g_steal_pointer (&task), "GET",
                  SD_CLIENT_API "/access-log?limit=" G_STRINGIFY (ACCESS_LOG_LIMIT), NULL, NULL,
                  &access_log_reader);
}

GPtrArray *
sd_client_list_access_log_finish (SdClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_list_access_log_async, error);
}

typedef struct
{
  char   *token;
  SdUser *customer;
} Dashboard;

static void
dashboard_free (Dashboard *dashboard)
{
  g_clear_pointer (&dashboard->token, g_free);
  g_clear_object (&dashboard->customer);
  g_free (dashboard);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dashboard, dashboard_free)

/* {"token", "expires_at", "customer": User}. */
static gpointer
read_dashboard (SdClient  *self,
                JsonNode  *root,
                GError   **error)
{
  g_autoptr(Dashboard) dashboard = g_new0 (Dashboard, 1);
  JsonObject *object;
  JsonObject *customer_object = NULL;
  const char *token = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root) || (object = json_node_get_object (root)) == NULL ||
      !sd_json_get_string (object, "token", TRUE, &token, error) ||
      !sd_json_get_object (object, "customer", TRUE, &customer_object, error))
    return NULL;

  if (token[0] == '\0')
    {
      g_set_error_literal (error, SD_CLIENT_ERROR, SD_CLIENT_ERROR_INVALID_RESPONSE,
                           "The dashboard session’s token is empty");
      return NULL;
    }

  dashboard->customer = sd_user_new_from_json (json_object_get_member (object, "customer"),
                                               error);
  if (dashboard->customer == NULL)
    return NULL;
  dashboard->token = g_strdup (token);

  return g_steal_pointer (&dashboard);
}

static const SdClientReader dashboard_reader = {
  read_dashboard, (GDestroyNotify)dashboard_free
};

/*
 * The client's own token is left as it is: the dashboard session is a
 * second session, for a second client, and the agent keeps theirs.
 */
void
sd_client_open_dashboard_async (SdClient            *self,
                                const char          *customer_email,
                                const char          *pin,
                                gint64               invitation_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (invitation_id > 0 || (customer_email != NULL && pin != NULL));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_open_dashboard_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (invitation_id > 0)
    {
      json_builder_set_member_name (builder, "invitation_id");
      json_builder_add_int_value (builder, invitation_id);
    }
  else
    {
      sd_json_builder_add_string (builder, "customer_email", customer_email);
      sd_json_builder_add_string (builder, "pin", pin);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  sd_client_call (self, g_steal_pointer (&task), "POST", SD_CLIENT_API "/agent/dashboard-sessions",
                  body, NULL, &dashboard_reader);
}

char *
sd_client_open_dashboard_finish (SdClient      *self,
                                 GAsyncResult  *result,
                                 SdUser       **customer,
                                 GError       **error)
{
  g_autoptr(Dashboard) dashboard = NULL;

  dashboard = sd_client_finish_pointer (self, result, sd_client_open_dashboard_async, error);
  if (dashboard == NULL)
    return NULL;

  if (customer != NULL)
    *customer = g_steal_pointer (&dashboard->customer);

  return g_steal_pointer (&dashboard->token);
}
