#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_DEMO_PASSWORD "demo-password"

/*
 * Creates, when absent, the demo organizations, users and tickets (with
 * attachments, stored under @files_dir). Running it again changes nothing.
 */
gboolean sd_demo_seed (SdStore     *store,
                       const char  *files_dir,
                       GError     **error);

G_END_DECLS
