#define G_LOG_DOMAIN "sd-client"

#include "config.h"

#include "sd-client.h"

#include "sd-client-private.h"
#include "sd-json.h"

#include <string.h>

/* Tickets and their conversations, and the query that filters the ticket list. */

G_DEFINE_BOXED_TYPE (SdTicketQuery, sd_ticket_query, sd_ticket_query_copy, sd_ticket_query_free)

/* An empty filter is no filter; keeping it as NULL gives every query one spelling. */
static char *
dup_filter (const char *value)
{
  return value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

SdTicketQuery *
sd_ticket_query_new (const char *q,
                     const char *category,
                     const char *status)
{
  SdTicketQuery *query = g_new0 (SdTicketQuery, 1);

  query->q = dup_filter (q);
  query->category = dup_filter (category);
  query->status = dup_filter (status);

  return query;
}

SdTicketQuery *
sd_ticket_query_copy (const SdTicketQuery *query)
{
  if (query == NULL)
    return NULL;

  return sd_ticket_query_new (query->q, query->category, query->status);
}

void
sd_ticket_query_free (SdTicketQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->q);
  g_free (query->category);
  g_free (query->status);
  g_free (query);
}

static gboolean
filter_equal (const char *a,
              const char *b)
{
  return g_strcmp0 (a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* NULL, a NULL member and an empty member all mean "no filter", and so are equal. */
gboolean
sd_ticket_query_equal (const SdTicketQuery *a,
                       const SdTicketQuery *b)
{
  static const SdTicketQuery none = { NULL, NULL, NULL };

  if (a == NULL)
    a = &none;
  if (b == NULL)
    b = &none;

  return filter_equal (a->q, b->q) &&
         filter_equal (a->category, b->category) &&
         filter_equal (a->status, b->status);
}

/* Adds "name=value" to @path, escaped, unless @value is NULL or empty. */
static void
append_param (GString    *path,
              const char *name,
              const char *value)
{
  if (value == NULL || value[0] == '\0')
    return;

  g_string_append_c (path, strchr (path->str, '?') != NULL ? '&' : '?');
  g_string_append (path, name);
  g_string_append_c (path, '=');
  g_string_append_uri_escaped (path, value, NULL, FALSE);
}

static void
append_int_param (GString    *path,
                  const char *name,
                  gint64      value)
{
  g_autofree char *text = NULL;

  if (value <= 0)
    return;

  text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  append_param (path, name, text);
}

/* "uploads": [tokens], or nothing at all without tokens. */
static void
add_upload_tokens (JsonBuilder        *builder,
                   const char * const *upload_tokens)
{
  if (upload_tokens == NULL || upload_tokens[0] == NULL)
    return;

  json_builder_set_member_name (builder, "uploads");
  json_builder_begin_array (builder);
  for (guint i = 0; upload_tokens[i] != NULL; i++)
    json_builder_add_string_value (builder, upload_tokens[i]);
  json_builder_end_array (builder);
}

static gpointer
read_ticket (SdClient  *self,
             JsonNode  *root,
             GError   **error)
{
  return sd_ticket_new_from_json (root, error);
}

static const SdClientReader ticket_reader = { read_ticket, g_object_unref };

static gpointer
read_ticket_page (SdClient  *self,
                  JsonNode  *root,
                  GError   **error)
{
  return sd_client_read_page (root, "tickets", (SdClientItemFunc)sd_ticket_new_from_json, error);
}

static const SdClientReader ticket_page_reader = {
  read_ticket_page, (GDestroyNotify)sd_page_free
};

void
sd_client_list_tickets_async (SdClient            *self,
                              const SdTicketQuery *query,
                              const char          *cursor,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) path = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_list_tickets_async);

  path = g_string_new (SD_CLIENT_API "/tickets");
  if (query != NULL)
    {
      append_param (path, "q", query->q);
      append_param (path, "category", query->category);
      append_param (path, "status", query->status);
    }
  append_param (path, "cursor", cursor);
  append_int_param (path, "limit", limit);

  sd_client_call (self, g_steal_pointer (&task), "GET", path->str, NULL, NULL,
                  &ticket_page_reader);
}

