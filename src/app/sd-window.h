#pragma once

#include <adwaita.h>

#include "sd-activity-watch.h"
#include "sd-application.h"
#include "sd-outbox.h"

G_BEGIN_DECLS

#define SD_TYPE_WINDOW (sd_window_get_type ())

G_DECLARE_FINAL_TYPE (SdWindow, sd_window, SD, WINDOW, AdwApplicationWindow)

SdWindow  *sd_window_new        (SdApplication *application);
/* The client of the signed-in session, or NULL before sign-in. */
SdClient  *sd_window_get_client (SdWindow      *self);
/* The signed-in account's outbox (kept while it signs in again), or NULL. */
SdOutbox  *sd_window_get_outbox (SdWindow      *self);
/* "starting", "sign-in" or "signed-in": what the window shows. */
const char *sd_window_get_state (SdWindow      *self);
void       sd_window_add_toast  (SdWindow      *self,
                                 const char    *title);
/*
 * Shows the ticket @ticket_id, or the Support PIN page (and renews the PIN
 * with @renew, asking first if it still works), as soon as there is a
 * session: at once when signed in, else once the user is.
 */
void       sd_window_open_ticket (SdWindow     *self,
                                  gint64        ticket_id);
void       sd_window_show_pin    (SdWindow     *self,
                                  gboolean      renew);
/*
 * The session's watch for agents' replies and uses of the PIN, which runs
 * while the window is not active and has them notified; NULL before sign-in.
 */
SdActivityWatch *sd_window_get_activity_watch (SdWindow *self);

G_END_DECLS
