#pragma once

#include <gio/gio.h>

#include "sd-client.h"

G_BEGIN_DECLS

/* How often the service is asked, in seconds, unless told otherwise. */
#define SD_ACTIVITY_WATCH_INTERVAL 60

#define SD_TYPE_ACTIVITY_WATCH (sd_activity_watch_get_type ())

G_DECLARE_FINAL_TYPE (SdActivityWatch, sd_activity_watch, SD, ACTIVITY_WATCH, GObject)

/*
 * Looks at the service every "interval" seconds while "running", for what
 * happened there meanwhile:
 *
 * - "agent-replied" (SdTicket, SdMessage): an agent commented in one of the
 *   signed-in user's own tickets. The user's own messages and events (a
 *   status change) are not told.
 * - "pin-used" (SdPinStatus): someone from support used the support PIN.
 *
 * The first look after starting only learns what is there ("primed" turns
 * TRUE); only what changes after it is told. Stopping forgets it all, so
 * that the next start begins from what the user has seen by then. It reads
 * the first page of the ticket list (newest activity first) and the PIN's
 * state, and a ticket's messages only when its count or last activity moved.
 */
SdActivityWatch *sd_activity_watch_new          (SdClient        *client);
gboolean         sd_activity_watch_get_running  (SdActivityWatch *self);
void             sd_activity_watch_set_running  (SdActivityWatch *self,
                                                 gboolean         running);
guint            sd_activity_watch_get_interval (SdActivityWatch *self);
/* Takes effect at once when running. */
void             sd_activity_watch_set_interval (SdActivityWatch *self,
                                                 guint            seconds);
/* Whether the first look since starting is done, so that any later change is told. */
gboolean         sd_activity_watch_get_primed   (SdActivityWatch *self);

G_END_DECLS
