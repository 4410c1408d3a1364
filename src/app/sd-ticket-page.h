#pragma once

#include <adwaita.h>

#include "sd-client.h"
#include "sd-drafts.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_TICKET_PAGE (sd_ticket_page_get_type ())

G_DECLARE_FINAL_TYPE (SdTicketPage, sd_ticket_page, SD, TICKET_PAGE, GtkWidget)

/*
 * One ticket: its subject, number, category and status, "Invite agent to
 * dashboard", the conversation oldest first, and the reply field with
 * "Attach files" and "Send" (Ctrl+Enter). While shown, it refreshes when
 * the window gains focus and every 30 s. "Back" activates "support.back".
 */
void      sd_ticket_page_set_client (SdTicketPage *self,
                                     SdClient     *client);
/* The account's outbox and drafts, for the reply box; NULL when signed out. */
void      sd_ticket_page_set_outbox (SdTicketPage *self,
                                     SdOutbox     *outbox,
                                     SdDrafts     *drafts);
void      sd_ticket_page_set_ticket (SdTicketPage *self,
                                     SdTicket     *ticket);
SdTicket *sd_ticket_page_get_ticket (SdTicketPage *self);
void      sd_ticket_page_refresh    (SdTicketPage *self);

G_END_DECLS
