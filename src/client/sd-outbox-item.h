#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SD_OUTBOX_ITEM_KIND_TICKET,
  SD_OUTBOX_ITEM_KIND_MESSAGE,
} SdOutboxItemKind;

typedef enum
{
  /* Stored, waiting for its turn. */
  SD_OUTBOX_ITEM_STATE_QUEUED,
  /* On its way: files, then the item itself. */
  SD_OUTBOX_ITEM_STATE_SENDING,
  /* An attempt failed in a way that may pass (see "error"); it is tried again by itself. */
  SD_OUTBOX_ITEM_STATE_WAITING,
  /* The server refused it (see "error"): it waits for the user to retry or discard it. */
  SD_OUTBOX_ITEM_STATE_FAILED,
} SdOutboxItemState;

#define SD_TYPE_OUTBOX_ITEM (sd_outbox_item_get_type ())

G_DECLARE_FINAL_TYPE (SdOutboxItem, sd_outbox_item, SD, OUTBOX_ITEM, GObject)

/*
 * One ticket or message the user wrote that the server has not confirmed
 * yet, as it is kept on disk by SdOutbox. Its text never changes; "state"
 * and "error" say how sending it goes.
 */
SdOutboxItemKind   sd_outbox_item_get_kind          (SdOutboxItem *self);
/* The Idempotency-Key sent with every attempt. */
const char        *sd_outbox_item_get_key           (SdOutboxItem *self);
/* The ticket a message is for; 0 for a new ticket. */
gint64             sd_outbox_item_get_ticket_id     (SdOutboxItem *self);
/* A new ticket's category and subject; NULL for a message. */
const char        *sd_outbox_item_get_category      (SdOutboxItem *self);
const char        *sd_outbox_item_get_subject       (SdOutboxItem *self);
/* A new ticket's description, or the message's body. */
const char        *sd_outbox_item_get_body          (SdOutboxItem *self);
GDateTime         *sd_outbox_item_get_created_at    (SdOutboxItem *self);
guint              sd_outbox_item_get_n_files       (SdOutboxItem *self);
const char        *sd_outbox_item_get_file_name     (SdOutboxItem *self,
                                                     guint         index);
gint64             sd_outbox_item_get_file_size     (SdOutboxItem *self,
                                                     guint         index);
SdOutboxItemState  sd_outbox_item_get_state         (SdOutboxItem *self);
/* Why the last attempt failed, or NULL. */
const GError      *sd_outbox_item_get_error         (SdOutboxItem *self);

G_END_DECLS
