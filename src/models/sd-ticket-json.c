#define G_LOG_DOMAIN "sd-models"

#include "config.h"

#include "sd-ticket.h"

#include "sd-error.h"
#include "sd-json.h"

/*
 * A ticket in JSON, both ways: read from an answer or a request, written
 * whole (sd_ticket_to_json) or straight from stored fields into a list's
 * answer (sd_ticket_fields_append_json), byte for byte the same.
 */

static gboolean
read_times (SdTicket    *self,
            JsonObject  *object,
            GError     **error)
{
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  g_autoptr(GDateTime) last_message_at = NULL;

  if (!sd_json_get_time (object, "created_at", FALSE, &created_at, error) ||
      !sd_json_get_time (object, "updated_at", FALSE, &updated_at, error) ||
      !sd_json_get_time (object, "last_message_at", FALSE, &last_message_at, error))
    return FALSE;

  sd_ticket_set_created_at (self, created_at);
  sd_ticket_set_updated_at (self, updated_at);
  sd_ticket_set_last_message_at (self, last_message_at);

  return TRUE;
}

/*
 * Every member is required except the timestamps, which the API writes as
 * null when they are unset.
 */
SdTicket *
sd_ticket_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(SdTicket) ticket = NULL;
  g_autoptr(SdUser) requester = NULL;
  JsonObject *object;
  JsonObject *requester_object = NULL;
  const char *subject = NULL;
  const char *category = NULL;
  const char *status_text = NULL;
  SdTicketStatus status;
  gint64 id = 0;
  gint64 message_count = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (object = json_node_get_object (node)) == NULL)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "A ticket must be a JSON object");
      return NULL;
    }

  if (!sd_json_get_int (object, "id", TRUE, &id, error) ||
      !sd_json_get_string (object, "subject", TRUE, &subject, error) ||
      !sd_json_get_string (object, "category", TRUE, &category, error) ||
      !sd_json_get_string (object, "status", TRUE, &status_text, error) ||
      !sd_json_get_object (object, "requester", TRUE, &requester_object, error) ||
      !sd_json_get_int (object, "message_count", TRUE, &message_count, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “id” must be a positive integer");
      return NULL;
    }

  if (!sd_ticket_status_from_string (status_text, &status))
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “status” must be “pending” or “solved”");
      return NULL;
    }

  if (message_count < 0)
    {
      g_set_error_literal (error, SD_API_ERROR, SD_API_ERROR_INVALID_FIELD,
                           "The member “message_count” must not be negative");
      return NULL;
    }

  requester = sd_user_new_from_json (json_object_get_member (object, "requester"), error);
  if (requester == NULL)
    {
      g_prefix_error (error, "Invalid “requester”: ");
      return NULL;
    }

  ticket = sd_ticket_new (id);
  sd_ticket_set_subject (ticket, subject);
  sd_ticket_set_category (ticket, category);
  sd_ticket_set_status (ticket, status);
  sd_ticket_set_requester (ticket, requester);
  sd_ticket_set_message_count (ticket, message_count);

  if (!read_times (ticket, object, error))
    return NULL;

  return g_steal_pointer (&ticket);
}

/*
 * Kept to the shape of sd_ticket_to_json(): tests/models/test-ticket.c
 * checks that both give the same JSON for the same ticket.
 */
void
sd_ticket_fields_append_json (const SdTicketFields *fields,
                              GString              *out)
{
  g_string_append_len (out, "{\"id\":", 6);
  sd_json_append_int (out, fields->id);
  g_string_append_len (out, ",\"subject\":", 11);
  sd_json_append_string (out, fields->subject);
  g_string_append_len (out, ",\"category\":", 12);
  sd_json_append_string (out, fields->category);
  g_string_append_len (out, ",\"status\":", 10);
  sd_json_append_string (out, sd_ticket_status_to_string (fields->status));
  g_string_append_len (out, ",\"requester\":", 13);
  if (fields->has_requester)
    {
      g_string_append_len (out, "{\"id\":", 6);
      sd_json_append_int (out, fields->requester_id);
      g_string_append_len (out, ",\"name\":", 8);
      sd_json_append_string (out, fields->requester_name);
      g_string_append_c (out, '}');
    }
  else
    {
      g_string_append_len (out, "null", 4);
    }
  g_string_append_len (out, ",\"created_at\":", 14);
  sd_json_append_unix_time (out, fields->created_at);
  g_string_append_len (out, ",\"updated_at\":", 14);
  sd_json_append_unix_time (out, fields->updated_at);
  g_string_append_len (out, ",\"message_count\":", 17);
  sd_json_append_int (out, fields->message_count);
  g_string_append_len (out, ",\"last_message_at\":", 19);
  sd_json_append_unix_time (out, fields->last_message_at);
  g_string_append_c (out, '}');
}

JsonNode *
sd_ticket_to_json (SdTicket *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (SD_IS_TICKET (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sd_ticket_get_id (self));
  sd_json_builder_add_string (builder, "subject", sd_ticket_get_subject (self));
  sd_json_builder_add_string (builder, "category", sd_ticket_get_category (self));
  sd_json_builder_add_string (builder, "status",
                              sd_ticket_status_to_string (sd_ticket_get_status (self)));
  json_builder_set_member_name (builder, "requester");
  if (sd_ticket_get_requester (self) != NULL)
    json_builder_add_value (builder,
                            sd_user_to_reference_json (sd_ticket_get_requester (self), FALSE));
  else
    json_builder_add_null_value (builder);
  sd_json_builder_add_time (builder, "created_at", sd_ticket_get_created_at (self));
  sd_json_builder_add_time (builder, "updated_at", sd_ticket_get_updated_at (self));
  json_builder_set_member_name (builder, "message_count");
  json_builder_add_int_value (builder, sd_ticket_get_message_count (self));
  sd_json_builder_add_time (builder, "last_message_at", sd_ticket_get_last_message_at (self));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
