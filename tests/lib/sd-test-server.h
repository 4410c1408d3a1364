#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * The real supportdesk-server binary, started for one test on a free
 * loopback port with a fresh temporary data dir and the demo data, and a
 * libsoup session to talk to it.
 */
typedef struct
{
  GSubprocess *process;
  char        *data_dir;
  char        *url;       /* "http://127.0.0.1:PORT", no trailing slash */
  SoupSession *session;
  GStrv        extra_args;
  char        *log_path;  /* the server's standard error, or NULL when not captured */
} SdTestServer;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  JsonNode           *json;  /* the parsed body when it is JSON, else NULL */
} SdTestResponse;

/* @extra_args: more command-line options (NULL-terminated), or NULL. */
SdTestServer   *sd_test_server_new        (const char * const *extra_args);
void            sd_test_server_stop       (SdTestServer       *self);
/* Stops and starts again on the same data dir (the port changes). */
void            sd_test_server_restart    (SdTestServer       *self);
/*
 * Starts a stopped server again on the same data dir and the same port, so
 * that a client keeps its URL; with the extra_args of @self as they are then
 * (a test may change them in between).
 */
void            sd_test_server_start_on_same_port (SdTestServer *self);
void            sd_test_server_free       (SdTestServer       *self);
const char     *sd_test_server_binary     (void);

/*
 * One request. @path starts with "/" and may carry a query. @token adds
 * "Authorization: Bearer …". @json is sent as application/json.
 */
SdTestResponse *sd_test_request           (SdTestServer       *self,
                                           const char         *method,
                                           const char         *path,
                                           const char         *token,
                                           const char         *json);
/* The same with any body and type (NULL for none), and extra headers as
 * NULL-terminated name, value pairs. */
SdTestResponse *sd_test_request_full      (SdTestServer       *self,
                                           const char         *method,
                                           const char         *path,
                                           const char         *token,
                                           const char         *content_type,
                                           GBytes             *body,
                                           const char * const *headers);
void            sd_test_response_free     (SdTestResponse     *response);
JsonObject     *sd_test_response_object   (SdTestResponse     *response);
/* Asserts the status, the error body's code, and its field (NULL: no field). */
void            sd_test_assert_error      (SdTestResponse     *response,
                                           guint               status,
                                           const char         *code,
                                           const char         *field);

/* Signs in and returns the token; asserts success. */
char           *sd_test_login             (SdTestServer       *self,
                                           const char         *email,
                                           const char         *password);

/* @text repeated @n times, for bodies at and past a length limit. */
char           *sd_test_repeat            (const char         *text,
                                           guint               n);
/* @text as a JSON string literal, quoted and escaped. */
char           *sd_test_json_string       (const char         *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestServer, sd_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestResponse, sd_test_response_free)

/*
 * Like sd_test_server_new(), with the server's standard error (its request
 * log) written to a file instead of the test's own, for
 * sd_test_server_read_log().
 */
SdTestServer   *sd_test_server_new_logged (const char * const *extra_args);
/* Everything the server wrote on standard error so far (across restarts). */
char           *sd_test_server_read_log   (SdTestServer       *self);

/*
 * Sends @request byte for byte on a new connection, then reads until the
 * server closes it or @timeout_seconds pass; *@out_closed (optional) tells
 * which. Write errors are ignored: a server may answer and close before the
 * whole request is sent. Returns the response as parsed from the bytes
 * read (status 0 when nothing parseable came back).
 */
SdTestResponse *sd_test_raw_request       (SdTestServer       *self,
                                           GBytes             *request,
                                           guint               timeout_seconds,
                                           gboolean           *out_closed);

/*
 * Asserts that @text is an RFC 3339 UTC time ("…Z") within @tolerance
 * seconds of @expected (Unix seconds).
 */
void            sd_test_assert_time_near  (const char         *text,
                                           gint64              expected,
                                           gint64              tolerance);

/*
 * A self-signed certificate for 127.0.0.1 and its unencrypted key, both PEM,
 * made with openssl in a temporary folder that sd_test_certificate_free()
 * removes. The server serves it with the extra arguments
 * "--tls-certificate", certificate, "--tls-key", key; its URL is then
 * https://. NULL, with the test skipped, when openssl is not installed.
 */
typedef struct
{
  char *dir;
  char *certificate;
  char *key;
} SdTestCertificate;

SdTestCertificate *sd_test_certificate_new  (void);
void               sd_test_certificate_free (SdTestCertificate *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestCertificate, sd_test_certificate_free)

#define SD_TEST_PASSWORD "demo-password"
#define SD_TEST_CUSTOMER "customer@example.com"
#define SD_TEST_OTHER    "other@example.org"
#define SD_TEST_AGENT    "agent@example.com"

G_END_DECLS
