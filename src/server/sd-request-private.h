#pragma once

#include "sd-files.h"
#include "sd-request.h"
#include "sd-server.h"

G_BEGIN_DECLS

/* JSON bodies are small; anything larger is refused while it arrives. */
#define SD_REQUEST_MAX_JSON_BODY (1024 * 1024)
#define SD_REQUEST_IDEMPOTENCY_LIFETIME (24 * 60 * 60)

typedef struct
{
  const char   *method;
  const char   *pattern;
  SdHandler     handler;
  SdRouteFlags  flags;
} SdRoute;

struct _SdRequest
{
  /* borrowed: the server outlives its requests, the message owns this */
  SdServer          *server;
  SoupServerMessage *msg;
  const SdRoute     *route;

  /* owned */
  GHashTable        *query;
  GByteArray        *body;
  JsonNode          *json;
  SdUploadWriter    *upload;
  SdUser            *user;
  SdUser            *dashboard_agent;
  char              *idempotency_key;
  GBytes            *reply_body;

  gint64             ids[2];
  guint64            body_limit;
  guint64            received;
  gint64             started;
  gint64             now;
  gint64             session_id;
  guint              status;
  guint8             fingerprint[32];

  guint              replied : 1;
  guint              paused : 1;
  guint              aborted : 1;
  guint              finished : 1;
  guint              keep_changes : 1;
};

SdRequest *sd_request_new               (SdServer          *server,
                                         SoupServerMessage *msg);
SdRequest *sd_request_from_message      (SoupServerMessage *msg);
void       sd_request_dispatch          (SdRequest         *request,
                                         GHashTable        *query);
/* Logs the request's line; @answered is FALSE when the client left before the answer. */
void       sd_request_finished          (SdRequest         *request,
                                         gboolean           answered);
gboolean   sd_request_authenticate      (SdRequest         *request);
gboolean   sd_request_check_read_only   (SdRequest         *request);
/* Answers 413 now; the connection is closed, and the rest of the body never read. */
void       sd_request_reject_too_large  (SdRequest         *request);
/* Answers 413 the ordinary way, when the client sends no body before our word. */
void       sd_request_reply_too_large   (SdRequest         *request);

/* Sets (or replaces) the answer; every reply goes through it. */
void       sd_request_set_reply         (SdRequest         *request,
                                         guint              status,
                                         const char        *content_type,
                                         GBytes            *body);
GBytes    *sd_request_error_body        (SdApiError         code,
                                         const char        *field,
                                         const char        *message);

/*
 * Idempotency-Key: returns TRUE when the request is to be carried out; FALSE
 * when it has been answered, from the record of its first success or with an
 * error. A success is recorded in the same transaction as its work.
 */
gboolean   sd_request_check_idempotency  (SdRequest        *request);
gboolean   sd_request_record_idempotency (SdRequest        *request,
                                          GError          **error);

SdStore   *sd_server_get_store          (SdServer          *self);

G_END_DECLS
