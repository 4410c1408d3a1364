#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_AUTH_TOKEN_HASH_SIZE 32

/* Argon2id through libsodium; the result names its own parameters and salt. */
char     *sd_auth_hash_password           (const char          *password,
                                           GError             **error);
gboolean  sd_auth_verify_password         (const char          *hash,
                                           const char          *password);

/*
 * Verifies off the main thread: a memory-hard hash takes tens of
 * milliseconds, and the server keeps answering others meanwhile. A NULL
 * @hash (no such user) still spends the same work, then fails, so that
 * timing tells nothing about which emails exist.
 */
void      sd_auth_verify_password_async   (const char          *hash,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  sd_auth_verify_password_finish  (GAsyncResult        *result,
                                           GError             **error);

/* 256 random bits as URL-safe base64; @hash receives its SHA-256. */
char     *sd_auth_new_token               (guint8               hash[SD_AUTH_TOKEN_HASH_SIZE]);
void      sd_auth_hash_token              (const char          *token,
                                           guint8               hash[SD_AUTH_TOKEN_HASH_SIZE]);

G_END_DECLS
