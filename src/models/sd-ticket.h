#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "sd-user.h"

G_BEGIN_DECLS

typedef enum
{
  SD_TICKET_STATUS_PENDING,
  SD_TICKET_STATUS_SOLVED,
} SdTicketStatus;

const char *sd_ticket_status_to_string   (SdTicketStatus  status);
gboolean    sd_ticket_status_from_string (const char     *text,
                                          SdTicketStatus *out_status);

/*
 * A ticket's values as they are stored (times in Unix seconds, or
 * SD_JSON_NO_TIME), for writing lists of tickets without making an SdTicket
 * of each.
 */
typedef struct
{
  gint64          id;
  const char     *subject;
  const char     *category;
  SdTicketStatus  status;
  gboolean        has_requester;
  gint64          requester_id;
  const char     *requester_name;
  gint64          created_at;
  gint64          updated_at;
  gint64          message_count;
  gint64          last_message_at;
} SdTicketFields;

/* Appends the same JSON object as sd_ticket_to_json() gives, as text. */
void        sd_ticket_fields_append_json (const SdTicketFields *fields,
                                          GString              *out);

#define SD_TYPE_TICKET (sd_ticket_get_type ())

G_DECLARE_FINAL_TYPE (SdTicket, sd_ticket, SD, TICKET, GObject)

/*
 * {"id", "subject", "category", "status", "requester": {"id", "name"},
 *  "created_at", "updated_at", "message_count", "last_message_at"}
 */
SdTicket       *sd_ticket_new                 (gint64           id);
SdTicket       *sd_ticket_new_from_json       (JsonNode        *node,
                                               GError         **error);
JsonNode       *sd_ticket_to_json             (SdTicket        *self);

gint64          sd_ticket_get_id              (SdTicket        *self);
const char     *sd_ticket_get_subject         (SdTicket        *self);
void            sd_ticket_set_subject         (SdTicket        *self,
                                               const char      *subject);
const char     *sd_ticket_get_category        (SdTicket        *self);
void            sd_ticket_set_category        (SdTicket        *self,
                                               const char      *category);
SdTicketStatus  sd_ticket_get_status          (SdTicket        *self);
void            sd_ticket_set_status          (SdTicket        *self,
                                               SdTicketStatus   status);
SdUser         *sd_ticket_get_requester       (SdTicket        *self);
void            sd_ticket_set_requester       (SdTicket        *self,
                                               SdUser          *requester);
GDateTime      *sd_ticket_get_created_at      (SdTicket        *self);
void            sd_ticket_set_created_at      (SdTicket        *self,
                                               GDateTime       *created_at);
GDateTime      *sd_ticket_get_updated_at      (SdTicket        *self);
void            sd_ticket_set_updated_at      (SdTicket        *self,
                                               GDateTime       *updated_at);
gint64          sd_ticket_get_message_count   (SdTicket        *self);
void            sd_ticket_set_message_count   (SdTicket        *self,
                                               gint64           message_count);
GDateTime      *sd_ticket_get_last_message_at (SdTicket        *self);
void            sd_ticket_set_last_message_at (SdTicket        *self,
                                               GDateTime       *last_message_at);

/* Takes every value of @other (same id), notifying what changed. */
void            sd_ticket_update_from         (SdTicket        *self,
                                               SdTicket        *other);

G_END_DECLS
