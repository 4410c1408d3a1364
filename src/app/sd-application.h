#pragma once

#include <adwaita.h>

#include "sd-client.h"

G_BEGIN_DECLS

/* Why a client for the service could not be made. */
#define SD_APPLICATION_ERROR (sd_application_error_quark ())

typedef enum
{
  /* The CA file to trust (--ca-file or the "ca-file" key) cannot be read. */
  SD_APPLICATION_ERROR_CA_FILE_UNREADABLE,
  /* It can be read but holds no PEM certificate. */
  SD_APPLICATION_ERROR_CA_FILE_INVALID,
} SdApplicationError;

GQuark         sd_application_error_quark    (void);

#define SD_TYPE_APPLICATION (sd_application_get_type ())

G_DECLARE_FINAL_TYPE (SdApplication, sd_application, SD, APPLICATION, AdwApplication)

SdApplication *sd_application_new            (void);
/* The service to use: --server for this run, else the GSettings key "server-url". */
const char    *sd_application_get_server_url (SdApplication *self);
/* Remembers a server chosen on the sign-in page (unless --server overrides it). */
void           sd_application_set_server_url (SdApplication *self,
                                              const char    *server_url);
GSettings     *sd_application_get_settings   (SdApplication *self);
/*
 * A client for @base_url that trusts the CA file (--ca-file for this run,
 * else the GSettings key "ca-file") besides the system's CAs. Fails with
 * SD_APPLICATION_ERROR when that file cannot be used.
 */
SdClient      *sd_application_new_client     (SdApplication  *self,
                                              const char     *base_url,
                                              GError        **error);

G_END_DECLS
