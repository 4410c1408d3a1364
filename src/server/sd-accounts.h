#pragma once

#include "sd-store.h"
#include "sd-user.h"

G_BEGIN_DECLS

#define SD_ACCOUNTS_ERROR (sd_accounts_error_quark ())

typedef enum
{
  SD_ACCOUNTS_ERROR_INVALID,
  SD_ACCOUNTS_ERROR_EXISTS,
} SdAccountsError;

GQuark    sd_accounts_error_quark (void);

/*
 * Creates a user, and the organization named @organization when there is
 * none of that name yet. @password_hash comes from sd_auth_hash_password().
 * Returns the new user's id, or 0 with @error set.
 */
gint64    sd_accounts_add_user    (SdStore     *store,
                                   const char  *email,
                                   const char  *name,
                                   SdRole       role,
                                   const char  *organization,
                                   const char  *password_hash,
                                   GError     **error);

G_END_DECLS
