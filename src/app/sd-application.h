#pragma once

#include <adwaita.h>

#include "sd-client.h"

G_BEGIN_DECLS

#define SD_TYPE_APPLICATION (sd_application_get_type ())

G_DECLARE_FINAL_TYPE (SdApplication, sd_application, SD, APPLICATION, AdwApplication)

SdApplication *sd_application_new            (void);
/* The service to use: --server for this run, else the GSettings key "server-url". */
const char    *sd_application_get_server_url (SdApplication *self);
/* Remembers a server chosen on the sign-in page (unless --server overrides it). */
void           sd_application_set_server_url (SdApplication *self,
                                              const char    *server_url);
GSettings     *sd_application_get_settings   (SdApplication *self);

G_END_DECLS
