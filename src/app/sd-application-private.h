#pragma once

#include "sd-application.h"

G_BEGIN_DECLS

/*
 * What the files of SdApplication share: sd-application.c has the app's
 * life, options, settings and actions, sd-application-notify.c the
 * notifications, sd-application-session.c the session kept in the keyring.
 */

typedef struct _SdEarlyLookup SdEarlyLookup;

struct _SdApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
  char           *server_url;
  /* --ca-file, for this run only; NULL to use the "ca-file" key. */
  char           *ca_file;
  /* The ids of the notifications sent and not withdrawn yet. */
  GHashTable     *notifications;
  /* The keyring's session, looked up as the app starts; NULL once taken. */
  SdEarlyLookup  *early_lookup;

  /* --server was given: the address is for this run only. */
  gboolean        server_overridden;
};

/* Starts looking up the kept session for the server; sd_application_lookup_session_async() takes it. */
void sd_application_start_session_lookup (SdApplication *self);
/* Lets go of what was found and not taken. */
void sd_application_clear_session_lookup (SdApplication *self);

G_END_DECLS
