#pragma once

#include <gio/gio.h>

#include "sd-client.h"
#include "sd-outbox-item.h"

G_BEGIN_DECLS

#define SD_TYPE_OUTBOX (sd_outbox_get_type ())

G_DECLARE_FINAL_TYPE (SdOutbox, sd_outbox, SD, OUTBOX, GObject)

/*
 * Everything one user wrote that the server has not confirmed yet: a
 * GListModel of SdOutboxItem, oldest first. Each item is on disk (with
 * copies of its files) before it is ever sent, is sent with the same
 * Idempotency-Key on every attempt, and leaves the outbox and the disk only
 * once the server confirmed it. So nothing is lost by a crash, and nothing
 * is created twice by a retry.
 *
 * Items go out one at a time, in order; a message waits for the earlier
 * messages of its ticket. Failures that may pass are retried with backoff
 * (never before the server's Retry-After); the others wait for
 * sd_outbox_retry() or sd_outbox_discard_async().
 *
 * Signals: "item-sent" (SdOutboxItem *item, GObject *created) with the
 * created SdTicket or SdMessage; "session-ended" when the server no longer
 * takes the client's token: sending stops until sd_outbox_set_client().
 */
SdOutbox     *sd_outbox_new                 (GFile               *directory);
/* $XDG_DATA_HOME/supportdesk/outbox/<one folder per server and account>. */
GFile        *sd_outbox_dup_default_dir     (const char          *server_url,
                                             const char          *email);
GFile        *sd_outbox_get_directory       (SdOutbox            *self);

/* Reads what earlier runs left; sending starts after it. */
void          sd_outbox_load_async          (SdOutbox            *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      sd_outbox_load_finish         (SdOutbox            *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* The client that sends; NULL stops sending (after the current attempt). */
void          sd_outbox_set_client          (SdOutbox            *self,
                                             SdClient            *client);
SdClient     *sd_outbox_get_client          (SdOutbox            *self);
/* Offline, nothing is tried; going online tries at once. Online by default. */
void          sd_outbox_set_online          (SdOutbox            *self,
                                             gboolean             online);
gboolean      sd_outbox_get_online          (SdOutbox            *self);
/* The first wait after a failure and the longest (see SdBackoff). */
void          sd_outbox_set_backoff         (SdOutbox            *self,
                                             guint                base_ms,
                                             guint                max_ms);

/*
 * Stores a new ticket, or a message for @ticket_id, with copies of the
 * files of @uploads (SdUpload; those already uploaded keep their token),
 * and completes once it is safely on disk; sending starts then.
 */
void          sd_outbox_add_ticket_async    (SdOutbox            *self,
                                             const char          *category,
                                             const char          *subject,
                                             const char          *description,
                                             GPtrArray           *uploads,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void          sd_outbox_add_message_async   (SdOutbox            *self,
                                             gint64               ticket_id,
                                             const char          *body,
                                             GPtrArray           *uploads,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SdOutboxItem *sd_outbox_add_finish          (SdOutbox            *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Tries a failed or waiting item again now. */
void          sd_outbox_retry               (SdOutbox            *self,
                                             SdOutboxItem        *item);
/* Removes an item that is not being sent, from the outbox and the disk. */
void          sd_outbox_discard_async       (SdOutbox            *self,
                                             SdOutboxItem        *item,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      sd_outbox_discard_finish      (SdOutbox            *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
