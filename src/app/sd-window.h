#pragma once

#include <adwaita.h>

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

G_END_DECLS
