#pragma once

#include "sd-test-server.h"

G_BEGIN_DECLS

/*
 * sd-fault-proxy started for one test in front of a server, on a free
 * loopback port. Each request through it meets one fault, drawn from a
 * sequence that the seed alone fixes. Rates are probabilities from 0 to 1
 * and add up to at most 1; all 0 is a plain pass-through.
 */
typedef struct
{
  guint32 seed;
  double  drop_rate;           /* half in the request, half in the response */
  double  drop_request_rate;   /* the request never arrives whole */
  double  drop_response_rate;  /* the server answers, the client gets part of it */
  double  stall_rate;
  double  error_rate;          /* 500, 503 or 429 from the proxy itself */
  guint   stall_ms;            /* the longest stall; 0 for the proxy's default */
} SdTestProxyOptions;

typedef struct
{
  GSubprocess        *process;
  GDataInputStream   *control;   /* the proxy's standard output */
  char               *upstream;
  char               *url;       /* "http://127.0.0.1:PORT", no trailing slash */
  SdTestProxyOptions  options;
  SoupSession        *session;   /* used by sd_test_proxy_request() */
  char               *log_path;  /* the proxy's standard error */
} SdTestProxy;

/* @options: NULL for a pass-through with seed 0. */
SdTestProxy    *sd_test_proxy_new           (const char               *upstream_url,
                                             const SdTestProxyOptions *options);
const char     *sd_test_proxy_get_url       (SdTestProxy              *self);
/* Stops the proxy; asserts a clean exit. */
void            sd_test_proxy_stop          (SdTestProxy              *self);
/*
 * Stops the proxy if it runs and starts it again on the same port, with
 * @options (NULL: the ones it had). The fault sequence starts over.
 */
void            sd_test_proxy_restart       (SdTestProxy              *self,
                                             const SdTestProxyOptions *options);
/*
 * In blackhole mode the proxy accepts connections and leaves them, and any
 * request, unanswered; when it ends, what was held is served. Returns once
 * the proxy has switched.
 */
void            sd_test_proxy_set_blackhole (SdTestProxy              *self,
                                             gboolean                  blackhole);
void            sd_test_proxy_free          (SdTestProxy              *self);
const char     *sd_test_proxy_binary        (void);

/* Everything the proxy logged so far (across restarts): one line per request. */
char           *sd_test_proxy_read_log      (SdTestProxy              *self);

/*
 * One request through the proxy with its session. Unlike sd_test_request(),
 * a transport error is no failure: it returns NULL and sets @error. @headers
 * are NULL-terminated name, value pairs, or NULL.
 *
 * A dropped response is an error for libsoup on a connection it keeps open.
 * But when the request says "Connection: close", libsoup 3.2 reads the body
 * up to the close and returns whatever came, without an error: then the
 * response's json is NULL if the body does not parse.
 */
SdTestResponse *sd_test_proxy_request       (SdTestProxy              *self,
                                             const char               *method,
                                             const char               *path,
                                             const char               *token,
                                             const char               *json,
                                             const char * const       *headers,
                                             GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestProxy, sd_test_proxy_free)

G_END_DECLS
