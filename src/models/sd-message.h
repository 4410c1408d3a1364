#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sd-attachment.h"
#include "sd-user.h"

G_BEGIN_DECLS

typedef enum
{
  SD_MESSAGE_KIND_COMMENT,
  SD_MESSAGE_KIND_EVENT,
} SdMessageKind;

const char *sd_message_kind_to_string   (SdMessageKind  kind);
gboolean    sd_message_kind_from_string (const char    *text,
                                         SdMessageKind *out_kind);

#define SD_TYPE_MESSAGE (sd_message_get_type ())

G_DECLARE_FINAL_TYPE (SdMessage, sd_message, SD, MESSAGE, GObject)

/*
 * {"id", "ticket_id", "kind", "author": {"id", "name", "role"}, "body",
 *  "created_at", "attachments": [Attachment]}
 */
SdMessage     *sd_message_new                 (gint64          id,
                                               gint64          ticket_id,
                                               SdMessageKind   kind,
                                               SdUser         *author,
                                               const char     *body,
                                               GDateTime      *created_at);
SdMessage     *sd_message_new_from_json       (JsonNode       *node,
                                               GError        **error);
JsonNode      *sd_message_to_json             (SdMessage      *self);

gint64         sd_message_get_id              (SdMessage      *self);
gint64         sd_message_get_ticket_id       (SdMessage      *self);
SdMessageKind  sd_message_get_kind            (SdMessage      *self);
SdUser        *sd_message_get_author          (SdMessage      *self);
const char    *sd_message_get_body            (SdMessage      *self);
GDateTime     *sd_message_get_created_at      (SdMessage      *self);
/* A GListModel of SdAttachment, in the order the API gave them. */
GListModel    *sd_message_get_attachments     (SdMessage      *self);
void           sd_message_add_attachment      (SdMessage      *self,
                                               SdAttachment   *attachment);

/* The body as "> " lines followed by an empty line, for quoting in a reply. */
char          *sd_message_dup_quoted_body     (SdMessage      *self);

G_END_DECLS
