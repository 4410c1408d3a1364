#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_TYPE_TLS_DATABASE (sd_tls_database_get_type ())

G_DECLARE_FINAL_TYPE (SdTlsDatabase, sd_tls_database, SD, TLS_DATABASE, GTlsDatabase)

/*
 * Trusts what any of @databases trusts, asked in order: a company's own CA
 * next to the system's, for a support service on an internal network.
 * @databases is NULL-terminated.
 */
GTlsDatabase *sd_tls_database_new (GTlsDatabase * const *databases);

G_END_DECLS
