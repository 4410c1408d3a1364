#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_PIN_DIGITS    9
#define SD_PIN_KEY_SIZE  32
#define SD_PIN_HASH_SIZE 32

/*
 * The server's secret for keyed PIN hashes, kept in the data dir as
 * server.key (mode 0600) and created on first start. A stolen database
 * alone does not let anyone try the billion PINs offline.
 */
gboolean  sd_pin_load_key  (const char   *data_dir,
                            guint8        key[SD_PIN_KEY_SIZE],
                            GError      **error);

/* Nine digits from the system's CSPRNG, with leading zeros. */
void      sd_pin_generate  (char          pin[SD_PIN_DIGITS + 1]);

/*
 * Accepts what people type: digits with spaces or dashes between groups.
 * Returns FALSE for anything that is not nine digits.
 */
gboolean  sd_pin_normalize (const char   *input,
                            char          pin[SD_PIN_DIGITS + 1]);

/* HMAC-SHA-256 of the user's id and the PIN under the server key. */
void      sd_pin_hash      (const guint8  key[SD_PIN_KEY_SIZE],
                            gint64        user_id,
                            const char   *pin,
                            guint8        hash[SD_PIN_HASH_SIZE]);

G_END_DECLS
