#pragma once

#include <adwaita.h>

#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_OUTBOX_ROW (sd_outbox_row_get_type ())

G_DECLARE_FINAL_TYPE (SdOutboxRow, sd_outbox_row, SD, OUTBOX_ROW, AdwActionRow)

/*
 * One unsent ticket or message, where it will appear once sent: what it
 * is, how sending it goes ("Sending…", "Waiting for network", "Not sent:
 * reason"), and Retry and Discard.
 */
GtkWidget *sd_outbox_row_new      (SdOutbox     *outbox,
                                   SdOutboxItem *item);
/* What the user reads about @item's state. */
char      *sd_outbox_item_describe (SdOutboxItem *item,
                                    gboolean      online);

G_END_DECLS
