#pragma once

#include <adwaita.h>

#include "sd-client.h"
#include "sd-drafts.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_REPLY_BOX (sd_reply_box_get_type ())

G_DECLARE_FINAL_TYPE (SdReplyBox, sd_reply_box, SD, REPLY_BOX, GtkWidget)

/*
 * The reply area of a ticket: the unsent messages of the ticket, the
 * new-message field, the files attached to it, "Attach files" and "Send"
 * (Ctrl+Enter in the field). "Send" puts the message in the outbox, which
 * sends it. What the user wrote and attached is kept per ticket while
 * another one is shown, and on disk as a draft. Its widget actions are
 * "ticket.send", "ticket.attach" and "ticket.discard-draft". "sent" is
 * emitted with the new SdMessage when the outbox posted a message of the
 * shown ticket.
 */
/* The account's outbox and drafts; NULL for none (signed out). */
void sd_reply_box_set_outbox   (SdReplyBox *self,
                                SdOutbox   *outbox,
                                SdDrafts   *drafts);
void sd_reply_box_set_client   (SdReplyBox *self,
                                SdClient   *client);
void sd_reply_box_set_ticket   (SdReplyBox *self,
                                SdTicket   *ticket);
/* Adds @quote ("> " lines) on a line of its own after what is written, and focuses the field. */
void sd_reply_box_insert_quote (SdReplyBox *self,
                                const char *quote);

G_END_DECLS
