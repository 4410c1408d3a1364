#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_SERVER (sd_server_get_type ())

G_DECLARE_FINAL_TYPE (SdServer, sd_server, SD, SERVER, GObject)

/* 50 MiB, the API's default limit for one upload. */
#define SD_SERVER_DEFAULT_MAX_UPLOAD_SIZE (G_GUINT64_CONSTANT (50) * 1024 * 1024)

SdServer   *sd_server_new                 (SdStore         *store,
                                           const char      *data_dir,
                                           GError         **error);
void        sd_server_set_max_upload_size (SdServer        *self,
                                           guint64          max_upload_size);

/*
 * Listens on @address ("HOST:PORT"; port 0 picks a free one), with TLS when
 * @certificate is given. Returns the URL it listens on, without a trailing
 * slash.
 */
char       *sd_server_listen              (SdServer        *self,
                                           const char      *address,
                                           GTlsCertificate *certificate,
                                           GError         **error);

/* Deletes what has expired: uploads and their files, sessions, keys, records. */
void        sd_server_purge_expired       (SdServer        *self);

G_END_DECLS
