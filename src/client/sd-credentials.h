#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What the app keeps in the keyring (libsecret), per server and email:
 * the session token (schema com.example.SupportDesk.Session) and the
 * current plain support PIN (schema com.example.SupportDesk.Pin), so the
 * PIN page can show it again after a restart. Never in files or GSettings.
 * "Not found" is not an error: lookups then return NULL without one.
 */
void      sd_credentials_store_token_async   (const char           *server,
                                              const char           *email,
                                              const char           *token,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  sd_credentials_store_token_finish  (GAsyncResult         *result,
                                              GError              **error);
/* Looks up the token of @email, or of the last account used on @server when NULL. */
void      sd_credentials_lookup_token_async  (const char           *server,
                                              const char           *email,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char     *sd_credentials_lookup_token_finish (GAsyncResult         *result,
                                              char                **out_email,
                                              GError              **error);
void      sd_credentials_clear_token_async   (const char           *server,
                                              const char           *email,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  sd_credentials_clear_token_finish  (GAsyncResult         *result,
                                              GError              **error);

void      sd_credentials_store_pin_async     (const char           *server,
                                              const char           *email,
                                              const char           *pin,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  sd_credentials_store_pin_finish    (GAsyncResult         *result,
                                              GError              **error);
void      sd_credentials_lookup_pin_async    (const char           *server,
                                              const char           *email,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char     *sd_credentials_lookup_pin_finish   (GAsyncResult         *result,
                                              GError              **error);
void      sd_credentials_clear_pin_async     (const char           *server,
                                              const char           *email,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  sd_credentials_clear_pin_finish    (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
