#pragma once

#include <adwaita.h>

#include "sd-client.h"
#include "sd-drafts.h"
#include "sd-drop-area.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_NEW_TICKET_PAGE (sd_new_ticket_page_get_type ())

G_DECLARE_FINAL_TYPE (SdNewTicketPage, sd_new_ticket_page, SD, NEW_TICKET_PAGE, GtkWidget)

/*
 * The form of a new ticket: category, subject, description, and files
 * (SdDropArea). "Create" puts the ticket in the outbox, which sends it, and
 * emits "queued" (SdOutboxItem) once it is safely there. What the user types
 * is kept as a draft and comes back after a restart. "Back" activates the
 * "support.back" action.
 */
/* The account's outbox and drafts; NULL for none (signed out). */
void        sd_new_ticket_page_set_outbox    (SdNewTicketPage *self,
                                              SdOutbox        *outbox,
                                              SdDrafts        *drafts);
void        sd_new_ticket_page_set_client    (SdNewTicketPage *self,
                                              SdClient        *client);
/* Empties the form, ready for a new ticket, and focuses its first field. */
void        sd_new_ticket_page_reset         (SdNewTicketPage *self);
/* The form's files: where tests (and anyone with files for the form) add them. */
SdDropArea *sd_new_ticket_page_get_drop_area (SdNewTicketPage *self);

G_END_DECLS
