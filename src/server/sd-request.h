#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-error.h"
#include "sd-store.h"
#include "sd-user.h"

G_BEGIN_DECLS

/*
 * One API request on its way through the server: the route it matched, its
 * path parameters and body, who sent it, and the reply. It lives exactly as
 * long as its SoupServerMessage.
 */
typedef struct _SdRequest SdRequest;

typedef void (*SdHandler) (SdRequest *request);

typedef enum
{
  SD_ROUTE_NONE       = 0,
  /* Served without a token. */
  SD_ROUTE_PUBLIC     = 1 << 0,
  /* Takes a JSON object as its body. */
  SD_ROUTE_JSON       = 1 << 1,
  /* Takes a raw file as its body, streamed to disk. */
  SD_ROUTE_UPLOAD     = 1 << 2,
  /* Honours Idempotency-Key. */
  SD_ROUTE_IDEMPOTENT = 1 << 3,
  /* Replies later, from another thread's result, and opens its own transactions. */
  SD_ROUTE_ASYNC      = 1 << 4,
} SdRouteFlags;

SdStore     *sd_request_get_store         (SdRequest   *request);
const char  *sd_request_get_method        (SdRequest   *request);
gint64       sd_request_get_now           (SdRequest   *request);
/* The numeric path parameters, in order: /tickets/{0}/messages. */
gint64       sd_request_get_id            (SdRequest   *request,
                                           guint        index);
/* A query parameter, or NULL when absent or empty. */
const char  *sd_request_get_query         (SdRequest   *request,
                                           const char  *name);
SoupMessageHeaders *sd_request_get_request_headers (SdRequest *request);
/* The body of a SD_ROUTE_JSON route, an object. */
JsonObject  *sd_request_get_json          (SdRequest   *request);

/* The effective user: for a dashboard session, the customer it acts as. */
SdUser      *sd_request_get_user          (SdRequest   *request);
gint64       sd_request_get_user_id       (SdRequest   *request);
gboolean     sd_request_is_agent          (SdRequest   *request);
/* The agent holding a dashboard session, or NULL. */
SdUser      *sd_request_get_dashboard_agent (SdRequest *request);
gint64       sd_request_get_session_id    (SdRequest   *request);

/*
 * Typed members of the JSON body. Each replies 400 invalid_field naming the
 * member, and returns FALSE, when the member has the wrong type or is
 * missing while required.
 */
gboolean     sd_request_json_string       (SdRequest   *request,
                                           const char  *member,
                                           gboolean     required,
                                           const char **out);
gboolean     sd_request_json_int          (SdRequest   *request,
                                           const char  *member,
                                           gboolean     required,
                                           gint64      *out);

/*
 * Reads "limit" (1–100, default 50). Replies with an error and returns FALSE
 * when it is out of range.
 */
gboolean     sd_request_get_limit         (SdRequest   *request,
                                           guint       *out_limit);

void         sd_request_reply_json        (SdRequest   *request,
                                           guint        status,
                                           JsonNode    *node);
void         sd_request_reply_no_content  (SdRequest   *request);
void         sd_request_reply_error       (SdRequest   *request,
                                           SdApiError   code,
                                           const char  *field,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (4, 5);
/* Logs @error, which is the server's fault, and answers 500. */
void         sd_request_reply_internal    (SdRequest   *request,
                                           const GError *error);
void         sd_request_set_retry_after   (SdRequest   *request,
                                           gint64       seconds);
SoupMessageHeaders *sd_request_get_response_headers (SdRequest *request);
/* For downloads: the body as it is, with its own headers already set. */
void         sd_request_reply_bytes       (SdRequest   *request,
                                           guint        status,
                                           const char  *content_type,
                                           GBytes      *bytes);

/*
 * For handlers that finish later (off the main thread): the request waits
 * until one of the reply functions is called. A request whose client went
 * away in the meantime ignores the reply.
 */
void         sd_request_pause             (SdRequest   *request);

G_END_DECLS
