#pragma once

#include "sd-application.h"

G_BEGIN_DECLS

/*
 * What the files of SdApplication share: sd-application.c has the app's
 * life, options, settings and actions, sd-application-notify.c the
 * notifications.
 */

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

  /* --server was given: the address is for this run only. */
  gboolean        server_overridden;
};

G_END_DECLS
