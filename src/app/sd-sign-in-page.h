#pragma once

#include <adwaita.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_SIGN_IN_PAGE (sd_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (SdSignInPage, sd_sign_in_page, SD, SIGN_IN_PAGE, GtkWidget)

/*
 * Server, email and password, and "Sign in". On success it emits
 * "signed-in" with the client of the new session (its token and user set).
 */
void        sd_sign_in_page_set_server  (SdSignInPage *self,
                                         const char   *server_url);
const char *sd_sign_in_page_get_server  (SdSignInPage *self);
void        sd_sign_in_page_set_email   (SdSignInPage *self,
                                         const char   *email);
/* Shows why the user has to sign in (again), e.g. an expired session; NULL hides it. */
void        sd_sign_in_page_set_message (SdSignInPage *self,
                                         const char   *message);
void        sd_sign_in_page_reset       (SdSignInPage *self);
/*
 * Whether "Contact Support" is offered, for those who cannot sign in: its
 * menu has "app.contact-email" and "app.contact-chat", each while enabled.
 */
void        sd_sign_in_page_set_can_contact (SdSignInPage *self,
                                             gboolean      can_contact);

G_END_DECLS
