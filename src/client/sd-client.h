#pragma once

#include <gio/gio.h>

#include "sd-access-entry.h"
#include "sd-attachment.h"
#include "sd-category.h"
#include "sd-invitation.h"
#include "sd-limits.h"
#include "sd-message.h"
#include "sd-pin-status.h"
#include "sd-ticket.h"
#include "sd-upload-info.h"
#include "sd-user.h"

G_BEGIN_DECLS

/*
 * Errors of API calls. The codes of the API map one to one; the others say
 * why no answer came. The user sees messages made from these at the UI
 * layer, never their text.
 */
#define SD_CLIENT_ERROR (sd_client_error_quark ())

typedef enum
{
  SD_CLIENT_ERROR_INVALID_JSON,
  SD_CLIENT_ERROR_INVALID_FIELD,
  SD_CLIENT_ERROR_UNAUTHORIZED,
  SD_CLIENT_ERROR_FORBIDDEN,
  SD_CLIENT_ERROR_NOT_FOUND,
  SD_CLIENT_ERROR_METHOD_NOT_ALLOWED,
  SD_CLIENT_ERROR_CONFLICT,
  SD_CLIENT_ERROR_PAYLOAD_TOO_LARGE,
  SD_CLIENT_ERROR_UNSUPPORTED_MEDIA_TYPE,
  SD_CLIENT_ERROR_RATE_LIMITED,
  /* The server failed (5xx). */
  SD_CLIENT_ERROR_SERVER,
  /* The server could not be reached, or the connection broke. */
  SD_CLIENT_ERROR_NETWORK,
  /* The server's certificate is not trusted. */
  SD_CLIENT_ERROR_TLS,
  /* An answer that is not what the API promises. */
  SD_CLIENT_ERROR_INVALID_RESPONSE,
} SdClientError;

GQuark      sd_client_error_quark           (void);
/* The member the server named in an invalid_field error, or NULL. */
const char *sd_client_error_get_field       (const GError *error);
/* Seconds from a 429's Retry-After, or 0. */
gint64      sd_client_error_get_retry_after (const GError *error);
/* The HTTP status of the answer, or 0 when there was none. */
guint       sd_client_error_get_status      (const GError *error);

/* What the ticket list is filtered by; NULL or empty members do not filter. */
typedef struct
{
  char *q;
  char *category;
  char *status;
} SdTicketQuery;

#define SD_TYPE_TICKET_QUERY (sd_ticket_query_get_type ())

GType          sd_ticket_query_get_type (void) G_GNUC_CONST;
SdTicketQuery *sd_ticket_query_new      (const char          *q,
                                         const char          *category,
                                         const char          *status);
SdTicketQuery *sd_ticket_query_copy     (const SdTicketQuery *query);
void           sd_ticket_query_free     (SdTicketQuery       *query);
gboolean       sd_ticket_query_equal    (const SdTicketQuery *a,
                                         const SdTicketQuery *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTicketQuery, sd_ticket_query_free)

/* One page of a list: the items (GObjects of the list's type) and where the next starts. */
typedef struct
{
  GPtrArray *items;
  char      *next_cursor;
} SdPage;

void sd_page_free (SdPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdPage, sd_page_free)

#define SD_TYPE_CLIENT (sd_client_get_type ())

G_DECLARE_FINAL_TYPE (SdClient, sd_client, SD, CLIENT, GObject)

/*
 * The one way to the service: one SoupSession with a user agent and
 * timeouts, the base URL ("https://support.example.com"), and the session
 * token once there is one. Every call is asynchronous and cancellable.
 * "session-ended" is emitted when the server answers a call made with the
 * token 401: the session expired or was revoked.
 */
SdClient     *sd_client_new                      (const char           *base_url);
const char   *sd_client_get_base_url             (SdClient             *self);
const char   *sd_client_get_token                (SdClient             *self);
void          sd_client_set_token                (SdClient             *self,
                                                  const char           *token);
/* The signed-in user, once sign_in or get_session succeeded; else NULL. */
SdUser       *sd_client_get_user                 (SdClient             *self);
/* Trust this CA (a PEM file) in addition to the system's. */
gboolean      sd_client_set_ca_file              (SdClient             *self,
                                                  const char           *path,
                                                  GError              **error);

/* A fresh key for one item the user creates; send it again on every retry. */
char         *sd_client_new_idempotency_key      (void);

/*
 * GET /limits, which needs no sign-in. The client keeps the last limits it
 * got, so that sizes can be checked without asking again.
 */
