#pragma once

#include <gtk/gtk.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_MESSAGE_ROW (sd_message_row_get_type ())

G_DECLARE_FINAL_TYPE (SdMessageRow, sd_message_row, SD, MESSAGE_ROW, GtkListBoxRow)

/*
 * One message of a conversation. A comment shows its author and role
 * ("Support", "You" or the customer), time, body as selectable text, its
 * attachments (open with the default app, or save) and a "Quote" button that
 * activates "ticket.quote" with the message id. An event is one small,
 * centered, dim line. @client downloads the attachments and tells which
 * messages are the user's own.
 */
GtkWidget *sd_message_row_new         (SdClient     *client,
                                       SdMessage    *message);
SdMessage *sd_message_row_get_message (SdMessageRow *self);

G_END_DECLS
