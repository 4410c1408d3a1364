#pragma once

#include <gio/gio.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_TICKET_LIST (sd_ticket_list_get_type ())

G_DECLARE_FINAL_TYPE (SdTicketList, sd_ticket_list, SD, TICKET_LIST, GObject)

/*
 * A GListModel of SdTicket for one query, newest activity first, fetched a
 * page at a time: the first page on sd_ticket_list_reload(), the next ones
 * when an item near the end is asked for (as a list view does while the
 * user scrolls) or on sd_ticket_list_load_more(). Properties: "query",
 * "loading", "has-more", "error" (the last failure, boxed GError or NULL).
 */
SdTicketList        *sd_ticket_list_new          (SdClient            *client,
                                                  guint                page_size);
const SdTicketQuery *sd_ticket_list_get_query    (SdTicketList        *self);
/* Replaces the query and reloads from the first page. */
void                 sd_ticket_list_set_query    (SdTicketList        *self,
                                                  const SdTicketQuery *query);
/*
 * Fetches the first page again. Tickets already shown are updated in place
 * (sd_ticket_update_from) so that rows do not flicker.
 */
void                 sd_ticket_list_reload       (SdTicketList        *self);
void                 sd_ticket_list_load_more    (SdTicketList        *self);
gboolean             sd_ticket_list_get_loading  (SdTicketList        *self);
gboolean             sd_ticket_list_get_has_more (SdTicketList        *self);
const GError        *sd_ticket_list_get_error    (SdTicketList        *self);

G_END_DECLS
