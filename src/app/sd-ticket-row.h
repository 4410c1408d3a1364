#pragma once

#include <gtk/gtk.h>

#include "sd-ticket.h"

G_BEGIN_DECLS

#define SD_TYPE_TICKET_ROW (sd_ticket_row_get_type ())

G_DECLARE_FINAL_TYPE (SdTicketRow, sd_ticket_row, SD, TICKET_ROW, GtkWidget)

/*
 * One ticket in the list: subject, number, category, last activity, status.
 * It follows the ticket's changes while bound to it.
 */
GtkWidget *sd_ticket_row_new  (void);
void       sd_ticket_row_bind (SdTicketRow *self,
                               SdTicket    *ticket,
                               const char  *category_name);

G_END_DECLS
