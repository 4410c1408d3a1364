#pragma once

#include <adwaita.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_PIN_PAGE (sd_pin_page_get_type ())

G_DECLARE_FINAL_TYPE (SdPinPage, sd_pin_page, SD, PIN_PAGE, GtkWidget)

/*
 * The support PIN: shown large and grouped ("482 913 706"), its state, Renew,
 * Copy and Clear, the access log, and the active invitations. Its widget
 * actions are "pin.renew", "pin.copy", "pin.clear" and
 * "pin.revoke-invitation" (int64 id).
 */
void      sd_pin_page_set_client (SdPinPage *self,
                                  SdClient  *client);
void      sd_pin_page_refresh    (SdPinPage *self);
/*
 * Renews the PIN once the page has asked the service whether the current
 * one still works: if it does, the user is asked first, as "pin.renew" does.
 */
void      sd_pin_page_renew      (SdPinPage *self);

G_END_DECLS