SdPage *
sd_client_list_tickets_finish (SdClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_list_tickets_async, error);
}

void
sd_client_get_ticket_async (SdClient            *self,
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
  g_task_set_source_tag (task, sd_client_get_ticket_async);

  path = g_strdup_printf (SD_CLIENT_API "/tickets/%" G_GINT64_FORMAT, ticket_id);
  sd_client_call (self, g_steal_pointer (&task), "GET", path, NULL, NULL, &ticket_reader);
}

SdTicket *
sd_client_get_ticket_finish (SdClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_get_ticket_async, error);
}

/*
 * The members are sent as given, even empty: the server says which one is
 * wrong, with a message and a field the form can point at.
 */
void
sd_client_create_ticket_async (SdClient            *self,
                               const char          *category,
                               const char          *subject,
                               const char          *description,
                               const char * const  *upload_tokens,
                               const char          *idempotency_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (category != NULL);
  g_return_if_fail (subject != NULL);
  g_return_if_fail (description != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_create_ticket_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "category", category);
  sd_json_builder_add_string (builder, "subject", subject);
  sd_json_builder_add_string (builder, "description", description);
  add_upload_tokens (builder, upload_tokens);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  sd_client_call (self, g_steal_pointer (&task), "POST", SD_CLIENT_API "/tickets", body,
                  idempotency_key, &ticket_reader);
}

SdTicket *
sd_client_create_ticket_finish (SdClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_create_ticket_async, error);
}

void
sd_client_set_ticket_status_async (SdClient            *self,
                                   gint64               ticket_id,
                                   SdTicketStatus       status,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  const char *status_text;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (ticket_id > 0);
  g_return_if_fail ((status_text = sd_ticket_status_to_string (status)) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_set_ticket_status_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "status", status_text);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf (SD_CLIENT_API "/tickets/%" G_GINT64_FORMAT, ticket_id);
  sd_client_call (self, g_steal_pointer (&task), "PATCH", path, body, NULL, &ticket_reader);
}

SdTicket *
sd_client_set_ticket_status_finish (SdClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_set_ticket_status_async, error);
}

static gpointer
read_message (SdClient  *self,
              JsonNode  *root,
              GError   **error)
{
  return sd_message_new_from_json (root, error);
}

static const SdClientReader message_reader = { read_message, g_object_unref };

static gpointer
read_message_page (SdClient  *self,
                   JsonNode  *root,
                   GError   **error)
{
  return sd_client_read_page (root, "messages", (SdClientItemFunc)sd_message_new_from_json,
                              error);
}

static const SdClientReader message_page_reader = {
  read_message_page, (GDestroyNotify)sd_page_free
};

void
sd_client_list_messages_async (SdClient            *self,
                               gint64               ticket_id,
                               gint64               after,
                               const char          *cursor,
                               guint                limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) path = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (ticket_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_list_messages_async);

  path = g_string_new (NULL);
  g_string_printf (path, SD_CLIENT_API "/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  append_int_param (path, "after", after);
  append_param (path, "cursor", cursor);
  append_int_param (path, "limit", limit);

  sd_client_call (self, g_steal_pointer (&task), "GET", path->str, NULL, NULL,
                  &message_page_reader);
}

SdPage *
sd_client_list_messages_finish (SdClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_list_messages_async, error);
}

void
sd_client_post_message_async (SdClient            *self,
                              gint64               ticket_id,
                              const char          *body,
                              const char * const  *upload_tokens,
                              const char          *idempotency_key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SD_IS_CLIENT (self));
  g_return_if_fail (ticket_id > 0);
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_client_post_message_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sd_json_builder_add_string (builder, "body", body);
  add_upload_tokens (builder, upload_tokens);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);

  path = g_strdup_printf (SD_CLIENT_API "/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  sd_client_call (self, g_steal_pointer (&task), "POST", path, request, idempotency_key,
                  &message_reader);
}

SdMessage *
sd_client_post_message_finish (SdClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return sd_client_finish_pointer (self, result, sd_client_post_message_async, error);
}
