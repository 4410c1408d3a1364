#pragma once

#include <adwaita.h>

#include "sd-client.h"
#include "sd-drafts.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_SUPPORT_PAGE (sd_support_page_get_type ())

G_DECLARE_FINAL_TYPE (SdSupportPage, sd_support_page, SD, SUPPORT_PAGE, GtkWidget)

/*
 * The ticket list with its search and filters, and, navigated to from it,
 * the new-ticket form and a ticket's conversation. "ticket-opened"
 * (SdTicket) tells that a ticket's conversation is shown; "list-loaded",
 * that the session's list has its first page (or failed to get it).
 */
void      sd_support_page_set_client    (SdSupportPage *self,
                                         SdClient      *client);
/* The account's outbox and drafts, for its pages; NULL when signed out. */
void      sd_support_page_set_outbox    (SdSupportPage *self,
                                         SdOutbox      *outbox,
                                         SdDrafts      *drafts);
void      sd_support_page_new_ticket    (SdSupportPage *self);
/*
 * Makes the new-ticket form, which the start does without: it restores its
 * draft, if there is one, and says so.
 */
void      sd_support_page_make_form     (SdSupportPage *self);
void      sd_support_page_focus_search  (SdSupportPage *self);
void      sd_support_page_open_ticket   (SdSupportPage *self,
                                         SdTicket      *ticket);
/* Refreshes what is shown (the list, or the open conversation). */
void      sd_support_page_refresh       (SdSupportPage *self);
/* Opens the ticket @ticket_id, fetching it unless the list has it. */
void      sd_support_page_open_ticket_by_id (SdSupportPage *self,
                                             gint64         ticket_id);
/* Whether the session's list has had its first answer. */
gboolean  sd_support_page_get_list_loaded   (SdSupportPage *self);
/* The ticket whose conversation is shown, or NULL. */
SdTicket *sd_support_page_get_open_ticket   (SdSupportPage *self);
/*
 * Where the category and status filters are remembered ("last-category",
 * "last-status"): they are restored from it now and saved to it as the user
 * chooses.
 */
void      sd_support_page_set_settings      (SdSupportPage *self,
                                             GSettings     *settings);

G_END_DECLS
