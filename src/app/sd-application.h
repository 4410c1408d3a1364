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

/*
 * The session kept in the keyring for the server: its token, and whose it
 * is in @out_email; NULL without an error when none is kept. The first call
 * is answered by a lookup started with the app, while GTK starts; later
 * calls look again.
 */
void           sd_application_lookup_session_async  (SdApplication        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char          *sd_application_lookup_session_finish (SdApplication        *self,
                                                     GAsyncResult         *result,
                                                     char                **out_email,
                                                     GError              **error);

/*
 * "mailto:ADDRESS?subject=SUBJECT", both percent-encoded, for the
 * "app.contact-email" action ("contact-email" key).
 */
char          *sd_application_build_mailto_uri (const char    *address,
                                                const char    *subject);

/* sd-application-notify.c: what the desktop is told while the window is in the background. */

/* The id of the notification about the support PIN. */
#define SD_APPLICATION_PIN_NOTIFICATION_ID "support-pin"
/* The id of the notification about @ticket_id, "ticket-ID"; one per ticket. */
char          *sd_application_ticket_notification_id (gint64       ticket_id);
/*
 * An agent's @message in @ticket: the ticket's subject, who wrote and what,
 * and "Open ticket" ("app.open-ticket" with the ticket's id, also the default).
 */
GNotification *sd_application_notification_for_reply (SdTicket    *ticket,
                                                       SdMessage   *message);
/*
 * The support PIN was used (@status): by whom and when, "Renew PIN"
 * ("app.renew-pin"), and the PIN page as the default ("app.show-pin").
 */
GNotification *sd_application_notification_for_pin_use (SdPinStatus *status);
/* Sends those, replacing an earlier one about the same ticket, or about the PIN. */
void           sd_application_notify_reply   (SdApplication *self,
                                              SdTicket      *ticket,
                                              SdMessage     *message);
void           sd_application_notify_pin_use (SdApplication *self,
                                              SdPinStatus   *status);
/* Takes back what was sent about @ticket_id, or about the PIN, if anything was. */
void           sd_application_withdraw_ticket_notification (SdApplication *self,
                                                            gint64         ticket_id);
void           sd_application_withdraw_pin_notification    (SdApplication *self);
/* Takes back everything sent: the account they were about has signed out. */
void           sd_application_withdraw_notifications       (SdApplication *self);

G_END_DECLS