void          sd_client_get_limits_async         (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdLimits     *sd_client_get_limits_finish        (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* The largest upload the server accepts, from the last limits it gave; 0 while unknown. */
gint64        sd_client_get_max_upload_size      (SdClient             *self);

/* POST /session: sets the token and the user. */
void          sd_client_sign_in_async            (SdClient             *self,
                                                  const char           *email,
                                                  const char           *password,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdUser       *sd_client_sign_in_finish           (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* GET /session: checks a stored token and sets the user. */
void          sd_client_get_session_async        (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdUser       *sd_client_get_session_finish       (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* DELETE /session: revokes the token and forgets it. */
void          sd_client_sign_out_async           (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      sd_client_sign_out_finish          (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* GET /categories: SdCategory items in display order. */
void          sd_client_list_categories_async    (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray    *sd_client_list_categories_finish   (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* GET /tickets: a page of SdTicket. @cursor NULL for the first; @limit 0 for the default. */
void          sd_client_list_tickets_async       (SdClient             *self,
                                                  const SdTicketQuery  *query,
                                                  const char           *cursor,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdPage       *sd_client_list_tickets_finish      (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_get_ticket_async         (SdClient             *self,
                                                  gint64                ticket_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdTicket     *sd_client_get_ticket_finish        (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* POST /tickets. @upload_tokens: NULL-terminated, or NULL. */
void          sd_client_create_ticket_async      (SdClient             *self,
                                                  const char           *category,
                                                  const char           *subject,
                                                  const char           *description,
                                                  const char * const   *upload_tokens,
                                                  const char           *idempotency_key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdTicket     *sd_client_create_ticket_finish     (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* PATCH /tickets/{id} (agents). */
void          sd_client_set_ticket_status_async  (SdClient             *self,
                                                  gint64                ticket_id,
                                                  SdTicketStatus        status,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdTicket     *sd_client_set_ticket_status_finish (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* GET /tickets/{id}/messages: a page of SdMessage, oldest first, newer than @after. */
void          sd_client_list_messages_async      (SdClient             *self,
                                                  gint64                ticket_id,
                                                  gint64                after,
                                                  const char           *cursor,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdPage       *sd_client_list_messages_finish     (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_post_message_async       (SdClient             *self,
                                                  gint64                ticket_id,
                                                  const char           *body,
                                                  const char * const   *upload_tokens,
                                                  const char           *idempotency_key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdMessage    *sd_client_post_message_finish      (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* POST /tickets/{id}/invitations, GET /invitations, DELETE /invitations/{id}. */
void          sd_client_invite_async             (SdClient             *self,
                                                  gint64                ticket_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdInvitation *sd_client_invite_finish            (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_list_invitations_async   (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray    *sd_client_list_invitations_finish  (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_revoke_invitation_async  (SdClient             *self,
                                                  gint64                invitation_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      sd_client_revoke_invitation_finish (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* POST /support-pin: the status carries the plain PIN (sd_pin_status_get_pin). */
void          sd_client_renew_pin_async          (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdPinStatus  *sd_client_renew_pin_finish         (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_get_pin_async            (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdPinStatus  *sd_client_get_pin_finish           (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          sd_client_clear_pin_async          (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      sd_client_clear_pin_finish         (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* GET /access-log: SdAccessEntry items, newest first. */
void          sd_client_list_access_log_async    (SdClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray    *sd_client_list_access_log_finish   (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/*
 * POST /agent/dashboard-sessions (agents): with @customer_email and @pin, or
 * with @invitation_id (> 0). Returns the dashboard session's token; @customer
 * receives the customer.
 */
void          sd_client_open_dashboard_async     (SdClient             *self,
                                                  const char           *customer_email,
                                                  const char           *pin,
                                                  gint64                invitation_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char         *sd_client_open_dashboard_finish    (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  SdUser              **customer,
                                                  GError              **error);

/*
 * HEAD /attachments/{id}: the attachment's name, type and size (no sha256),
 * from the headers of its download, for a caller that knows only its id.
 */
void          sd_client_get_attachment_async     (SdClient             *self,
                                                  gint64                attachment_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SdAttachment *sd_client_get_attachment_finish    (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* GET /attachments/{id}, streamed into @destination (replaced). */
void          sd_client_download_async           (SdClient             *self,
                                                  SdAttachment         *attachment,
                                                  GFile                *destination,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      sd_client_download_finish          (SdClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
