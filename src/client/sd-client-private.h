#pragma once

#include "sd-client.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * What the files of SdClient (sd-client*.c) and the classes built on it
 * (SdUpload) share: building and sending requests, reading answers, and
 * making SD_CLIENT_ERROR errors. Nothing here is for the app.
 */

/* Every API path starts with this, after the base URL. */
#define SD_CLIENT_API "/api/v1"

/*
 * Answers are read into memory only up to this size: the largest page the
 * API can give (100 messages of 65,536 characters, escaped) stays below it,
 * and a broken or hostile server cannot make the app grow without bound.
 */
#define SD_CLIENT_MAX_ANSWER_SIZE (64 * 1024 * 1024)

/* Turns a JSON answer into the result of a call; NULL and @error when it cannot. */
typedef gpointer (*SdClientReadFunc) (SdClient  *self,
                                      JsonNode  *root,
                                      GError   **error);

/* How a call's answer becomes its result. @read NULL: the call expects no content. */
typedef struct
{
  SdClientReadFunc read;
  GDestroyNotify   free;
} SdClientReader;

/* One item of a list, from its JSON: sd_ticket_new_from_json() and the like. */
typedef gpointer (*SdClientItemFunc) (JsonNode  *node,
                                      GError   **error);

/* sd-client-error.c */
GError      *sd_client_error_new                (SdClientError         code,
                                                 guint                 status,
                                                 const char           *field,
                                                 gint64                retry_after,
                                                 const char           *message);
/* The error for an answer whose status is not a success, from its status, headers and body. */
GError      *sd_client_error_new_from_answer    (SoupMessage          *msg,
                                                 GBytes               *body);
/* The error for a request that got no answer; a cancellation stays G_IO_ERROR_CANCELLED. */
GError      *sd_client_error_new_from_transport (const GError         *error);
/* An answer that is not what the API promises; @cause (optional) says why. */
GError      *sd_client_error_new_invalid        (guint                 status,
                                                 const GError         *cause);

/*
 * The categories change rarely: one answer serves the whole session. Calls
 * made while it is on its way wait for it (@waiting, GTasks; NULL when none is).
 */
typedef struct
{
  GPtrArray *categories;
  GPtrArray *waiting;
} SdClientCategoryCache;

/* sd-client.c */
SoupSession *sd_client_get_session              (SdClient             *self);
SdClientCategoryCache *sd_client_get_category_cache (SdClient         *self);
/* The limits of the last GET /limits, shared by every SdUpload of the client, or NULL. */
SdLimits    *sd_client_get_cached_limits        (SdClient             *self);
void         sd_client_set_cached_limits        (SdClient             *self,
                                                 SdLimits             *limits);
void         sd_client_set_user                 (SdClient             *self,
                                                 SdUser               *user);
/* Emits "session-ended" when @msg, sent with the token, was answered 401. */
void         sd_client_check_session            (SdClient             *self,
                                                 SoupMessage          *msg);
/* A request to @path (from the server's root, with its query), with the token if there is one. */
SoupMessage *sd_client_new_message              (SdClient             *self,
                                                 const char           *method,
                                                 const char           *path,
                                                 GError              **error);
/*
 * Sends @method @path with @body (JSON, or NULL) and completes @task (taken)
 * with what @reader makes of the answer: a pointer, or a boolean when the
 * reader expects no content.
 */
void         sd_client_call                     (SdClient             *self,
                                                 GTask                *task,
                                                 const char           *method,
                                                 const char           *path,
                                                 JsonNode             *body,
                                                 const char           *idempotency_key,
                                                 const SdClientReader *reader);
/* The finish of a call that gives a pointer, checking the task's source tag. */
gpointer     sd_client_finish_pointer           (SdClient             *self,
                                                 GAsyncResult         *result,
                                                 gpointer              source_tag,
                                                 GError              **error);
gboolean     sd_client_finish_boolean           (SdClient             *self,
                                                 GAsyncResult         *result,
                                                 gpointer              source_tag,
                                                 GError              **error);
/* The array member @member of @root, each item made by @item_func: a GPtrArray of GObjects. */
GPtrArray   *sd_client_read_list                (JsonNode             *root,
                                                 const char           *member,
                                                 SdClientItemFunc      item_func,
                                                 GError              **error);
/* The same, with the page's "next_cursor". */
SdPage      *sd_client_read_page                (JsonNode             *root,
                                                 const char           *member,
                                                 SdClientItemFunc      item_func,
                                                 GError              **error);

/* sd-client-send.c */
/*
 * Sends @msg. On a success status, completes with the body's stream, to be
 * read by the caller; on any other status, reads the error body and
 * completes with the SD_CLIENT_ERROR it means.
 */
void          sd_client_send_async              (SdClient             *self,
                                                 SoupMessage          *msg,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GInputStream *sd_client_send_finish             (SdClient             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
/* The same, reading and parsing the JSON answer; NULL without an error when it has no content. */
void          sd_client_send_json_async         (SdClient             *self,
                                                 SoupMessage          *msg,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
JsonNode     *sd_client_send_json_finish        (SdClient             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
